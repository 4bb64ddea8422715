// Browser test of the district indicators in the panel of the map page (coverage.js), against the real service at
// BASE_URL with demo data (Yongji 140881 by default): every indicator with its definition, in Chinese and English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage } from './helpers.mjs';

const T = { timeout: 120_000 };
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the panel shows the selected district\'s indicators, each with how it is computed', T, async () => {
  const { context, page } = await openPage(browser, { path: '/' });
  try {
    const items = page.locator('#coverage-body .coverage-item');
    await items.first().waitFor({ timeout: 60000 });
    assert.match(await page.locator('#coverage-heading').textContent(), /永济市/);
    assert.ok(await items.count() >= 7, 'one entry per indicator');
    assert.match(await page.locator('#coverage-body').textContent(), /无障碍厕所 500 米覆盖率/);

    // "How is this computed" opens by keyboard
    const how = page.locator('#coverage-body details.coverage-how summary').first();
    await how.focus();
    await page.keyboard.press('Enter');
    assert.match(await page.locator('#coverage-body details.coverage-how[open] p').first().textContent(), /在用设施/);

    await page.locator('#lang-toggle').click();
    await page.waitForFunction(() => document.getElementById('coverage-heading').textContent.startsWith('District indicators'));
    assert.match(await page.locator('#coverage-body').textContent(), /Accessible toilet within 500 m/);
    assert.match(await page.locator('#compare h3').textContent(), /Subdivisions compared/);
    assert.match(await page.locator('#coverage-body details.coverage-how p').first().textContent(), /in service/);
  } finally {
    await context.close();
  }
});
