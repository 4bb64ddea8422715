// District panel of the map page: the page state in the URL (registry.state), drill-down from a province
// to a township and back (breadcrumb, Back button), the choropleth of the current district's subdivisions for the
// chosen indicator with its legend, the sortable comparison table, every indicator with its definition, plan
// targets with progress and forecast, monthly trend charts (Chart.js, each with its data table), and the link to
// the printable annual report. Nothing is told by colour alone: the legend and the table carry the values.
import { getLang } from './i18n.js';
import { getJson } from './api.js';
import { registry } from './registry.js';
import {
  tx, el, pct, num, monthLabel, howDetails, defText,
  INDICATORS, DEFAULT_INDICATOR, indicatorSpec, availableIndicators, indicatorName, formatIndicator,
  indicatorList, targetProgress, targetList, trendTable, TREND_CHARTS, evaluationHref,
} from './coverage.js';
import { dateFormat, yearInChina, collator } from './dom.js';

const L = window.L;


// ---------------------------------------------------------------------------
// Page state in the URL: /?district=140881&indicator=toiletReach&layers=facilities,roads&kind=…&lang=en&at=lat,lon,zoom
// Values are strings, except `layers` (an array). Other modules read it with registry.state.get(), change it
// with set(partial, {history: 'replace' | 'push' | 'none'}) and listen to `registry:statechange` on document
// (detail: {state, changed: [keys], source}). Drill-down pushes a history entry so that Back goes back up.

const ORDER = ['district', 'indicator', 'layers', 'kind', 'lang', 'at'];
const LIST_KEYS = new Set(['layers']);

/** A GB/T 2260 code in its full form (14 → 140000, 1408 → 140800), or null. */
export function normalizeDistrict(v) {
  const s = String(v ?? '').trim();
  if (!/^\d+$/.test(s)) return null;
  if (s.length === 2) return `${s}0000`;
  if (s.length === 4) return `${s}00`;
  return [6, 9, 12].includes(s.length) ? s : null;
}

function clean(key, value) {
  if (value == null || value === '') return undefined;
  if (LIST_KEYS.has(key)) {
    const list = (Array.isArray(value) ? value : String(value).split(',')).map((x) => String(x).trim()).filter(Boolean);
    return list.length ? [...new Set(list)] : undefined;
  }
  if (key === 'district') return normalizeDistrict(value) ?? undefined;
  if (key === 'lang') return value === 'en' || value === 'zh' ? value : undefined;
  return String(value);
}

function parse(search) {
  const s = {};
  for (const [k, v] of new URLSearchParams(search)) {
    const c = clean(k, v);
    if (c !== undefined) s[k] = c;
  }
  return s;
}

const same = (a, b) => (Array.isArray(a) || Array.isArray(b) ? String(a ?? '') === String(b ?? '') : a === b);
const rank = (k) => (ORDER.includes(k) ? ORDER.indexOf(k) : ORDER.length - 1);
const enc = (v) => encodeURIComponent(v).replace(/%2C/gi, ',');

function query(s) {
  const keys = Object.keys(s).filter((k) => s[k] !== undefined).sort((a, b) => rank(a) - rank(b));
  return keys.length ? `?${keys.map((k) => `${encodeURIComponent(k)}=${enc(Array.isArray(s[k]) ? s[k].join(',') : s[k])}`).join('&')}` : '';
}

let current = parse(window.location.search);
// The address bar shows the state in its canonical form from the start (?district=14 → 140000): set() writes the URL
// only when a key changes, so a short code stayed in the address until some other key (the map's view) was written.
if (query(current) !== window.location.search) {
  window.history.replaceState(window.history.state, '', `${window.location.pathname}${query(current)}${window.location.hash}`);
}

function dispatch(changed, source) {
  document.dispatchEvent(new CustomEvent('registry:statechange', { detail: { state: pageState.get(), changed, source } }));
}

export const pageState = {
  /** A copy of the state. */
  get() {
    return JSON.parse(JSON.stringify(current));
  },
  /**
   * Merges `partial` (null or '' removes a key), writes the URL (replaceState; pushState with history: 'push'; not
   * at all with 'none'), and, unless silent, fires `registry:statechange`. Returns the keys that changed.
   */
  set(partial, { history = 'replace', source = 'set', silent = false } = {}) {
    const next = { ...current };
    const changed = [];
    for (const [k, v] of Object.entries(partial || {})) {
      const c = clean(k, v);
      if (same(next[k], c)) continue;
      changed.push(k);
      if (c === undefined) delete next[k];
      else next[k] = c;
    }
    if (!changed.length) return changed;
    current = next;
    if (history !== 'none') {
      const url = `${window.location.pathname}${query(current)}${window.location.hash}`;
      if (history === 'push') window.history.pushState({ registry: true }, '', url);
      else window.history.replaceState(window.history.state, '', url);
    }
    if (!silent) dispatch(changed, source);
    return changed;
  },
  /** The query string ("?district=…") of the state with `partial` applied, for links. */
  urlFor(partial = {}) {
    const next = { ...current };
    for (const [k, v] of Object.entries(partial)) {
      const c = clean(k, v);
      if (c === undefined) delete next[k];
      else next[k] = c;
    }
    return query(next);
  },
  /** The map view of `at` as {lat, lon, zoom}, or null. */
  view() {
    const parts = String(current.at ?? '').split(',').map(Number);
    if (parts.length !== 3 || !parts.every(Number.isFinite)) return null;
    const [lat, lon, zoom] = parts;
    return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && zoom >= 0 && zoom <= 22 ? { lat, lon, zoom } : null;
  },
};

window.addEventListener('popstate', () => {
  const next = parse(window.location.search);
  const changed = [...new Set([...Object.keys(current), ...Object.keys(next)])].filter((k) => !same(current[k], next[k]));
  current = next;
  if (changed.length) dispatch(changed, 'popstate');
});

registry.state = pageState;

// ---------------------------------------------------------------------------
// The panel

// ColorBrewer Blues (colour-blind safe, light to dark); the class is also written in the legend and the table.
const CLASS_COLOURS = ['#eff3ff', '#bdd7e7', '#6baed6', '#2171b5'];

const dash = {
  map: null,
  chartFailed: false, // Chart.js could not be loaded: the trends show as tables only
  code: null,
  info: null, // /api/v1/districts/{code}: district, ancestors, children
  self: null, // indicators of the district
  children: [], // indicators of its children
  targets: null, // plan targets of the district
  trends: null,
  trendsState: 'idle', // idle | loading | failed | ready
  boundaries: new Map(), // code -> GeoJSON Feature | null
  layer: null,
  sort: { key: 'value', dir: 'descending' },
  seq: 0,
  focusAfterLoad: false,
  charts: [],
};

/** The element with this id (typed loosely: the page knows its ids). @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);

function currentIndicator() {
  const key = pageState.get().indicator;
  const available = availableIndicators(dash.self);
  return available.some((i) => i.key === key) ? key : DEFAULT_INDICATOR;
}

function districtName() {
  return dash.info?.district?.name || dash.self?.name || dash.code || '';
}

function status(text) {
  const box = $('coverage-status');
  if (box) box.textContent = text;
}

/** Goes to district `code` (a new history entry, so that Back comes back here). */
export function drill(code, { focus = true } = {}) {
  dash.focusAfterLoad = focus;
  pageState.set({ district: code }, { history: 'push', source: 'drill' });
}

function drillLink(code, text) {
  const a = el('a', { href: pageState.urlFor({ district: code }) || '/', class: 'drill-link', 'data-code': code, text });
  a.addEventListener('click', (ev) => {
    if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return; // new tab or window: let the browser
    ev.preventDefault();
    drill(code);
  });
  return a;
}

function renderTrail() {
  const nav = $('district-trail');
  if (!nav) return;
  nav.setAttribute('aria-label', tx('trailLabel'));
  const items = [];
  for (const a of dash.info?.ancestors || []) items.push(el('li', {}, drillLink(a.code, a.name)));
  items.push(el('li', {}, el('span', { 'aria-current': 'page', text: districtName() })));
  nav.replaceChildren(el('ol', {}, ...items));
}

function buildSkeleton(box) {
  const select = el('select', { id: 'indicator-select', name: 'indicator' });
  select.addEventListener('change', () => pageState.set({ indicator: select.value }, { source: 'indicator' }));
  const year = el('select', { id: 'report-year', name: 'year' });
  year.addEventListener('change', renderReportLink);
  const trends = el('details', { id: 'trends-details', class: 'trends-details' },
    el('summary', { id: 'trends-summary' }),
    el('p', { id: 'trends-status', class: 'legend-note', role: 'status' }),
    el('div', { id: 'trends-body' }));
  trends.addEventListener('toggle', () => {
    if (trends.open) loadChart().then(renderTrends, renderTrends);
    if (trends.open && dash.trendsState === 'idle' && dash.self) loadTrends(dash.code, dash.seq);
    else if (trends.open) renderTrends();
  });
  box.replaceChildren(
    el('div', { class: 'indicator-switch' },
      el('label', { for: 'indicator-select', id: 'indicator-label' }),
      select,
      el('div', { id: 'indicator-how' })),
    el('div', { id: 'choropleth-legend', class: 'choropleth-legend' }),
    el('div', { id: 'compare', class: 'compare' }),
    el('div', { class: 'report-box' },
      el('h3', { id: 'report-heading' }),
      el('label', { for: 'report-year', id: 'report-year-label' }),
      year,
      el('a', { id: 'annual-report-link', class: 'report-link' }),
      el('a', { id: 'evaluation-link', class: 'report-link' }),
      ' · ',
      el('a', { id: 'survey-link', class: 'report-link' })),
    el('section', { class: 'dash-section', 'aria-labelledby': 'all-indicators-heading' },
      el('h3', { id: 'all-indicators-heading' }),
      el('div', { id: 'coverage-body' })),
    el('section', { id: 'targets', class: 'dash-section', 'aria-labelledby': 'targets-heading' },
      el('h3', { id: 'targets-heading' }),
      el('div', { id: 'targets-body' })),
    el('section', { id: 'trends', class: 'dash-section', 'aria-labelledby': 'trends-heading' },
      el('h3', { id: 'trends-heading' }),
      // loaded when opened: the charts cost a request and a canvas each, on every district change
      trends));
}

/** Renders the whole panel in the current language. */
export function renderDashboard() {
  const heading = $('coverage-heading');
  if (!heading || !$('indicator-select')) return;
  heading.textContent = dash.self || dash.info ? tx('titleOf', { name: districtName() }) : tx('title');
  renderTrail();
  $('indicator-label').textContent = tx('indicatorLabel');
  const select = $('indicator-select');
  const key = currentIndicator();
  select.replaceChildren(...availableIndicators(dash.self).map((i) => el('option', { value: i.key, text: indicatorName(i.key) })));
  select.value = key;
  const spec = indicatorSpec(key);
  const how = $('indicator-how');
  const def = dash.self ? spec.def(dash.self) : null;
  const wasOpen = how.querySelector('details')?.open;
  const details = howDetails(def, tx('howOf', { indicator: indicatorName(key) }));
  if (details && wasOpen) details.open = true;
  how.replaceChildren(...(details ? [details] : []));
  $('all-indicators-heading').textContent = tx('allIndicators');
  $('coverage-body').replaceChildren(...(dash.self ? [indicatorList(dash.self)] : []));
  $('targets-heading').textContent = tx('targetsTitle');
  $('targets-body').replaceChildren(...(dash.targets ? [targetList(targetProgress(dash.targets, dash.self))] : []));
  $('report-heading').textContent = tx('reportTitle');
  $('report-year-label').textContent = tx('reportYear');
  renderReportLink();
  renderCompare();
  renderTrends();
}

// ---------------------------------------------------------------------------
// Classes, legend, choropleth and comparison table

function renderReportLink() {
  const year = $('report-year');
  const link = $('annual-report-link');
  if (!year || !link) return;
  const now = yearInChina();
  if (year.options.length === 0) {
    year.replaceChildren(...[0, 1, 2, 3, 4].map((d) => el('option', { value: String(now - d), text: String(now - d) })));
    year.value = String(now);
  }
  const params = new URLSearchParams({ district: dash.code || '', year: year.value });
  if (getLang() === 'en') params.set('lang', 'en');
  link.href = `/annual-report.html?${params}`;
  link.textContent = tx('reportLink', { year: year.value });
  // The evaluation of the plan period holding the chosen year (mid-term while it runs, final once it is over).
  const evaluation = $('evaluation-link');
  if (evaluation) {
    const { href, text } = evaluationHref(dash.code, dash.targets, Number(year.value));
    evaluation.href = href;
    evaluation.textContent = text;
  }
  // The district's open satisfaction surveys (survey.html lists them; none open: it says so).
  const survey = $('survey-link');
  if (survey) {
    const surveyParams = new URLSearchParams({ district: dash.code || '' });
    if (getLang() === 'en') surveyParams.set('lang', 'en');
    survey.href = `/survey.html?${surveyParams}`;
    survey.textContent = tx('surveyLink');
  }
}

/** Class breaks: fixed quarters for shares (comparable across levels), quartiles of the values otherwise. */
function breaks(spec, values) {
  if (spec.kind === 'share') return [0.25, 0.5, 0.75];
  const sorted = [...new Set(values.filter((v) => v != null))].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  if (sorted.length <= 4) return sorted.slice(1);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return [...new Set([q(0.25), q(0.5), q(0.75)])];
}

function classOf(v, cuts) {
  if (v == null) return -1;
  let k = 0;
  while (k < cuts.length && v >= cuts[k]) k += 1;
  return k;
}

function colourOf(k, cuts) {
  if (k < 0) return null;
  const n = cuts.length + 1;
  // n classes spread over the 4 colours, light to dark
  return CLASS_COLOURS[n === 1 ? 3 : Math.round((k * 3) / (n - 1))];
}

function classLabels(spec, cuts) {
  const f = (v) => (spec.kind === 'share' ? pct(v, 0) : num(v, spec.kind === 'density' ? 3 : 1));
  if (cuts.length === 0) return [tx('none')];
  const labels = [`< ${f(cuts[0])}`];
  for (let i = 1; i < cuts.length; i += 1) labels.push(`${f(cuts[i - 1])} – < ${f(cuts[i])}`);
  labels.push(`≥ ${f(cuts[cuts.length - 1])}`);
  return labels;
}

function childInfo(code) {
  return (dash.info?.children || []).find((c) => c.code === code);
}

function sortedRows(spec) {
  const rows = dash.children.map((c) => ({ c, v: spec.read(c) }));
  const { key, dir } = dash.sort;
  const sign = dir === 'ascending' ? 1 : -1;
  const byName = key === 'name' ? collator(getLang() === 'en' ? 'en' : 'zh-CN') : null;
  return rows.sort((a, b) => {
    if (byName) return sign * byName.compare(a.c.name, b.c.name) || a.c.code.localeCompare(b.c.code);
    if (a.v == null && b.v == null) return a.c.code.localeCompare(b.c.code);
    if (a.v == null) return 1; // no data last, either way
    if (b.v == null) return -1;
    return sign * (a.v - b.v) || a.c.code.localeCompare(b.c.code);
  });
}

function sortHeader(key, label) {
  const active = dash.sort.key === key;
  const arrow = active ? (dash.sort.dir === 'ascending' ? ' ▲' : ' ▼') : ' ↕';
  const button = el('button', { type: 'button', class: 'sort-button', 'data-sort': key }, label, el('span', { 'aria-hidden': 'true', text: arrow }));
  button.addEventListener('click', () => {
    dash.sort = active
      ? { key, dir: dash.sort.dir === 'ascending' ? 'descending' : 'ascending' }
      : { key, dir: key === 'name' ? 'ascending' : 'descending' };
    renderCompare();
    $('compare')?.querySelector(`button[data-sort="${key}"]`)?.focus();
  });
  return el('th', { scope: 'col', 'aria-sort': active ? dash.sort.dir : null }, button);
}

/** A colour swatch of the legend: the colour set through the CSSOM, since the page's policy refuses style attributes. */
function swatch(colour) {
  const span = el('span', { class: 'swatch', 'aria-hidden': 'true' });
  span.style.background = colour;
  return span;
}

/**
 * A selector of what has keyboard focus in the comparison table or on a choropleth polygon, or null. A redraw replaces
 * those elements (the boundaries arrive after the table is drawn), and a keyboard or screen-reader user would be
 * dropped to the top of the page: the redraw gives focus back to the same row's link, sort button or polygon.
 */
function focusedInPanel() {
  const a = document.activeElement;
  if (!a || a === document.body) return null;
  const code = a.getAttribute('data-code');
  if (a.matches('#compare a.drill-link') && code) return `#compare a.drill-link[data-code="${CSS.escape(code)}"]`;
  if (a.matches('#compare button[data-sort]')) return `#compare button[data-sort="${CSS.escape(a.getAttribute('data-sort') || '')}"]`;
  if (a.matches('path.choropleth-area') && code) return `path.choropleth-area[data-code="${CSS.escape(code)}"]`;
  return null;
}

function renderCompare() {
  const refocus = focusedInPanel();
  drawCompare();
  if (refocus && document.activeElement !== document.querySelector(refocus)) {
    /** @type {HTMLElement | SVGElement | null} */ (document.querySelector(refocus))?.focus({ preventScroll: true });
  }
}

function drawCompare() {
  const legend = $('choropleth-legend');
  const box = $('compare');
  if (!legend || !box) return;
  if (!dash.self) {
    legend.replaceChildren();
    box.replaceChildren();
    drawChoropleth(null);
    return;
  }
  const key = currentIndicator();
  const spec = indicatorSpec(key);
  if (dash.children.length === 0) {
    legend.replaceChildren();
    box.replaceChildren(el('h3', { text: tx('compareTitle') }), el('p', { class: 'coverage-detail', text: tx('noChildren', { name: districtName() }) }));
    drawChoropleth(null);
    return;
  }
  const values = dash.children.map((c) => spec.read(c));
  const cuts = breaks(spec, values);
  const labels = classLabels(spec, cuts);
  const counts = labels.map((_, k) => values.filter((v) => classOf(v, cuts) === k).length);
  const noData = values.filter((v) => v == null).length;
  const withBoundary = dash.children.some((c) => childInfo(c.code)?.hasBoundary !== false);

  legend.replaceChildren(
    el('h3', { id: 'choropleth-legend-heading', text: tx('legendTitle', { indicator: indicatorName(key) }) }),
    el('p', { class: 'legend-note', text: withBoundary ? tx('legendNote', { better: tx(spec.better === 'higher' ? 'betterHigher' : 'betterLower') }) : tx('legendNoBoundary') }),
    el('ul', { class: 'class-list', 'aria-labelledby': 'choropleth-legend-heading' },
      ...labels.map((label, k) => el('li', { class: 'class-item', 'data-class': String(k) },
        swatch(colourOf(k, cuts)),
        el('span', { class: 'class-range', text: label }),
        el('span', { class: 'class-count', text: ` (${tx('classCount', { n: counts[k] })})` }))),
      noData ? el('li', { class: 'class-item', 'data-class': 'none' },
        el('span', { class: 'swatch swatch-none', 'aria-hidden': 'true' }),
        el('span', { class: 'class-range', text: tx('legendNoData') }),
        el('span', { class: 'class-count', text: ` (${tx('classCount', { n: noData })})` })) : null));

  const rows = sortedRows(spec);
  box.replaceChildren(
    el('h3', { text: tx('compareTitle') }),
    el('div', { class: 'table-scroll' },
      el('table', { class: 'compare-table' },
        el('caption', { text: tx('compareCaption', { name: districtName(), n: dash.children.length, indicator: indicatorName(key) }) }),
        el('thead', {}, el('tr', {}, sortHeader('name', tx('district')), sortHeader('value', tx('value')), el('th', { scope: 'col', text: tx('classes') }))),
        el('tbody', {}, ...rows.map(({ c, v }) => {
          const k = classOf(v, cuts);
          return el('tr', { 'data-code': c.code },
            el('th', { scope: 'row' }, drillLink(c.code, c.name)),
            el('td', { class: 'num', text: formatIndicator(spec, v, c) }),
            el('td', {},
              k < 0 ? el('span', { class: 'swatch swatch-none', 'aria-hidden': 'true' }) : swatch(colourOf(k, cuts)),
              k < 0 ? tx('noData') : labels[k]));
        })))));
  drawChoropleth({ spec, cuts });
}

function drawChoropleth(classing) {
  if (dash.layer) {
    dash.layer.remove();
    dash.layer = null;
  }
  if (!classing || !dash.map || !L) return;
  const { spec, cuts } = classing;
  const group = L.featureGroup();
  for (const c of dash.children) {
    const feature = dash.boundaries.get(c.code);
    if (!feature) continue;
    const v = spec.read(c);
    const k = classOf(v, cuts);
    const colour = colourOf(k, cuts);
    const label = tx('drillLabel', { name: c.name, value: formatIndicator(spec, v, c) });
    const layer = L.geoJSON(feature, {
      style: {
        className: 'choropleth-area',
        color: '#1a1a1a',
        weight: 1.5,
        dashArray: colour ? null : '4 4',
        fill: true,
        fillColor: colour || '#ffffff',
        fillOpacity: colour ? 0.65 : 0,
      },
    });
    // As text: Leaflet puts string content in as HTML, and the name comes from the district table.
    const tip = document.createElement('span');
    tip.textContent = `${c.name}${getLang() === 'en' ? ': ' : '：'}${formatIndicator(spec, v, c)}`;
    layer.bindTooltip(tip, { sticky: true });
    layer.on('click', (ev) => {
      L.DomEvent.stopPropagation(ev);
      // Over a township (a county's subdivisions, at street zooms) a facility, defect or report drawn there wins the
      // click; over larger subdivisions the click drills down.
      if (c.code.length > 6 && registry.onMapClick?.(ev)) return;
      drill(c.code);
    });
    layer.eachLayer((path) => {
      path.on('add', () => {
        const node = path.getElement();
        if (!node) return;
        node.setAttribute('tabindex', '0');
        node.setAttribute('role', 'button');
        node.setAttribute('aria-label', label);
        node.dataset.code = c.code;
        node.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            e.stopPropagation();
            drill(c.code);
          }
        });
      });
    });
    group.addLayer(layer);
  }
  dash.layer = group.addTo(dash.map);
}

async function loadBoundaries(seq) {
  const wanted = dash.children.filter((c) => childInfo(c.code)?.hasBoundary !== false && !dash.boundaries.has(c.code));
  if (!wanted.length) return; // nothing new to draw: the table and the map stay as they are
  const code = dash.code;
  // All the subdivisions' boundaries in one request (a phone on a slow network paid a round trip per few of them).
  let features = [];
  try {
    features = (await getJson(`/api/v1/districts/${encodeURIComponent(code)}/children/boundaries`)).features || [];
  } catch {
    // drawn without the map: the table still compares them
  }
  const byCode = new Map(features.map((f) => [String(f.id), f]));
  for (const c of wanted) dash.boundaries.set(c.code, byCode.get(c.code) || null);
  if (seq === dash.seq) renderCompare();
}

// ---------------------------------------------------------------------------
// Trends

const SERIES_STYLE = [
  { color: '#0072B2', dash: [], point: 'circle' },
  { color: '#D55E00', dash: [6, 4], point: 'triangle' },
];

/** Short month labels on the axis: the year only on the first month and on January. */
function axisMonth(ym, i) {
  const m = Number(ym.slice(5, 7));
  if (i === 0 || m === 1) return monthLabel(ym);
  return getLang() === 'en'
    ? dateFormat('en', { month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, m - 1, 1)))
    : `${m}月`;
}

/**
 * Chart.js (200 KB, a classic script on the global Chart), loaded when the trends are first opened, not with the
 * page. Settles once: resolved when loaded, rejected when it could not load (the data tables still show).
 */
let chartLoading = null;
function loadChart() {
  if (window.Chart) return Promise.resolve();
  chartLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/lib/chart.js/chart.umd.min.js';
    script.addEventListener('load', () => resolve(undefined));
    script.addEventListener('error', () => { dash.chartFailed = true; reject(new Error('Chart.js did not load')); });
    document.head.append(script);
  });
  return chartLoading;
}

function reducedMotion() {
  return window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
}

function renderTrends() {
  const body = $('trends-body');
  const note = $('trends-status');
  if (!body || !note) return;
  $('trends-heading').textContent = tx('trendsTitle');
  $('trends-summary').textContent = tx('trendsShow');
  for (const chart of dash.charts) chart.destroy();
  dash.charts = [];
  if (dash.trendsState !== 'ready' || !$('trends-details').open) {
    note.textContent = dash.trendsState === 'failed' ? tx('trendsUnavailable') : dash.trendsState === 'loading' ? tx('trendsLoading') : '';
    body.replaceChildren();
    return;
  }
  if (!window.Chart && !dash.chartFailed) {
    // the figures once Chart.js is here (loadChart renders again)
    note.textContent = tx('trendsLoading');
    loadChart().then(renderTrends, renderTrends);
    return;
  }
  const trends = dash.trends;
  note.textContent = tx('trendsPeriod');
  const from = monthLabel(trends.months[0]);
  const to = monthLabel(trends.months[trends.months.length - 1]);
  const figures = [];
  const chartSpecs = new Map(); // figure -> what its chart draws
  for (const spec of TREND_CHARTS) {
    const series = spec.series.filter((s) => Array.isArray(trends.series?.[s]));
    if (!series.length) continue;
    const title = tx(`chart_${spec.key}`);
    const canvas = el('canvas', { role: 'img', 'aria-label': tx('chartAlt', { title, from, to }) }, tx('chartAlt', { title, from, to }));
    const definitions = series.map((s) => defText(trends.definitions?.[s])).filter(Boolean).join(' ');
    const figure = el('figure', { class: 'trend-figure', 'data-chart': spec.key },
      el('figcaption', { text: title }),
      el('div', { class: 'chart-box' }, canvas),
      el('details', { class: 'trend-data' },
        el('summary', { text: tx('trendTable', { title }) }),
        el('div', { class: 'table-scroll' }, trendTable(trends, { series, caption: title, total: true }))),
      definitions ? howDetails(definitions) : null);
    figures.push(figure);
    if (window.Chart) chartSpecs.set(figure, { canvas, series, trends });
  }
  body.replaceChildren(...figures);
  // Charts after the canvases are in the page, so that they take the box's size.
  for (const figure of figures) {
    if (!chartSpecs.has(figure)) continue;
    const { canvas, series } = chartSpecs.get(figure);
    const chart = new window.Chart(canvas, {
      type: 'line',
      data: {
        labels: trends.months.map(axisMonth),
        datasets: series.map((s, i) => ({
          label: tx(`series_${s}`),
          data: trends.series[s],
          borderColor: SERIES_STYLE[i % 2].color,
          backgroundColor: SERIES_STYLE[i % 2].color,
          borderDash: SERIES_STYLE[i % 2].dash,
          pointStyle: SERIES_STYLE[i % 2].point,
          pointRadius: 3,
          spanGaps: false,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reducedMotion() ? false : { duration: 400 },
        locale: getLang() === 'en' ? 'en' : 'zh-CN',
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { labels: { usePointStyle: true } } },
      },
    });
    dash.charts.push(chart);
  }
}

async function loadTrends(code, seq) {
  dash.trendsState = 'loading';
  renderTrends();
  try {
    const trends = await getJson(`/api/v1/coverage/${encodeURIComponent(code)}/trends?months=12`);
    if (seq !== dash.seq) return;
    dash.trends = trends;
    dash.trendsState = Array.isArray(trends.months) && trends.months.length ? 'ready' : 'failed';
  } catch {
    if (seq !== dash.seq) return;
    dash.trendsState = 'failed';
  }
  renderTrends();
}

// ---------------------------------------------------------------------------
// Loading a district

async function load(code) {
  const seq = ++dash.seq;
  dash.code = code;
  dash.info = null;
  dash.self = null;
  dash.children = [];
  dash.targets = null;
  dash.trends = null;
  dash.trendsState = 'idle';
  status(tx('loading'));
  $('coverage-body')?.setAttribute('aria-busy', 'true');
  renderDashboard();
  let info;
  let coverage;
  // The plan targets with the rest, not one round trip after them (a phone on a slow network pays each).
  const targets = getJson(`/api/v1/plan-targets?district=${encodeURIComponent(code)}`).then((body) => body.items || [], () => []);
  try {
    [info, coverage] = await Promise.all([
      getJson(`/api/v1/districts/${encodeURIComponent(code)}`),
      getJson(`/api/v1/coverage?parent=${encodeURIComponent(code)}`),
    ]);
  } catch (err) {
    if (seq === dash.seq) {
      status(err.status === 404 ? tx('notFound', { code }) : tx('failed'));
      $('coverage-body')?.removeAttribute('aria-busy');
    }
    return;
  }
  if (seq !== dash.seq) return;
  dash.info = info;
  dash.self = coverage.parent;
  dash.children = coverage.children || [];
  dash.targets = await targets;
  if (seq !== dash.seq) return;
  $('coverage-body')?.removeAttribute('aria-busy');
  status(tx('entered', { name: districtName(), level: tx(`level_${info.district?.level}`), n: dash.children.length }));
  renderDashboard();
  if (dash.focusAfterLoad) {
    dash.focusAfterLoad = false;
    $('coverage-heading')?.focus();
  }
  loadBoundaries(seq);
  if ($('trends-details')?.open) loadTrends(code, seq);
}

function onStateChange(ev) {
  const { changed, source, state } = ev.detail;
  if (changed.includes('district') && state.district) {
    if (source === 'popstate') {
      const active = document.activeElement;
      dash.focusAfterLoad = !active || active === document.body || !!active.closest?.('#coverage, #district-trail');
    }
    load(state.district);
  } else if (changed.includes('indicator')) {
    renderDashboard();
  }
  if (source === 'popstate' && changed.includes('at') && dash.map) {
    const v = pageState.view();
    if (v) dash.map.setView([v.lat, v.lon], v.zoom, { animate: false });
  }
}

/**
 * Starts the panel: builds it inside #dashboard, keeps the map view in the URL (`at`), and loads the district of
 * the URL (or `defaultDistrict`, written to the URL without a history entry).
 */
/**
 * @param {any} map the Leaflet map
 * @param {{defaultDistrict?: string}} [options]
 */
export function initDashboard(map, { defaultDistrict } = {}) {
  dash.map = map;
  const box = $('dashboard');
  if (box) buildSkeleton(box);
  if (!pageState.get().district && defaultDistrict) pageState.set({ district: defaultDistrict }, { silent: true });
  document.addEventListener('registry:statechange', onStateChange);
  if (map) {
    map.on('moveend', () => {
      const c = map.getCenter();
      const zoom = Math.round(map.getZoom() * 100) / 100;
      pageState.set({ at: `${c.lat.toFixed(5)},${c.lng.toFixed(5)},${zoom}` }, { source: 'map' });
    });
  }
  renderDashboard();
  const code = pageState.get().district;
  if (code) load(code);
}

export { INDICATORS };
