// Browser test of the facility pages of the staff workspace (/staff/facilities, /staff/roads), against the real
// service at BASE_URL with demo data: an inspector of Yongji signs in through the page, registers a curb ramp with its
// attributes, edits one, changes its status and uploads a photo; a planner registers a road segment. Each walk runs
// with script (map picker, drawing) and again with javaScriptEnabled: false (typed coordinates). No direct API call:
// only what a person clicks and types. axe (WCAG 2.2 AA) on every page state; a CSP violation fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './helpers.mjs';
import { STAFF, errorSummary, expectAccessible, openStaff, signIn } from './staff-helpers.mjs';

const T = { timeout: 300_000 };
// A 1×1 PNG: the photo pipeline re-encodes whatever it is given.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * A walk's page, and how axe checks its states: in place with script; without, the same address opened in a scripted
 * context with the same cookies (axe runs in the page). A state reached by a POST (a form with errors) is the same
 * server-rendered HTML in both walks, and is checked in place in the scripted one.
 */
async function walk(script, viewport) {
  const staff = await openStaff(browser, { script, viewport });
  // Name what was not found (the console says only "404").
  staff.page.on('response', (r) => { if (r.status() === 404) staff.errors.push(`404: ${r.url()}`); });
  // The workspace layout names no icon yet, so Chromium asks for /favicon.ico (404) on the first page: not this test's matter.
  const noIcon = (context) => context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  await noIcon(staff.context);
  let twin = null;
  const check = async (state, { posted = false } = {}) => {
    if (script) {
      await expectAccessible(staff.page, state);
      return;
    }
    if (posted) return;
    if (!twin) {
      twin = await openStaff(browser, { script: true, viewport });
      await noIcon(twin.context);
    }
    await twin.context.addCookies(await staff.context.cookies());
    await twin.page.goto(staff.page.url());
    await expectAccessible(twin.page, `${state} (without script)`);
    assert.deepEqual(twin.errors, []);
  };
  const close = async () => { await twin?.context.close(); await staff.context.close(); };
  return { ...staff, check, close };
}

/** The error summary's targets, each of which is on the page. */
async function summaryTargets(page) {
  await page.locator('[data-error-summary]').waitFor();
  const links = await errorSummary(page);
  for (const { target } of links) assert.equal(await page.locator(`[id="${target}"]`).count(), 1, `the summary links to #${target}, which is on the page`);
  return links;
}

async function toFacilities(page, check, who) {
  await signIn(page, who);
  await page.getByRole('navigation').getByRole('link', { name: '设施登记' }).click();
  await page.getByRole('heading', { level: 1, name: '设施登记' }).waitFor();
  await check('facility list');
}

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? 'with script, on a phone' : 'without script';
  test(`an inspector registers a curb ramp, edits it, changes its status and uploads a photo (${how})`,
    T, async () => {
      const { page, errors, check, close } = await walk(javaScriptEnabled, javaScriptEnabled ? { width: 390, height: 844 } : undefined);
      try {
        await toFacilities(page, check, STAFF.inspector);
        await page.getByRole('link', { name: '登记新设施' }).click();

        // One thing per page: the kind first. Continuing without one names the question in the summary.
        await page.getByRole('heading', { level: 1, name: '要登记哪类设施？' }).waitFor();
        await check('kind question');
        await page.getByRole('button', { name: '继续' }).click();
        assert.deepEqual((await summaryTargets(page)).map((l) => l.target), ['kind']);
        await check('kind question with its error');
        await page.getByLabel('缘石坡道', { exact: true }).check();
        await page.getByRole('button', { name: '继续' }).click();

        // The kind's form from the catalogue: units and the standards' thresholds as hints.
        await page.getByRole('heading', { level: 1, name: '登记缘石坡道' }).waitFor();
        assert.match(await page.locator('#attributes_slope-hint').textContent(), /全宽式单面坡 ≤ 1:20.*GB 50763 §3\.1/);
        assert.match(await page.locator('#attributes_lip_height_mm-hint').textContent(), /毫米.*≤ 10 mm/);
        await check('curb ramp form');

        // Errors: the required type missing, a slope that is not a number, a lip height out of range, no position.
        const name = `测试缘石坡道 ${javaScriptEnabled ? 'A' : 'B'}${Date.now() % 100000}`;
        await page.getByLabel('名称').fill(name);
        await page.getByLabel('坡度').fill('很陡');
        await page.getByLabel('坡口与车行道高差').fill('400');
        await page.getByRole('button', { name: '登记设施' }).click();
        const links = await summaryTargets(page);
        const ids = links.map((l) => l.target);
        for (const id of ['Input_Latitude', 'Input_Longitude', 'attributes_slope', 'attributes_lip_height_mm', 'attributes_curb_ramp_type']) {
          assert.ok(ids.includes(id), `the summary links to ${id}: ${JSON.stringify(links)}`);
        }
        assert.match(links.find((l) => l.target === 'attributes_lip_height_mm').text, /坡口与车行道高差应在 0 至 300 毫米 之间/);
        assert.equal(await page.locator('#attributes_slope').getAttribute('aria-invalid'), 'true');
        assert.match(await page.locator('#attributes_slope').getAttribute('aria-describedby'), /attributes_slope-error/);
        assert.equal(await page.locator('#attributes_slope').inputValue(), '很陡', 'what was typed stays');
        if (javaScriptEnabled) {
          // The summary has focus; its link puts the cursor in the field.
          await page.locator('[data-error-summary] a[href="#attributes_slope"]').click();
          assert.equal(await page.evaluate(() => document.activeElement?.id), 'attributes_slope');
        }
        await check('curb ramp form with errors', { posted: true });

        // Now right: the type, slope 1:20, lip 8 mm, tactile warning; the position typed, or picked on the map.
        await page.getByLabel('全宽式单面坡').check();
        await page.getByLabel('坡度').fill('1:20');
        await page.getByLabel('坡口与车行道高差').fill('8');
        await page.locator('#attributes_tactile_warning').check();
        if (javaScriptEnabled) {
          await page.getByLabel('纬度').fill('');
          await page.getByLabel('经度').fill('');
          const map = page.locator('.staff-map');
          await map.waitFor();
          await map.click(); // the map opens on Yongji: its centre is in the county
          assert.match(await page.getByLabel('纬度').inputValue(), /^34\.8\d+$/);
          assert.match(await page.getByLabel('经度').inputValue(), /^110\.4\d+$/);
          assert.equal(await page.locator('.staff-map .leaflet-marker-icon').count(), 1);
          assert.equal(await page.getByRole('button', { name: '使用我的位置' }).count(), 1);
        } else {
          await page.getByLabel('纬度').fill('34.8670');
          await page.getByLabel('经度').fill('110.4470');
        }
        await page.getByRole('button', { name: '登记设施' }).click();

        // The facility's page.
        await page.getByRole('heading', { level: 1, name }).waitFor();
        assert.match(await page.getByRole('status').textContent(), /设施已登记/);
        assert.equal(await page.locator('[data-attribute="curb_ramp_type"]').textContent(), '全宽式单面坡');
        assert.equal(await page.locator('[data-attribute="lip_height_mm"]').textContent(), '8 毫米');
        assert.equal(await page.locator('[data-attribute="slope"]').textContent(), '0.05');
        const id = page.url().match(/\/staff\/facilities\/(\d+)/)[1];
        assert.equal(await page.getByRole('link', { name: '查看修改记录' }).getAttribute('href'), `/staff/audit/facility/${id}`);
        assert.equal(await page.getByRole('link', { name: '记录检查' }).getAttribute('href'), `/staff/facilities/${id}/inspections/new`);
        await check('facility page');

        // Edit an attribute.
        await page.getByRole('link', { name: '编辑属性' }).click();
        await page.getByRole('heading', { level: 1, name: `编辑：${name}` }).waitFor();
        assert.equal(await page.getByLabel('坡口与车行道高差').inputValue(), '8');
        await check('edit form');
        await page.getByLabel('坡口与车行道高差').fill('5');
        await page.getByRole('button', { name: '保存修改' }).click();
        await page.getByRole('heading', { level: 1, name }).waitFor();
        assert.match(await page.getByRole('status').textContent(), /已保存/);
        assert.equal(await page.locator('[data-attribute="lip_height_mm"]').textContent(), '5 毫米');

        // Change the status.
        await page.getByRole('link', { name: '变更状态' }).click();
        await page.getByRole('heading', { level: 1, name: `变更状态：${name}` }).waitFor();
        await check('status question');
        await page.getByLabel('有缺陷但可使用').check();
        await page.getByRole('button', { name: '变更状态' }).click();
        await page.getByRole('heading', { level: 1, name }).waitFor();
        assert.equal(await page.locator('[data-status]').textContent(), '有缺陷但可使用');

        // Upload a photo: without a file the summary says so; with one it shows on the facility's page.
        await page.getByRole('link', { name: '上传照片' }).click();
        await page.getByRole('heading', { level: 1, name: `上传照片：${name}` }).waitFor();
        await check('photo form');
        await page.getByRole('button', { name: '上传照片' }).click();
        assert.deepEqual((await summaryTargets(page)).map((l) => l.target), ['Photo']);
        await check('photo form with its error', { posted: true });
        await page.getByLabel('照片', { exact: true }).setInputFiles({ name: 'ramp.png', mimeType: 'image/png', buffer: PNG });
        await page.getByRole('button', { name: '上传照片' }).click();
        await page.getByRole('heading', { level: 1, name }).waitFor();
        assert.match(await page.getByRole('status').textContent(), /照片已上传/);
        const photo = page.locator('.photo-list img');
        assert.equal(await photo.count(), 1);
        assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the thumbnail loads');
        await check('facility page with a photo');

        // Found again in the list by name.
        await page.getByRole('link', { name: '返回设施列表' }).click();
        await page.getByLabel('名称包含').fill(name);
        await page.getByRole('button', { name: '搜索' }).click();
        assert.equal(await page.getByRole('link', { name }).count(), 1);
        await check('facility list, searched');
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });

  test(`a planner registers a road segment (${javaScriptEnabled ? 'drawn on the map' : 'typed coordinates'})`,
    T, async () => {
      const { page, errors, check, close } = await walk(javaScriptEnabled);
      try {
        await toFacilities(page, check, STAFF.planner);
        await page.getByRole('link', { name: '登记道路路段' }).click();
        await page.getByRole('heading', { level: 1, name: '登记道路路段' }).waitFor();
        await check('road form');

        // Nothing filled: the class and the coordinates are named in the summary.
        await page.getByRole('button', { name: '登记路段' }).click();
        const ids = (await summaryTargets(page)).map((l) => l.target);
        assert.ok(ids.includes('Input_RoadClass') && ids.includes('Input_Coordinates'), JSON.stringify(ids));
        await check('road form with errors', { posted: true });

        const street = `测试路 ${javaScriptEnabled ? 'A' : 'B'}${Date.now() % 100000}`;
        await page.getByLabel('道路名称').fill(street);
        await page.getByLabel('主干路').check();
        await page.getByLabel('人行道宽度').fill('2.5');
        await page.getByLabel('起点有缘石坡道').check();
        await page.getByLabel('连续').check();
        if (javaScriptEnabled) {
          // Draw a line of three points with Leaflet-Geoman; finishing on the last point writes the list.
          await page.getByLabel('路段坐标').fill('');
          const map = page.locator('.staff-map');
          await map.waitFor();
          await page.locator('.leaflet-pm-toolbar .leaflet-pm-icon-polyline').click();
          const box = await map.boundingBox();
          const points = [[0.3, 0.5], [0.5, 0.45], [0.7, 0.5]].map(([x, y]) => [box.x + box.width * x, box.y + box.height * y]);
          for (const [x, y] of points) await page.mouse.click(x, y);
          await page.mouse.click(...points[2]);
          await page.waitForFunction(() => document.getElementById('Input_Coordinates').value.split('\n').length === 3);
          assert.equal(await page.locator('.staff-map path.leaflet-interactive').count(), 1);
          await check('road form with a drawn line', { posted: true });
        } else {
          await page.getByLabel('路段坐标').fill('34.8670, 110.4470\n34.8675, 110.4490\n34.8680, 110.4510');
        }
        await page.getByRole('button', { name: '登记路段' }).click();

        await page.getByRole('heading', { level: 1, name: `道路路段：${street}` }).waitFor();
        assert.match(await page.getByRole('status').textContent(), /道路路段已登记/);
        assert.equal(await page.locator('dd ol li').count(), 3);
        await check('road page');

        // Edit it: the typed list is the form's value (the map follows it with script).
        await page.getByRole('link', { name: '编辑属性' }).click();
        assert.equal((await page.getByLabel('路段坐标').inputValue()).split('\n').length, 3);
        await check('road edit form');
        await page.getByLabel('终点有缘石坡道').check();
        await page.getByRole('button', { name: '保存修改' }).click();
        await page.getByRole('heading', { level: 1, name: `道路路段：${street}` }).waitFor();
        assert.match(await page.getByRole('status').textContent(), /已保存/);
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });
}
