// Browser test of the evidence package link of the annual report (docs/evidence-package.md): the report of last year
// links the package as of 31 December; following it (the service pins knownAt with a 303) downloads a zip whose
// README names the district and the date.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, BASE_URL } from './helpers.mjs';

const T = { timeout: 180_000 };
const WAIT = { timeout: 60_000 };
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the annual report links the evidence package of its last day, and the link downloads the pinned zip', T, async () => {
  const year = Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(new Date())) - 1;
  const { context, page, errors } = await openPage(browser, { path: `/annual-report.html?district=140881&year=${year}` });
  try {
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    const link = page.locator('#report-evidence');
    assert.match(await link.textContent(), new RegExp(`${year}年12月31日`));
    const href = await link.getAttribute('href');
    assert.equal(href, `/api/v1/evidence/140881.zip?asOf=${year}-12-31`);

    const unpinned = await page.request.get(`${BASE_URL}${href}`, { maxRedirects: 0 });
    assert.equal(unpinned.status(), 303);
    const pinned = unpinned.headers().location;
    assert.match(pinned, new RegExp(`^/api/v1/evidence/140881\\.zip\\?asOf=${year}-12-31&knownAt=\\d{4}-\\d{2}-\\d{2}T\\d{2}%3A\\d{2}%3A\\d{2}Z$`));

    const download = await page.request.get(`${BASE_URL}${pinned}`);
    assert.equal(download.status(), 200);
    assert.equal(download.headers()['content-type'], 'application/zip');
    const bytes = await download.body();
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK');
    assert.match(download.headers()['content-disposition'], new RegExp(`evidence-140881-${year}-12-31\\.zip`));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
