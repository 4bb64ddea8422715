// Shared set-up for the staff workspace's browser tests (/staff/…): accounts, contexts with and without script,
// signing in through the page, and axe. The accounts are the ones scripts/test.sh creates in Yongji (140881).
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { BASE_URL, cspViolations, watchCsp } from './helpers.mjs';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

function account(prefix) {
  const user = process.env[`${prefix}_USER`];
  const password = process.env[`${prefix}_PASSWORD`];
  // Not a skip: a run without the accounts is a broken run (scripts/test.sh creates them).
  assert.ok(user && password, `${prefix}_USER / ${prefix}_PASSWORD are not set: run through scripts/test.sh`);
  return { user, password };
}

/** The staff accounts of Yongji that scripts/test.sh creates. */
export const STAFF = {
  get admin() { return account('ADMIN'); },
  get planner() { return account('PLANNER'); },
  get inspector() { return account('INSPECTOR'); },
  get unit() { return { ...account('UNIT'), unitName: process.env.UNIT_NAME }; },
};

/**
 * A fresh context (own cookies) and page, with script or without (`script: false`: what a clerk on an old intranet
 * PC with script off gets). Console errors, page errors and CSP violations are collected in `errors`.
 */
export async function openStaff(browser, { script = true, viewport = { width: 1280, height: 800 }, locale = 'zh-CN' } = {}) {
  const context = await browser.newContext({ viewport, locale, javaScriptEnabled: script });
  const errors = [];
  if (script) await watchCsp(context, errors);
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return { context, page, errors };
}

/** Signs in through the workspace's sign-in page (Chinese labels) and waits for the page after it. */
export async function signIn(page, who, { path = '/staff/' } = {}) {
  await page.goto(`${BASE_URL}/staff/sign-in?ReturnUrl=${encodeURIComponent(path)}`);
  await page.getByLabel('用户名').fill(who.user);
  await page.getByLabel('密码', { exact: true }).fill(who.password);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/staff/sign-in'), { timeout: 20000 }),
    page.getByRole('button', { name: '登录', exact: true }).click(),
  ]);
}

/** Signs out with the header's button. */
export async function signOut(page) {
  await Promise.all([
    page.waitForURL(/\/staff\/sign-in/, { timeout: 20000 }),
    page.getByRole('button', { name: /退出登录|Sign out/ }).click(),
  ]);
}

/** The texts of the error summary's links and the ids they point at. */
export async function errorSummary(page) {
  return page.locator('[data-error-summary] a').evaluateAll((links) =>
    links.map((a) => ({ text: a.textContent.trim(), target: decodeURIComponent(a.getAttribute('href').slice(1)) })));
}

/**
 * Runs axe (WCAG 2.2 AA) on the page and fails on any serious or critical violation. Needs script in the context
 * (axe runs in the page): in a no-script walk, open the same state in a scripted context to check it.
 */
export async function expectAccessible(page, state) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    ')}`).join('\n  ');
  assert.equal(bad.length, 0, `${state}: ${bad.length} serious or critical violation(s)\n  ${report}`);
  assert.deepEqual(cspViolations(page), [], `${state}: Content-Security-Policy violations`);
}

export { BASE_URL };
