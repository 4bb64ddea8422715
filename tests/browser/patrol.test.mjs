// Browser test of the grid worker's patrol (网格巡查) on a phone, against the real service at BASE_URL with demo data and
// the demo grid and grid-worker account that scripts/test.sh makes: at 390×844 with touch, the grid worker signs in,
// opens its grid's worklist, taps a facility, answers the three questions (in use: yes, obstructed: yes, damaged: no),
// submits, and is back on the worklist with the facility marked patrolled and the defect raised. No direct API call:
// only what a person taps and types. axe (WCAG 2.2 AA) on every page state; a CSP violation fails the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, watchCsp } from './helpers.mjs';
import { errorSummary, expectAccessible, signIn } from './staff-helpers.mjs';

const T = { timeout: 300_000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true, locale: 'zh-CN' };

function gridWorker() {
  const user = process.env.GRID_WORKER_USER;
  const password = process.env.GRID_WORKER_PASSWORD;
  const grid = process.env.GRID_CODE;
  // Not a skip: a run without the account is a broken run (scripts/test.sh creates it).
  assert.ok(user && password && grid, 'GRID_WORKER_USER / GRID_WORKER_PASSWORD / GRID_CODE are not set: run through scripts/test.sh');
  return { user, password, grid };
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The smallest side of an element's box, in CSS pixels: a touch target is at least 44. */
async function touchSize(locator) {
  const box = await locator.boundingBox();
  assert.ok(box, 'the element is laid out');
  return Math.min(box.width, box.height);
}

test('a grid worker patrols a facility on a phone, reports it obstructed and sees it marked with the defect raised', T, async () => {
  const who = gridWorker();
  const context = await browser.newContext(PHONE);
  const errors = [];
  await watchCsp(context, errors);
  await context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  try {
    await signIn(page, who, { path: '/staff/patrols' });
    assert.equal(new URL(page.url()).pathname, '/staff/patrols');
    await page.getByRole('heading', { level: 1, name: '我的网格' }).waitFor();
    await expectAccessible(page, 'my grids');

    // The grid's worklist: what was never patrolled or is overdue comes first.
    const gridLink = page.locator(`a[href="/staff/patrols/grids/${who.grid}"]`);
    assert.ok(await touchSize(gridLink) >= 44, 'the grid link is a large touch target');
    await Promise.all([page.waitForURL(`**/staff/patrols/grids/${who.grid}`), gridLink.tap()]);
    const items = page.locator('[data-worklist] > li');
    assert.ok(await items.count() > 0, 'the demo grid holds facilities');
    const states = await items.evaluateAll((lis) => lis.map((li) => li.dataset.state));
    const firstPatrolled = states.indexOf('patrolled');
    assert.ok(firstPatrolled === -1 || states.slice(firstPatrolled).every((s) => s === 'patrolled'), `due first: ${states.join(', ')}`);
    await expectAccessible(page, 'worklist');

    // The first facility: its three questions, one tap each.
    const first = items.first();
    const facilityId = await first.getAttribute('data-facility');
    const name = (await first.locator('.patrol-list__name').textContent()).trim();
    assert.ok(await touchSize(first.locator('a')) >= 44, 'a facility is a large touch target');
    await Promise.all([page.waitForURL(`**/staff/patrols/facilities/${facilityId}/new`), first.locator('a').tap()]);
    await page.getByRole('heading', { level: 1, name: `巡查：${name}` }).waitFor();
    await expectAccessible(page, 'patrol form');

    // Sent with one question unanswered: the form again, the error summary linked to it.
    await page.getByRole('group', { name: '设施仍在正常使用吗？' }).getByLabel('是').tap();
    await page.getByRole('group', { name: '设施被占用或遮挡了吗？' }).getByLabel('是').tap();
    await page.getByRole('button', { name: '提交巡查' }).tap();
    await page.locator('[data-error-summary]').waitFor();
    await page.waitForLoadState('load');
    const summary = await errorSummary(page);
    assert.deepEqual(summary.map((e) => e.target), ['Input_Damaged']);
    await expectAccessible(page, 'patrol form with an error');

    const radio = page.getByRole('group', { name: '设施有损坏吗？' }).getByLabel('否');
    assert.ok(await touchSize(radio) >= 36, 'a radio is large enough to tap');
    await radio.tap();
    // The answers given stay chosen when the form comes back.
    assert.ok(await page.getByRole('group', { name: '设施被占用或遮挡了吗？' }).getByLabel('是').isChecked());
    await page.getByLabel('备注（选填）').fill('共享单车停在坡道上');
    await Promise.all([
      page.waitForURL((url) => url.pathname === `/staff/patrols/grids/${who.grid}` && url.searchParams.get('patrolled') === facilityId),
      page.getByRole('button', { name: '提交巡查' }).tap(),
    ]);

    // Back on the worklist: the facility marked patrolled, the defect named.
    const notice = page.locator('[data-patrol-done]');
    assert.match(await notice.textContent(), new RegExp(`已记录对“${name}”的巡查`));
    assert.match(await page.locator('[data-patrol-defect]').textContent(), /整改问题 #\d+/);
    assert.equal(await page.locator(`[data-worklist] > li[data-facility="${facilityId}"]`).getAttribute('data-state'), 'patrolled');
    await expectAccessible(page, 'worklist after the patrol');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the patrol pages need a sign-in', T, async () => {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  try {
    await page.goto(`${BASE_URL}/staff/patrols`);
    assert.equal(new URL(page.url()).pathname, '/staff/sign-in');
  } finally {
    await context.close();
  }
});
