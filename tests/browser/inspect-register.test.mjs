// Browser tests of registering and editing facilities on the inspector page (/inspect.html), offline first:
// the writes wait in the page's outbox (IndexedDB) and are sent when the connection is back. Everything is
// done and checked through the page (the search list, the facility summary), not with direct API calls;
// the kind's form comes from /api/v1/facility-kinds (data/facility-kinds.json).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, watchCsp, BASE_URL } from './helpers.mjs';

const USER = process.env.INSPECTOR_USER;
const PASSWORD = process.env.INSPECTOR_PASSWORD;
const NO_ACCOUNT = !USER || !PASSWORD ? 'INSPECTOR_USER / INSPECTOR_PASSWORD not set' : false;
const T = { timeout: 120_000, skip: NO_ACCOUNT };

let browser;
let here; // a point in Yongji (140881), next to a demo ramp: the inspector's district
before(async () => {
  browser = await launch();
  const list = await (await fetch(`${BASE_URL}/api/v1/facilities?district=140881&kind=ramp&limit=5`)).json();
  const [lon, lat] = list.features[0].geometry.coordinates;
  here = { latitude: lat + 0.0004, longitude: lon + 0.0003 };
});
after(async () => {
  await browser?.close();
});

async function newPage() {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 }, locale: 'zh-CN', geolocation: { ...here, accuracy: 8 }, permissions: ['geolocation'],
  });
  const errors = [];
  await watchCsp(context, errors);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  await page.goto(`${BASE_URL}/inspect.html`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  await page.getByLabel('用户名').fill(USER);
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('#signed-in').waitFor({ state: 'visible', timeout: 10000 });
  return { context, page, errors };
}

async function goOffline(context, page) {
  await context.setOffline(true);
  await page.waitForFunction(() => document.getElementById('connection').dataset.state === 'offline');
}

async function goOnlineAndSync(context, page) {
  await context.setOffline(false);
  await page.waitForFunction(() => document.getElementById('queue-status').dataset.waiting === '0', null, { timeout: 20000 });
}

/** Finds `name` with the page's search and opens it for inspection. */
async function openByName(page, name) {
  await page.getByLabel('按名称搜索').fill(name);
  await page.getByRole('button', { name: '搜索', exact: true }).click();
  const item = page.locator('#find-results .facility-item', { hasText: name });
  await item.waitFor({ timeout: 10000 });
  assert.equal(await item.count(), 1, `exactly one facility named ${name}`);
  await item.click();
  await page.locator('#check').waitFor({ state: 'visible' });
}

test('an inspector registers a new curb ramp offline: kind first, its form with units and ranges, GPS; it syncs and is in the registry', T, async () => {
  const { context, page, errors } = await newPage();
  try {
    const name = `新缘石坡道 ${Date.now()}`;
    await goOffline(context, page);

    // kind first: the rest of the form appears for the chosen kind
    assert.equal(await page.locator('#reg-details').isHidden(), true);
    await page.getByLabel('设施类型').selectOption({ label: '缘石坡道' });
    await page.locator('#reg-details').waitFor({ state: 'visible' });
    await page.getByLabel('名称', { exact: true }).fill(name);
    // the curb ramp's own attributes, with units and ranges from data/facility-kinds.json
    const lip = page.getByLabel(/坡口与车行道高差/);
    assert.match(await page.locator('#reg-attr-lip_height_mm-hint').textContent(), /0–300/);
    await lip.fill('400');
    await page.getByRole('button', { name: '登记设施' }).click();
    // refused in the page: required type missing, 400 mm out of range, no position yet; summary linked to fields
    const summary = page.locator('#register-errors');
    await summary.waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'register-errors');
    const text = await summary.textContent();
    assert.match(text, /坡道类型：必填/);
    assert.match(text, /坡口与车行道高差：应在 0–300/);
    assert.match(text, /纬度/);
    assert.equal(await page.locator('#queue-status').getAttribute('data-waiting'), '0', 'nothing queued');
    await summary.getByRole('link', { name: /坡道类型/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reg-attr-curb_ramp_type');

    await page.getByLabel(/坡道类型/).selectOption({ label: '三面坡' });
    await lip.fill('8');
    await page.getByRole('button', { name: '使用我的位置', exact: true }).click();
    await page.waitForFunction(() => document.getElementById('reg-lat').value !== '');
    assert.ok(Math.abs(Number(await page.getByLabel('纬度').inputValue()) - here.latitude) < 1e-5);
    await page.getByRole('button', { name: '登记设施' }).click();

    // queued while offline
    await page.waitForFunction(() => document.getElementById('register-status').dataset.outcome === 'queued');
    await page.waitForFunction(() => document.getElementById('queue-status').dataset.waiting === '1');
    const queued = page.locator('#queue-list li[data-type="facility-create"]');
    assert.match(await queued.textContent(), new RegExp(`登记新设施 ${name}（缘石坡道）`));

    await goOnlineAndSync(context, page);
    await page.waitForFunction(() => document.getElementById('register-status').dataset.outcome === 'sent');
    assert.match(await page.locator('#register-status').textContent(), /已登记/);

    // in the registry: the page's own search finds it, and it opens with its kind and attributes
    await openByName(page, name);
    assert.match(await page.locator('#facility-summary').textContent(), /缘石坡道/);
    await page.getByText('修改属性或状态').click();
    assert.equal(await page.getByLabel(/坡道类型/).inputValue(), 'three_sided');
    assert.equal(await page.getByLabel(/坡口与车行道高差/).inputValue(), '8');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('attribute edits and a status change made offline sync; an edit overtaken by another device is shown as a conflict', T, async () => {
  const name = `待修改坡道 ${Date.now()}`;
  const a = await newPage();
  const b = await newPage();
  try {
    // register it online on device A
    await a.page.getByLabel('设施类型').selectOption({ label: '缘石坡道' });
    await a.page.getByLabel('名称', { exact: true }).fill(name);
    await a.page.getByLabel(/坡道类型/).selectOption({ label: '其他类型' });
    await a.page.getByRole('button', { name: '使用我的位置', exact: true }).click();
    await a.page.waitForFunction(() => document.getElementById('reg-lat').value !== '');
    await a.page.getByRole('button', { name: '登记设施' }).click();
    await a.page.waitForFunction(() => document.getElementById('register-status').dataset.outcome === 'sent', null, { timeout: 20000 });

    // both devices open it, then lose the connection
    await openByName(a.page, name);
    await openByName(b.page, name);
    await goOffline(a.context, a.page);
    await goOffline(b.context, b.page);

    // A: two edits one after the other, both offline (the second builds on the first)
    await a.page.getByText('修改属性或状态').click();
    await a.page.getByLabel('状态', { exact: true }).selectOption({ label: '有缺陷但可使用' });
    await a.page.getByRole('button', { name: '保存修改' }).click();
    await a.page.waitForFunction(() => document.getElementById('edit-status-text').dataset.outcome === 'queued');
    await a.page.getByLabel(/坡口与车行道高差/).fill('25');
    await a.page.getByRole('button', { name: '保存修改' }).click();
    await a.page.waitForFunction(() => document.getElementById('queue-status').dataset.waiting === '2');
    // B: its own edit of the same version
    await b.page.getByText('修改属性或状态').click();
    await b.page.getByLabel('状态', { exact: true }).selectOption({ label: '无法使用' });
    await b.page.getByRole('button', { name: '保存修改' }).click();
    await b.page.waitForFunction(() => document.getElementById('queue-status').dataset.waiting === '1');

    await goOnlineAndSync(a.context, a.page);
    await a.page.waitForFunction(() => document.getElementById('edit-status-text').dataset.outcome === 'sent');
    assert.match(await a.page.locator('#facility-summary').textContent(), /有缺陷但可使用/);

    // B comes back later: its edit was made on a version that is gone
    await b.context.setOffline(false);
    await b.page.waitForFunction(() => document.getElementById('queue-status').dataset.rejected === '1', null, { timeout: 20000 });
    assert.equal(await b.page.locator('#queue-list li').first().getAttribute('data-state'), 'conflict');
    assert.match(await b.page.locator('#queue-list li').first().textContent(), /冲突/);
    assert.match(await b.page.locator('#edit-status-text').textContent(), /已被他人修改/);

    // what the registry holds, seen through a fresh page: A's status and lip height, not B's
    const c = await newPage();
    try {
      await openByName(c.page, name);
      assert.match(await c.page.locator('#facility-summary').textContent(), /有缺陷但可使用/);
      await c.page.getByText('修改属性或状态').click();
      assert.equal(await c.page.getByLabel(/坡口与车行道高差/).inputValue(), '25');
    } finally {
      await c.context.close();
    }
    assert.deepEqual(a.errors, []);
    assert.deepEqual(b.errors, []);
  } finally {
    await a.context.close();
    await b.context.close();
  }
});
