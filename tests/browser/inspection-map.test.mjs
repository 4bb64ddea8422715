// Browser tests of the map's "inspection status" layer and the inspection part of the details
// panel, against the real service at BASE_URL (demo data of Yongji 140881).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, waitForFacilities, waitForTileFeatures } from './helpers.mjs';

const STATES = ['on_time', 'due_soon', 'overdue', 'never'];
const T = { timeout: 60_000 };

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('inspection status layer: a labelled switch, its own legend with four distinct symbols, markers redrawn', T, async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await waitForFacilities(page);
    const statusLegend = page.locator('#legend');
    const inspectionLegend = page.locator('#inspection-legend');
    assert.equal(await inspectionLegend.isVisible(), false, 'hidden until chosen');

    const radio = page.getByRole('radio', { name: '检查状态' });
    assert.equal(await radio.count(), 1, 'the switch is a labelled radio button');
    await radio.check();
    await inspectionLegend.waitFor({ state: 'visible' });
    assert.equal(await statusLegend.isVisible(), false, 'the status legend gives way');
    assert.match(await page.locator('#inspection-legend-heading').textContent(), /检查状态/);

    const items = await page.locator('#inspection-legend-list .legend-item').evaluateAll((els) => els.map((e) => ({
      state: e.dataset.inspectionState,
      shape: e.dataset.shape,
      geometry: e.querySelector('svg').innerHTML.replace(/fill="[^"]*"/g, '').replace(/stroke="#[0-9A-Fa-f]+"/g, ''),
      label: e.querySelector('.legend-label').textContent.trim(),
    })));
    assert.deepEqual(items.map((i) => i.state), STATES);
    assert.equal(new Set(items.map((i) => i.shape)).size, 4, 'one shape per state');
    assert.equal(new Set(items.map((i) => i.geometry)).size, 4, 'shapes differ without colour');
    assert.deepEqual(items.map((i) => i.label), ['按期检查', '即将到期', '已逾期', '从未检查']);
    // none of them reuses a shape of the facility status legend
    const statusShapes = await page.locator('#legend-list .legend-item[data-status]').evaluateAll((els) => els.map((e) => e.dataset.shape));
    for (const i of items) assert.ok(!statusShapes.includes(i.shape), `${i.shape} is not a status shape`);

    // the facilities drawn from the tiles carry their inspection state; the list says it in words
    await waitForTileFeatures(page, 'facilities');
    const drawn = await page.evaluate(() => window.registry.layers.featuresInView('facilities')
      .map(({ f }) => (f.cluster ? Object.keys(f.props.inspectionStates || {}) : [f.props.inspectionState])).flat());
    assert.ok(drawn.length > 0);
    for (const s of drawn) assert.ok(STATES.includes(s), `drawn state ${s}`);
    assert.equal(await page.locator('#inspection-no-data').isVisible(), false);
    const meta = await page.locator('#facility-list .facility-item .item-meta').first().textContent();
    assert.ok(['按期检查', '即将到期', '已逾期', '从未检查'].some((l) => meta.includes(l)), meta);
    // the page state keeps the choice
    assert.match(new URL(page.url()).searchParams.get('layers') || '', /inspection/);

    await page.getByRole('radio', { name: '设施状态' }).check();
    await statusLegend.waitFor({ state: 'visible' });
    assert.equal(await inspectionLegend.isVisible(), false);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('details panel shows the last inspection, its result and open defects, and links to the inspector page', T, async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await waitForFacilities(page);
    const button = page.locator('#facility-list .facility-item').first();
    const id = await button.getAttribute('data-facility-id');
    const facility = await page.evaluate(async (fid) => (await (await fetch(`/api/v1/facilities/${fid}`)).json()).properties, id);
    await button.click();
    const details = page.locator('#details');
    await details.waitFor({ state: 'visible' });
    const link = details.getByRole('link', { name: '检查此设施' });
    assert.equal(await link.getAttribute('href'), `/inspect.html?facility=${id}`);
    if ('inspectionState' in facility) {
      await details.locator('.details-inspection dl').waitFor();
      const text = await details.locator('.details-inspection').textContent();
      assert.match(text, /最近检查/);
      assert.match(text, /未整改缺陷/);
      if (facility.lastInspectedAt) assert.match(text, /检查结果/);
      else assert.match(text, /从未检查/);
      const open = Array.isArray(facility.openDefects) ? facility.openDefects.length : 0;
      await page.waitForFunction((n) => document.querySelectorAll('#details .defect-list li').length === n, open);
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
