// Browser test of the staff import page, against the real service at BASE_URL, signed in as the Yongji planner
// that scripts/test.sh creates (PLANNER_USER / PLANNER_PASSWORD): upload with progress, the counts, and a
// rejection report with its CSV download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, openPage } from './helpers.mjs';

const T = { timeout: 90_000 };
const USER = process.env.PLANNER_USER;
const PASSWORD = process.env.PLANNER_PASSWORD;
const SKIP = !USER || !PASSWORD ? 'PLANNER_USER/PLANNER_PASSWORD not set' : false;
const MAPPING = readFileSync(new URL('../../data/import-mappings/survey-csv.json', import.meta.url));
const HEADER = '编号,名称,类型,状态,管理单位,经度,纬度,门宽mm,抓杆,坡道类型';
const RUN = Date.now().toString(36);

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function signIn(page) {
  await page.getByLabel('用户名').waitFor({ timeout: 15000 });
  await page.getByLabel('用户名').fill(USER);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('#workspace').waitFor({ state: 'visible', timeout: 15000 });
}

async function importCsv(page, name, csv, source) {
  await page.setInputFiles('#import-file', { name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await page.setInputFiles('#import-mapping', { name: 'survey-csv.json', mimeType: 'application/json', buffer: MAPPING });
  await page.getByLabel(/数据来源名称/).fill(source);
  await page.getByRole('button', { name: '开始导入' }).click();
  await page.locator('#result-section').waitFor({ state: 'visible', timeout: 30000 });
}

test('a planner imports a small CSV and sees the upload and processing complete with the counts', { ...T, skip: SKIP }, async () => {
  const { context, page, errors } = await openPage(browser, { path: '/import.html' });
  try {
    await signIn(page);
    assert.match(await page.locator('#signed-in-as').textContent(), /住建规划/);
    const csv = `${HEADER}\nT-${RUN},浏览器测试厕所,无障碍厕所,正常,,110.4470,34.8670,900,是,\nR-${RUN},浏览器测试坡道,缘石坡道,正常,,110.4700,34.8700,,,three_sided\n`;
    await importCsv(page, 'survey.csv', csv, `browser-${RUN}`);

    assert.match(await page.locator('#result-summary').textContent(), /已导入：共 2 行，新增 2/);
    assert.equal(await page.locator('#result-counts dd[data-count="importCountInserted"]').textContent(), '2');
    assert.equal(await page.locator('#upload-progress').getAttribute('value'), '100');
    assert.equal(await page.locator('#process-progress').evaluate((p) => p.value), 100);
    assert.equal(await page.locator('#rejected-block').isHidden(), true);
    // Focus moved to the result, and the polite live region said so.
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'result-heading');
    assert.match(await page.locator('#status-message').textContent(), /已导入/);
    // Labelled progress bars.
    assert.equal(await page.getByLabel('上传', { exact: true }).evaluate((e) => e.tagName), 'PROGRESS');
    assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), []);
  } finally {
    await context.close();
  }
});

test('an import with a bad row shows the rejection report, downloadable as CSV, and writes nothing', { ...T, skip: SKIP }, async () => {
  const { context, page, errors } = await openPage(browser, { path: '/import.html' });
  try {
    await signIn(page);
    const csv = `${HEADER}\nG-${RUN},好的一行,无障碍厕所,正常,,110.4470,34.8670,900,是,\nB-${RUN},坐标错误,无障碍厕所,正常,,110.44a,34.8670,,,\n`;
    await importCsv(page, 'bad.csv', csv, `browser-bad-${RUN}`);

    assert.match(await page.locator('#result-summary').textContent(), /未导入任何数据：2 行中有 1 行被拒绝/);
    const row = page.locator('#rejected-table tbody tr');
    assert.equal(await row.count(), 1);
    assert.match(await row.first().textContent(), /3.*经度.*110\.44a/);
    const href = await page.locator('#rejected-download').getAttribute('href');
    assert.match(href, /\/api\/v1\/imports\/facilities\/jobs\/[0-9a-f-]+\/rejected\.csv$/);
    const download = await page.request.get(new URL(href, page.url()).href);
    assert.equal(download.status(), 200);
    const text = (await download.body()).toString('utf8');
    assert.match(text, /^\uFEFFrow,externalId,field,reason\r\n3,[^,]+,经度,/);

    // English: the same result in the other language.
    await page.locator('#lang-toggle').click();
    assert.match(await page.locator('#result-summary').textContent(), /Nothing was imported: 1 of 2 rows were rejected/);
    assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), []);
  } finally {
    await context.close();
  }
});
