// The one DOM helper of the script pages.

/**
 * Makes an element. props: `class`, `text` (textContent), `on<event>` (listener), any other key an
 * attribute (true: present and empty; null, undefined or false: left out). Children: nodes or strings;
 * null, undefined and false are skipped.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [props]
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

/**
 * The first element matching `selector` (typed loosely: pages know what their ids are).
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {any}
 */
export function $(selector, root = document) {
  return root.querySelector(selector);
}

const formats = new Map();

function cachedFormat(kind, locale, options, make) {
  const key = `${kind}|${locale}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = make()));
  return f;
}

/**
 * An Intl.NumberFormat for these arguments, made once: making one per number (the panel's tables, the map's
 * cluster counts) cost the map page a large part of its start on a phone's CPU.
 * @param {string} locale
 * @param {Intl.NumberFormatOptions} [options]
 * @returns {Intl.NumberFormat}
 */
export function numberFormat(locale, options = {}) {
  return cachedFormat('number', locale, options, () => new Intl.NumberFormat(locale, options));
}

/**
 * An Intl.DateTimeFormat for these arguments, made once (with a time zone, one took about 100 ms on the
 * mobile profile's CPU).
 * @param {string} locale
 * @param {Intl.DateTimeFormatOptions} [options]
 * @returns {Intl.DateTimeFormat}
 */
export function dateFormat(locale, options = {}) {
  return cachedFormat('date', locale, options, () => new Intl.DateTimeFormat(locale, options));
}

/**
 * The calendar year in China at `now`. China keeps UTC+8 all year (no daylight saving since 1991), so this needs no
 * Intl: the first Intl object a page makes sets up ICU (about 40 ms; 150 ms on a phone's CPU), and the map page asked
 * for the year in the longest task of its start, before any number was shown.
 * @param {Date} [now]
 * @returns {number}
 */
export function yearInChina(now = new Date()) {
  return new Date(now.getTime() + 8 * 3600 * 1000).getUTCFullYear();
}

/**
 * An Intl.Collator for this locale, made once (a zh-CN collator loads its collation tables: about 100 ms on a
 * phone's CPU).
 * @param {string} locale
 * @returns {Intl.Collator}
 */
export function collator(locale) {
  return cachedFormat('collator', locale, {}, () => new Intl.Collator(locale));
}

/**
 * Resolves in a later task of the event loop (scheduler.yield where the browser has it), so that the work after it
 * and the work before it are two tasks: on a phone, one long task delays every tap until it ends.
 * @returns {Promise<void>}
 */
export function nextTask() {
  const scheduler = /** @type {any} */ (globalThis).scheduler;
  return scheduler?.yield ? scheduler.yield() : new Promise((resolve) => { setTimeout(resolve, 0); });
}
