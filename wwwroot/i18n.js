// The one i18n module of the script pages: the language (Chinese, zh-CN, by default; English), the string
// catalogue (strings/*.json), t() and the data-i18n attributes. Kind names and status labels come from
// /api/v1/facility-kinds when available; the label tables here are their fallbacks.

export const LANGS = {
  zh: { htmlLang: 'zh-CN' },
  en: { htmlLang: 'en' },
};

const STORAGE_KEY = 'a11y-registry.lang';

// The string catalogue of every script page: the files /strings/<area>.json, each
// { "key": { "zh": "…", "en": "…" } } with keys unique across files (tests/node/strings.test.mjs checks it).
// The server-rendered staff pages keep theirs in the same format (strings/staff-*.json). Importing this module
// waits until the catalogue is loaded, so every t() of a page has its words.

/** The areas whose files the script pages load. */
export const AREAS = ['labels', 'map', 'inspect', 'worklist', 'import', 'renovations', 'coverage', 'dashboard', 'annual-report', 'evaluation', 'layers', 'report', 'survey', 'projects'];

/** @type {Map<string, {zh: string, en: string}>} */
const catalogue = new Map();

/** The catalogue by language ({zh: {key: text}, en: {…}}), for code that reads a whole table. */
export const strings = { zh: {}, en: {} };

/** @param {string} url */
async function readTable(url) {
  try {
    const res = await fetch(url);
    return res.ok ? await res.json() : null;
  } catch {
    return null; // offline without a cached copy: keys show instead of words, the page still works
  }
}

async function loadCatalogue() {
  // The web build merges the areas into one file (scripts/copy-web-libs.mjs): one request, which the pages also
  // preload from their <head>, instead of fourteen after the module graph. The files one by one otherwise.
  const merged = await readTable('/lib/strings.json');
  const tables = merged ? [merged] : (await Promise.all(AREAS.map((area) => readTable(`/strings/${area}.json`)))).map((t) => t || {});
  for (const table of tables) {
    for (const [key, text] of Object.entries(table)) {
      catalogue.set(key, text);
      strings.zh[key] = text.zh;
      strings.en[key] = text.en;
    }
  }
}
await loadCatalogue();

/**
 * The entries whose keys start with `prefix`, the prefix taken off, by language: the table of a module that
 * names its keys shortly (layers.js: "layers.", coverage.js and the pages on it: "coverage.").
 * @param {string} prefix
 */
export function namespace(prefix) {
  const table = { zh: {}, en: {} };
  for (const [key, text] of catalogue) {
    if (!key.startsWith(prefix)) continue;
    table.zh[key.slice(prefix.length)] = text.zh;
    table.en[key.slice(prefix.length)] = text.en;
  }
  return table;
}

// Fallback labels used when /api/v1/facility-kinds is unavailable or lacks a code (strings/labels.json), as
// {code: {zh, en}} tables for pick().
/** @param {string} prefix */
function labels(prefix) {
  /** @type {Record<string, {zh: string, en: string}>} */
  const table = {};
  for (const [key, text] of catalogue) if (key.startsWith(prefix)) table[key.slice(prefix.length)] = text;
  return table;
}
export const statusLabels = labels('status.');
// Inspection states of the map's "inspection status" layer and the worklist.
export const inspectionStateLabels = labels('inspectionState.');
export const defectStatusLabels = labels('defectStatus.');
export const kindLabels = labels('kind.');
// Labels for common attribute keys. Unknown keys are shown as-is (humanised). If /api/v1/facility-kinds returns
// per-kind attribute schemas with labels, those take precedence (see app.js attributeLabel()).
export const attributeLabels = labels('attribute.');
// Units guessed from an attribute key's suffix, in the order they are tried (_cm before _m).
export const unitSuffixes = Object.entries(labels('unitSuffix.'));

let current = 'zh';

export function detectLang() {
  let stored = null;
  try {
    stored = window.localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage may be unavailable (private mode, file://); default to Chinese
  }
  return stored && stored in strings ? stored : 'zh';
}

export function getLang() {
  return current;
}

export function setLang(lang) {
  if (!(lang in strings)) lang = 'zh';
  current = lang;
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // ignore: the choice is simply not remembered
  }
  document.documentElement.lang = LANGS[lang].htmlLang;
  return lang;
}

/** Translate `key`, replacing {placeholders} with values from params. */
export function t(key, params = {}) {
  const entry = catalogue.get(key);
  const s = (entry && (entry[current] ?? entry.zh)) ?? key;
  return s.replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m));
}

/**
 * Both languages at once, "中文 / English": the public report page speaks to anyone who comes, so it says
 * everything in both.
 */
export function both(key, params = {}) {
  const entry = catalogue.get(key);
  if (!entry) return key;
  const fill = (text) => text.replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m));
  return `${fill(entry.zh)} / ${fill(entry.en)}`;
}

/** Pick the current language from an object like {zh:'…', en:'…'}. */
export function pick(labels, fallback = '') {
  if (!labels || typeof labels !== 'object') return fallback;
  return labels[current] || labels.zh || labels.en || fallback;
}

/** Apply translations to every element with data-i18n / data-i18n-attr. */
export function applyStatic(root = document) {
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('[data-i18n]'))) {
    el.textContent = t(el.dataset.i18n);
  }
  // data-i18n-attr="aria-label:mapLabel;title:foo"
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('[data-i18n-attr]'))) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
  // each page names its own title key: <body data-title-key="inspectPageTitle">
  document.title = t((document.body && document.body.dataset.titleKey) || 'pageTitle');
}
