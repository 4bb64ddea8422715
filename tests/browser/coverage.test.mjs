// Browser test of the district indicators panel and the choropleth on the map page, against the real service at
// BASE_URL with demo data (Yongji 140881 by default).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { launch, openPage } from './helpers.mjs';

const T = { timeout: 120_000 };
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the panel shows the selected district\'s indicators with their definitions; the choropleth has a table', T, async () => {
  const { context, page, errors } = await openPage(browser, { path: '/' });
  try {
    const items = page.locator('#coverage-body .coverage-item');
    await items.first().waitFor({ timeout: 30000 });
    assert.match(await page.locator('#coverage-heading').textContent(), /永济市/);
    assert.ok(await items.count() >= 7, 'one entry per indicator');
    assert.match(await page.locator('#coverage-body').textContent(), /无障碍厕所 500 米覆盖率/);

    // "How is this computed" opens by keyboard
    const how = page.locator('#coverage-body details.coverage-how summary').first();
    await how.focus();
    await page.keyboard.press('Enter');
    assert.match(await page.locator('#coverage-body details.coverage-how[open] p').first().textContent(), /在用设施/);

    await page.getByLabel('分区设色').selectOption('toiletReach');
    const rows = page.locator('#compare table tbody tr');
    await rows.first().waitFor({ timeout: 60000 });
    assert.ok(await rows.count() >= 2, 'the counties of Yuncheng are compared');
    assert.equal(await page.locator('#compare tr[aria-current="true"] th').textContent(), '永济市');
    await page.locator('path.choropleth-area').first().waitFor({ state: 'attached', timeout: 10000 });

    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);

    await page.locator('#lang-toggle').click();
    await page.waitForFunction(() => document.getElementById('coverage-heading').textContent.startsWith('District indicators'));
    assert.match(await page.locator('#compare h3').textContent(), /Neighbouring districts/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
