// Browser tests of a past year's annual report (annual-report.html?year=<last year>): opened now, it shows the figures as
// of 31 December of that year (not today's), says so, and offers the published editions and the live figures; a district
// administrator publishes editions from /staff/annual-reports without script. Chinese and English, axe clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, BASE_URL } from './helpers.mjs';
import { STAFF, openStaff, signIn, expectAccessible } from './staff-helpers.mjs';

const T = { timeout: 180_000 };
const WAIT = { timeout: 60_000 };
const YONGJI = '140881';
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const thisYear = () => Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(new Date()));
const YEAR = thisYear() - 1;
const zhNum = (n) => new Intl.NumberFormat('zh-CN').format(n);

/** The value cell of the row whose header is `label` in the table of section `id`. */
async function figure(page, id, label) {
  return page.locator(`#${id} tr`, { has: page.locator('th', { hasText: label }) }).locator('td').first().textContent();
}

async function getJson(path) {
  const response = await fetch(`${BASE_URL}${path}`);
  assert.equal(response.status, 200, `${path}: ${response.status}`);
  return response.json();
}

test('the report of last year opened now shows the figures as of 31 December, not today\'s', T, async () => {
  const asOf = await getJson(`/api/v1/annual-reports/${YONGJI}/${YEAR}`);
  const today = await getJson(`/api/v1/coverage/${YONGJI}`);
  const then = asOf.coverage.parent.facilities.inService;
  assert.equal(asOf.asOf, `${YEAR}-12-31`);
  // The demo registry grew over the plan period: last year's end held fewer facilities than today.
  assert.ok(then > 0 && then < today.facilities.inService, `as of ${YEAR}-12-31: ${then}, today: ${today.facilities.inService}`);

  const { context, page, errors } = await openPage(browser, { path: `/annual-report.html?district=${YONGJI}&year=${YEAR}&edition=live` });
  try {
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    assert.equal(await page.locator('h1').textContent(), `永济市 ${YEAR} 年度无障碍环境建设监测报告`);
    assert.equal(await page.locator('#report-as-of').textContent(), `截至${YEAR}年12月31日`);
    assert.match(await page.locator('#report-known-at').textContent(), /现时掌握的信息/);
    assert.equal(await page.locator('#report-edition').getAttribute('data-edition'), 'live');
    assert.equal(await page.locator('#report-period').textContent(), `${YEAR}年1月1日至${YEAR}年12月31日`);
    assert.equal(await figure(page, 'inspections', '在用设施'), zhNum(then));
    assert.notEqual(await figure(page, 'inspections', '在用设施'), zhNum(today.facilities.inService));
    assert.equal(await page.locator('#children-table tbody tr').count(), asOf.coverage.children.length);
    // The year's twelve months, January to December.
    assert.equal(await page.locator('#trend-table tbody tr').count(), 12);
    await expectAccessible(page, `live figures of ${YEAR}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('an administrator publishes two editions without script; the report shows the latest and offers every edition', T, async () => {
  const { context, page } = await openStaff(browser, { script: false });
  try {
    await signIn(page, STAFF.admin, { path: '/staff/annual-reports' });
    assert.equal(await page.locator('h1').textContent(), '年度报告');
    const before = (await getJson(`/api/v1/annual-reports/${YONGJI}/${YEAR}/editions`)).items.length;
    for (const note of ['正式发布', '复核后再次发布']) {
      await page.locator('select[name="Input.District"]').selectOption(YONGJI);
      await page.locator('select[name="Input.Year"]').selectOption(String(YEAR));
      await page.getByLabel('版本说明').fill(note);
      await Promise.all([page.waitForURL(/edition=\d+/, WAIT), page.getByRole('button', { name: '发布', exact: true }).click()]);
      assert.match(await page.locator('.notice--success').textContent(), new RegExp(`${YEAR}年度报告第\\d+版`));
    }
    const editions = (await getJson(`/api/v1/annual-reports/${YONGJI}/${YEAR}/editions`)).items;
    assert.equal(editions.length, before + 2);
    assert.ok(await page.locator(`#editions tr[data-year="${YEAR}"]`).count() >= 2);
  } finally {
    await context.close();
  }
  {
    const { context: scripted, page: staffPage } = await openStaff(browser);
    try {
      await signIn(staffPage, STAFF.admin, { path: '/staff/annual-reports' });
      await expectAccessible(staffPage, 'the annual reports staff page');
    } finally {
      await scripted.close();
    }
  }

  const editions = (await getJson(`/api/v1/annual-reports/${YONGJI}/${YEAR}/editions`)).items;
  const latest = editions[editions.length - 1].edition;
  const first = await getJson(`/api/v1/annual-reports/${YONGJI}/${YEAR}/editions/1`);
  const { context: reader, page: report, errors } = await openPage(browser, { path: `/annual-report.html?district=${YONGJI}&year=${YEAR}` });
  try {
    await report.waitForSelector('body[data-ready="true"]', WAIT);
    assert.equal(await report.locator('#report-edition').getAttribute('data-edition'), String(latest));
    assert.match(await report.locator('#report-edition').textContent(), new RegExp(`^第${latest}版，发布于`));
    assert.match(await report.locator('#report-known-at').textContent(), /发布时/);
    assert.equal(await report.locator('#report-as-of').textContent(), `截至${YEAR}年12月31日`);
    // What changed since the edition before: nothing was corrected in between, and the page says so.
    assert.equal(await report.locator('#changes-heading').textContent(), `自第${latest - 1}版以来的变化`);
    assert.equal(await report.locator('#report-editions a').count(), editions.length + 1);
    assert.equal(await report.locator('#report-editions a[aria-current="page"]').getAttribute('data-edition'), String(latest));
    await expectAccessible(report, `edition ${latest}`);

    await Promise.all([report.waitForURL(/edition=1(&|$)/, WAIT), report.locator('#report-editions a[data-edition="1"]').click()]);
    await report.waitForSelector('body[data-ready="true"]', WAIT);
    assert.equal(await report.locator('#report-edition').getAttribute('data-edition'), '1');
    assert.equal(await figure(report, 'inspections', '在用设施'), zhNum(first.figures.coverage.parent.facilities.inService));
    assert.equal(await report.locator('#changes').count(), 0, 'edition 1 has none before it');

    await Promise.all([report.waitForURL(/edition=live/, WAIT), report.locator('#report-editions a[data-edition="live"]').click()]);
    await report.waitForSelector('body[data-ready="true"]', WAIT);
    assert.equal(await report.locator('#report-edition').getAttribute('data-edition'), 'live');
    assert.deepEqual(errors, []);
  } finally {
    await reader.close();
  }
});

test('in English the report says what date its figures are of and which edition it is', T, async () => {
  const { context, page, errors } = await openPage(browser, { path: `/annual-report.html?district=${YONGJI}&year=${YEAR}&edition=1&lang=en` });
  try {
    await page.waitForSelector('body[data-ready="true"]', WAIT);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('#report-as-of').textContent(), `as of December 31, ${YEAR}`);
    assert.match(await page.locator('#report-edition').textContent(), /^Edition 1, published [A-Z][a-z]+ \d{1,2}, \d{4}/);
    assert.match(await page.locator('#report-known-at').textContent(), /as the registry knew it when published/);
    assert.equal(await page.locator('#editions-heading').textContent(), 'Editions of this report');
    assert.match(await page.locator('#report-editions a[data-edition="live"]').textContent(), new RegExp(`^Live figures \\(as of December 31, ${YEAR}\\)$`));
    await expectAccessible(page, 'edition 1 in English');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
