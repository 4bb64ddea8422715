// Browser test of the printable worklist (/worklist.html) against the real service at BASE_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, watchCsp, BASE_URL } from './helpers.mjs';

const USER = process.env.INSPECTOR_USER;
const PASSWORD = process.env.INSPECTOR_PASSWORD;
const T = { timeout: 60_000, skip: !USER || !PASSWORD ? 'INSPECTOR_USER / INSPECTOR_PASSWORD not set' : false };

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('worklist from the district centre: ordered table with legs, printable without page chrome', T, async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 800 }, locale: 'zh-CN' });
  const errors = [];
  await watchCsp(context, errors);
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  try {
    // sign in through the inspector page: the worklist uses the same session
    await page.goto(`${BASE_URL}/inspect.html`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByLabel('用户名').fill(USER);
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('#signed-in').waitFor({ state: 'visible' });

    await page.goto(`${BASE_URL}/worklist.html`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.getByLabel('区县', { exact: true }).inputValue(), '140881');
    await page.getByRole('radio', { name: '区县中心' }).check();
    await page.getByRole('button', { name: '生成任务单' }).click();
    const rows = page.locator('#wl-table tbody tr');
    await rows.first().waitFor({ timeout: 15000 });
    const n = await rows.count();
    assert.ok(n > 0 && n <= 30, `rows: ${n}`);
    const headers = await page.locator('#wl-table thead th').allTextContents();
    assert.deepEqual(headers.slice(0, 6), ['序号', '名称', '类型', '检查状态', '截止日期', '本段距离']);
    const orders = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.cells[0].textContent)));
    assert.deepEqual(orders, orders.map((_, i) => i + 1), 'numbered in route order');
    const states = await rows.evaluateAll((trs) => trs.map((tr) => tr.cells[3].textContent));
    for (const s of states) assert.ok(['即将到期', '已逾期', '从未检查'].includes(s), `state ${s}`);
    assert.match(await page.locator('#wl-summary').textContent(), /共 \d+ 个设施/);
    assert.equal(await page.getByRole('button', { name: '打印任务单' }).count(), 1);

    await page.emulateMedia({ media: 'print' });
    for (const sel of ['.site-header', '.page-nav', '#worklist-form', '#wl-map', '#wl-print']) {
      assert.equal(await page.locator(sel).isVisible(), false, `${sel} is not printed`);
    }
    assert.equal(await page.locator('#wl-table').isVisible(), true, 'the table is printed');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
