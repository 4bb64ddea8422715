// Browser test of the satisfaction survey (社会满意度调查) against the real service at BASE_URL: a district administrator
// opens a survey through the staff form (with and without script), and the public answers one by keyboard alone
// (Tab, Space, arrow keys, Enter; no mouse) in Chinese and in English, with the error summary, the success message,
// one answer per device, and axe on each state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, BASE_URL } from './helpers.mjs';
import { STAFF, openStaff, signIn, errorSummary, expectAccessible } from './staff-helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const T = { timeout: 180_000 };

function shanghaiDay(offset = 0) {
  const now = new Date(Date.now() + 8 * 3600_000 + offset * 86400_000);
  return now.toISOString().slice(0, 10);
}

/** Press Tab (at most 60 times) until the element matching `selector` has the focus. */
async function tabTo(page, selector) {
  for (let i = 0; i < 60; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

const focused = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
const checked = (page, question) => page.evaluate((q) => document.querySelector(`[name="rating-${q}"]:checked`)?.value ?? null, question);

/** The administrator's API session (sign-in with the antiforgery token), to open a survey and read its staff results. */
async function adminApi() {
  const context = await browser.newContext();
  const api = context.request;
  const af = await (await api.get(`${BASE_URL}/api/v1/auth/antiforgery`)).json();
  const login = await api.post(`${BASE_URL}/api/v1/auth/login`, {
    headers: { [af.headerName]: af.token }, data: { userName: STAFF.admin.user, password: STAFF.admin.password },
  });
  assert.equal(login.status(), 200, await login.text());
  const token = (await login.json()).antiforgeryToken;
  const post = async (path, data) => {
    const res = await api.post(`${BASE_URL}${path}`, { headers: { 'X-CSRF-TOKEN': token }, data });
    assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
    return res.json();
  };
  return { context, api, post };
}

async function walkOpenForm(script) {
  const { context, page, errors } = await openStaff(browser, { script });
  try {
    await signIn(page, STAFF.admin, { path: '/staff/surveys' });
    assert.equal(new URL(page.url()).pathname, '/staff/surveys');
    await page.getByRole('link', { name: '开展新的调查' }).click();
    await page.waitForURL(/\/staff\/surveys\/new$/);
    // Nothing typed as title and no question ticked: the form comes back with the summary linking to both.
    await page.getByLabel('调查标题').fill('');
    for (const box of await page.locator('input[name="Input.Questions"]').all()) await box.uncheck();
    await page.getByRole('button', { name: '开始调查' }).click();
    await page.waitForSelector('[data-error-summary]');
    const summary = await errorSummary(page);
    assert.deepEqual(summary.map((e) => e.target).sort(), ['Input_Questions', 'Input_Title'], JSON.stringify(summary));
    if (script) {
      assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary')), true, 'the summary takes the focus');
      await expectAccessible(page, 'open-survey form with errors');
    }
    const title = `满意度调查（${script ? '有脚本' : '无脚本'}）`;
    await page.getByLabel('调查标题').fill(title);
    await page.getByLabel('开始日期').fill(shanghaiDay());
    await page.getByLabel('结束日期').fill(shanghaiDay(20));
    for (const id of ['roads', 'toilets', 'suggestions']) await page.locator(`input[name="Input.Questions"][value="${id}"]`).check();
    await page.getByRole('button', { name: '开始调查' }).click();
    await page.waitForURL(/\/staff\/surveys\/\d+\?done=opened$/);
    assert.match(await page.locator('[role="status"]').first().innerText(), /调查已开展/);
    assert.equal(await page.locator('h1').innerText(), title);
    assert.deepEqual(await page.locator('#survey-results tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.question)), ['roads', 'toilets']);
    if (script) await expectAccessible(page, 'survey results page');
    // Closing early: the button posts, the page says so.
    await page.getByRole('button', { name: '现在结束调查' }).click();
    await page.waitForURL(/\?done=closed$/);
    assert.equal(await page.locator('#survey-status').innerText(), '已结束');
    assert.equal(await page.getByRole('button', { name: '现在结束调查' }).count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
}

test('a district administrator opens and closes a survey through the staff form, with script', T, () => walkOpenForm(true));

test('a district administrator opens and closes a survey through the staff form, without script', T, () => walkOpenForm(false));

test('the public answers a survey by keyboard alone, in Chinese and in English, once per device', T, async () => {
  const admin = await adminApi();
  const survey = await admin.post('/api/v1/surveys', {
    districtCode: '140881', title: '永济市无障碍环境满意度调查（键盘）', opensOn: shanghaiDay(), closesOn: shanghaiDay(30),
    questions: ['roads', 'toilets', 'buildings', 'complaints', 'problems'],
  });
  try {
    // The district's list of open surveys links to it.
    {
      const { context, page, errors } = await openStaff(browser);
      await page.goto(`${BASE_URL}/survey.html?district=140881`);
      await page.waitForSelector('body[data-ready="true"]');
      assert.equal(await page.locator(`#survey-list a[href="/survey.html?id=${survey.id}"]`).count(), 1);
      assert.deepEqual(errors, []);
      await context.close();
    }

    // Chinese, the default.
    const zh = await openStaff(browser, { viewport: { width: 390, height: 844 } });
    const page = zh.page;
    await page.goto(`${BASE_URL}/survey.html?id=${survey.id}`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.locator('h1').innerText(), '永济市无障碍环境满意度调查（键盘）');
    assert.equal(await page.locator('#question-roads legend').innerText(), '人行道、盲道和路口的缘石坡道好走吗？您满意吗？');
    await expectAccessible(page, 'survey page (zh)');

    await tabTo(page, '#rating-roads-5');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    assert.equal(await checked(page, 'roads'), '4');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'rating-toilets-5');
    await page.keyboard.press('Space');
    // Buildings and complaints left out: the summary lists both and takes the focus.
    await tabTo(page, '#survey-submit');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#error-summary:not([hidden])');
    assert.equal(await focused(page), 'error-summary');
    const links = await page.locator('#error-list a').allInnerTexts();
    assert.equal(links.length, 2, links.join(' | '));
    assert.match(links[0], /公共场所/);
    assert.equal(await page.locator('#error-buildings').isVisible(), true);
    await expectAccessible(page, 'survey page with errors (zh)');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.equal(await focused(page), 'rating-buildings-5');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'rating-complaints-5');
    await page.keyboard.press('Space');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await checked(page, 'complaints'), 'not-used');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'text-problems');
    await page.keyboard.type('火车站的坡道太陡');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'survey-submit');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#survey-done');
    assert.equal(await focused(page), 'survey-done');
    assert.match(await page.locator('#survey-done').innerText(), /提交成功/);
    await expectAccessible(page, 'survey answered (zh)');
    assert.deepEqual(zh.errors, []);

    // English through the page's own switch (keyboard), then an answer; the same device again is refused.
    const en = await openStaff(browser);
    const p = en.page;
    await p.goto(`${BASE_URL}/survey.html?id=${survey.id}`);
    await p.waitForSelector('body[data-ready="true"]');
    await tabTo(p, '#lang-switch');
    await p.keyboard.press('Enter');
    assert.equal(await p.locator('html').getAttribute('lang'), 'en');
    assert.equal(await p.locator('#question-toilets legend').innerText(), 'How happy are you with accessible toilets?');
    assert.equal(await p.locator('label[for="rating-toilets-1"]').innerText(), '1: Very unhappy');
    await expectAccessible(p, 'survey page (en)');
    const answerAll = async () => {
      for (const q of ['roads', 'toilets', 'buildings', 'complaints']) {
        await tabTo(p, `#rating-${q}-5`);
        await p.keyboard.press('Space');
        await p.keyboard.press('ArrowDown');
        await p.keyboard.press('ArrowDown');
      }
      assert.equal(await checked(p, 'toilets'), '3');
      await tabTo(p, '#survey-submit');
      await p.keyboard.press('Enter');
    };
    await answerAll();
    await p.waitForSelector('#survey-done');
    assert.match(await p.locator('#survey-done').innerText(), /Thank you/);
    await p.reload();
    await p.waitForSelector('body[data-ready="true"]');
    assert.equal(await p.locator('html').getAttribute('lang'), 'en', 'the language choice is kept');
    await answerAll();
    await p.waitForSelector('#error-summary:not([hidden])');
    assert.match(await p.locator('#error-list').innerText(), /already answered this survey/);
    assert.deepEqual(en.errors.filter((e) => !/409/.test(e)), []);

    // Two answers counted, the free text in the staff results only.
    const staffView = await (await admin.api.get(`${BASE_URL}/api/v1/surveys/${survey.id}/results`)).json();
    const texts = staffView.questions.find((q) => q.id === 'problems').texts.map((x) => x.text);
    assert.deepEqual(texts, ['火车站的坡道太陡']);
    const publicView = await (await (await browser.newContext()).request.get(`${BASE_URL}/api/v1/surveys/${survey.id}/results`)).json();
    assert.equal(publicView.published, false);
    assert.ok(!JSON.stringify(publicView).includes('坡道太陡'));
    await zh.context.close();
    await en.context.close();
  } finally {
    await admin.post(`/api/v1/surveys/${survey.id}/close`, {});
    await admin.context.close();
  }
});
