// District indicators panel and choropleth of the map page. The indicators come from /api/v1/coverage (computed
// in PostGIS); every one is shown with its definition ("how is this computed"). The choropleth colours the
// districts next to the selected one by a chosen indicator, and the same values are in a table, so nothing is
// told by colour alone.
import { getLang } from './i18n.js';

const L = window.L;

const TEXT = {
  zh: {
    title: '区县指标',
    loading: '正在计算指标…',
    failed: '指标暂时无法加载',
    how: '如何计算',
    facilities: '设施数量（在用）',
    perKm2: '每平方公里',
    per10k: '每万常住人口',
    toiletReach: '无障碍厕所 {m} 米覆盖率',
    townshipService: '乡镇（街道）残疾人服务机构覆盖率',
    target: '规划目标 {value}（{binding}），{met}',
    binding: '约束性',
    expected: '预期性',
    met: '已达到',
    notMet: '未达到',
    mainRoads: '主干路无障碍长度占比',
    inspections: '周期内已检查比例',
    inspectionCounts: '按期 {onTime} · 即将到期 {dueSoon} · 逾期 {overdue} · 从未检查 {never}',
    defects: '未关闭缺陷',
    defectCounts: '严重 {critical} · 较重 {major} · 一般 {minor}；逾期 {overdue}',
    median: '整改天数中位数',
    renovations: '家庭无障碍改造目标',
    noTargets: '本区划没有改造目标',
    withheld: '少于 5 户，不公开',
    willMiss: '按当前进度将无法完成',
    onTrack: '按当前进度可以完成',
    none: '—',
    choroplethLabel: '分区设色',
    choroplethOff: '不显示',
    compareTitle: '相邻区划对比：{indicator}',
    district: '区划',
    value: '数值',
    classes: '分级',
  },
  en: {
    title: 'District indicators',
    loading: 'Computing the indicators…',
    failed: 'The indicators could not be loaded',
    how: 'How is this computed',
    facilities: 'Facilities (in service)',
    perKm2: 'per km²',
    per10k: 'per 10,000 residents',
    toiletReach: 'Accessible toilet within {m} m',
    townshipService: 'Townships with a disability service',
    target: 'Plan target {value} ({binding}), {met}',
    binding: 'binding',
    expected: 'expected',
    met: 'met',
    notMet: 'not met',
    mainRoads: 'Accessible share of main-road length',
    inspections: 'Inspected within interval',
    inspectionCounts: 'on time {onTime} · due soon {dueSoon} · overdue {overdue} · never {never}',
    defects: 'Open defects',
    defectCounts: 'critical {critical} · major {major} · minor {minor}; overdue {overdue}',
    median: 'Median days to repair',
    renovations: 'Home renovation targets',
    noTargets: 'No renovation target for this district',
    withheld: 'fewer than 5 households, withheld',
    willMiss: 'will be missed at the current pace',
    onTrack: 'on track at the current pace',
    none: '—',
    choroplethLabel: 'Colour districts by',
    choroplethOff: 'Off',
    compareTitle: 'Neighbouring districts compared: {indicator}',
    district: 'District',
    value: 'Value',
    classes: 'Class',
  },
};

// Indicators the choropleth can show: how to read the value and whether it is a share.
const INDICATORS = {
  toiletReach: { read: (c) => c.toiletReach?.share, share: true },
  townshipService: { read: (c) => c.townshipService?.share, share: true },
  mainRoads: { read: (c) => c.mainRoads?.share, share: true },
  inspections: { read: (c) => c.inspections?.withinIntervalShare, share: true },
  perKm2: { read: (c) => c.facilities?.perKm2, share: false },
};

// Sequential, colour-blind safe (ColorBrewer Blues), light to dark; the class is also written in the table.
const CLASS_COLOURS = ['#eff3ff', '#bdd7e7', '#6baed6', '#2171b5'];

const state = { map: null, code: null, data: null, compare: null, compareParent: null, compareLayer: null, indicator: '' };

function tx(key, params = {}) {
  const table = TEXT[getLang()] || TEXT.zh;
  return (table[key] ?? TEXT.zh[key] ?? key).replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m));
}

function locale() {
  return getLang() === 'en' ? 'en' : 'zh-CN';
}

function pct(v) {
  return v == null ? tx('none') : new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(v);
}

function num(v, digits = 2) {
  return v == null ? tx('none') : new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(v);
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function definition(def) {
  if (!def) return null;
  return el('details', { class: 'coverage-how' },
    el('summary', { text: tx('how') }),
    el('p', { text: getLang() === 'en' ? def.en : def.zh }));
}

function row(label, value, detail, def) {
  return el('li', { class: 'coverage-item' },
    el('span', { class: 'coverage-label', text: label }),
    el('span', { class: 'coverage-value', text: value }),
    detail ? el('span', { class: 'coverage-detail', text: detail }) : null,
    definition(def));
}

/** Renders the panel of the selected district. */
export function renderCoverage() {
  const heading = document.getElementById('coverage-heading');
  const body = document.getElementById('coverage-body');
  const status = document.getElementById('coverage-status');
  if (!heading || !body) return;
  heading.textContent = state.data ? `${tx('title')}${getLang() === 'en' ? ': ' : '：'}${state.data.name}` : tx('title');
  const label = document.getElementById('choropleth-label');
  if (label) label.textContent = tx('choroplethLabel');
  const select = document.getElementById('choropleth-select');
  if (select) {
    const current = select.value;
    select.replaceChildren(el('option', { value: '', text: tx('choroplethOff') }),
      ...Object.keys(INDICATORS).map((k) => el('option', { value: k, text: indicatorName(k) })));
    select.value = current;
  }
  if (!state.data) {
    body.replaceChildren();
    return;
  }
  status.textContent = '';
  const c = state.data;
  const f = c.facilities;
  const r = c.toiletReach;
  const ts = c.townshipService;
  const target = ts.target
    ? tx('target', { value: pct(ts.target.value), binding: ts.target.binding ? tx('binding') : tx('expected'), met: ts.target.met ? tx('met') : tx('notMet') })
    : null;
  const ins = c.inspections;
  const d = c.defects;
  const renovations = c.renovations.targets.length === 0
    ? [el('li', { class: 'coverage-detail', text: tx('noTargets') })]
    : c.renovations.targets.map((t) => el('li', {},
      el('span', { class: 'coverage-label', text: t.title }),
      el('span', { class: 'coverage-value', text: t.accepted == null ? tx('withheld') : num(t.accepted, 0) }),
      el('span', { class: 'coverage-detail', text: t.willMiss ? tx('willMiss') : tx('onTrack') })));
  body.replaceChildren(el('ul', { class: 'coverage-list' },
    row(tx('facilities'), num(f.inService, 0),
      `${tx('perKm2')} ${num(f.perKm2, 3)} · ${tx('per10k')} ${num(f.per10kResidents, 2)}`, f.definition),
    row(tx('toiletReach', { m: r.metres }), pct(r.share), `${num(r.covered, 0)} / ${num(r.demandPoints, 0)}`, r.definition),
    row(tx('townshipService'), pct(ts.share), [`${num(ts.served, 0)} / ${num(ts.townships, 0)}`, target].filter(Boolean).join('；'), ts.definition),
    row(tx('mainRoads'), pct(c.mainRoads.share), null, c.mainRoads.definition),
    row(tx('inspections'), pct(ins.withinIntervalShare), tx('inspectionCounts', ins), ins.definition),
    row(tx('defects'), num(d.open, 0), tx('defectCounts', { ...d.openBySeverity, overdue: d.overdue }), d.definition),
    row(tx('median'), num(d.medianDaysToRepair, 1), null, null),
    el('li', { class: 'coverage-item' },
      el('span', { class: 'coverage-label', text: tx('renovations') }),
      el('ul', { class: 'coverage-sublist' }, ...renovations),
      definition(c.renovations.definition))));
  renderCompare();
}

function indicatorName(key) {
  return key === 'toiletReach' ? tx('toiletReach', { m: 500 }) : key === 'perKm2' ? `${tx('facilities')} ${tx('perKm2')}` : tx(key);
}

/** Loads the indicators of district `code` (and, with a choropleth chosen, of its siblings). */
export async function loadCoverage(code) {
  state.code = code;
  state.data = null;
  if (parentOf(code) !== state.compareParent) state.compare = null;
  const status = document.getElementById('coverage-status');
  if (status) status.textContent = tx('loading');
  renderCoverage();
  try {
    const res = await fetch(`/api/v1/coverage/${encodeURIComponent(code)}`, { headers: { Accept: 'application/json' } });
    if (!res.ok) throw new Error(String(res.status));
    const data = await res.json();
    if (state.code !== code) return;
    state.data = data;
    renderCoverage();
    if (state.indicator) await loadCompare();
  } catch {
    if (state.code === code && status) status.textContent = tx('failed');
  }
}

function parentOf(code) {
  if (code.length > 6) return code.slice(0, 6);
  if (code.slice(4, 6) !== '00') return `${code.slice(0, 4)}00`;
  if (code.slice(2, 4) !== '00') return `${code.slice(0, 2)}0000`;
  return null;
}

async function loadCompare() {
  const parent = state.code && parentOf(state.code);
  if (!parent) return;
  const res = await fetch(`/api/v1/coverage?parent=${encodeURIComponent(parent)}`, { headers: { Accept: 'application/json' } });
  if (!res.ok) return;
  const body = await res.json();
  const boundaries = await Promise.all(body.children.map(async (c) => {
    const b = await fetch(`/api/v1/districts/${encodeURIComponent(c.code)}/boundary`);
    return b.ok ? b.json() : null;
  }));
  state.compare = body.children.map((c, i) => ({ data: c, boundary: boundaries[i] }));
  state.compareParent = parent;
  renderCompare();
}

function breaks(values, share) {
  if (share) return [0.25, 0.5, 0.75];
  const sorted = values.filter((v) => v != null).sort((a, b) => a - b);
  if (sorted.length === 0) return [0, 0, 0];
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return [q(0.25), q(0.5), q(0.75)];
}

function classOf(v, cuts) {
  if (v == null) return -1;
  let k = 0;
  while (k < cuts.length && v >= cuts[k]) k += 1;
  return k;
}

function renderCompare() {
  const box = document.getElementById('compare');
  if (state.compareLayer) {
    state.compareLayer.remove();
    state.compareLayer = null;
  }
  if (!box) return;
  if (!state.indicator || !state.compare) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const spec = INDICATORS[state.indicator];
  const values = state.compare.map((c) => spec.read(c.data));
  const cuts = breaks(values, spec.share);
  const fmt = (v) => (spec.share ? pct(v) : num(v, 3));
  const labels = [`< ${fmt(cuts[0])}`, `${fmt(cuts[0])} – ${fmt(cuts[1])}`, `${fmt(cuts[1])} – ${fmt(cuts[2])}`, `≥ ${fmt(cuts[2])}`];
  if (state.map && L) {
    state.compareLayer = L.layerGroup(state.compare.filter((c) => c.boundary).map((c) => {
      const k = classOf(spec.read(c.data), cuts);
      return L.geoJSON(c.boundary, {
        interactive: false,
        style: { color: '#333', weight: 1, fillColor: k < 0 ? '#ffffff' : CLASS_COLOURS[k], fillOpacity: 0.6, className: 'choropleth-area' },
      });
    })).addTo(state.map);
  }
  const rows = state.compare
    .map((c) => ({ c, v: spec.read(c.data) }))
    .sort((a, b) => (b.v ?? -1) - (a.v ?? -1));
  box.replaceChildren(
    el('h3', { text: tx('compareTitle', { indicator: indicatorName(state.indicator) }) }),
    el('table', { class: 'compare-table' },
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col', text: tx('district') }), el('th', { scope: 'col', text: tx('value') }), el('th', { scope: 'col', text: tx('classes') }))),
      el('tbody', {}, ...rows.map(({ c, v }) => {
        const k = classOf(v, cuts);
        return el('tr', { 'aria-current': c.data.code === state.code ? 'true' : 'false' },
          el('th', { scope: 'row', text: c.data.name }),
          el('td', { text: spec.share ? pct(v) : num(v, 3) }),
          el('td', {},
            el('span', { class: 'swatch', style: `background:${k < 0 ? '#ffffff' : CLASS_COLOURS[k]}`, 'aria-hidden': 'true' }),
            k < 0 ? tx('none') : labels[k]));
      }))));
  box.hidden = false;
}

/** Wires the panel to the map and the indicator select. */
export function initCoverage(map) {
  state.map = map;
  const select = document.getElementById('choropleth-select');
  renderCoverage();
  select?.addEventListener('change', async () => {
    state.indicator = select.value;
    if (state.indicator && !state.compare) await loadCompare();
    renderCompare();
  });
}
