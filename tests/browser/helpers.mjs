// Shared set-up for the browser tests (node:test + playwright-core + Debian's chromium).
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:5000').replace(/\/+$/, '');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const LAUNCH_OPTIONS = {
  executablePath: CHROMIUM_PATH,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export function launch() {
  return chromium.launch(LAUNCH_OPTIONS);
}

/**
 * Open a fresh page (own context, so localStorage starts empty) and collect
 * console errors and uncaught page errors in `errors`.
 */
export async function openPage(browser, { path = '/', viewport = { width: 1280, height: 800 }, locale = 'zh-CN', route } = {}) {
  const context = await browser.newContext({ viewport, locale });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  if (route) await route(page);
  await page.goto(`${BASE_URL}${path}`, { waitUntil: 'load' });
  return { context, page, errors };
}

/** Wait until the facility list has at least one entry. */
export async function waitForFacilities(page, timeout = 15000) {
  await page.locator('#facility-list .facility-item').first().waitFor({ state: 'visible', timeout });
}
