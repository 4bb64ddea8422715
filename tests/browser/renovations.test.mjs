// Browser test of the planner's renovations page, against the real service at BASE_URL with demo
// data, signed in as the Yongji planner that scripts/test.sh creates (PLANNER_USER / PLANNER_PASSWORD).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './helpers.mjs';

const T = { timeout: 90_000 };
const USER = process.env.PLANNER_USER;
const PASSWORD = process.env.PLANNER_PASSWORD;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('planner signs in and sees cases, the priority list term by term and the binding-target warning', { ...T, skip: !USER || !PASSWORD ? 'PLANNER_USER/PLANNER_PASSWORD not set' : false }, async () => {
  const { context, page, errors } = await openPage(browser, { path: '/renovations.html' });
  try {
    // Not signed in: the form, labelled, and no personal data.
    await page.getByLabel('用户名').waitFor({ timeout: 15000 });
    assert.equal(await page.locator('#workspace').isHidden(), true);
    await page.getByLabel('用户名').fill(USER);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.keyboard.press('Enter');

    await page.locator('#priority-list .priority-item').first().waitFor({ timeout: 20000 });
    const first = page.locator('#priority-list .priority-item').first();
    assert.match(await first.locator('.score').textContent(), /演示.+某\d{3}.*\*{14}[0-9X]{4}/);
    assert.equal(await first.locator('tbody tr').count(), 5, 'five score terms');
    assert.ok(await page.locator('.leaflet-overlay-pane path.leaflet-interactive').count() > 50, 'case markers drawn');

    // Yongji demo data fall short of the binding 100 households: a plain warning.
    const warning = page.locator('#target-warnings .warning');
    await warning.first().waitFor({ timeout: 10000 });
    assert.match(await warning.first().textContent(), /约束性目标.+无法完成/);
    assert.match(await page.locator('#export-link').getAttribute('href'), /cases\.csv\?district=140881/);

    // English.
    await page.locator('#lang-toggle').click();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.match(await warning.first().textContent(), /binding target .+ will be missed/);
    // The one expected failure: GET /api/v1/auth/me answers 401 before sign-in.
    assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), []);
  } finally {
    await context.close();
  }
});
