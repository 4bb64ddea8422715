// The district administrator's pages of the staff workspace (/staff/…): creating an account (which then signs in),
// creating and retiring a plan target, issuing and revoking an API key, and reading a facility's audit trail field by
// field. A real walk through the pages, once with script and once without; axe on every page state. Only the set-up
// (a facility changed in before()) uses the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './helpers.mjs';
import { BASE_URL, STAFF, openStaff, signIn, errorSummary, expectAccessible } from './staff-helpers.mjs';

const T = { timeout: 240_000 };
const run = Date.now().toString(36);
let browser;
let facilityId;

// A curb ramp in Yongji, created and then renamed by the administrator through the API: the trail the pages must show.
before(async () => {
  browser = await launch();
  const context = await browser.newContext();
  try {
    const api = context.request;
    const csrf = (await (await api.get(`${BASE_URL}/api/v1/auth/antiforgery`)).json()).token;
    const login = await api.post(`${BASE_URL}/api/v1/auth/login`, { headers: { 'X-CSRF-TOKEN': csrf }, data: { userName: STAFF.admin.user, password: STAFF.admin.password } });
    assert.equal(login.status(), 200, await login.text());
    const token = (await login.json()).antiforgeryToken;
    const body = (name, extra = {}) => ({
      kind: 'curb_ramp', name, geometry: { type: 'Point', coordinates: [110.447, 34.867] },
      attributes: { curb_ramp_type: 'full_width', slope: 0.08, lip_height_mm: 10 }, status: 'operational', managingUnit: '永济市住房和城乡建设局', ...extra,
    });
    const created = await api.post(`${BASE_URL}/api/v1/facilities`, { headers: { 'X-CSRF-TOKEN': token }, data: body(`审计测试坡道-${run}`) });
    assert.equal(created.status(), 201, await created.text());
    const feature = await created.json();
    facilityId = feature.id;
    const changed = await api.put(`${BASE_URL}/api/v1/facilities/${facilityId}`, {
      headers: { 'X-CSRF-TOKEN': token, 'If-Match': `"${feature.properties.version}"` },
      data: body(`审计测试坡道-${run}-改名`, { attributes: { curb_ramp_type: 'full_width', slope: 0.12, lip_height_mm: 10 } }),
    });
    assert.equal(changed.status(), 200, await changed.text());
  } finally {
    await context.close();
  }
});
after(async () => { await browser?.close(); });

/**
 * The page's errors, less Chromium's "Failed to load resource" for a request the page never saw answered (its own
 * favicon request, which Playwright does not report): every 4xx/5xx the page did see stays an error.
 */
function pageErrors(page, errors) {
  const failed = [];
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  return () => (failed.length > 0 ? [...errors, ...failed] : errors.filter((e) => !e.startsWith('console: Failed to load resource')));
}

/** Follows a link or button and waits for the page it leads to. */
async function go(page, locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 20000 }), locator.click()]);
}

for (const script of [true, false]) {
  const how = script ? 'with script' : 'without script';
  const tag = `${run}${script ? 's' : 'n'}`;

  test(`a district administrator creates an account that can sign in (${how})`, T, async () => {
    const { context, page, errors: collected } = await openStaff(browser, { script });
    const seen = pageErrors(page, collected);
    try {
      await signIn(page, STAFF.admin);
      await go(page, page.getByRole('navigation').getByRole('link', { name: '用户管理' }));
      assert.equal(await page.locator('h1').textContent(), '用户管理');
      assert.ok(await page.getByRole('link', { name: STAFF.admin.user }).count() > 0, 'the administrator is listed');
      if (script) await expectAccessible(page, 'users list');

      await go(page, page.getByRole('link', { name: '创建账号' }));
      if (script) await expectAccessible(page, 'new user form');
      // Nothing filled in: the errors at the top, each linked to its field.
      await go(page, page.getByRole('button', { name: '创建账号' }));
      const summary = await errorSummary(page);
      assert.ok(summary.some((e) => e.target === 'Input_UserName'), JSON.stringify(summary));
      assert.ok(summary.some((e) => e.target === 'Input_Role'), JSON.stringify(summary));
      assert.match(await page.title(), /^错误：/);
      if (script) await expectAccessible(page, 'new user form with errors');

      const user = `planner-${tag}`;
      const password = `initial-${tag}-pw`;
      await page.getByLabel('用户名').fill(user);
      await page.getByLabel('姓名').fill('测试规划员');
      await page.getByLabel('住建局规划人员').check();
      await page.getByLabel(/永济市（140881）/).check();
      await page.getByLabel('初始密码').fill(password);
      await go(page, page.getByRole('button', { name: '创建账号' }));
      assert.equal(new URL(page.url()).pathname, '/staff/users');
      assert.match(await page.locator('.notice').textContent(), /账号已创建/);
      const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: user }) });
      assert.match(await row.textContent(), /住建局规划人员.*140881/s);
      if (script) await expectAccessible(page, 'users list after creating');

      // The new account signs in through the page and finds the planner's areas.
      const other = await openStaff(browser, { script });
      try {
        await signIn(other.page, { user, password });
        assert.equal(new URL(other.page.url()).pathname, '/staff/');
        assert.match(await other.page.locator('.staff-header__user').textContent(), new RegExp(user));
        assert.deepEqual(other.errors, []);
      } finally {
        await other.context.close();
      }
      assert.deepEqual(seen(), []);
    } finally {
      await context.close();
    }
  });

  test(`a district administrator creates and retires a plan target (${how})`, T, async () => {
    const { context, page, errors: collected } = await openStaff(browser, { script });
    const seen = pageErrors(page, collected);
    try {
      await signIn(page, STAFF.admin);
      await go(page, page.getByRole('navigation').getByRole('link', { name: '规划指标' }));
      assert.equal(await page.locator('h1').textContent(), '规划指标');
      if (script) await expectAccessible(page, 'plan targets');

      await go(page, page.getByRole('link', { name: '新增规划指标' }));
      if (script) await expectAccessible(page, 'new plan target form');
      const title = `无障碍公厕覆盖乡镇-${tag}`;
      await page.getByLabel('行政区').selectOption('140881');
      await page.getByLabel('指标名称').fill(title);
      await page.getByLabel('指标代码').fill('township_toilets');
      await page.getByLabel('比例（0 到 1）').check();
      // A share typed as a percentage: the form says what it expects, and keeps what was typed.
      await page.getByLabel('目标值').fill('85');
      await page.getByLabel('规划期起始年份').fill('2026');
      await page.getByLabel('规划期结束年份').fill('2030');
      await page.getByLabel('预期性').check();
      await page.getByLabel('来源文件').fill('永济市“十五五”残疾人事业发展规划');
      await page.getByLabel('条款（可选）').fill('表2 第5项');
      await go(page, page.getByRole('button', { name: '保存指标' }));
      assert.deepEqual((await errorSummary(page)).map((e) => e.target), ['Input_Value']);
      assert.equal(await page.getByLabel('指标名称').inputValue(), title);
      if (script) await expectAccessible(page, 'new plan target with an error');
      await page.getByLabel('目标值').fill('0.85');
      await go(page, page.getByRole('button', { name: '保存指标' }));
      assert.equal(new URL(page.url()).pathname, '/staff/plan-targets');
      assert.match(await page.locator('.notice').textContent(), /已新增规划指标/);
      const row = page.getByRole('row').filter({ hasText: title });
      assert.match(await row.textContent(), /0\.85.*2026–2030.*预期性.*表2 第5项/s);
      if (script) await expectAccessible(page, 'plan targets after adding');

      await go(page, row.getByRole('link', { name: /停用/ }));
      assert.equal(await page.locator('h1').textContent(), '停用规划指标');
      if (script) await expectAccessible(page, 'retire a plan target');
      await go(page, page.getByRole('button', { name: '停用这个指标' }));
      assert.match(await page.locator('.notice').textContent(), /已停用规划指标/);
      assert.equal(await page.getByRole('row').filter({ hasText: title }).count(), 0);
      assert.deepEqual(seen(), []);
    } finally {
      await context.close();
    }
  });

  test(`a district administrator issues an API key, sees it once, and revokes it (${how})`, T, async () => {
    const { context, page, errors: collected } = await openStaff(browser, { script });
    const seen = pageErrors(page, collected);
    try {
      await signIn(page, STAFF.admin);
      await go(page, page.getByRole('navigation').getByRole('link', { name: '数据共享密钥' }));
      if (script) await expectAccessible(page, 'API keys');
      await go(page, page.getByRole('link', { name: '签发新密钥' }));
      if (script) await expectAccessible(page, 'issue an API key form');
      const department = `永济市交通运输局-${tag}`;
      await page.getByLabel('使用部门').fill(department);
      await page.getByLabel(/永济市（140881）/).check();
      await page.getByLabel('无障碍设施').check();
      await page.getByLabel('道路').check();
      await go(page, page.getByRole('button', { name: '签发密钥' }));
      assert.equal(await page.locator('h1').textContent(), '密钥已签发');
      const secret = await page.getByLabel(/密钥（只显示这一次）/).inputValue();
      assert.match(secret, /^acrk_/);
      if (script) await expectAccessible(page, 'API key issued');

      await go(page, page.getByRole('link', { name: '查看这把密钥' }));
      assert.match(await page.locator('h1').textContent(), new RegExp(department));
      assert.equal(await page.locator('svg[role="img"]').count(), 1, 'the usage chart');
      assert.ok(!(await page.content()).includes(secret), 'the secret is never shown again');
      if (script) await expectAccessible(page, 'API key with its usage');
      await go(page, page.getByRole('button', { name: '吊销这把密钥' }));
      assert.match(await page.locator('.notice').textContent(), /密钥已吊销/);
      const row = page.getByRole('row').filter({ hasText: department });
      assert.match(await row.textContent(), /已吊销/);
      if (script) await expectAccessible(page, 'API keys after revoking');
      assert.deepEqual(seen(), []);
    } finally {
      await context.close();
    }
  });

  test(`a district administrator reads a facility's audit trail, before → after (${how})`, T, async () => {
    const { context, page, errors: collected } = await openStaff(browser, { script });
    const seen = pageErrors(page, collected);
    try {
      await signIn(page, STAFF.admin);
      await go(page, page.getByRole('navigation').getByRole('link', { name: '操作日志' }));
      if (script) await expectAccessible(page, 'audit search');
      await page.getByLabel('记录类型').selectOption('facility');
      await page.getByLabel('记录编号').fill(String(facilityId));
      await go(page, page.getByRole('button', { name: '查询' }));
      assert.match(await page.locator('h2').first().textContent(), /共 2 条/);
      if (script) await expectAccessible(page, 'audit search results');

      await go(page, page.getByRole('link', { name: `设施 ${facilityId}` }).first());
      assert.equal(new URL(page.url()).pathname, `/staff/audit/facility/${facilityId}`);
      const entries = page.locator('.audit-entry');
      assert.equal(await entries.count(), 2);
      assert.match(await entries.nth(0).locator('h2').textContent(), /新建/);
      const change = entries.nth(1);
      assert.match(await change.locator('h2').textContent(), /修改/);
      assert.match(await change.textContent(), new RegExp(STAFF.admin.user));
      const rows = change.locator('tbody tr');
      const cells = async (field) => rows.filter({ has: page.locator('th', { hasText: new RegExp(`^${field}$`) }) }).locator('td').allTextContents()
        .then((cells) => cells.map((c) => c.replace(/\s+/g, ' ').trim()));
      assert.deepEqual(await cells('name'), [`审计测试坡道-${run}`, `→ 审计测试坡道-${run}-改名`]);
      assert.deepEqual(await cells('attributes.slope'), ['0.08', '→ 0.12']);
      assert.equal(await rows.count(), 2, 'only what changed');
      if (script) await expectAccessible(page, 'facility audit trail');
      assert.deepEqual(seen(), []);
    } finally {
      await context.close();
    }
  });
}
