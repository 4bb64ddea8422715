// Community grids in the staff workspace (/staff/grids): a district administrator removes a grid, draws it again by
// pasting its boundary into the GeoJSON textarea (the way that works without script; with script the Leaflet-Geoman map
// shows it), sees an overlapping grid refused with the reason in the error summary, and an inspector is not let in.
// A real walk through the pages, once with script and once without; axe on every page state with script.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './helpers.mjs';
import { BASE_URL, STAFF, openStaff, signIn, errorSummary, expectAccessible } from './staff-helpers.mjs';

const T = { timeout: 240_000 };
const run = Date.now().toString(36);
let browser;
let grids = [];

before(async () => {
  browser = await launch();
  const response = await fetch(`${BASE_URL}/api/v1/grids?county=140881`);
  assert.equal(response.status, 200, await response.clone().text());
  grids = (await response.json()).features;
  assert.ok(grids.length >= 2, 'the demo draws grids for 永济市');
});
after(async () => { await browser?.close(); });

async function go(page, locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 20000 }), locator.click()]);
}

for (const [i, script] of [true, false].entries()) {
  const how = script ? 'with script' : 'without script';

  test(`a district administrator removes a grid and draws it again through the GeoJSON field (${how})`, T, async () => {
    const grid = grids[i];
    const { context, page, errors } = await openStaff(browser, { script });
    try {
      await signIn(page, STAFF.admin);
      await go(page, page.getByRole('navigation').getByRole('link', { name: '社区网格' }));
      assert.equal(await page.locator('h1').textContent(), '社区网格');
      assert.ok(await page.getByRole('row').filter({ hasText: grid.properties.name }).count() > 0, 'the demo grid is listed');
      if (script) await expectAccessible(page, 'grids of a county');

      // The grid's own page: its boundary in the textarea.
      await go(page, page.getByRole('link', { name: `修改 ${grid.properties.name}` }));
      const boundary = await page.getByLabel('边界（GeoJSON）').inputValue();
      assert.match(boundary, /"type":"(Multi)?Polygon"/);
      if (script) {
        await page.locator('.staff-map path.leaflet-interactive').first().waitFor({ state: 'attached', timeout: 20000 });
        await expectAccessible(page, 'grid edit form with map');
      }
      await go(page, page.getByRole('button', { name: '删除网格' }));
      assert.match(await page.locator('.notice').textContent(), /网格已删除/);

      // Drawn again: nothing filled in first, then the township, a name and the boundary pasted.
      await go(page, page.getByRole('link', { name: '绘制网格', exact: true }));
      await go(page, page.getByRole('button', { name: '保存网格' }));
      let summary = await errorSummary(page);
      assert.ok(summary.some((e) => e.target === 'Input_TownshipCode'), JSON.stringify(summary));
      assert.ok(summary.some((e) => e.target === 'Input_Geometry'), JSON.stringify(summary));
      if (script) await expectAccessible(page, 'new grid form with errors');

      const name = `测试网格-${run}-${i}`;
      await page.getByLabel('乡镇（街道）').selectOption(grid.properties.townshipCode);
      await page.getByLabel('网格名称').fill(name);
      await page.getByLabel('边界（GeoJSON）').fill(boundary);
      await go(page, page.getByRole('button', { name: '保存网格' }));
      assert.equal(new URL(page.url()).pathname, '/staff/grids');
      assert.match(await page.locator('.notice').textContent(), /网格已保存/);
      assert.ok(await page.getByRole('row').filter({ hasText: name }).count() > 0, 'the new grid is listed');

      // The same boundary once more overlaps the grid just drawn: refused, the reason in the summary.
      await go(page, page.getByRole('link', { name: '绘制网格', exact: true }));
      await page.getByLabel('乡镇（街道）').selectOption(grid.properties.townshipCode);
      await page.getByLabel('网格名称').fill(`${name}-重叠`);
      await page.getByLabel('边界（GeoJSON）').fill(boundary);
      await go(page, page.getByRole('button', { name: '保存网格' }));
      summary = await errorSummary(page);
      assert.ok(summary.some((e) => e.target === 'Input_Geometry' && /overlaps .*m²/.test(e.text)), JSON.stringify(summary));
      if (script) await expectAccessible(page, 'new grid form with an overlap refused');
      assert.deepEqual(errors.filter((e) => !e.startsWith('console: Failed to load resource')), []);
    } finally {
      await context.close();
    }
  });
}

test('an inspector is not let into the grids area', T, async () => {
  const { context, page } = await openStaff(browser, { script: true });
  try {
    await signIn(page, STAFF.inspector);
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: '社区网格' }).count(), 0);
    const response = await page.goto(`${BASE_URL}/staff/grids/new`);
    assert.equal(response.status(), 403);
  } finally {
    await context.close();
  }
});

test('the public map draws the township choropleth of 永济市 from the drawn township boundaries', T, async () => {
  const { context, page } = await openPage(browser, { path: '/?district=140881' });
  try {
    const townships = (await (await fetch(`${BASE_URL}/api/v1/districts?parent=140881&level=township`)).json()).items
      .filter((d) => d.hasBoundary);
    assert.ok(townships.length >= 2, 'the demo draws township boundaries');
    await page.locator(`path.choropleth-area[data-code="${townships[0].code}"]`).waitFor({ state: 'attached', timeout: 60000 });
    assert.ok(await page.locator('path.choropleth-area').count() >= townships.length);
  } finally {
    await context.close();
  }
});
