// Shared set-up for the browser tests (node:test + playwright-core + Debian's chromium).
import { afterEach } from 'node:test';
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

const watched = new WeakMap(); // context -> the array its violations go into
let unseen = []; // violations of every watched context since the last test ended

// Every test of a file that uses these helpers fails on a Content-Security-Policy violation in a watched page,
// also the tests that do not look at their `errors`.
afterEach(() => {
  const violations = unseen;
  unseen = [];
  if (violations.length) throw new Error(`Content-Security-Policy violations:\n  ${violations.join('\n  ')}`);
});

/** Takes the violations seen since the test began, for a test that causes them on purpose. */
export function takeCspViolations() {
  const taken = unseen;
  unseen = [];
  return taken;
}

/** The Content-Security-Policy violations seen so far in the context of `page` (see watchCsp). */
export function cspViolations(page) {
  return (watched.get(page.context()) || []).filter((e) => e.startsWith('csp:'));
}

/**
 * Collect every Content-Security-Policy violation of the pages of `context` into `into`, as strings starting
 * with "csp:". The pages' policy allows no inline script and no style attributes; a test that asserts `into` is
 * empty fails on a page that needs one. Never use `bypassCSP` in a test that checks a page: it hides them.
 */
export async function watchCsp(context, into) {
  watched.set(context, into);
  await context.exposeBinding('__cspViolation', (_source, text) => {
    into.push(`csp: ${text}`);
    unseen.push(text);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || 'page'}:${e.lineNumber}) ${e.sample || ''}`);
    });
  });
}

/**
 * The map page's modules share one object, the module /registry.js (no global). So that the tests' page
 * functions (page.evaluate, page.waitForFunction, which cannot await an import while polling) can read it as
 * `window.registry`, the test sets that alias itself on every navigation of the map page of `context`.
 */
export async function exposeRegistry(context) {
  await context.addInitScript(() => {
    if (window.location.pathname === '/' || window.location.pathname === '/index.html') {
      import('/registry.js').then((m) => { window.registry = m.registry; });
    }
  });
}

/**
 * Open a fresh page (own context, so localStorage starts empty) and collect
 * console errors, uncaught page errors and Content-Security-Policy violations in `errors`.
 */
export async function openPage(browser, { path = '/', viewport = { width: 1280, height: 800 }, locale = 'zh-CN', route } = {}) {
  const context = await browser.newContext({ viewport, locale });
  const errors = [];
  await watchCsp(context, errors);
  await exposeRegistry(context);
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  if (route) await route(page);
  await page.goto(`${BASE_URL}${path}`, { waitUntil: 'load' });
  return { context, page, errors };
}

/**
 * Wait until the map has stopped moving: no zoom or pan animation under way. Leaflet ignores a setView made while a zoom
 * animation runs (its end moves the map to the animation's target), so a test that moves the map after an animated
 * zoom waits for this first.
 */
export async function mapSettled(page, timeout = 10000) {
  await page.waitForFunction(() => !document.querySelector('.leaflet-zoom-anim, .leaflet-pan-anim'), null, { polling: 'raf', timeout });
}

/** Wait until the facility list has at least one entry. */
export async function waitForFacilities(page, timeout = 15000) {
  await page.locator('#facility-list .facility-item').first().waitFor({ state: 'visible', timeout });
}

/** Wait until the vector tile layer `name` has drawn features in view (the map draws them on canvases). */
export async function waitForTileFeatures(page, name = 'facilities', { single = false, timeout = 20000 } = {}) {
  await page.waitForFunction(([n, s]) => {
    const inView = window.registry?.layers?.featuresInView(n);
    return Boolean(inView && inView.some((x) => !s || !x.f.cluster));
  }, [name, single], { timeout });
}

/**
 * A single (not clustered) feature of tile layer `name` whose symbol is the one hit at its own point (not
 * covered by another), with its page coordinates; null when there is none in view.
 */
export async function hittableFeature(page, name = 'facilities') {
  return page.evaluate((n) => {
    const { map, layers } = window.registry;
    const box = map.getContainer().getBoundingClientRect();
    for (const { f, latlng } of layers.featuresInView(n) || []) {
      if (f.cluster || f.type !== 1) continue;
      const p = map.latLngToContainerPoint(latlng);
      if (p.x < 30 || p.y < 30 || p.x > box.width - 30 || p.y > box.height - 30) continue;
      const hit = layers.hitTest(latlng, 0);
      if (hit && hit.layer === n && hit.feature === f) {
        return { id: f.id, props: f.props, x: box.left + p.x, y: box.top + p.y };
      }
    }
    return null;
  }, name);
}

/**
 * Why the tests of the coverage gap layers and the nearest-facility search cannot run against this server (null
 * when they can): they need /api/v1/coverage/{code}/gaps and the `near` parameter of the facility list.
 */
export async function gapsMissing() {
  try {
    const gaps = await fetch(`${BASE_URL}/api/v1/coverage/140881/gaps`);
    const near = await (await fetch(`${BASE_URL}/api/v1/facilities?near=110.49,34.87&limit=1`)).json();
    if (gaps.status === 404 || !near.features?.[0] || !('distanceM' in near.features[0].properties)) {
      return 'the server has no coverage gaps endpoints or near= yet';
    }
    return null;
  } catch (err) {
    return `the server did not answer: ${err.message}`;
  }
}
