// Browser test of the public report page (/report.html) against the real service at BASE_URL:
// a report filed with the keyboard alone, followed by its tracking number, closed after staff
// accept it and a re-inspection verifies the defect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, watchCsp, BASE_URL } from './helpers.mjs';

const USER = process.env.INSPECTOR_USER;
const PASSWORD = process.env.INSPECTOR_PASSWORD;
const T = { timeout: 90_000, skip: !USER || !PASSWORD ? 'INSPECTOR_USER / INSPECTOR_PASSWORD not set' : false };

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Press Tab (at most 40 times) until the element matching `selector` has the focus. */
async function tabTo(page, selector) {
  for (let i = 0; i < 40; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** With a <select> focused, press ArrowDown until its value is `value`. */
async function arrowTo(page, selector, value) {
  for (let i = 0; i < 60; i++) {
    if (await page.locator(selector).inputValue() === value) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`${selector} never reached ${value}`);
}

/** Staff session through the API: sign in with the antiforgery token, as the inspector page does. */
async function staffSession() {
  const context = await browser.newContext();
  const api = context.request;
  const af = await (await api.get(`${BASE_URL}/api/v1/auth/antiforgery`)).json();
  const login = await api.post(`${BASE_URL}/api/v1/auth/login`, {
    headers: { [af.headerName]: af.token }, data: { userName: USER, password: PASSWORD },
  });
  assert.equal(login.status(), 200, await login.text());
  const token = (await login.json()).antiforgeryToken;
  const post = async (path, data) => {
    const res = await api.post(`${BASE_URL}${path}`, { headers: { 'X-CSRF-TOKEN': token }, data });
    assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
    return res.json();
  };
  return { context, api, post };
}

test('a report filed with the keyboard alone is followed by its number and closes when the defect is verified', T, async () => {
  const staff = await staffSession();
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, locale: 'zh-CN' });
  const errors = [];
  await watchCsp(context, errors);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  try {
    const ramps = await (await staff.api.get(`${BASE_URL}/api/v1/facilities?district=140881&kind=ramp&limit=1`)).json();
    const ramp = ramps.features[0];
    const rampId = String(ramp.id ?? ramp.properties.id);

    await page.goto(`${BASE_URL}/report.html`);
    await page.waitForSelector('body[data-ready="true"]');

    // Every control has a label.
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('main input, main select, main textarea')]
      .filter((el) => el.id !== 'website' && !document.querySelector(`label[for="${el.id}"]`)).map((el) => el.id));
    assert.deepEqual(unlabelled, []);

    await tabTo(page, '#service');
    await arrowTo(page, '#service', 'ramp');
    await page.locator('#attribute-wrap').waitFor({ state: 'visible' });
    await tabTo(page, '#facility-search');
    await page.keyboard.type(ramp.properties.name);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#facility').options.length > 1);
    await tabTo(page, '#facility');
    await arrowTo(page, '#facility', rampId);
    assert.match(await page.locator('#location-status').textContent(), /已选择设施/);
    await tabTo(page, '#description');
    const description = '坡道被杂物挡住 <script>window.__xss = 1</script>';
    await page.keyboard.type(description);
    await tabTo(page, '#submit-report');
    await page.keyboard.press('Enter');

    const number = page.locator('#tracking-number');
    await page.waitForSelector('#tracking-number, #errors p', { timeout: 20000 });
    assert.equal(await page.locator('#errors').textContent(), '', 'no error shown');
    const id = (await number.textContent()).trim();
    assert.match(id, /^\d+$/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'report-result', 'focus moves to the result');

    // Follow it by its tracking number.
    await tabTo(page, '#track-id');
    await page.keyboard.type(id);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#track-status[data-status="open"]');
    assert.equal(await page.locator('.track-description').textContent(), description);
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'the description runs nothing');

    // Staff accept it (a defect on the ramp), and a re-inspection verifies the repair.
    const accepted = await staff.post(`/api/v1/reports/${id}/accept`, { facilityId: Number(rampId), item: 'slope' });
    assert.equal(accepted.state, 'accepted');
    await staff.post('/api/v1/inspections', {
      clientId: crypto.randomUUID(), facilityId: Number(rampId), inspectedAt: new Date().toISOString(),
      answers: [{ item: 'slope', value: '1:12' }], note: 'browser test', photoIds: [],
    });

    await tabTo(page, '#track-id');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#track-status[data-status="closed"]', { timeout: 15000 });
    const history = await page.locator('.track-history li').allTextContents();
    assert.equal(history.length, 3, history.join(' | '));
    assert.match(history[2], /已办结/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await staff.context.close();
  }
});

test('the map page links to the report page', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${BASE_URL}/`);
    assert.equal(await page.locator('a[href="/report.html"]').count(), 1);
  } finally {
    await page.close();
  }
});
