// Browser test of the public list of construction projects (/projects.html) against the real service at BASE_URL with
// its demo data (Features/Projects/ProjectDemo.cs): the school under construction in 永济市 is listed with its
// barrier-free status, its "report a problem at this site" link opens the report page prefilled (category 施工现场无障碍问题,
// the site's place, the project's number) and a report filed from it carries the project; both pages are axe clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, BASE_URL } from './helpers.mjs';
import { expectAccessible } from './staff-helpers.mjs';

const SCHOOL = '永济市第二实验小学教学楼（演示）';
const T = { timeout: 90_000 };

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the page lists a project under construction with its barrier-free status, in Chinese and English', T, async () => {
  const { context, page, errors } = await openPage(browser, { path: '/projects.html?district=140881' });
  try {
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('h1').textContent(), '在建项目无障碍情况');
    const caption = await page.locator('#projects-table caption').textContent();
    assert.match(caption, /永济市/);
    // "In progress" by default: the school and the road, not the accepted buildings.
    const names = await page.locator('#projects-table tbody th').evaluateAll((ths) => ths.map((th) => th.firstChild.textContent));
    assert.deepEqual(names.sort(), ['永济市第二实验小学教学楼（演示）', '舜都大道人行道改造（演示）'].sort());
    const row = page.locator('#projects-table tbody tr', { hasText: SCHOOL });
    assert.equal(await row.locator('[data-field="stage"]').textContent(), '施工');
    const status = await row.locator('[data-field="barrier-free"]').textContent();
    assert.match(status, /计划建设无障碍设施 2 处/);
    assert.match(status, /已检查 2 次/);
    assert.match(status, /未整改的不符合项 1 项/);
    assert.equal(await row.locator('[data-field="compliant"]').textContent(), '尚未验收');
    await expectAccessible(page, 'projects list (zh)');

    // Accepted projects with their conclusion, in English.
    await page.goto(`${BASE_URL}/projects.html?district=140881&stage=accepted&lang=en`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    const gym = page.locator('#projects-table tbody tr', { hasText: '永济市体育中心（演示）' });
    assert.equal(await gym.locator('[data-field="compliant"]').textContent(), 'Not every item met (failed or waived)');
    assert.match(await gym.locator('[data-field="barrier-free"]').textContent(), /1 items waived/);
    await expectAccessible(page, 'projects list (en)');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the annual report shows the indicator 新建项目无障碍设施建设率 with its definition', T, async () => {
  const year = new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(new Date());
  const { context, page, errors } = await openPage(browser, { path: `/annual-report.html?district=140881&year=${year}` });
  try {
    const row = page.locator('#indicator-table tr[data-indicator="newProjects"]');
    await row.waitFor({ timeout: 60_000 });
    assert.equal(await row.locator('th').textContent(), '新建项目无障碍设施建设率');
    // a rate (the demo's accepted new buildings of the year) or, with none accepted, says so: never "no data"
    assert.match(await row.locator('td.num').textContent(), /%|没有已验收的新建项目/);
    assert.match(await row.locator('td.definition').textContent(), /改建项目/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the map page links to the list of projects', T, async () => {
  const { context, page } = await openPage(browser, { path: '/' });
  try {
    const link = page.locator('a.page-link[href="/projects.html"]');
    await link.waitFor();
    assert.equal(await link.textContent(), '在建项目');
  } finally {
    await context.close();
  }
});

test('"report a problem at this site" opens the report page prefilled, and the report carries the project', T, async () => {
  const { context, page, errors } = await openPage(browser, { path: '/projects.html?district=140881' });
  try {
    await page.waitForSelector('body[data-ready="true"]');
    const row = page.locator('#projects-table tbody tr', { hasText: SCHOOL });
    const projectId = await row.getAttribute('data-project-id');
    await row.locator('a.report-link').click();
    await page.waitForURL(/\/report\.html\?/);
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForFunction(() => document.querySelector('#service').value === 'construction_site'
      && !document.querySelector('#attribute-wrap').hidden);
    assert.match(await page.locator('#service option:checked').textContent(), /施工现场无障碍问题/);
    assert.match(await page.locator('#project-note').textContent(), new RegExp(`建设项目 ${projectId}`));
    assert.match(await page.locator('#location-status').textContent(), /34\.869/);
    await expectAccessible(page, 'report page prefilled from a construction site');

    await page.locator('#attribute').selectOption('no_detour');
    await page.locator('#description').fill('施工围挡占用盲道，没有绕行通道（浏览器测试）');
    await page.locator('#submit-report').click();
    await page.locator('#tracking-number').waitFor();
    const id = await page.locator('#tracking-number').textContent();
    const filed = await (await fetch(`${BASE_URL}/open311/v2/requests/${id}.json`)).json();
    assert.equal(filed[0].service_code, 'construction_site');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
