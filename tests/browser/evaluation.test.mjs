// Browser tests of the printable plan evaluation (evaluation.html: 中期评估 / 总结评估), against the real service at
// BASE_URL with demo data: the mid-term evaluation of 永济市 for 2021–2025 with its targets binding first, baseline,
// value and target, and the subdivisions; the public's withheld household figures and the planner's whole ones; the
// final evaluation in English; reached from the annual report and the map's district panel; axe clean; print to A4.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, BASE_URL } from './helpers.mjs';
import { STAFF, openStaff, signIn, expectAccessible } from './staff-helpers.mjs';

const T = { timeout: 240_000 };
const WAIT = { timeout: 60_000 };
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const MIDTERM = '/evaluation.html?district=140881&period=2021-2025&stage=midterm';
const zhCount = (n) => `${new Intl.NumberFormat('zh-CN').format(n)} 户`;

async function evaluation(query) {
  const res = await fetch(`${BASE_URL}/api/v1/evaluations/140881?${query}`);
  assert.equal(res.status, 200);
  return res.json();
}

/** The cell texts of the target table's rows: [{indicator, binding, goal, baseline, value, status}]. */
async function targetRows(page) {
  return page.locator('#target-table tbody tr').evaluateAll((rows) => rows.map((r) => ({
    indicator: r.dataset.indicator,
    binding: r.dataset.binding === 'true',
    title: r.querySelector('.target-title').textContent,
    goal: r.querySelector('td.goal').textContent,
    baseline: r.querySelector('td.baseline').textContent,
    value: r.querySelector('td.value').textContent,
    status: r.querySelector('td.status').dataset.status,
    statusText: r.querySelector('td.status').textContent,
  })));
}

test('the public mid-term evaluation of 永济市 shows the targets binding first, the subdivisions, and withholds household figures in words', T, async () => {
  const api = await evaluation('period=2021-2025&stage=midterm');
  const { context, page, errors } = await openPage(browser, { path: MIDTERM });
  try {
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    assert.equal(await page.locator('h1').textContent(), '永济市2021–2025年规划实施中期评估');
    assert.equal(await page.locator('#report-stage').textContent(), '中期评估');
    assert.equal(await page.locator('#report-baseline').textContent(), '2020年12月31日');
    assert.match(await page.locator('#report-date').textContent(), /^2023年6月30日（已过 2.49 年，剩余 2.51 年）$/);

    const rows = await targetRows(page);
    assert.deepEqual(rows.map((r) => r.indicator), api.targets.map((t) => t.indicator));
    assert.deepEqual(rows.map((r) => r.indicator), ['household_renovations', 'household_renovations_key_project']);
    assert.deepEqual(rows.map((r) => r.binding), [true, false], 'binding first');
    assert.equal(rows[0].goal, '≥ 100 户');
    assert.equal(rows[1].goal, '≥ 150 户');
    assert.equal(rows[0].baseline, '0 户');
    // A mid-year date is not one the public may read household figures for: withheld, and the reason in words.
    assert.equal(rows[0].value, '不公开');
    assert.equal(rows[0].status, 'notMeasurable');
    assert.match(rows[0].statusText, /无法评估/);
    assert.match(rows[0].statusText, /户数只在评估日为今天或规划期末/);
    const headers = await page.locator('#target-table thead th').allTextContents();
    assert.ok(headers.includes('基期值（2020年12月31日）') && headers.includes('评估值（2023年6月30日）'), headers.join(' | '));
    assert.equal(await page.locator('#target-table caption').count(), 1);
    assert.equal(await page.locator('#target-table tbody th[scope="row"]').count(), 2);

    // The subdivisions: every township of 永济市, compared on the measured figure (households per county only).
    const children = page.locator('#children-householdsRenovated tbody tr');
    assert.equal(await children.count(), api.subdivisions.length);
    assert.equal(await children.count(), 13);
    assert.match(await page.locator('#children-householdsRenovated caption').textContent(), /永济市各下级区划（13 个）/);
    assert.equal(await children.first().locator('th[scope="row"]').textContent(), '城西街道');
    // A place for the satisfaction survey's results.
    assert.match(await page.locator('#survey').textContent(), /社会满意度调查/);
    await expectAccessible(page, 'public mid-term evaluation');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the planner of 永济市 gets the mid-term figures whole: value, progress, pace and what is needed, per township', T, async () => {
  const { context, page, errors } = await openStaff(browser);
  try {
    await signIn(page, STAFF.planner);
    await page.goto(`${BASE_URL}${MIDTERM}`);
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    const api = await (await page.request.get(`${BASE_URL}/api/v1/evaluations/140881?period=2021-2025&stage=midterm`)).json();
    assert.equal(api.view, 'staff');
    assert.match(await page.locator('#report-view').textContent(), /内部版/);
    const rows = await targetRows(page);
    const binding = api.targets.find((t) => t.indicator === 'household_renovations');
    assert.equal(rows[0].value, zhCount(binding.value));
    assert.equal(rows[0].baseline, '0 户');
    assert.notEqual(rows[0].status, 'notMeasurable');
    const progress = page.locator('#target-table tbody tr').first().locator('td.progress');
    assert.equal(await progress.textContent(), new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 }).format(binding.progress));
    assert.match(await page.locator('#target-table tbody tr').first().locator('td.needed').textContent(), /\/年$/);
    // The townships, with the households registered without their township, add up to the district.
    const values = await page.locator('#children-householdsRenovated tr:is([data-code], .unassigned) td:nth-child(3)').allTextContents();
    assert.equal(values.length, 14);
    const sum = values.map((v) => Number(v.replace(/[^\d]/g, ''))).reduce((a, b) => a + b, 0);
    assert.equal(sum, binding.value);
    assert.equal(await page.locator('#children-householdsRenovated tfoot th[scope="row"]').textContent(), '未登记所属乡镇（街道）的户');
    await expectAccessible(page, 'staff mid-term evaluation');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the final evaluation in English; print media hides the toolbar and the form; the PDF is A4', T, async () => {
  const api = await evaluation('period=2021-2025&stage=final');
  const { context, page, errors } = await openPage(browser, { path: '/evaluation.html?district=140881&period=2021-2025&stage=final&lang=en' });
  try {
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('h1').textContent(), 'Final evaluation of the 2021–2025 plan: 永济市');
    assert.equal(await page.locator('#report-baseline').textContent(), 'December 31, 2020');
    assert.match(await page.locator('#report-date').textContent(), /^December 31, 2025 \(5 years elapsed, 0 remaining\)$/);
    const rows = await targetRows(page);
    assert.deepEqual(rows.map((r) => r.binding), [true, false]);
    assert.equal(rows[0].goal, '≥ 100 households');
    const binding = api.targets[0];
    // The period's last day: the public reads the period's total as the coverage indicators publish it.
    assert.equal(rows[0].value, binding.value == null ? 'withheld' : `${new Intl.NumberFormat('en').format(binding.value)} households`);
    assert.match(rows[0].statusText, binding.value == null ? /Not measurable/ : binding.status === 'met' ? /Met/ : /Missed/);
    assert.match(await page.locator('#children-householdsRenovated caption').textContent(), /the 13 subdivisions of 永济市/);
    assert.equal(await page.locator('#print-button').textContent(), 'Print the evaluation');
    await expectAccessible(page, 'final evaluation in English');

    // The print stylesheet is there and applies: no toolbar, no form on paper, the tables are.
    const sheets = await page.evaluate(() => [...document.styleSheets].flatMap((s) => {
      try { return [...s.cssRules].flatMap((r) => (r.cssRules ? [r, ...r.cssRules] : [r])).map((r) => r.cssText); } catch { return []; }
    }).filter((t) => t.startsWith('@media print') || t.startsWith('@page')));
    assert.ok(sheets.some((t) => t.startsWith('@page')), 'an @page rule (A4)');
    assert.ok(sheets.some((t) => t.includes('.evaluation-form')), 'the print rules of the evaluation');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#report-toolbar').isVisible(), false, 'no toolbar on paper');
    assert.equal(await page.locator('#evaluation-form').isVisible(), false, 'no form on paper');
    assert.ok(await page.locator('#target-table').isVisible());
    const pdf = (await page.pdf({ format: 'A4', preferCSSPageSize: true })).toString('latin1');
    const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.ok(boxes.length >= 1);
    for (const [w, h] of boxes) assert.ok(Math.abs(w - 595.3) < 1.5 && Math.abs(h - 841.9) < 1.5, `A4 page, got ${w} × ${h} pt`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the evaluation is one link away from the annual report and from the map\'s district panel', T, async () => {
  const { context, page, errors } = await openPage(browser, { path: '/annual-report.html?district=140881&year=2025' });
  try {
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    const fromReport = page.locator('#evaluation-link');
    await page.waitForFunction(() => /period=2021-2025/.test(document.getElementById('evaluation-link')?.href || ''), null, WAIT);
    assert.equal(await fromReport.textContent(), '2021–2025 年规划总结评估');
    await fromReport.click();
    await page.waitForURL(/evaluation\.html\?district=140881&period=2021-2025&stage=final/, WAIT);
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    assert.equal(await page.locator('h1').textContent(), '永济市2021–2025年规划实施总结评估');

    await page.goto(`${BASE_URL}/?district=140881`);
    // Once the district's targets are in: the plan period of 2021–2025 (the seeded targets'), evaluated as a whole after it.
    await page.waitForFunction(() => /evaluation\.html\?district=140881&period=2021-2025/.test(document.getElementById('evaluation-link')?.href || ''), null, WAIT);
    const fromMap = page.locator('#evaluation-link');
    assert.match(await fromMap.textContent(), /^2021–2025 年规划(中期|总结)评估$/);
    await fromMap.click();
    await page.waitForURL(/evaluation\.html/, WAIT);
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    assert.match(await page.locator('h1').textContent(), /^永济市2021–2025年规划实施(中期|总结)评估$/);
    assert.ok(await page.locator('#target-table tbody tr').count() >= 1);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a bad period is refused in words, and the choice of evaluation is a plain form', T, async () => {
  const { context, page } = await openPage(browser, { path: '/evaluation.html?district=140881&period=2030-2021&stage=midterm' });
  try {
    await page.waitForSelector('body[data-ready="error"]', WAIT);
    assert.match(await page.locator('[role="alert"]').textContent(), /period/);
    assert.equal(await page.locator('#form-period').inputValue(), '2030-2021', 'the form shows what was asked');
    await page.locator('#form-period').fill('2021-2025');
    await page.getByLabel('评估阶段').selectOption('final');
    await page.getByRole('button', { name: '生成评估' }).click();
    await page.waitForURL(/stage=final/, WAIT);
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    assert.equal(await page.locator('h1').textContent(), '永济市2021–2025年规划实施总结评估');
  } finally {
    await context.close();
  }
});
