// The staff workspace's shell (/staff/): signing in and out through the page, the areas each role finds, the
// language switch, errors linked to their fields, and what an anonymous visitor gets — with and without script.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './helpers.mjs';
import { BASE_URL, STAFF, openStaff, signIn, signOut, errorSummary, expectAccessible } from './staff-helpers.mjs';

const T = { timeout: 120_000 };
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

for (const script of [true, false]) {
  const how = script ? 'with script' : 'without script';

  test(`an anonymous visitor is sent to sign in, a wrong password is an error linked to the field, then the page asked for (${how})`, T, async () => {
    const { context, page, errors } = await openStaff(browser, { script });
    try {
      await page.goto(`${BASE_URL}/staff/`);
      assert.equal(new URL(page.url()).pathname, '/staff/sign-in');
      assert.equal(await page.locator('h1').textContent(), '登录工作台');
      if (script) await expectAccessible(page, 'sign-in');

      await page.getByLabel('用户名').fill(STAFF.admin.user);
      await page.getByLabel('密码', { exact: true }).fill('not the password');
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.locator('[data-error-summary]').waitFor();
      assert.match(await page.title(), /^错误：/);
      assert.deepEqual(await errorSummary(page), [{ text: '用户名或密码不正确。', target: 'Input_UserName' }]);
      assert.equal(await page.getByLabel('用户名').getAttribute('aria-invalid'), 'true');
      assert.match(await page.getByLabel('用户名').getAttribute('aria-describedby'), /Input_UserName-error/);
      assert.equal(await page.getByLabel('密码', { exact: true }).inputValue(), '', 'the password is not sent back');
      if (script) {
        // The summary has the focus, and its link puts the cursor in the field.
        assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary')), true);
        await page.locator('[data-error-summary] a').click();
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'Input_UserName');
        await expectAccessible(page, 'sign-in with an error');
      }

      await page.getByLabel('密码', { exact: true }).fill(STAFF.admin.password);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/staff/');
      assert.equal(await page.locator('h1').textContent(), '工作台');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });

  test(`each role finds its own areas, in Chinese or English, and signs out (${how})`, T, async () => {
    const { context, page, errors } = await openStaff(browser, { script, viewport: { width: 390, height: 844 } });
    try {
      await signIn(page, STAFF.admin);
      const areas = async () => page.locator('.area-list__name a').allTextContents();
      assert.deepEqual(await areas(), ['困难重度残疾人家庭无障碍改造', '群众报告分拣', '问题整改看板', '设施登记', '建设项目', '社区网格', '网格巡查', '规划指标', '年度报告', '满意度调查', '用户管理', '数据共享密钥', '操作日志']);
      assert.match(await page.locator('.staff-header__user').textContent(), /残联管理员/);
      if (script) await expectAccessible(page, 'home, district administrator, phone');

      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      assert.equal(await page.locator('h1').textContent(), 'Workspace');
      assert.ok((await areas()).includes('Report triage'));
      await page.getByRole('button', { name: '中文' }).click();
      await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      await signOut(page);
      assert.match(await page.locator('.notice').textContent(), /已退出登录/);
      // Signed out on the server: the workspace asks for a sign-in again.
      await page.goto(`${BASE_URL}/staff/`);
      assert.equal(new URL(page.url()).pathname, '/staff/sign-in');

      await signIn(page, STAFF.planner);
      assert.deepEqual(await areas(), ['困难重度残疾人家庭无障碍改造', '群众报告分拣', '问题整改看板', '设施登记', '建设项目', '满意度调查']);
      await signOut(page);
      await signIn(page, STAFF.unit);
      assert.deepEqual(await areas(), ['本单位待整改问题']);
      assert.match(await page.locator('.staff-header__user').textContent(), /管理责任单位/);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
