// Browser tests of the map page's list "facilities in view" (wwwroot/app.js): fed from the facility tiles the map
// has already loaded (layers.js), not from a request of its own; what the map shows is what the list lists, by
// keyboard and for screen readers, clusters included. Against the real service at BASE_URL with the demo data of
// Yongji 140881.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, mapSettled, openPage, waitForFacilities, waitForTileFeatures } from './helpers.mjs';

const T = { timeout: 60_000 };

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Waits until the page's map and its layers are up. */
async function mapReady(page) {
  await page.waitForFunction(() => Boolean(window.registry?.map && window.registry.layers), null, { timeout: 20000 });
}

/** Waits until the list shows exactly what the tiles draw (the list follows the tiles after a short delay). */
async function listMatchesTiles(page) {
  const handle = await page.waitForFunction(() => {
    const inView = window.registry.layers.featuresInView('facilities') || [];
    const ids = inView.filter((x) => !x.f.cluster).map((x) => x.f.id).sort().join(',');
    const listed = [...document.querySelectorAll('#facility-list .facility-item')].map((b) => b.dataset.facilityId).sort().join(',');
    const clusters = inView.filter((x) => x.f.cluster).length;
    const match = inView.length > 0 && ids === listed && document.querySelectorAll('#facility-list .cluster-item').length === clusters;
    // tiles may still arrive: what matched, read at one moment
    return match && {
      ids: ids ? ids.split(',') : [],
      total: inView.reduce((n, x) => n + x.f.count, 0),
      clusters,
      count: document.querySelector('#facility-count').textContent,
    };
  }, null, { timeout: 20000 });
  return handle.jsonValue();
}

test('the list shows what the map draws, from the tiles already loaded, without a facility request', T, async () => {
  const listRequests = [];
  const { context, page, errors } = await openPage(browser, {
    route: (p) => p.on('request', (r) => {
      if (/\/api\/v1\/facilities\?/.test(r.url())) listRequests.push(r.url());
    }),
  });
  try {
    await mapReady(page);
    // street zoom: single facilities, each one an entry
    await page.evaluate(() => window.registry.map.setView([34.868, 110.494], 16, { animate: false }));
    await waitForTileFeatures(page, 'facilities', { single: true });
    // the list holds exactly the facilities the map draws in view (listMatchesTiles waits for that)
    const street = await listMatchesTiles(page);
    assert.ok(street.ids.length > 0, 'facilities drawn one by one');
    assert.match(street.count, new RegExp(`共 ${street.total} 个设施`), `the count says how many are in view: ${street.count}`);

    // county zoom: clusters are listed with their count and a way to zoom in
    await page.evaluate(() => window.registry.map.setView([34.87, 110.45], 11, { animate: false }));
    await page.waitForFunction(() => (window.registry.layers.featuresInView('facilities') || []).some((x) => x.f.cluster), null, { timeout: 20000 });
    const county = await listMatchesTiles(page);
    assert.ok(county.clusters > 0, 'one list entry per cluster (listMatchesTiles waits for that)');
    for (const text of await page.locator('#facility-list .cluster-item').allTextContents()) assert.match(text, /此处附近 [\d,]+ 处设施/);
    assert.match(county.count, /放大后逐个列出/, county.count);

    assert.deepEqual(listRequests, [], 'no /api/v1/facilities list request');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('by keyboard: a cluster entry zooms the map in, a facility entry opens its details', T, async () => {
  const { context, page, errors } = await openPage(browser);
  try {
    await mapReady(page);
    await page.evaluate(() => window.registry.map.setView([34.87, 110.45], 11, { animate: false }));
    await page.locator('#facility-list .cluster-item button').first().waitFor({ timeout: 20000 });
    // the heading names the list, the count is announced politely
    assert.equal(await page.locator('#facility-list-heading').textContent(), '视野内设施');
    assert.equal(await page.locator('#facility-count').getAttribute('aria-live'), 'polite');
    const zoomIn = page.getByRole('button', { name: /^放大查看：此处附近 [\d,]+ 处设施/ }).first();
    const before = await page.evaluate(() => window.registry.map.getZoom());
    await zoomIn.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((z) => window.registry.map.getZoom() > z, before, { timeout: 10000 });
    assert.match(await page.locator('#maplayers-announce').textContent(), /已放大到该处/);
    // the zoom is animated: a setView made before it ends is dropped by Leaflet
    await mapSettled(page);

    // closer in, single facilities: Enter on one opens its details (fetched in full), with the focus on them
    await page.evaluate(() => window.registry.map.setView([34.868, 110.494], 16, { animate: false }));
    assert.equal(await page.evaluate(() => window.registry.map.getZoom()), 16);
    await waitForFacilities(page);
    await listMatchesTiles(page);
    const first = page.locator('#facility-list .facility-item').first();
    const name = (await first.locator('.item-name').textContent()).trim();
    await first.focus();
    await page.keyboard.press('Enter');
    await page.locator('#details').waitFor({ state: 'visible', timeout: 10000 });
    assert.ok((await page.locator('#details-name').textContent()).includes(name));
    assert.match(await page.locator('#details').textContent(), /管理责任单位/, 'the full record, not only the tile\'s fields');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'details-heading');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('with the facility layer switched off the list says so', T, async () => {
  const { context, page, errors } = await openPage(browser, { path: '/?layers=roads' });
  try {
    await page.waitForFunction(() => /已关闭/.test(document.querySelector('#facility-count')?.textContent || ''), null, { timeout: 20000 });
    assert.equal(await page.locator('#facility-list li').count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
