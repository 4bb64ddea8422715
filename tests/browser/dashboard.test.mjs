// Browser tests of the district panel of the map page (dashboard.js), against the real service at BASE_URL with
// the districts and demo data: drill-down Shanxi → Yuncheng → Yongji by the map and by keyboard and back with the
// browser's Back, the indicator switch (legend, table, definition), the page state in the URL, the sortable
// comparison table, plan targets. Every wait is for a state of the page, never for a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, watchCsp, exposeRegistry, BASE_URL } from './helpers.mjs';

const T = { timeout: 180_000 };
const WAIT = { timeout: 60_000 };
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Waits until the panel shows district `name` with its subdivisions compared (or none). */
async function waitForDistrict(page, name, { children = null } = {}) {
  await page.waitForFunction(([n, count]) => {
    const current = document.querySelector('#district-trail [aria-current="page"]');
    const heading = document.getElementById('coverage-heading');
    const rows = document.querySelectorAll('#compare tbody tr').length;
    return current?.textContent === n && heading?.textContent.includes(n)
      && document.querySelector('#coverage-body .coverage-list')
      && (count === null ? rows > 0 : rows === count);
  }, [name, children], WAIT);
}

const districtParam = (page) => new URL(page.url()).searchParams.get('district');

/**
 * A point inside the map polygon of `code` that is really clickable (not under a marker or a control), taken once the
 * map has settled: fitting the map to a district animates the zoom, and a point picked mid-animation can lie outside
 * the polygon when the click lands. The point is also kept away from the polygon's edge (its neighbours 12 px away
 * hit the polygon too), so a sub-pixel redraw cannot move it onto a neighbour.
 */
async function clickablePointOf(page, code) {
  await page.locator(`path.choropleth-area[data-code="${code}"]`).waitFor({ state: 'attached', ...WAIT });
  // settled: no zoom or pan animation, and the polygon's box unchanged over two successive animation frames
  await page.waitForFunction((c) => {
    const path = document.querySelector(`path.choropleth-area[data-code="${c}"]`);
    if (!path || document.querySelector('.leaflet-zoom-anim, .leaflet-pan-anim')) return false;
    const r = path.getBoundingClientRect();
    const box = [r.left, r.top, r.width, r.height].join();
    const same = window.__lastPolygonBox === box;
    window.__lastPolygonBox = box;
    return same && r.width > 0;
  }, code, { polling: 'raf', ...WAIT });
  const point = await page.evaluate((c) => {
    const path = document.querySelector(`path.choropleth-area[data-code="${c}"]`);
    const r = path.getBoundingClientRect();
    const on = (x, y) => document.elementFromPoint(x, y) === path;
    const m = 12;
    for (let i = 1; i < 20; i += 1) {
      for (let j = 1; j < 20; j += 1) {
        const x = r.left + (r.width * i) / 20;
        const y = r.top + (r.height * j) / 20;
        if (on(x, y) && on(x - m, y) && on(x + m, y) && on(x, y - m) && on(x, y + m)) return { x, y };
      }
    }
    return null;
  }, code);
  assert.ok(point, `a clickable point inside the polygon of ${code}`);
  return point;
}

/** The displayed values of the comparison table, as numbers (null for no data). */
async function tableValues(page) {
  const texts = await page.locator('#compare tbody td.num').allTextContents();
  return texts.map((t) => {
    const m = t.replace(/,/g, '').match(/-?\d+(\.\d+)?/);
    return m ? Number(m[0]) : null;
  });
}

test('drill from Shanxi to Yongji by the map and by keyboard, and back up with the browser\'s Back', T, async () => {
  const { context, page, errors } = await openPage(browser, { path: '/?district=14' });
  try {
    await waitForDistrict(page, '山西省', { children: 11 });
    assert.equal(districtParam(page), '140000', 'the short code is written in full');
    assert.equal(await page.getByRole('navigation', { name: '区划层级' }).count(), 1, 'the breadcrumb is a labelled nav');

    // Shanxi → Yuncheng: a click on the map
    const p = await clickablePointOf(page, '140800');
    await page.mouse.click(p.x, p.y);
    await waitForDistrict(page, '运城市', { children: 13 });
    assert.equal(districtParam(page), '140800');
    assert.deepEqual(await page.locator('#district-trail li').allTextContents(), ['山西省', '运城市']);

    // Yuncheng → Yongji: Enter on its name in the comparison table; focus goes to the panel heading
    const link = page.locator('#compare tbody tr[data-code="140881"] a');
    await link.focus();
    await page.keyboard.press('Enter');
    await waitForDistrict(page, '永济市', { children: 13 });
    assert.equal(districtParam(page), '140881');
    await page.waitForFunction(() => document.activeElement?.id === 'coverage-heading', null, WAIT);
    assert.deepEqual(await page.locator('#district-trail li').allTextContents(), ['山西省', '运城市', '永济市']);
    // the district select of the map follows
    assert.equal(await page.locator('#district-select').inputValue(), '140881');
    // the demo draws synthetic township boundaries for Yongji: the choropleth reaches its townships
    assert.doesNotMatch(await page.locator('#choropleth-legend').textContent(), /暂无边界数据/);
    assert.match(await page.locator('#choropleth-legend').textContent(), /个/);

    // Back: Yuncheng, then Shanxi
    await page.goBack();
    await waitForDistrict(page, '运城市', { children: 13 });
    assert.equal(districtParam(page), '140800');
    await page.goBack();
    await waitForDistrict(page, '山西省', { children: 11 });
    assert.equal(districtParam(page), '140000');

    // keyboard on the map: Enter on the polygon of Yuncheng
    const polygon = page.locator('path.choropleth-area[data-code="140800"]');
    await polygon.waitFor({ state: 'attached', ...WAIT });
    assert.match(await polygon.getAttribute('aria-label'), /运城市/);
    await polygon.focus();
    await page.keyboard.press('Enter');
    await waitForDistrict(page, '运城市', { children: 13 });

    // and up by the breadcrumb
    await page.locator('#district-trail a', { hasText: '山西省' }).click();
    await waitForDistrict(page, '山西省', { children: 11 });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a row\'s link keeps keyboard focus when the boundaries arrive and redraw the table, and Enter on it still drills', T, async () => {
  // The subdivisions' boundaries are held back (and then passed to the real service) until a link of the table has
  // focus: the redraw they cause must not drop a keyboard user to the top of the page.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let requests = 0;
  const route = (page) => page.route('**/api/v1/districts/*/children/boundaries', async (r) => { requests += 1; await held; await r.continue(); });
  const { context, page, errors } = await openPage(browser, { path: '/?district=140800', route });
  try {
    await waitForDistrict(page, '运城市', { children: 13 });
    assert.equal(await page.locator('path.choropleth-area').count(), 0, 'no polygon before the boundaries');
    await page.locator('#compare tbody tr[data-code="140881"] a').focus();
    const before = await page.evaluateHandle(() => document.activeElement);
    release();
    await page.locator('path.choropleth-area[data-code="140881"]').waitFor({ state: 'attached', ...WAIT });
    assert.equal(await before.evaluate((a) => a.isConnected), false, 'the table was drawn anew');
    assert.equal(requests, 1, 'the 13 counties\' boundaries came in one request');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('tr')?.dataset.code), '140881',
      'the focus is on the same row\'s link');
    await page.keyboard.press('Enter');
    await waitForDistrict(page, '永济市', { children: 13 });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('switching the indicator changes the legend, the table and the definition; the URL keeps it', T, async () => {
  const { context, page } = await openPage(browser, { path: '/?district=140800' });
  try {
    await waitForDistrict(page, '运城市', { children: 13 });
    const select = page.getByLabel('指标', { exact: true });
    assert.equal(await select.inputValue(), 'toiletReach');
    assert.match(await page.locator('#choropleth-legend h3').textContent(), /无障碍厕所 500 米覆盖率/);
    const shares = await page.locator('#compare tbody td.num').allTextContents();
    assert.ok(shares.every((t) => /%$|无数据/.test(t)), `shares as percentages: ${shares}`);
    const legendBefore = await page.locator('#choropleth-legend .class-range').allTextContents();

    await select.selectOption('mainRoads');
    await page.waitForFunction(() => document.querySelector('#choropleth-legend h3')?.textContent.includes('主干路无障碍长度占比'), null, WAIT);
    assert.equal(new URL(page.url()).searchParams.get('indicator'), 'mainRoads');
    // the table now holds the main-road shares of the API, in the table's order
    const api = await (await page.request.get(`${BASE_URL}/api/v1/coverage?parent=140800`)).json();
    const byName = new Map(api.children.map((c) => [c.name, c.mainRoads.share]));
    const names = await page.locator('#compare tbody th').allTextContents();
    const values = await tableValues(page);
    names.forEach((n, i) => {
      const expected = byName.get(n);
      if (expected == null) assert.equal(values[i], null);
      else assert.ok(Math.abs(values[i] - expected * 100) < 0.051, `${n}: ${values[i]} vs ${expected}`);
    });
    // sorted by value, highest first
    const known = values.filter((v) => v != null);
    assert.deepEqual(known, [...known].sort((a, b) => b - a));

    // a count: open defects, quartile classes of the values, "lower is better"
    await select.selectOption('openDefects');
    await page.waitForFunction(() => document.querySelector('#choropleth-legend h3')?.textContent.includes('未关闭缺陷数'), null, WAIT);
    assert.match(await page.locator('#choropleth-legend .legend-note').textContent(), /越低越好/);
    assert.notDeepEqual(await page.locator('#choropleth-legend .class-range').allTextContents(), legendBefore);
    assert.ok((await page.locator('#compare tbody td.num').allTextContents()).every((t) => /^\d[\d,]*$/.test(t)), 'counts as whole numbers');

    // public reports, once the server counts them per district
    if (api.parent.reports) {
      await select.selectOption('reportsOpen');
      await page.waitForFunction(() => document.querySelector('#choropleth-legend h3')?.textContent.includes('未办结群众报告数'), null, WAIT);
      const open = new Map(api.children.map((c) => [c.name, c.reports.open]));
      const shown = await tableValues(page);
      (await page.locator('#compare tbody th').allTextContents()).forEach((n, i) => assert.equal(shown[i], open.get(n), n));
      await select.selectOption('openDefects');
    }

    // "how is this computed" for the chosen indicator, opened by keyboard
    const summary = page.locator('#indicator-how summary');
    assert.match(await summary.textContent(), /如何计算：未关闭缺陷数/);
    await summary.focus();
    await page.keyboard.press('Enter');
    assert.match(await page.locator('#indicator-how details[open] p').textContent(), /未关闭缺陷/);
  } finally {
    await context.close();
  }
});

test('a copied link reproduces the view in a new page, English included', T, async () => {
  const { context, page } = await openPage(browser, { path: '/?district=140800' });
  let copy;
  try {
    await waitForDistrict(page, '运城市', { children: 13 });
    await page.getByLabel('指标', { exact: true }).selectOption('inspections');
    await page.waitForFunction(() => new URL(window.location.href).searchParams.get('indicator') === 'inspections', null, WAIT);
    await page.locator('#lang-toggle').click();
    await page.waitForFunction(() => document.getElementById('coverage-heading').textContent.startsWith('District indicators'), null, WAIT);
    // the map view is in the link too
    await page.locator('#map').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => /[?&]at=/.test(window.location.search), null, WAIT);
    const url = page.url();
    const params = new URL(url).searchParams;
    assert.equal(params.get('lang'), 'en');
    assert.equal(params.get('district'), '140800');
    const rows = await page.locator('#compare tbody tr').evaluateAll((trs) => trs.map((tr) => tr.textContent));
    const at = params.get('at').split(',').map(Number);

    copy = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const blocked = [];
    await watchCsp(copy, blocked);
    await exposeRegistry(copy);
    const other = await copy.newPage();
    await other.goto(url);
    await other.waitForFunction(() => document.querySelector('#district-trail [aria-current="page"]')?.textContent === '运城市'
      && document.querySelectorAll('#compare tbody tr').length === 13, null, WAIT);
    assert.equal(await other.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await other.getByLabel('Indicator', { exact: true }).inputValue(), 'inspections');
    assert.deepEqual(await other.locator('#compare tbody tr').evaluateAll((trs) => trs.map((tr) => tr.textContent)), rows);
    const view = await other.evaluate(() => window.registry.state.view());
    assert.ok(Math.abs(view.lat - at[0]) < 1e-3 && Math.abs(view.lon - at[1]) < 1e-3 && view.zoom === at[2], `same view: ${JSON.stringify(view)} vs ${at}`);
    // state API for the other modules: get/set and the event
    const event = await other.evaluate(() => new Promise((resolve) => {
      document.addEventListener('registry:statechange', (e) => resolve(e.detail), { once: true });
      window.registry.state.set({ layers: ['facilities', 'gaps'] });
    }));
    assert.deepEqual(event.changed, ['layers']);
    assert.equal(new URL(other.url()).searchParams.get('layers'), 'facilities,gaps');
    assert.deepEqual(blocked, []);
  } finally {
    await copy?.close();
    await context.close();
  }
});

test('the comparison table sorts by each column header button, by mouse and keyboard, with aria-sort', T, async () => {
  const { context, page } = await openPage(browser, { path: '/?district=140800&indicator=toiletReach' });
  try {
    await waitForDistrict(page, '运城市', { children: 13 });
    const valueHeader = page.locator('#compare thead th').nth(1);
    const nameHeader = page.locator('#compare thead th').nth(0);
    assert.equal(await valueHeader.getAttribute('aria-sort'), 'descending');
    const down = (await tableValues(page)).filter((v) => v != null);
    assert.deepEqual(down, [...down].sort((a, b) => b - a));

    await valueHeader.getByRole('button').click();
    await page.waitForFunction(() => document.querySelectorAll('#compare thead th')[1].getAttribute('aria-sort') === 'ascending', null, WAIT);
    const up = (await tableValues(page)).filter((v) => v != null);
    assert.deepEqual(up, [...up].sort((a, b) => a - b));
    assert.equal(await nameHeader.getAttribute('aria-sort'), null);

    // by name, by keyboard: focus stays on the button
    await nameHeader.getByRole('button').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#compare thead th')[0].getAttribute('aria-sort') === 'ascending', null, WAIT);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.sort), 'name');
    const names = await page.locator('#compare tbody th').allTextContents();
    assert.deepEqual(names, [...names].sort(new Intl.Collator('zh-CN').compare));
    await page.keyboard.press('Space');
    await page.waitForFunction(() => document.querySelectorAll('#compare thead th')[0].getAttribute('aria-sort') === 'descending', null, WAIT);
    assert.deepEqual(await page.locator('#compare tbody th').allTextContents(), [...names].reverse());
  } finally {
    await context.close();
  }
});

test('plan targets show progress and forecast from the indicators; the report link carries district and year', T, async () => {
  const { context, page } = await openPage(browser, { path: '/?district=140881' });
  try {
    await waitForDistrict(page, '永济市');
    const c = await (await page.request.get(`${BASE_URL}/api/v1/coverage/140881`)).json();
    const targets = (await (await page.request.get(`${BASE_URL}/api/v1/plan-targets?district=140881`)).json()).items;
    const items = page.locator('#targets .target-item');
    await items.first().waitFor(WAIT);
    assert.equal(await items.count(), targets.length);
    for (const t of targets) {
      const item = page.locator(`#targets .target-item[data-target-id="${t.id}"]`);
      const text = await item.textContent();
      assert.ok(text.includes(t.title), t.title);
      const r = c.renovations.targets.find((x) => x.targetId === t.id);
      if (r && r.accepted != null) {
        const share = new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 }).format(r.accepted / t.value);
        assert.ok(text.includes(share), `${t.title}: progress ${share} in "${text}"`);
        assert.ok(text.includes(`预计 ${r.forecast} 户`), `forecast ${r.forecast} in "${text}"`);
      }
    }
    const link = page.locator('#annual-report-link');
    const href = new URL(await link.getAttribute('href'), BASE_URL);
    assert.equal(href.pathname, '/annual-report.html');
    assert.equal(href.searchParams.get('district'), '140881');
    assert.match(href.searchParams.get('year'), /^\d{4}$/);
  } finally {
    await context.close();
  }
});

test('monthly trend charts: each with its data table (the API\'s figures), no animation with reduced motion', T, async (t) => {
  const probe = await fetch(`${BASE_URL}/api/v1/coverage/140881/trends?months=12`);
  if (probe.status === 404) {
    t.skip('GET /api/v1/coverage/{code}/trends is not on this server yet (the gaps branch)');
    return;
  }
  const trends = await probe.json();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', reducedMotion: 'reduce' });
  const errors = [];
  await watchCsp(context, errors);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  try {
    await page.goto(`${BASE_URL}/?district=140881`);
    await waitForDistrict(page, '永济市');
    const summary = page.locator('#trends-details summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    const canvases = page.locator('#trends-body canvas');
    await canvases.first().waitFor(WAIT);
    assert.equal(await canvases.count(), 4, 'four charts');
    for (const canvas of await canvases.all()) {
      assert.equal(await canvas.getAttribute('role'), 'img');
      assert.match(await canvas.getAttribute('aria-label'), /数据表/);
    }
    assert.equal(await page.evaluate(() => window.Chart.getChart(document.querySelector('#trends-body canvas')).options.animation), false);

    // the text alternative: a table per chart, collapsible, with the API's figures month by month
    const figure = page.locator('.trend-figure[data-chart="defects"]');
    await figure.locator('details.trend-data summary').click();
    const table = figure.locator('table.trend-table');
    assert.equal(await table.locator('tbody tr').count(), trends.months.length);
    const found = (await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[0].textContent)));
    assert.deepEqual(found, trends.series.defectsFound.map((v) => (v == null ? '少于 5，不公开' : new Intl.NumberFormat('zh-CN').format(v))));
    const total = trends.series.defectsFound.reduce((a, b) => a + b, 0);
    assert.equal(await table.locator('tfoot td').first().textContent(), new Intl.NumberFormat('zh-CN').format(total));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
  // with motion allowed, the charts animate
  const { context: moving, page: other } = await openPage(browser, { path: '/?district=140881' });
  try {
    await waitForDistrict(other, '永济市');
    await other.locator('#trends-details summary').click();
    await other.locator('#trends-body canvas').first().waitFor(WAIT);
    assert.notEqual(await other.evaluate(() => window.Chart.getChart(document.querySelector('#trends-body canvas')).options.animation), false);
  } finally {
    await moving.close();
  }
});
