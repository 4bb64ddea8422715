// Every page of wwwroot/ under the service's Content-Security-Policy: the header is sent, the page loads and runs
// its scripts with no violation (no inline script, no style attribute, nothing from another origin), and the
// policy is really enforced (an inline script put into the page does not run). The other browser tests watch for
// violations along their own paths (helpers.mjs, watchCsp).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch, openPage, cspViolations, takeCspViolations } from './helpers.mjs';

const T = { timeout: 60_000 };
const PAGES = readdirSync(fileURLToPath(new URL('../../wwwroot/', import.meta.url))).filter((f) => f.endsWith('.html')).sort();

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('there are pages to check', () => {
  assert.ok(PAGES.includes('index.html') && PAGES.includes('renovations.html'), PAGES.join(', '));
});

for (const name of PAGES) {
  test(`${name} loads under the Content-Security-Policy without a violation`, T, async () => {
    let header = null;
    const { context, page, errors } = await openPage(browser, {
      path: `/${name}`,
      route: (p) => p.on('response', (r) => { if (new URL(r.url()).pathname === `/${name}`) header = r.headers()['content-security-policy']; }),
    });
    try {
      assert.match(header || '', /script-src 'self'(;|$)/, 'the page is sent with the policy');
      // The page's module ran: it translates the page and fills in its language toggle or its content.
      await page.waitForFunction(() => document.readyState === 'complete', null, { timeout: 15000 });
      await page.waitForTimeout(1500);
      assert.deepEqual(cspViolations(page), []);
      assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), []);
    } finally {
      await context.close();
    }
  });
}

test('an inline script or style attribute put into a page is blocked and reported', T, async () => {
  const { context, page } = await openPage(browser, { path: '/report.html' });
  try {
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true;';
      document.head.append(s);
      const d = document.createElement('div');
      d.innerHTML = '<img src="data:," onload="window.__handlerRan = true">';
      document.body.append(d);
    });
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.__inlineRan), undefined);
    assert.equal(await page.evaluate(() => window.__handlerRan), undefined);
    const seen = takeCspViolations(); // expected here: not a failure of this test
    assert.ok(seen.some((v) => /script-src/.test(v)), seen.join('\n'));
  } finally {
    await context.close();
  }
});
