// Takes the README's screenshots of the staff workspace: each role signed in through the page, phone and desktop.
// Run against a service with demo data and the accounts scripts/test.sh creates (same environment variables):
//   BASE_URL=http://127.0.0.1:5091 ADMIN_USER=… ADMIN_PASSWORD=… node scripts/screenshots.mjs
// Chromium needs a Chinese font for them (Debian: fonts-wqy-microhei); the tests do not.
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:5080').replace(/\/+$/, '');
const OUT = new URL('../docs/screenshots/', import.meta.url);

const SHOTS = [
  // [account prefix, path, file, phone?]
  ['PLANNER', '/staff/cases', 'planner-cases.png'],
  ['ADMIN', '/staff/reports', 'admin-reports.png'],
  ['ADMIN', '/staff/defects', 'admin-defects.png'],
  ['ADMIN', '/staff/users', 'admin-users.png'],
  ['UNIT', '/staff/my-defects', 'unit-defects.png', true],
  ['INSPECTOR', '/staff/facilities/new', 'inspector-new-facility.png', true],
];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
await mkdir(OUT, { recursive: true });
try {
  for (const [who, path, file, phone] of SHOTS) {
    const user = process.env[`${who}_USER`];
    const password = process.env[`${who}_PASSWORD`];
    if (!user || !password) throw new Error(`${who}_USER / ${who}_PASSWORD not set`);
    const context = await browser.newContext({ locale: 'zh-CN', viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${BASE_URL}/staff/sign-in?ReturnUrl=${encodeURIComponent(path)}`);
    await page.getByLabel('用户名').fill(user);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/staff/sign-in')), page.getByRole('button', { name: '登录', exact: true }).click()]);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: new URL(file, OUT).pathname, fullPage: false });
    console.log(`${file}: ${page.url()}`);
    await context.close();
  }
} finally {
  await browser.close();
}
