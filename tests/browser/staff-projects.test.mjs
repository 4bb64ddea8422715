// Browser test of the construction project pages of the staff workspace (/staff/projects), against the real service
// with demo data: a planner of Yongji (the housing bureau) registers a project, adds a planned wheelchair ramp, takes it
// to design review, records a failing check (slope 1:8), sees the failure block the next stage, records a corrected
// check, moves through construction to acceptance, records the acceptance check and accepts; the ramp then is in the
// facility list. A district administrator waives a failure that cannot be corrected. Only what a person clicks and
// types; each walk with script and again without. axe (WCAG 2.2 AA) on every page state; a CSP violation fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './helpers.mjs';
import { STAFF, errorSummary, expectAccessible, openStaff, signIn } from './staff-helpers.mjs';

const T = { timeout: 400_000 };

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * A walk's page, and how axe checks its states: in place with script; without, the same address opened in a scripted
 * context with the same cookies (axe runs in the page). A state reached by a POST is checked in place in the scripted
 * walk only.
 */
async function walk(script, viewport) {
  const staff = await openStaff(browser, { script, viewport });
  staff.page.on('response', (r) => { if (r.status() === 404) staff.errors.push(`404: ${r.url()}`); });
  const noIcon = (context) => context.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  await noIcon(staff.context);
  let twin = null;
  const check = async (state, { posted = false } = {}) => {
    if (script) {
      await expectAccessible(staff.page, state);
      return;
    }
    if (posted) return;
    if (!twin) {
      twin = await openStaff(browser, { script: true, viewport });
      await noIcon(twin.context);
    }
    await twin.context.addCookies(await staff.context.cookies());
    await twin.page.goto(staff.page.url());
    await expectAccessible(twin.page, `${state} (without script)`);
    assert.deepEqual(twin.errors, []);
  };
  const close = async () => { await twin?.context.close(); await staff.context.close(); };
  return { ...staff, check, close };
}

/** The error summary's links, each of whose targets is on the page. */
async function summaryTargets(page) {
  await page.locator('[data-error-summary]').waitFor();
  const links = await errorSummary(page);
  for (const { target } of links) assert.equal(await page.locator(`[id="${target}"]`).count(), 1, `the summary links to #${target}, which is on the page`);
  return links;
}

/** Registers a building project with a planned ramp, through the pages; leaves the project's page open. */
async function registerWithRamp(page, check, name, ramp, { errors = false } = {}) {
  await page.getByRole('navigation').getByRole('link', { name: '建设项目' }).click();
  await page.getByRole('heading', { level: 1, name: '建设项目' }).waitFor();
  await check('project list');
  await page.getByRole('link', { name: '登记建设项目' }).click();
  await page.getByRole('heading', { level: 1, name: '登记建设项目' }).waitFor();
  await check('registration form');
  if (errors) {
    // Nothing filled in: every question is named in the summary, linked to its field.
    await page.getByLabel('计划竣工日期').fill('明年');
    await page.getByRole('button', { name: '登记项目' }).click();
    const ids = (await summaryTargets(page)).map((l) => l.target);
    for (const id of ['Input_Name', 'Input_Builder', 'Input_ProjectType', 'Input_Works', 'Input_Latitude', 'Input_PlannedCompletion']) {
      assert.ok(ids.includes(id), `the summary links to ${id}: ${ids}`);
    }
    assert.equal(await page.locator('#Input_Name').getAttribute('aria-invalid'), 'true');
    await check('registration form with errors', { posted: true });
  }
  await page.getByLabel('项目名称').fill(name);
  await page.getByLabel('建设单位').fill('永济市城市建设投资有限公司');
  await page.getByLabel('建筑工程').check();
  await page.getByLabel('新建', { exact: true }).check();
  await page.getByLabel('纬度').fill('34.8670');
  await page.getByLabel('经度').fill('110.4470');
  await page.getByLabel('计划竣工日期').fill('2027-06-30');
  await page.getByRole('button', { name: '登记项目' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  assert.match(await page.getByRole('status').textContent(), /项目已登记/);
  assert.equal(await page.locator('[data-stage]').textContent(), '规划');
  await check('project page, registered');

  await page.getByRole('link', { name: '添加设施' }).click();
  await page.getByRole('heading', { level: 1, name: `添加设施：${name}` }).waitFor();
  // Only the kinds of a building project are offered; the kind comes first, as it decides the rest of the form.
  assert.equal(await page.getByLabel('缘石坡道').count(), 0, 'a curb ramp is not a kind of a building project');
  await check('planned facility kind question');
  await page.getByLabel('轮椅坡道').check();
  await page.getByRole('button', { name: '继续' }).click();
  await page.getByLabel('设施名称').waitFor();
  // The ramp's design attributes, with the standard's threshold as the hint.
  assert.match(await page.locator('#attributes_slope-hint').textContent(), /1:12/);
  await check('planned facility form');
  await page.getByLabel('设施名称').fill(ramp);
  await page.getByLabel('纬度').fill('34.8671');
  await page.getByLabel('经度').fill('110.4471');
  await page.locator('#attributes_slope').fill('1:14');
  await page.getByRole('button', { name: '添加设施' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  assert.match(await page.getByRole('status').textContent(), /设施已添加/);
  assert.equal(await page.locator('[data-planned-facility]').count(), 1);
}

/** Moves the project to its next stage through the confirmation page. */
async function advance(page, check, name, stageName, state) {
  await page.getByRole('link', { name: '进入下一阶段' }).click();
  await page.getByRole('heading', { level: 1, name: `${name}：进入${stageName}阶段` }).waitFor();
  if (state) await check(state);
  await page.getByRole('button', { name: '进入下一阶段' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  assert.match(await page.getByRole('status').textContent(), /项目已进入下一阶段/);
  assert.equal(await page.locator('[data-stage]').textContent(), stageName);
}

/** Fills the ramp's checklist: the slope given, a rise, a landing and (unless marked not applicable) a handrail that pass. */
async function fillRamp(page, slope, { handrail = true } = {}) {
  await page.locator('#Input_Values_slope_').fill(slope);
  await page.locator('#Input_Values_rise_').fill('0.6');
  await page.locator('#Input_Values_landing_length_').fill('1.6');
  if (handrail) await page.locator('#Input_Values_handrail_height_').fill('870');
}

/** Records a check of the ramp with its slope; returns the result page's verdict of the slope. */
async function recordCheck(page, check, ramp, stageName, slope, state) {
  await page.getByRole('link', { name: `记录检查：${ramp}` }).click();
  await page.getByRole('heading', { level: 1, name: `${stageName}检查：${ramp}` }).waitFor();
  if (state) await check(state);
  await fillRamp(page, slope);
  await page.getByRole('button', { name: '提交检查结果' }).click();
  await page.getByRole('heading', { level: 1, name: `${stageName}检查结果：${ramp}` }).waitFor();
  return page.locator('tr[data-item="slope"]').getAttribute('data-verdict');
}

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? 'with script' : 'without script';
  test(`the housing bureau takes a project through review to acceptance; axe clean (${how})`, T, async () => {
    const { page, errors, check, close } = await walk(javaScriptEnabled);
    try {
      const stamp = `${javaScriptEnabled ? 'A' : 'B'}${Date.now() % 100000}`;
      const name = `测试安置小区 ${stamp}`;
      const ramp = `主入口坡道 ${stamp}`;
      await signIn(page, STAFF.planner);
      await registerWithRamp(page, check, name, ramp, { errors: true });
      await check('project page with a planned ramp');

      // A document of the design.
      await page.getByRole('link', { name: '上传文件' }).click();
      await page.getByRole('heading', { level: 1, name: `上传文件：${name}` }).waitFor();
      await check('document form');
      await page.getByRole('button', { name: '上传文件' }).click();
      assert.deepEqual((await summaryTargets(page)).map((l) => l.target), ['Title', 'Upload']);
      await page.getByLabel('文件名称').fill('施工图无障碍设计专篇');
      await page.getByLabel('文件', { exact: true }).setInputFiles({ name: 'design.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
      await page.getByRole('button', { name: '上传文件' }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      assert.match(await page.getByRole('status').textContent(), /文件已上传/);
      assert.match(await page.getByRole('link', { name: '施工图无障碍设计专篇' }).getAttribute('href'), /\/staff\/projects\/\d+\/documents\/[0-9a-f-]{36}$/);

      await advance(page, check, name, '设计审查', 'move to design review');

      // The design review check: "not applicable" needs a reason; a slope of 1:8 fails GB 55019 §2.3.
      await page.getByRole('link', { name: `记录检查：${ramp}` }).click();
      await page.getByRole('heading', { level: 1, name: `设计审查检查：${ramp}` }).waitFor();
      await check('design review check form');
      assert.match(await page.locator('[data-item="slope"] .hint').textContent(), /≤ 1:12.*GB 55019 §2\.3/);
      await page.locator('#Input_NotApplicable_handrail_height_').check();
      await page.getByRole('button', { name: '提交检查结果' }).click();
      // Every error at once: the reason, and the slope the standard judges (required).
      const checkErrors = (await summaryTargets(page)).map((l) => l.target);
      for (const id of ['Input_Reasons_handrail_height_', 'Input_Values_slope_']) assert.ok(checkErrors.includes(id), `the summary links to ${id}: ${checkErrors}`);
      assert.match(await page.locator('#Input_Reasons_handrail_height_-error').textContent(), /请写明“扶手高度”不适用的理由/);
      await check('check form with its error', { posted: true });
      await page.locator('#Input_Reasons_handrail_height_').fill('坡道两侧为实墙，扶手在墙上另行设计');
      await fillRamp(page, '1:8', { handrail: false });
      await page.getByRole('button', { name: '提交检查结果' }).click();
      await page.getByRole('heading', { level: 1, name: `设计审查检查结果：${ramp}` }).waitFor();
      assert.equal(await page.locator('[data-check-result]').getAttribute('data-check-result'), 'fail');
      assert.equal(await page.locator('tr[data-item="slope"]').getAttribute('data-verdict'), 'fail');
      assert.match(await page.locator('tr[data-item="slope"]').textContent(), /应整改至：≤ 1:12（GB 55019 §2\.3）/);
      assert.equal(await page.locator('tr[data-item="handrail_height"]').getAttribute('data-verdict'), 'not-applicable');
      await check('failed check result');

      // The failure blocks the next stage: named on the project page, and in the summary when tried.
      await page.getByRole('link', { name: '返回项目' }).first().click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      assert.match(await page.locator('[data-blockers]').textContent(), new RegExp(`${ramp}.*坡度.*不合格`));
      await check('project page with an open failure');
      await page.getByRole('link', { name: '进入下一阶段' }).click();
      await page.getByRole('heading', { level: 1, name: `${name}：进入施工阶段` }).waitFor();
      await page.getByRole('button', { name: '进入下一阶段' }).click();
      const refused = await summaryTargets(page);
      assert.ok(refused.some((l) => l.text.includes(ramp) && l.text.includes('坡度')), `the summary names the open failure: ${JSON.stringify(refused)}`);
      await check('move refused', { posted: true });

      // Corrected design: 1:14 passes; the project moves on.
      await page.getByRole('link', { name: '返回' }).first().click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      assert.equal(await recordCheck(page, check, ramp, '设计审查', '1:14'), 'pass');
      await page.getByRole('link', { name: '返回项目' }).first().click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      assert.equal(await page.locator('[data-blockers]').count(), 0);
      await advance(page, check, name, '施工');
      await advance(page, check, name, '竣工验收');

      // Acceptance: the built ramp checked, then the project accepted.
      assert.equal(await recordCheck(page, check, ramp, '竣工验收', '1:13', 'acceptance check form'), 'pass');
      await page.getByRole('link', { name: '返回项目' }).first().click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      await page.getByRole('link', { name: '通过竣工验收' }).click();
      await page.getByRole('heading', { level: 1, name: `${name}：竣工验收` }).waitFor();
      await check('acceptance question');
      await page.getByRole('button', { name: '通过竣工验收' }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor();
      assert.match(await page.getByRole('status').textContent(), /项目已通过竣工验收/);
      assert.equal(await page.locator('[data-stage]').textContent(), '已验收');
      assert.match(await page.locator('[data-barrier-free]').textContent(), /无障碍设施全部达标/);
      await check('accepted project');

      // The ramp is in the registry now, linked from the project and found in the facility list.
      const href = await page.getByRole('link', { name: ramp, exact: true }).getAttribute('href');
      assert.match(href, /^\/staff\/facilities\/\d+$/);
      await page.getByRole('navigation').getByRole('link', { name: '设施登记' }).click();
      await page.getByLabel('名称包含').fill(ramp);
      await page.getByRole('button', { name: '搜索' }).click();
      assert.equal(await page.getByRole('link', { name: ramp, exact: true }).getAttribute('href'), href);

      // Found in the project list among the accepted ones.
      await page.getByRole('navigation').getByRole('link', { name: '建设项目' }).click();
      await page.getByLabel('阶段').selectOption('accepted');
      await page.getByRole('button', { name: '筛选' }).click();
      assert.match(await page.getByRole('row').filter({ hasText: name }).textContent(), /已验收[\s\S]*无障碍设施全部达标/);
      await check('project list, accepted');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
}

test('a district administrator waives a failure that cannot be corrected, with its reason', T, async () => {
  const { page, errors, check, close } = await walk(true);
  try {
    const stamp = `W${Date.now() % 100000}`;
    const name = `测试改建项目 ${stamp}`;
    const ramp = `侧门坡道 ${stamp}`;
    await signIn(page, STAFF.admin);
    await registerWithRamp(page, check, name, ramp);
    await advance(page, check, name, '设计审查');
    assert.equal(await recordCheck(page, check, ramp, '设计审查', '1:10'), 'fail');
    await page.getByRole('link', { name: '返回项目' }).first().click();
    await page.getByRole('heading', { level: 1, name }).waitFor();

    // The waiver asks for its reason.
    await page.getByRole('link', { name: '豁免“坡度”' }).click();
    await page.getByRole('heading', { level: 1, name: `豁免“坡度”：${ramp}` }).waitFor();
    await check('waiver form');
    await page.getByRole('button', { name: '记录豁免' }).click();
    assert.deepEqual((await summaryTargets(page)).map((l) => l.target), ['Reason']);
    await check('waiver form with its error', { posted: true });
    await page.getByLabel('豁免理由').fill('既有建筑场地受限，坡度无法放缓；另设升降平台');
    await page.getByRole('button', { name: '记录豁免' }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    assert.match(await page.getByRole('status').textContent(), /豁免已记录/);
    assert.match(await page.locator('[data-waivers]').textContent(), /既有建筑场地受限/);
    assert.equal(await page.locator('[data-blockers]').count(), 0);
    await check('project page with a waiver');
    await advance(page, check, name, '施工');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('a road project plans its sidewalk as a line with its design attributes, typed without script', T, async () => {
  const { page, errors, check, close } = await walk(false);
  try {
    const name = `测试道路改造 ${Date.now() % 100000}`;
    await signIn(page, STAFF.planner);
    await page.getByRole('navigation').getByRole('link', { name: '建设项目' }).click();
    await page.getByRole('link', { name: '登记建设项目' }).click();
    await page.getByLabel('项目名称').fill(name);
    await page.getByLabel('建设单位').fill('永济市市政工程处');
    await page.getByLabel('道路工程').check();
    await page.getByLabel('改建', { exact: true }).check();
    await page.getByLabel('纬度').fill('34.8665');
    await page.getByLabel('经度').fill('110.4470');
    await page.getByRole('button', { name: '登记项目' }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();

    await page.getByRole('link', { name: '添加设施' }).click();
    await page.getByLabel('道路（人行道）').check();
    await page.getByRole('button', { name: '继续' }).click();
    await page.getByLabel('设施名称').fill('舜都大道人行道');
    // One point is not a line: the summary names the line box.
    await page.getByLabel(/线位/).fill('34.8662, 110.4460');
    await page.getByLabel('次干路').check();
    await page.getByRole('button', { name: '添加设施' }).click();
    assert.deepEqual((await summaryTargets(page)).map((l) => l.target), ['Input_Line']);
    assert.equal(await page.getByLabel('设施名称').inputValue(), '舜都大道人行道', 'what was typed stays');
    await check('planned road segment with errors', { posted: true });
    await page.getByLabel(/线位/).fill('34.8662, 110.4460\n34.8665, 110.4470\n34.8668, 110.4480');
    await page.locator('#attributes_sidewalk_width_m').fill('2.5');
    await page.getByRole('button', { name: '添加设施' }).click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    assert.match(await page.getByRole('status').textContent(), /设施已添加/);
    await check('road project with its planned sidewalk');

    // What was planned is what the API holds: a line of three points, the road class and the width.
    const id = page.url().match(/projects\/(\d+)/)[1];
    const project = await (await page.context().request.get(new URL(`/api/v1/projects/${id}`, page.url()).toString())).json();
    const [sidewalk] = project.plannedFacilities;
    assert.equal(sidewalk.kind, 'road_segment');
    assert.equal(sidewalk.geometry.type, 'LineString');
    assert.equal(sidewalk.geometry.coordinates.length, 3);
    assert.deepEqual({ roadClass: sidewalk.attributes.road_class, width: sidewalk.attributes.sidewalk_width_m }, { roadClass: 'secondary', width: 2.5 });
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
