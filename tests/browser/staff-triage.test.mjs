// The loop from a public report to a verified repair, walked through the staff workspace's pages as the four roles
// would: a district administrator accepts a public report onto a facility and checklist item and assigns the defect; the
// managing unit signs in and marks it fixed with a photo; an inspector re-inspects, the defect is verified and the
// report closes. Once with script and once with javaScriptEnabled: false; axe (WCAG 2.2 AA) on every page state (in the
// walk without script, on the same HTML served to a scripted twin, since axe runs in the page). The before() hook sets up
// through the API (a ramp, and the public report of it); the walk itself makes no API call. Accounts: the district
// administrator, the managing unit and the inspector of Yongji that scripts/test.sh creates.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, BASE_URL } from './helpers.mjs';
import { STAFF, openStaff, signIn, signOut, expectAccessible } from './staff-helpers.mjs';

const T = { timeout: 600_000 };
const RUN = Date.now().toString(36);

let browser;
let photo; // a JPEG of the repair, made by the browser's canvas
before(async () => {
  browser = await launch();
  const page = await browser.newPage();
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 320; canvas.height = 240;
    const g = canvas.getContext('2d');
    g.fillStyle = '#888'; g.fillRect(0, 0, 320, 240);
    g.fillStyle = '#2a2'; g.fillRect(40, 120, 240, 60);
    return canvas.toDataURL('image/jpeg', 0.9);
  });
  photo = Buffer.from(dataUrl.split(',')[1], 'base64');
  await page.close();
});
after(async () => { await browser?.close(); });

/**
 * axe on the page's state. Without script axe cannot run in the page: the same HTML, at the same address, is served to
 * a scripted twin context (the page's stylesheets load from the service as usual) and checked there.
 */
async function check(page, state, script) {
  if (script) {
    await expectAccessible(page, state);
    return;
  }

  const html = await page.content();
  const url = page.url();
  const twin = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  try {
    const copy = await twin.newPage();
    await copy.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await copy.goto(url);
    await expectAccessible(copy, `${state} (without script)`);
  } finally {
    await twin.close();
  }
}

/** Set-up through the API (allowed in before(), never in the walk): a wheelchair ramp of its own, and the public's report of it. */
async function setUp(label) {
  const context = await browser.newContext();
  try {
    const api = context.request;
    const af = await (await api.get(`${BASE_URL}/api/v1/auth/antiforgery`)).json();
    const login = await api.post(`${BASE_URL}/api/v1/auth/login`, { headers: { [af.headerName]: af.token }, data: { userName: STAFF.admin.user, password: STAFF.admin.password } });
    assert.equal(login.status(), 200, await login.text());
    const csrf = { 'X-CSRF-TOKEN': (await login.json()).antiforgeryToken };
    // A place of its own per run in 永济市 (140881), a few hundred metres from the other run's.
    const lon = 110.44 + (label === 'script' ? 0 : 0.004) + (Number.parseInt(RUN.slice(-3), 36) % 100) * 0.00005;
    const lat = 34.87 + (label === 'script' ? 0 : 0.004);
    const name = `分拣测试坡道 ${label} ${RUN}`;
    const facility = await api.post(`${BASE_URL}/api/v1/facilities`, {
      headers: csrf,
      data: { kind: 'ramp', name, geometry: { type: 'Point', coordinates: [lon, lat] }, attributes: { slope: 0.1 }, status: 'operational' },
    });
    assert.equal(facility.status(), 201, await facility.text());
    const facilityId = (await facility.json()).id;

    const anonymous = await browser.newContext();
    try {
      const filed = await anonymous.request.post(`${BASE_URL}/open311/v2/requests.json`, {
        form: { service_code: 'ramp', lat: String(lat), long: String(lon), description: `坡道太陡，轮椅上不去（${label} ${RUN}）`, 'attribute[problem]': 'too_steep', email: `reporter-${RUN}@example.cn`, phone: '13912345678' },
      });
      assert.equal(filed.status(), 201, await filed.text());
      const reportId = Number((await filed.json())[0].service_request_id);
      return { facilityId, name, reportId };
    } finally {
      await anonymous.close();
    }
  } finally {
    await context.close();
  }
}

for (const javaScriptEnabled of [true, false]) {
  const label = javaScriptEnabled ? 'script' : 'no-script';
  const script = javaScriptEnabled;
  test(`report to verified repair through the pages (${label})`, T, async () => {
    const data = await setUp(label);
    const unit = STAFF.unit;
    const { context, page, errors } = await openStaff(browser, { script, viewport: { width: 1280, height: 900 } });
    try {
      // The district administrator finds the report in the queue, with the reporter's contact on its page.
      await signIn(page, STAFF.admin);
      await check(page, 'workspace home (district administrator)', script);
      await page.getByRole('navigation', { name: '工作台导航' }).getByRole('link', { name: '群众报告分拣' }).click();
      await page.waitForURL(/\/staff\/reports$/);
      await check(page, 'report queue', script);
      await page.getByRole('link', { name: `报告 ${data.reportId}`, exact: true }).click();
      await page.waitForURL(new RegExp(`/staff/reports/${data.reportId}$`));
      assert.match(await page.locator('[data-contact]').innerText(), /13912345678/);
      await check(page, 'report detail', script);

      // Accepting without choosing anything: the error summary names the facility and links to it.
      await page.getByRole('button', { name: '受理', exact: true }).click();
      const summary = page.locator('.error-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /请选择问题所在的设施/);
      await check(page, 'accept with errors', script);
      await summary.getByRole('link').first().click();

      // Accepted onto the ramp (found near the report) and its slope item.
      await page.getByLabel(new RegExp(data.name)).check();
      await page.getByLabel('检查项').selectOption('slope');
      await page.getByRole('button', { name: '受理', exact: true }).click();
      await page.getByRole('status').filter({ hasText: '报告已受理' }).waitFor();
      await check(page, 'report accepted', script);

      // The defect: assigned to the managing unit with a due date; it shows on the board under its unit.
      await page.getByRole('status').getByRole('link', { name: /整改问题 \d+/ }).click();
      await page.waitForURL(/\/staff\/defects\/\d+$/);
      const defectUrl = page.url();
      const defectId = defectUrl.split('/').pop();
      await check(page, 'defect detail', script);
      const due = new Date(Date.now() + 14 * 86400_000).toISOString().slice(0, 10);
      await page.getByLabel('管理责任单位').fill(unit.unitName);
      await page.getByLabel('整改期限').fill(due);
      await page.getByRole('button', { name: '派单', exact: true }).click();
      await page.getByRole('status').filter({ hasText: '已派给管理责任单位' }).waitFor();
      await check(page, 'defect assigned', script);
      await page.goto(`${BASE_URL}/staff/defects?view=assigned&unit=${encodeURIComponent(unit.unitName)}`);
      await page.getByRole('link', { name: `问题 ${defectId}`, exact: true }).waitFor();
      await check(page, 'defect board, assigned, by unit', script);
      await signOut(page);

      // The managing unit: its defect, marked fixed with a note and a photo (a photo is required of it).
      await signIn(page, unit);
      await page.getByRole('navigation', { name: '工作台导航' }).getByRole('link', { name: '本单位待整改问题' }).click();
      await page.waitForURL(/\/staff\/my-defects$/);
      await check(page, 'managing unit: its defects', script);
      await page.getByRole('link', { name: `问题 ${defectId}`, exact: true }).click();
      await check(page, 'managing unit: the defect', script);
      await page.getByLabel('整改说明').fill('坡道已重新浇筑，坡度 1:12');
      await page.getByRole('button', { name: '报告整改完成' }).click();
      await page.locator('.error-summary').waitFor();
      assert.match(await page.locator('.error-summary').innerText(), /请上传整改后的照片/);
      await check(page, 'managing unit: fix without a photo', script);
      await page.getByLabel('整改后照片').setInputFiles({ name: 'repair.jpg', mimeType: 'image/jpeg', buffer: photo });
      await page.getByRole('button', { name: '报告整改完成' }).click();
      await page.getByRole('status').filter({ hasText: '已报告整改完成' }).waitFor();
      assert.equal(await page.locator('.history img.thumbnail').count(), 1, 'the repair photo is shown');
      await check(page, 'managing unit: fixed', script);
      await signOut(page);

      // The inspector: the fixed defect on the board, its re-inspection through the checklist form.
      await signIn(page, STAFF.inspector);
      await page.goto(`${BASE_URL}/staff/defects?view=fixed`);
      await check(page, 'defect board, fixed (inspector)', script);
      await page.getByRole('link', { name: `问题 ${defectId}`, exact: true }).click();
      await page.getByRole('link', { name: '记录复查' }).click();
      await page.waitForURL(new RegExp(`/staff/facilities/${data.facilityId}/inspections/new$`));
      await check(page, 're-inspection form', script);
      const slope = page.getByRole('group', { name: '坡度', exact: true });
      await slope.getByLabel('实测值').fill('1:12');
      await slope.getByLabel('单位').selectOption('ratio');
      await page.getByRole('button', { name: '提交检查结果' }).click();
      const result = page.locator('[data-inspection-result]');
      await result.waitFor();
      assert.match(await result.innerText(), /全部合格/);
      assert.match(await result.innerText(), new RegExp(`问题 ${defectId}[\\s\\S]*复查通过`));
      await check(page, 're-inspection recorded', script);

      // The defect shows the verification; the report is closed.
      await page.goto(defectUrl);
      assert.match(await page.locator('[data-verification]').innerText(), /复查通过/);
      await page.goto(`${BASE_URL}/staff/reports/${data.reportId}`);
      assert.match(await page.locator('dl.summary').first().innerText(), /已办结/);
      await check(page, 'report closed', script);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}
