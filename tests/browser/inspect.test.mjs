// Browser tests of the inspector page (/inspect.html) against the real service at BASE_URL,
// with the demo data of Yongji (140881) and an inspector account for 140881 whose name and
// password come from INSPECTOR_USER / INSPECTOR_PASSWORD (scripts/test.sh creates it).
// Everything about checklists is read from the API (GET /api/v1/checklists/{kind}), so the
// tests follow the data in data/checklists.json rather than copies of it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, watchCsp, BASE_URL } from './helpers.mjs';

const USER = process.env.INSPECTOR_USER;
const PASSWORD = process.env.INSPECTOR_PASSWORD;
const NO_ACCOUNT = !USER || !PASSWORD ? 'INSPECTOR_USER / INSPECTOR_PASSWORD not set' : false;
const T = { timeout: 90_000 };

// A 1×1 PNG, for photo items.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let browser;
let ramps = [];
let rampChecklist;
before(async () => {
  browser = await launch();
  const list = await (await fetch(`${BASE_URL}/api/v1/facilities?district=140881&kind=ramp&limit=50`)).json();
  ramps = list.features;
  assert.ok(ramps.length >= 4, `demo data have ramps in Yongji: ${ramps.length}`);
  const res = await fetch(`${BASE_URL}/api/v1/checklists/ramp`);
  assert.equal(res.status, 200, 'GET /api/v1/checklists/ramp');
  rampChecklist = await res.json();
});
after(async () => {
  await browser?.close();
});

function slopeItem() {
  const item = rampChecklist.items.find((i) => i.type === 'measurement' && i.quantity === 'slope' && (i.rules || []).length);
  assert.ok(item, 'the ramp checklist has a judged slope item');
  return item;
}

/** The rule of `item` that applies to a facility with these attributes (first whose `when` matches). */
function ruleFor(item, attributes = {}) {
  return item.rules.find((r) => !r.when || attributes[r.when.attribute] === r.when.equals);
}

async function newPage({ viewport = { width: 390, height: 844 }, path } = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const errors = [];
  await watchCsp(context, errors);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  await page.goto(`${BASE_URL}${path}`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  return { context, page, errors };
}

async function signIn(page) {
  await page.getByLabel('用户名').fill(USER);
  await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('#signed-in').waitFor({ state: 'visible', timeout: 10000 });
}

/** Answers every required item with a valid value (slope: `slope`, observations: yes, photos: a PNG). */
async function fillRequired(page, checklist, { slope = '1:10' } = {}) {
  for (const item of checklist.items) {
    if (!item.required) continue;
    if (item.type === 'measurement') {
      if (item.quantity === 'slope') {
        await page.locator(`#u-${item.code}`).selectOption('ratio');
        await page.locator(`#v-${item.code}`).fill(slope);
      } else {
        await page.locator(`#u-${item.code}`).selectOption(item.unit);
        const r = item.physicalRange || {};
        const v = Number.isFinite(r.min) && Number.isFinite(r.max) ? (r.min + r.max) / 2 : 1;
        await page.locator(`#v-${item.code}`).fill(String(Math.round(v * 100) / 100));
      }
    } else if (item.type === 'observation') {
      await page.locator(`#o-${item.code}-yes`).check();
    } else {
      await page.locator(`#p-${item.code}`).setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    }
  }
}

async function inspectionsOf(context, facilityId) {
  const res = await context.request.get(`${BASE_URL}/api/v1/inspections?facility=${facilityId}&limit=500`);
  assert.equal(res.status(), 200, `GET /api/v1/inspections?facility=${facilityId}`);
  const body = await res.json();
  const items = Array.isArray(body) ? body : body.items || body.inspections || [];
  return items;
}

async function waitForWorker(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
}

test('live verdict: slope 1:10 and 10 % fail against the rule with its threshold and clause; recorded-not-judged items say so', T, async () => {
  const ramp = ramps[0];
  const item = slopeItem();
  const rule = ruleFor(item, ramp.properties.attributes);
  assert.match(rule.text.zh, /1:12/, 'the ramp slope rule is the 1:12 rule');
  assert.ok(rule.max < 0.1, 'a slope of 1:10 is over the limit');
  const { context, page, errors } = await newPage({ path: `/inspect.html?facility=${ramp.id}` });
  try {
    await page.locator('#check').waitFor({ state: 'visible', timeout: 10000 });
    const fieldset = page.locator(`fieldset[data-item="${item.code}"]`);
    assert.equal((await fieldset.locator('legend').textContent()).includes(item.labels.zh), true, 'legend names the item');
    // the threshold is shown before anything is entered
    assert.match(await page.locator(`#rule-${item.code}`).textContent(), new RegExp(rule.text.zh.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));

    const verdict = page.locator(`#verdict-${item.code}`);
    assert.equal(await verdict.getAttribute('aria-live'), 'polite');
    await page.getByLabel('单位').first().selectOption('ratio');
    await page.locator(`#v-${item.code}`).fill('1:10');
    await page.waitForFunction((code) => document.getElementById(`verdict-${code}`).dataset.verdict === 'fail', item.code);
    let text = await verdict.textContent();
    assert.match(text, /不合格/);
    assert.ok(text.includes(rule.text.zh), `threshold in "${text}"`);
    assert.ok(text.includes(item.clause), `clause ${item.clause} in "${text}"`);

    await page.locator(`#u-${item.code}`).selectOption('percent');
    await page.locator(`#v-${item.code}`).fill('10');
    await page.waitForFunction((code) => document.getElementById(`verdict-${code}`).dataset.verdict === 'fail', item.code);
    text = await verdict.textContent();
    assert.match(text, /不合格/);
    assert.ok(text.includes(rule.text.zh) && text.includes(item.clause), text);

    // 4° is tan 4° ≈ 0.070 ≈ 1:14.3: passes 1:12
    await page.locator(`#u-${item.code}`).selectOption('degrees');
    await page.locator(`#v-${item.code}`).fill('4');
    await page.waitForFunction((code) => document.getElementById(`verdict-${code}`).dataset.verdict === 'pass', item.code);
    assert.match(await verdict.textContent(), /合格/);

    // 1:0 is no slope at all: refused as out of range, no verdict
    await page.locator(`#u-${item.code}`).selectOption('ratio');
    await page.locator(`#v-${item.code}`).fill('1:0');
    await page.waitForFunction((code) => document.getElementById(`v-${code}`).getAttribute('aria-invalid') === 'true', item.code);
    assert.equal(await page.locator(`#err-${item.code}`).isVisible(), true);

    // an item whose threshold is not confirmed is recorded, not judged
    const unconfirmed = rampChecklist.items.find((i) => i.type === 'measurement' && i.confidence === 'unconfirmed');
    if (unconfirmed) {
      await page.locator(`#u-${unconfirmed.code}`).selectOption(unconfirmed.unit);
      const r = unconfirmed.physicalRange || { min: 0, max: 2 };
      await page.locator(`#v-${unconfirmed.code}`).fill(String((r.min + r.max) / 2));
      await page.waitForFunction((code) => document.getElementById(`verdict-${code}`).dataset.verdict === 'not_judged', unconfirmed.code);
      assert.match(await page.locator(`#verdict-${unconfirmed.code}`).textContent(), /已记录，未判定/);
    }

    // English: the same verdict in English
    await page.locator(`#v-${item.code}`).fill('1:10');
    await page.locator('#lang-toggle').click();
    await page.waitForFunction((code) => /fail/.test(document.getElementById(`verdict-${code}`).textContent), item.code);
    assert.equal(await page.locator(`#v-${item.code}`).inputValue(), '1:10', 'switching language keeps the answers');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('offline: an inspection written without a connection is queued, survives a reload and arrives exactly once', { ...T, skip: NO_ACCOUNT }, async () => {
  const ramp = ramps[1];
  const { context, page, errors } = await newPage({ path: `/inspect.html?facility=${ramp.id}` });
  try {
    await signIn(page);
    await waitForWorker(page);
    const before = await inspectionsOf(context, ramp.id);
    await page.locator('#check').waitFor({ state: 'visible' });
    await fillRequired(page, rampChecklist);
    // a photo taken offline is kept as a Blob in IndexedDB and uploaded before the inspection
    await page.getByLabel('现场照片（可选）').setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PNG });

    await context.setOffline(true);
    await page.waitForFunction(() => document.getElementById('connection').dataset.state === 'offline');
    await page.getByRole('button', { name: '提交检查' }).click();
    await page.locator('[data-outcome="queued"]').waitFor({ timeout: 10000 });
    await page.waitForFunction(() => document.getElementById('queue-status').dataset.waiting === '1');
    const status = page.locator('#queue-status');
    assert.equal(await status.getAttribute('aria-live'), 'polite');
    await page.waitForFunction(() => /待发送 1 条/.test(document.getElementById('queue-status').textContent));
    const clientId = await page.locator('#queue-list li').first().getAttribute('data-client-id');
    assert.match(clientId, /^[0-9a-f-]{36}$/);

    // still offline: the page reopens from the service worker and the queue from IndexedDB
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    await page.waitForFunction(() => document.getElementById('queue-status').dataset.waiting === '1');
    assert.equal(await page.locator(`#queue-list li[data-client-id="${clientId}"]`).count(), 1, 'the same inspection is still queued');
    // (the test's own API client is not offline) the server has not seen it yet
    assert.equal((await inspectionsOf(context, ramp.id)).filter((i) => i.clientId === clientId).length, 0, 'not sent while offline');

    await context.setOffline(false);
    await page.waitForFunction(() => document.getElementById('queue-status').dataset.waiting === '0', null, { timeout: 20000 });
    assert.match(await status.textContent(), /没有待发送/);

    const afterSend = await inspectionsOf(context, ramp.id);
    assert.equal(afterSend.filter((i) => i.clientId === clientId).length, 1, 'exactly one inspection with this clientId');
    assert.equal(afterSend.length, before.length + 1, 'one new inspection for the facility');
    const sent = afterSend.find((i) => i.clientId === clientId);
    if ('photoIds' in sent) {
      assert.equal(sent.photoIds.length, 1, 'the photo went with it');
      const photo = await context.request.get(`${BASE_URL}/api/v1/photos/${sent.photoIds[0]}`);
      assert.equal(photo.status(), 200, 'the uploaded photo is stored');
    }

    // reloading online sends nothing more
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForFunction(() => document.getElementById('queue-status').dataset.waiting === '0');
    assert.equal((await inspectionsOf(context, ramp.id)).length, before.length + 1);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a response lost on the way back is retried with the same clientId and stored once', { ...T, skip: NO_ACCOUNT }, async () => {
  const ramp = ramps[2];
  const { context, page } = await newPage({ path: `/inspect.html?facility=${ramp.id}` });
  try {
    await signIn(page);
    const before = await inspectionsOf(context, ramp.id);
    await page.locator('#check').waitFor({ state: 'visible' });
    await fillRequired(page, rampChecklist);
    // the first POST reaches the server, but its answer never reaches the page
    let posts = 0;
    await page.route('**/api/v1/inspections', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      posts += 1;
      if (posts === 1) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await page.getByRole('button', { name: '提交检查' }).click();
    // the first attempt is over, and the page could not know that it arrived: still waiting
    await page.locator('#queue-list li[data-attempts="1"]').waitFor({ timeout: 10000 });
    await page.waitForFunction(() => document.getElementById('queue-status').dataset.waiting === '1');
    const clientId = await page.locator('#queue-list li').first().getAttribute('data-client-id');
    assert.equal((await inspectionsOf(context, ramp.id)).length, before.length + 1, 'the server has it already');

    await page.getByRole('button', { name: '立即发送' }).click();
    await page.waitForFunction(() => document.getElementById('queue-status').dataset.waiting === '0', null, { timeout: 10000 });
    assert.equal(posts, 2);
    const items = await inspectionsOf(context, ramp.id);
    assert.equal(items.filter((i) => i.clientId === clientId).length, 1);
    assert.equal(items.length, before.length + 1, 'the retry created no duplicate');
    await page.locator('[data-outcome="sent"]').waitFor();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  } finally {
    await context.close();
  }
});

/** Presses Tab until the element matching `selector` has focus; returns how many presses it took. */
async function tabTo(page, selector, max = 150) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return i;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

test('keyboard only: sign in, fill the checklist and submit without a pointer', { ...T, skip: NO_ACCOUNT }, async () => {
  const ramp = ramps[3];
  const item = slopeItem();
  const { context, page, errors } = await newPage({ path: `/inspect.html?facility=${ramp.id}` });
  try {
    const before = await inspectionsOf(context, ramp.id).catch(() => []);
    await page.locator('#check').waitFor({ state: 'visible' });
    await tabTo(page, '#login-user');
    await page.keyboard.type(USER);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('#signed-in').waitFor({ state: 'visible', timeout: 10000 });

    for (const it of rampChecklist.items) {
      if (!it.required) continue;
      if (it.type === 'measurement') {
        await tabTo(page, `#v-${it.code}`);
        // the focus ring is visible
        const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
        assert.notEqual(outline, 'none', `focus of ${it.code} is visible`);
        await page.keyboard.type(it.quantity === 'slope' ? '1:16' : String(((it.physicalRange?.min ?? 0) + (it.physicalRange?.max ?? 2)) / 2));
        await page.keyboard.press('Tab');
        // the unit select: choose the canonical unit by keyboard when it is not already chosen
        const units = it.acceptedUnits && it.acceptedUnits.length ? it.acceptedUnits : [it.unit];
        const wanted = it.quantity === 'slope' ? 'ratio' : it.unit;
        for (let k = 0; k < units.length && (await page.locator(`#u-${it.code}`).inputValue()) !== wanted; k++) {
          await page.keyboard.press('ArrowDown');
        }
        assert.equal(await page.locator(`#u-${it.code}`).inputValue(), wanted);
      } else if (it.type === 'observation') {
        await tabTo(page, `input[name="o-${it.code}"]`);
        await page.keyboard.press('Space');
        assert.equal(await page.locator(`#o-${it.code}-yes`).isChecked(), true);
      }
    }
    const verdict = await page.locator(`#verdict-${item.code}`).getAttribute('data-verdict');
    assert.ok(['pass', 'fail'].includes(verdict), `slope judged: ${verdict}`);
    await tabTo(page, '#submit-inspection');
    await page.keyboard.press('Enter');
    await page.locator('[data-outcome="sent"]').waitFor({ timeout: 15000 });
    // focus moved to the result so a screen reader reads it
    assert.equal(await page.evaluate(() => document.activeElement.id), 'result-heading');
    assert.equal((await inspectionsOf(context, ramp.id)).length, before.length + 1);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a missing required answer is listed in an error summary that takes the focus', T, async () => {
  const { context, page } = await newPage({ path: `/inspect.html?facility=${ramps[0].id}` });
  try {
    await page.locator('#check').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: '提交检查' }).click();
    const summary = page.locator('#error-summary');
    await summary.waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => document.activeElement.id), 'error-summary');
    const required = rampChecklist.items.filter((i) => i.required).length;
    assert.equal(await summary.locator('li').count(), required, 'one line per required item');
    await summary.locator('a').first().click();
    assert.match(await page.evaluate(() => document.activeElement.id), /^(v|o|p)-/);
    assert.equal(await page.evaluate(() => document.getElementById('queue-status').dataset.waiting), '0', 'nothing queued');
  } finally {
    await context.close();
  }
});

test('touch targets are at least 44 px and the page does not scroll sideways on a phone', T, async () => {
  const { context, page } = await newPage({ path: `/inspect.html?facility=${ramps[0].id}` });
  try {
    await page.locator('#check').waitFor({ state: 'visible' });
    const small = await page.evaluate(() => [...document.querySelectorAll('button, select, input:not([type=radio]):not([type=checkbox]), .choice, summary')]
      .filter((e) => e.offsetParent !== null)
      .map((e) => ({ id: e.id || e.className || e.tagName, h: e.getBoundingClientRect().height }))
      .filter((x) => x.h < 43.5));
    assert.deepEqual(small, []);
    const { scrollW, innerW } = await page.evaluate(() => ({ scrollW: document.documentElement.scrollWidth, innerW: window.innerWidth }));
    assert.ok(scrollW <= innerW, `no horizontal overflow (${scrollW} > ${innerW})`);
  } finally {
    await context.close();
  }
});
