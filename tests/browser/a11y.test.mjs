// Automated accessibility check (信息无障碍, WCAG 2.2 AA) with axe-core over the main page states, against the
// real service at BASE_URL with demo data. Fails on any serious or critical violation. Signed-in states use the
// accounts scripts/test.sh creates (INSPECTOR_USER / INSPECTOR_PASSWORD, PLANNER_USER / PLANNER_PASSWORD).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { launch, openPage, watchCsp, cspViolations, waitForFacilities, gapsMissing, BASE_URL } from './helpers.mjs';

const INSPECTOR = process.env.INSPECTOR_USER;
const INSPECTOR_PASSWORD = process.env.INSPECTOR_PASSWORD;
const PLANNER = process.env.PLANNER_USER;
const PLANNER_PASSWORD = process.env.PLANNER_PASSWORD;
// axe takes about a minute per check of the map page (~500 markers) on a loaded 2-core machine: room for three.
const T = { timeout: 300_000 };
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Runs axe on the page and fails with a readable list of the serious and critical violations. */
async function check(page, state, include = []) {
  let builder = new AxeBuilder({ page }).withTags(TAGS);
  // A part of the page only, where the whole would be slow: axe takes minutes over the ~1000 markers of a province.
  for (const selector of include) builder = builder.include(selector);
  // axe is put into the page by Playwright (not an inline <script>), so the page's Content-Security-Policy stays on.
  const results = await builder.analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    ')}`).join('\n  ');
  assert.equal(bad.length, 0, `${state}: ${bad.length} serious or critical violation(s)\n  ${report}`);
  assert.deepEqual(cspViolations(page), [], `${state}: Content-Security-Policy violations`);
}

async function signInInspector(page) {
  await page.goto(`${BASE_URL}/inspect.html`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  await page.getByLabel('用户名').fill(INSPECTOR);
  await page.getByLabel('密码', { exact: true }).fill(INSPECTOR_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('#signed-in').waitFor({ state: 'visible', timeout: 10000 });
}

test('map page: loaded, with a facility opened, in English', T, async () => {
  const { context, page } = await openPage(browser, { path: '/' });
  try {
    await waitForFacilities(page);
    await check(page, 'map');
    await page.locator('#facility-list .facility-item').first().click();
    await page.locator('#details').waitFor({ state: 'visible', timeout: 5000 });
    await check(page, 'map with details');
    await page.locator('#lang-toggle').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: 5000 });
    await check(page, 'map in English');
  } finally {
    await context.close();
  }
});

test('map page: every layer on with its lists, the gap analysis, and the nearest-facility search answered', { ...T, skip: (await gapsMissing()) || false }, async () => {
  const { context, page } = await openPage(browser, { path: '/?layers=facilities,roads,defects,reports,gaps,candidates' });
  try {
    await waitForFacilities(page);
    await page.locator('#candidate-list li').first().waitFor({ timeout: 60000 });
    await page.evaluate(() => window.registry.map.setView([34.868, 110.494], 15, { animate: false }));
    await page.locator('.layer-list[data-layer="reports"]').waitFor({ timeout: 20000 });
    await check(page, 'map with every layer');
    await page.getByLabel('地点名称').fill('城西街道');
    await page.getByRole('button', { name: '查找地点' }).click();
    await page.getByRole('button', { name: '城西街道（永济市）' }).click();
    await page.locator('#nearest-results li').first().waitFor({ timeout: 20000 });
    await check(page, 'nearest accessible toilets listed');
    await page.locator('#lang-toggle').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: 5000 });
    await check(page, 'map layers in English');
  } finally {
    await context.close();
  }
});

test('inspector page signed out', T, async () => {
  const { context, page } = await openPage(browser, { path: '/inspect.html', viewport: { width: 390, height: 844 } });
  try {
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    await check(page, 'inspect.html signed out');
  } finally {
    await context.close();
  }
});

test('inspector page signed in, and the worklist', { ...T, skip: !INSPECTOR || !INSPECTOR_PASSWORD ? 'INSPECTOR_USER / INSPECTOR_PASSWORD not set' : false }, async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'zh-CN' });
  await watchCsp(context, []);
  const page = await context.newPage();
  try {
    await signInInspector(page);
    await check(page, 'inspect.html signed in');
    await page.goto(`${BASE_URL}/worklist.html`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
    await check(page, 'worklist.html');
    await page.getByRole('radio', { name: '区县中心' }).check();
    await page.getByRole('button', { name: '生成任务单' }).click();
    await page.locator('#wl-table tbody tr').first().waitFor({ timeout: 15000 });
    await check(page, 'worklist.html with a worklist');
  } finally {
    await context.close();
  }
});

test('renovations page signed out and signed in', T, async () => {
  const { context, page } = await openPage(browser, { path: '/renovations.html' });
  try {
    await page.getByLabel('用户名').waitFor({ timeout: 15000 });
    await check(page, 'renovations.html signed out');
    if (PLANNER && PLANNER_PASSWORD) {
      await page.getByLabel('用户名').fill(PLANNER);
      await page.getByLabel('密码').fill(PLANNER_PASSWORD);
      await page.keyboard.press('Enter');
      await page.locator('#priority-list .priority-item').first().waitFor({ timeout: 20000 });
      await check(page, 'renovations.html signed in');
    }
  } finally {
    await context.close();
  }
});

test('map page district panel: province, drilled down to a prefecture with another indicator, in English', T, async () => {
  const { context, page } = await openPage(browser, { path: '/?district=14' });
  const shows = (name, rows) => page.waitForFunction(([n, r]) => document.querySelector('#district-trail [aria-current="page"]')?.textContent === n
    && document.querySelectorAll('#compare tbody tr').length === r && document.querySelector('#coverage-body .coverage-list'), [name, rows], { timeout: 60000 });
  try {
    await shows('山西省', 11);
    await page.locator('path.choropleth-area').first().waitFor({ state: 'attached', timeout: 60000 });
    // the panel, the breadcrumb and the choropleth (the map's markers are checked in the county's state below)
    const PANEL = ['#coverage', '#district-trail', '.leaflet-overlay-pane'];
    await check(page, 'district panel: Shanxi', PANEL);
    await page.locator('#compare tbody tr[data-code="140800"] a').click();
    await shows('运城市', 13);
    await page.getByLabel('指标', { exact: true }).selectOption('openDefects');
    await page.waitForFunction(() => document.querySelector('#choropleth-legend h3')?.textContent.includes('未关闭缺陷数'), null, { timeout: 60000 });
    await page.locator('#indicator-how summary').click();
    await page.locator('#targets .target-item, #targets p').first().waitFor({ timeout: 60000 });
    await check(page, 'district panel: Yuncheng, open defects', PANEL);
    await page.locator('#compare tbody tr[data-code="140881"] a').click();
    await shows('永济市', 13);
    await page.locator('#targets .target-item').first().waitFor({ timeout: 60000 });
    await check(page, 'district panel: Yongji with plan targets', PANEL);
    await page.locator('#lang-toggle').click();
    await page.waitForFunction(() => document.getElementById('coverage-heading').textContent.startsWith('District indicators'), null, { timeout: 10000 });
    await check(page, 'district panel in English', PANEL);
  } finally {
    await context.close();
  }
});

test('annual report page, in Chinese and in English', T, async () => {
  const { context, page } = await openPage(browser, { path: '/annual-report.html?district=140881' });
  try {
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
    await check(page, 'annual-report.html');
    await page.goto(`${BASE_URL}/annual-report.html?district=140800&lang=en`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60000 });
    await check(page, 'annual-report.html in English');
  } finally {
    await context.close();
  }
});

test('import page signed out, signed in, and with a rejection report', T, async () => {
  const { context, page } = await openPage(browser, { path: '/import.html' });
  try {
    await page.getByLabel('用户名').waitFor({ timeout: 15000 });
    await check(page, 'import.html signed out');
    if (PLANNER && PLANNER_PASSWORD) {
      await page.getByLabel('用户名').fill(PLANNER);
      await page.getByLabel('密码').fill(PLANNER_PASSWORD);
      await page.keyboard.press('Enter');
      await page.locator('#workspace').waitFor({ state: 'visible', timeout: 15000 });
      await check(page, 'import.html signed in');
      // An OSM file with one element outside every district: the report table and its download link.
      const osm = "<?xml version='1.0'?><osm version='0.6'><node id='1' lat='39.9' lon='116.4'><tag k='highway' v='elevator'/></node></osm>";
      await page.setInputFiles('#import-file', { name: 'a11y.osm', mimeType: 'application/xml', buffer: Buffer.from(osm) });
      await page.getByRole('button', { name: '开始导入' }).click();
      await page.locator('#rejected-table tbody tr').first().waitFor({ timeout: 30000 });
      await check(page, 'import.html with a rejection report');
    }
  } finally {
    await context.close();
  }
});
