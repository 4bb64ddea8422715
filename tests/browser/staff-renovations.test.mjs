// Browser test of the housing bureau's workspace (/staff/cases): a planner of Yongji signs in through the page,
// registers a household and takes it through every step to acceptance, the district administrator (残联) taking the
// steps that are theirs; once with script (the map picker) and once without (typed coordinates). No direct API call:
// everything goes through the pages. axe runs on every page state of the scripted walk (axe needs script; the
// no-script walk passes the same states). A planner of another district gets the "not found" page for the case.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './helpers.mjs';
import { BASE_URL, STAFF, errorSummary, expectAccessible, openStaff, signIn } from './staff-helpers.mjs';

// A 1×1 PNG: the photo pipeline decodes and re-encodes it like any photo.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const T = { timeout: 240_000 };
// A point inside Yongji (140881): its town centre.
const INSIDE = { lon: '110.447800', lat: '34.867200' };

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A GB 11643 ID number of Yongji with a correct check character, different on each call. */
function idNumber() {
  const body = `140881${1940 + Math.floor(Math.random() * 40)}0101${String(100 + Math.floor(Math.random() * 900))}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

/** Checks the page with axe when the context runs script (the scripted walk); the no-script walk has no axe. */
async function check(page, script, state) {
  if (script) await expectAccessible(page, state);
}

/** Clicks the button of a step's form on the case page and waits for the page after it. */
async function takeStep(page, name) {
  await Promise.all([
    page.waitForLoadState('load'),
    page.waitForNavigation({ timeout: 20000 }),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
}

async function walk(script) {
  const planner = await openStaff(browser, { script });
  const admin = await openStaff(browser, { script });
  try {
    const { page } = planner;
    await signIn(page, STAFF.planner, { path: '/staff/cases' });
    assert.match(new URL(page.url()).pathname, /^\/staff\/cases$/);
    await page.getByRole('heading', { level: 1, name: '改造个案' }).waitFor();
    // The list shows the numbers masked to their last 4 characters, never more.
    const masked = await page.locator('table.case-list td.masked').allTextContents();
    assert.ok(masked.length > 0, 'the demo cases of Yongji are listed');
    for (const m of masked) assert.match(m.trim(), /^(\*+[0-9X]{4}|)$/);
    await check(page, script, 'case list');

    // Filters and search work as a GET form.
    await page.getByLabel('状态').selectOption('identified');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '筛选', exact: true }).click()]);
    assert.match(page.url(), /status=identified/);
    for (const tag of await page.locator('table.case-list td .tag').allTextContents()) assert.equal(tag.trim(), '已登记');
    await check(page, script, 'case list filtered');

    // Register: an empty form comes back with the errors, each linked to its field.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '登记新个案' }).click()]);
    await check(page, script, 'register form');
    if (script) {
      // The map picker: a click on the map fills the coordinates (the typed fields stay the source of truth).
      const map = page.locator('.map-picker');
      await map.waitFor({ timeout: 15000 });
      await map.click();
      assert.match(await page.getByLabel('经度（选填）').inputValue(), /^\d+\.\d{6}$/);
    }
    await page.getByLabel('经度（选填）').fill('');
    await page.getByLabel('纬度（选填）').fill('');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '登记个案', exact: true }).click()]);
    const empty = await errorSummary(page);
    const targets = empty.map((e) => e.target);
    for (const field of ['Input_PersonName', 'Input_IdNumber', 'Input_DisabilityCategory', 'Input_Eligibility', 'Input_Address']) {
      assert.ok(targets.includes(field), `the summary links to ${field}: ${JSON.stringify(empty)}`);
    }
    await check(page, script, 'register form with errors');

    const name = `测试张某${Math.floor(Math.random() * 1000)}`;
    const id = idNumber();
    await page.getByLabel('姓名', { exact: true }).fill(name);
    await page.getByLabel('身份证号').fill(id);
    await page.getByLabel('电话（选填）').fill('13912340001');
    await page.getByLabel('残疾类别').selectOption({ label: '肢体残疾' });
    await page.getByLabel('一级').check();
    await page.getByLabel('困难类别').selectOption('dibao');
    await page.getByLabel('住址', { exact: true }).fill('永济市测试路 1 号');
    await page.getByLabel('经度（选填）').fill(INSIDE.lon);
    await page.getByLabel('纬度（选填）').fill(INSIDE.lat);
    await page.getByLabel('坐标系').selectOption('CGCS2000');
    await page.getByLabel('入户台阶').check();
    // The suggestions for the barrier and category: shown, and their items ticked.
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '按障碍和残疾类别推荐项目' }).click()]);
    await page.getByRole('heading', { name: '推荐项目' }).waitFor();
    // The entrance ramp (the catalogue's first item) answers steps at the entrance.
    const ramp = page.locator('input[type="checkbox"][name="Input.Items[0].Chosen"]');
    assert.equal(await ramp.isChecked(), true);
    assert.match(await page.locator(`label[for="${await ramp.getAttribute('id')}"]`).textContent(), /入户坡道[\s\S]*推荐/);
    assert.equal(await page.getByLabel('姓名', { exact: true }).inputValue(), name, 'what was typed is kept');
    await check(page, script, 'register form with suggestions');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '登记个案', exact: true }).click()]);
    assert.deepEqual(await errorSummary(page), []);
    const caseUrl = new URL(page.url());
    if (caseUrl.pathname.endsWith('/new')) assert.fail(`not registered: ${(await page.locator('main').textContent()).replace(/\s+/g, ' ').slice(0, 600)}`);
    assert.match(caseUrl.pathname, /^\/staff\/cases\/\d+$/);
    await page.getByText(/个案 \d+ 已登记/).waitFor();
    assert.match(await page.locator('.lead').textContent(), /已登记/);
    // The full ID number, to the planner of the district only (the read is audited, as the page says).
    assert.ok((await page.locator('dl.summary').first().textContent()).includes(id));
    await check(page, script, 'case registered');

    // The list masks the new case's numbers.
    await page.goto(`${BASE_URL}/staff/cases?q=${encodeURIComponent(name)}`);
    const row = page.locator('table.case-list tbody tr');
    assert.equal(await row.count(), 1);
    assert.equal((await row.locator('td.masked').first().textContent()).trim(), `${'*'.repeat(14)}${id.slice(-4)}`);
    assert.equal((await row.locator('td.masked').nth(1).textContent()).trim(), `${'*'.repeat(7)}0001`);
    assert.ok(!(await page.content()).includes(id));
    await page.goto(caseUrl.href);

    // Edit: record the assessment notes; the edit form keeps the ID number unless one is typed.
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: '修改个案' }).click()]);
    await check(page, script, 'edit form');
    await page.getByLabel('评估记录（选填）').fill('入户三级台阶，需坡道');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '保存修改' }).click()]);
    await page.getByText('个案已保存。').waitFor();

    // identified → assessed (planner).
    await takeStep(page, '标记为已评估');
    assert.match(await page.locator('.lead').textContent(), /已评估/);
    // assessed → approved is the federation's: the planner is told so, without a button.
    const approve = page.locator('section.step', { has: page.getByRole('heading', { name: '审批通过' }) });
    assert.match(await approve.textContent(), /残联（区县管理员）/);
    assert.match(await approve.textContent(), /这一步不由您的角色办理/);
    assert.equal(await approve.getByRole('button').count(), 0);
    await check(page, script, 'case assessed');

    // The district administrator approves.
    await signIn(admin.page, STAFF.admin, { path: caseUrl.pathname });
    await takeStep(admin.page, '审批通过');
    assert.match(await admin.page.locator('.lead').textContent(), /已审批/);
    await check(admin.page, script, 'case approved (administrator)');

    // approved → contracted: without a contractor the server refuses, and the summary says so at the field.
    await page.reload();
    await takeStep(page, '登记签约');
    const refused = await errorSummary(page);
    assert.equal(refused.length, 1, JSON.stringify(refused));
    assert.equal(refused[0].target, 'step-contracted-contractor');
    assert.equal(await page.locator('#step-contracted-contractor').getAttribute('aria-invalid'), 'true');
    await check(page, script, 'contract refused');
    await page.locator('#step-contracted-contractor').fill('永济市测试装修公司');
    await takeStep(page, '登记签约');
    assert.match(await page.locator('.lead').textContent(), /已签约/);
    await takeStep(page, '开始施工');
    assert.match(await page.locator('.lead').textContent(), /施工中/);
    await page.locator('#step-completed-finalCost').fill('4800');
    await takeStep(page, '登记完工');
    assert.match(await page.locator('.lead').textContent(), /已完工/);
    // The photo after the works, as the acceptance needs: uploaded on the case's photo page (a plain multipart form).
    await Promise.all([page.waitForURL(/\/photos$/), page.getByRole('link', { name: '查看和上传照片' }).first().click()]);
    await page.getByRole('button', { name: '上传并加入个案' }).click();
    await page.locator('[data-error-summary]').waitFor();
    assert.deepEqual((await errorSummary(page)).map((e) => e.target).sort(), ['Photo', 'Which']);
    await check(page, script, 'photo form with errors');
    await page.getByLabel('改造后照片').check();
    await page.getByLabel('照片文件').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
    await Promise.all([page.waitForURL(/\/staff\/cases\/\d+\?saved=1$/), page.getByRole('button', { name: '上传并加入个案' }).click()]);
    assert.match(await page.locator('dl').last().textContent(), /改造后照片\s*1/);
    const accept = page.locator('section.step', { has: page.getByRole('heading', { name: '验收通过' }) });
    assert.match(await accept.textContent(), /残联/);
    await check(page, script, 'case completed');

    // The administrator accepts, with the acceptance notes.
    await admin.page.reload();
    await admin.page.locator('#step-accepted-acceptanceNote').fill('坡道坡度 1:12，扶手齐全，验收合格');
    await takeStep(admin.page, '验收通过');
    assert.match(await admin.page.locator('.lead').textContent(), /已验收/);
    assert.match(await admin.page.locator('ol.history').textContent(), /已完工 → 已验收/);
    await check(admin.page, script, 'case accepted');

    // The refused contract step answers 422 on purpose, and Chromium asks for /favicon.ico by itself: nothing else.
    const unexpected = (errors) => errors.filter((e) => !/status of 422|status of 404/.test(e) || !/^console: Failed to load resource/.test(e));
    assert.deepEqual(unexpected(planner.errors), []);
    assert.deepEqual(unexpected(admin.errors), []);
    return caseUrl.pathname;
  } finally {
    await planner.context.close();
    await admin.context.close();
  }
}

let registered;

test('a planner registers a household and takes it to acceptance, with script', T, async () => {
  registered = await walk(true);
});

test('the same walk without script (typed coordinates, plain forms)', T, async () => {
  await walk(false);
});

test('the priority list, planning and the administrator\'s budget and weights', T, async () => {
  const { context, page, errors } = await openStaff(browser);
  try {
    await signIn(page, STAFF.admin, { path: '/staff/cases/priority?district=140881' });
    const first = page.locator('.priority-item').first();
    await first.waitFor();
    assert.match(await first.locator('h2').textContent(), /身份证 \*{14}[0-9X]{4}/);
    assert.equal(await first.locator('tbody tr').count(), 5, 'five score terms');
    await expectAccessible(page, 'priority list');

    await page.goto(`${BASE_URL}/staff/cases/planning?district=140881`);
    await page.getByRole('alert').filter({ hasText: /约束性目标.+无法完成/ }).first().waitFor();
    await expectAccessible(page, 'planning');

    await page.goto(`${BASE_URL}/staff/cases/settings?district=140881`);
    await page.getByLabel('年份', { exact: true }).fill('2026');
    await page.getByLabel('预算金额（元）').fill('-5');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '保存预算' }).click()]);
    assert.deepEqual((await errorSummary(page)).map((e) => e.target), ['Allocated']);
    await expectAccessible(page, 'budget refused');
    await page.getByLabel('预算金额（元）').fill('800000');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '保存预算' }).click()]);
    await page.getByText('2026 年预算已保存。').waitFor();
    await page.getByLabel('年龄').fill('15');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '保存权重' }).click()]);
    await page.getByText('权重已保存。').waitFor();
    assert.equal(await page.getByLabel('年龄').inputValue(), '15');
    await expectAccessible(page, 'settings saved');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a planner of another district cannot open the case, nor the list of Yongji', T, async () => {
  assert.ok(registered, 'the scripted walk registered a case');
  const { context, page } = await openStaff(browser);
  try {
    const other = { user: process.env.OTHER_PLANNER_USER, password: process.env.OTHER_PLANNER_PASSWORD };
    assert.ok(other.user && other.password, 'OTHER_PLANNER_USER / OTHER_PLANNER_PASSWORD are not set: run through scripts/test.sh');
    await signIn(page, other, { path: '/staff/cases' });
    const detail = await page.goto(`${BASE_URL}${registered}`);
    assert.equal(detail.status(), 404);
    assert.ok(!(await page.content()).includes('测试张某'), 'nothing of the household shows');
    await expectAccessible(page, 'case not found');
    assert.equal((await page.goto(`${BASE_URL}${registered}/edit`)).status(), 404);
    assert.equal((await page.goto(`${BASE_URL}/staff/cases?district=140881`)).status(), 403);
  } finally {
    await context.close();
  }
  // A planner may not set budgets or weights (district administrators only).
  const planner = await openStaff(browser);
  try {
    await signIn(planner.page, STAFF.planner, { path: '/staff/' });
    assert.equal((await planner.page.goto(`${BASE_URL}/staff/cases/settings?district=140881`)).status(), 403);
  } finally {
    await planner.context.close();
  }
});
