// District indicators shared by the map page's district panel (dashboard.js) and the printable annual report
// (annual-report.js): the texts in Chinese and English, number and date formats per language (Intl), the
// indicators the choropleth and the comparison table can show, the list of every indicator with its definition
// ("how is this computed"), plan targets with progress and forecast, and the monthly trend table.
// The figures come from /api/v1/coverage (computed in PostGIS); nothing here invents a figure.
import { getLang, namespace } from './i18n.js';
import { el, numberFormat, dateFormat, yearInChina } from './dom.js';

/** The texts of the indicators and the pages built on them (strings/coverage.json, dashboard.json, annual-report.json: "coverage.*"). */
export const TEXT = namespace('coverage.');


/** Translates `key` of TEXT in the current language, replacing {placeholders}. */
export function tx(key, params = {}) {
  const table = TEXT[getLang()] || TEXT.zh;
  return (table[key] ?? TEXT.zh[key] ?? key).replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m));
}

/** The Intl locale of the current language. */
export function locale() {
  return getLang() === 'en' ? 'en' : 'zh-CN';
}

/** A share 0..1 as a percentage (87.5%). */
export function pct(v, digits = 1) {
  return v == null ? tx('none') : numberFormat(locale(), { style: 'percent', maximumFractionDigits: digits }).format(v);
}

/** A number with grouping (12,345.6). */
export function num(v, digits = 2) {
  return v == null ? tx('none') : numberFormat(locale(), { maximumFractionDigits: digits }).format(v);
}

/** A date in the long form of the language, in China's time zone: 2026年11月23日 / November 23, 2026. */
export function longDate(d) {
  const date = d instanceof Date ? d : new Date(d);
  return dateFormat(locale(), { dateStyle: 'long', timeZone: 'Asia/Shanghai' }).format(date);
}

/** A month "2026-03" as 2026年3月 / Mar 2026. */
export function monthLabel(ym) {
  const [y, m] = ym.split('-').map(Number);
  return dateFormat(locale(), { year: 'numeric', month: getLang() === 'en' ? 'short' : 'long', timeZone: 'UTC' })
    .format(new Date(Date.UTC(y, m - 1, 1)));
}

/** The DOM helper, re-exported for the pages built on these indicators. */
export { el };

/** The definition `{zh, en}` in the current language. */
export function defText(def) {
  if (!def) return '';
  return getLang() === 'en' ? def.en : def.zh;
}

/** "How is this computed": a disclosure with the definition. */
export function howDetails(def, summary = tx('how')) {
  const text = typeof def === 'string' ? def : defText(def);
  if (!text) return null;
  return el('details', { class: 'coverage-how' }, el('summary', { text: summary }), el('p', { text }));
}

/** The renovation target an indicator reports on: the binding one where there is one, else the first. */
function renovationTarget(c) {
  const list = c?.renovations?.targets || [];
  return list.find((t) => t.binding) || list[0] || null;
}

function both(a, b) {
  return { zh: [a?.zh, b?.zh].filter(Boolean).join(''), en: [a?.en, b?.en].filter(Boolean).join(' ') };
}

const local = (key) => ({ zh: TEXT.zh[key], en: TEXT.en[key] });

/**
 * Indicators of the switch, the choropleth and the comparison table: how to read the value from a coverage
 * response, how to format it, which way is better, and its definition. `needs` names a response member that
 * older servers do not send (the indicator is offered only when present).
 */
export const INDICATORS = [
  { key: 'toiletReach', kind: 'share', better: 'higher', read: (c) => c.toiletReach?.share, def: (c) => c.toiletReach?.definition },
  { key: 'townshipService', kind: 'share', better: 'higher', read: (c) => c.townshipService?.share, def: (c) => c.townshipService?.definition },
  { key: 'mainRoads', kind: 'share', better: 'higher', read: (c) => c.mainRoads?.share, def: (c) => c.mainRoads?.definition },
  { key: 'inspections', kind: 'share', better: 'higher', read: (c) => c.inspections?.withinIntervalShare, def: (c) => c.inspections?.definition },
  { key: 'perKm2', kind: 'density', better: 'higher', read: (c) => c.facilities?.perKm2, def: (c) => c.facilities?.definition },
  { key: 'per10k', kind: 'density', better: 'higher', read: (c) => c.facilities?.per10kResidents, def: (c) => both(c.facilities?.definition, local('def_per10k')) },
  { key: 'openDefects', kind: 'count', better: 'lower', read: (c) => c.defects?.open, def: (c) => c.defects?.definition },
  { key: 'medianRepair', kind: 'days', better: 'lower', read: (c) => c.defects?.medianDaysToRepair, def: (c) => c.defects?.definition },
  {
    key: 'renovationProgress',
    kind: 'share',
    better: 'higher',
    read: (c) => {
      const t = renovationTarget(c);
      if (!t || !t.value) return null;
      if (t.kind === 'ratio') return t.currentRatio == null ? null : t.currentRatio / t.value;
      return t.accepted == null ? null : t.accepted / t.value;
    },
    def: (c) => both(c.renovations?.definition, local('def_renovationProgress')),
  },
  {
    key: 'newProjects',
    kind: 'share',
    better: 'higher',
    needs: 'newProjects',
    // the year's rate; a year with no accepted new project has none ("no accepted projects", not 0% or 100%)
    read: (c) => c.newProjects?.year?.rate,
    empty: (c) => (c.newProjects?.year && c.newProjects.year.accepted === 0 ? tx('noAcceptedProjects') : null),
    def: (c) => c.newProjects?.definition,
  },
  {
    key: 'patrols',
    kind: 'share',
    better: 'higher',
    needs: 'patrols',
    // a district without grids has no rate ("no grids", not 0%)
    read: (c) => c.patrols?.share,
    empty: (c) => (c.patrols && c.patrols.grids === 0 ? tx('noGrids') : null),
    def: (c) => c.patrols?.definition,
  },
  { key: 'reportsOpen', kind: 'count', better: 'lower', needs: 'reports', read: (c) => c.reports?.open, def: (c) => c.reports?.definition || local('def_reportsOpen') },
  {
    key: 'reportsMedianClose',
    kind: 'days',
    better: 'lower',
    needs: 'reports',
    read: (c) => c.reports?.medianDaysToClose,
    def: (c) => both(c.reports?.definition, local('def_reportsMedianClose')),
  },
];

export const DEFAULT_INDICATOR = 'toiletReach';

/** The indicator spec of `key`, or undefined. */
export function indicatorSpec(key) {
  return INDICATORS.find((i) => i.key === key);
}

/** The indicators a coverage response can fill (those needing a newer server are left out when it is older). */
export function availableIndicators(c) {
  return INDICATORS.filter((i) => !i.needs || (c && c[i.needs] !== undefined));
}

/** The name of an indicator in the current language. */
export function indicatorName(key) {
  return tx(`ind_${key}`);
}

/** An indicator's value in words; `c`, the coverage it was read from, lets an indicator say why it has none. */
export function formatIndicator(spec, v, c = null) {
  if (v == null) return (c && spec.empty && spec.empty(c)) || tx('noData');
  switch (spec.kind) {
    case 'share': return pct(v);
    case 'density': return num(v, 3);
    case 'days': return tx('days', { n: num(v, 1) });
    default: return num(v, 0);
  }
}

function row(label, value, detail, def) {
  return el('li', { class: 'coverage-item' },
    el('span', { class: 'coverage-label', text: label }),
    el('span', { class: 'coverage-value', text: value }),
    detail ? el('span', { class: 'coverage-detail', text: detail }) : null,
    howDetails(def));
}

/** A rate of new projects in words: 75% (3 / 4), or "no accepted projects". */
export function projectRate(w) {
  if (!w || w.accepted === 0) return tx('noAcceptedProjects');
  return `${pct(w.rate)} (${num(w.compliant, 0)} / ${num(w.accepted, 0)})`;
}

/** 新建项目无障碍设施建设率: the year, the plan period and the target it is held to. */
function newProjectsRow(n) {
  const sep = getLang() === 'en' ? '; ' : '；';
  const detail = [
    tx('newProjectsPeriod', { from: n.period.firstYear, to: n.period.lastYear, value: projectRate(n.period) }),
    n.target ? tx('target', {
      value: pct(n.target.value),
      binding: n.target.binding ? tx('binding') : tx('expected'),
      met: n.target.met == null ? tx('noAcceptedProjects') : n.target.met ? tx('met') : tx('notMet'),
    }) : tx('noProjectTarget'),
  ].join(sep);
  return el('li', { class: 'coverage-item', 'data-indicator': 'newProjects' },
    el('span', { class: 'coverage-label', text: tx('newProjectsYear', { year: n.year.year }) }),
    el('span', { class: 'coverage-value', text: n.year.accepted === 0 ? tx('noAcceptedProjects') : pct(n.year.rate) }),
    el('span', { class: 'coverage-detail', text: n.year.accepted === 0 ? detail : `${num(n.year.compliant, 0)} / ${num(n.year.accepted, 0)}${sep}${detail}` }),
    howDetails(n.definition));
}

/** Every indicator of one district with its definition, as a list. */
export function indicatorList(c) {
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
      el('span', { class: 'coverage-detail', text: t.willMiss == null ? tx('withheld') : t.willMiss ? tx('willMiss') : tx('onTrack') })));
  const density = [`${tx('perKm2')} ${num(f.perKm2, 3)}`, `${tx('per10k')} ${num(f.per10kResidents, 2)}`];
  if (c.areaKm2 != null) density.push(tx('area', { area: num(c.areaKm2, 1) }));
  return el('ul', { class: 'coverage-list' },
    row(tx('facilities'), num(f.inService, 0), density.join(' · '), both(f.definition, local('def_per10k'))),
    row(tx('toiletReach', { m: r.metres }), pct(r.share), `${num(r.covered, 0)} / ${num(r.demandPoints, 0)}`, r.definition),
    row(tx('townshipService'), pct(ts.share), [`${num(ts.served, 0)} / ${num(ts.townships, 0)}`, target].filter(Boolean).join(getLang() === 'en' ? '; ' : '；'), ts.definition),
    row(tx('mainRoads'), pct(c.mainRoads.share), null, c.mainRoads.definition),
    row(tx('inspections'), pct(ins.withinIntervalShare), tx('inspectionCounts', {
      onTime: num(ins.onTime, 0), dueSoon: num(ins.dueSoon, 0), overdue: num(ins.overdue, 0), never: num(ins.never, 0),
    }), ins.definition),
    row(tx('defects'), num(d.open, 0), tx('defectCounts', {
      critical: num(d.openBySeverity?.critical ?? 0, 0), major: num(d.openBySeverity?.major ?? 0, 0),
      minor: num(d.openBySeverity?.minor ?? 0, 0), overdue: num(d.overdue, 0),
    }), d.definition),
    row(tx('median'), d.medianDaysToRepair == null ? tx('none') : tx('days', { n: num(d.medianDaysToRepair, 1) }), null, d.definition),
    c.newProjects ? newProjectsRow(c.newProjects) : null,
    c.patrols ? row(tx('patrols'), c.patrols.grids === 0 ? tx('noGrids') : pct(c.patrols.share),
      c.patrols.grids === 0 ? null : tx('patrolCounts', { patrolled: num(c.patrols.patrolled, 0), facilities: num(c.patrols.facilities, 0), grids: num(c.patrols.grids, 0) }),
      c.patrols.definition) : null,
    c.reports ? row(tx('reports'), num(c.reports.open, 0),
      [tx('reportCounts', { open: num(c.reports.open, 0), closed: num(c.reports.closed, 0) }),
        tx('reportMedian', { days: c.reports.medianDaysToClose == null ? tx('none') : num(c.reports.medianDaysToClose, 1) })].join(' · '),
      c.reports.definition) : null,
    el('li', { class: 'coverage-item' },
      el('span', { class: 'coverage-label', text: tx('renovations') }),
      el('ul', { class: 'coverage-sublist' }, ...renovations),
      howDetails(c.renovations.definition)));
}

// ---------------------------------------------------------------------------
// Plan targets with progress and forecast

const COMPARATORS = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '=': '=', '==': '=' };

/** A plan target's value with its comparator and unit: ≥ 100 户, ≥ 100%. */
export function targetValue(t) {
  const en = getLang() === 'en';
  const unit = t.unit === '户' ? (en ? ' households' : ' 户') : (t.unit && t.unit !== '%' && !en ? ` ${t.unit}` : '');
  const value = t.kind === 'ratio' ? pct(t.value) : `${num(t.value, 0)}${unit}`;
  return `${COMPARATORS[t.comparator] || t.comparator} ${value}`;
}

function targetValueText(t) {
  return tx('targetValue', { value: targetValue(t) });
}

/**
 * Plan targets of a district joined with what the indicators measure against them: renovation targets carry
 * accepted households, pipeline and forecast; the township service target its current share. Each entry:
 * {target, progress (0..1 or null), lines: [text], status: met|notMet|onTrack|willMiss|unmeasured}.
 */
export function targetProgress(planTargets, c, today = new Date()) {
  const year = yearInChina(today);
  return (planTargets || []).map((t) => {
    const lines = [];
    let progress = null;
    let status = 'unmeasured';
    const renovation = c?.renovations?.targets?.find((r) => r.targetId === t.id);
    if (renovation) {
      if (renovation.kind === 'ratio') {
        if (renovation.currentRatio == null) lines.push(tx('progressWithheld'));
        else {
          progress = t.value ? renovation.currentRatio / t.value : null;
          lines.push(tx('progressRatio', { current: pct(renovation.currentRatio), target: pct(t.value) }));
        }
        if (renovation.forecastRatio != null) lines.push(tx('forecastRatio', { ratio: pct(renovation.forecastRatio), year: t.periodEnd }));
      } else {
        if (renovation.accepted == null) lines.push(tx('progressWithheld'));
        else {
          progress = t.value ? renovation.accepted / t.value : null;
          lines.push(tx('progressCount', { done: num(renovation.accepted, 0), share: pct(progress) }));
        }
        if (renovation.forecast != null) lines.push(tx('forecastCount', { n: num(renovation.forecast, 0), year: t.periodEnd }));
      }
      lines.push(renovation.pipeline == null ? tx('pipelineWithheld') : tx('pipeline', { n: num(renovation.pipeline, 0) }));
      // withheld for the public when the figures it rests on are: nothing to judge by
      if (renovation.willMiss != null) status = renovation.willMiss ? 'willMiss' : 'onTrack';
      if (progress != null && progress >= 1) status = 'met';
    } else if (c?.newProjects?.target && c.newProjects.target.id === t.id) {
      // held to the period's rate: one project built without its items keeps it below 100%
      const p = c.newProjects.period;
      progress = p.rate == null || !t.value ? null : p.rate / t.value;
      lines.push(p.accepted === 0 ? tx('noAcceptedProjects') : tx('progressProjects', { rate: pct(p.rate), compliant: num(p.compliant, 0), accepted: num(p.accepted, 0) }));
      status = c.newProjects.target.met == null ? 'unmeasured' : c.newProjects.target.met ? 'met' : 'notMet';
    } else if (c?.townshipService?.target && c.townshipService.target.id === t.id) {
      const share = c.townshipService.share;
      progress = share == null || !t.value ? null : share / t.value;
      lines.push(tx('progressRatio', { current: pct(share), target: pct(t.value) }));
      status = c.townshipService.target.met ? 'met' : 'notMet';
    }
    if (year > t.periodEnd) {
      lines.push(tx('periodEnded'));
      // the period is over: the target was met or not, there is nothing left to forecast
      if (status === 'onTrack' || status === 'willMiss') status = progress != null && progress >= 1 ? 'met' : 'notMet';
    }
    return { target: t, progress, lines, status };
  });
}

/** The plan targets as a list: title, target and period, binding or expected, progress (bar and words), forecast. */
export function targetList(entries) {
  if (!entries.length) return el('p', { class: 'coverage-detail', text: tx('targetsNone') });
  return el('ul', { class: 'target-list' }, ...entries.map(({ target: t, progress, lines, status }) => el('li', { class: `target-item target-${status}`, 'data-target-id': String(t.id) },
    el('span', { class: 'coverage-label', text: t.title }),
    el('span', { class: 'coverage-detail target-meta', text: [targetValueText(t), t.binding ? tx('binding') : tx('expected'), tx('targetPeriod', { from: t.periodStart, to: t.periodEnd })].join(getLang() === 'en' ? ', ' : '，') }),
    progress == null ? null : el('progress', { max: '1', value: String(Math.max(0, Math.min(1, progress))), 'aria-label': `${t.title}: ${pct(progress)}` }),
    el('span', { class: 'target-status', text: tx(`status${status[0].toUpperCase()}${status.slice(1)}`) }),
    ...lines.map((line) => el('span', { class: 'coverage-detail target-line', text: line })),
    t.sourceDocument ? el('span', { class: 'coverage-detail target-source', text: tx('targetSource', { source: t.sourceDocument }) }) : null)));
}

// ---------------------------------------------------------------------------
// Monthly trends (GET /api/v1/coverage/{code}/trends)

export const TREND_SERIES = ['facilitiesAdded', 'inspections', 'defectsFound', 'defectsRepaired', 'reportsReceived', 'reportsClosed', 'renovationsAccepted'];

/** Charts of the panel: which series each shows. */
export const TREND_CHARTS = [
  { key: 'facilities', series: ['facilitiesAdded', 'inspections'] },
  { key: 'defects', series: ['defectsFound', 'defectsRepaired'] },
  { key: 'reports', series: ['reportsReceived', 'reportsClosed'] },
  { key: 'renovations', series: ['renovationsAccepted'] },
];

function cell(v) {
  return v == null ? tx('suppressed') : num(v, 0);
}

/**
 * The trend figures as a table: one row per month (index list `rows` of trends.months), one column per series,
 * and a total row; a suppressed month (null) is written as such, and a total over a suppressed month is withheld.
 */
export function trendTable(trends, { series = TREND_SERIES, rows = null, caption = null, total = false } = {}) {
  const idx = rows ?? trends.months.map((_, i) => i);
  const present = series.filter((s) => Array.isArray(trends.series?.[s]));
  const sum = (s) => {
    const vals = idx.map((i) => trends.series[s][i]);
    return vals.some((v) => v == null) ? null : vals.reduce((a, b) => a + b, 0);
  };
  return el('table', { class: 'trend-table' },
    caption ? el('caption', { text: caption }) : null,
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: tx('month') }),
      ...present.map((s) => el('th', { scope: 'col', text: tx(`series_${s}`) })))),
    el('tbody', {}, ...idx.map((i) => el('tr', {},
      el('th', { scope: 'row', text: monthLabel(trends.months[i]) }),
      ...present.map((s) => el('td', { class: 'num', text: cell(trends.series[s][i]) }))))),
    total ? el('tfoot', {}, el('tr', {}, el('th', { scope: 'row', text: tx('total') }),
      ...present.map((s) => { const v = sum(s); return el('td', { class: 'num', text: v == null ? tx('suppressedTotal') : num(v, 0) }); }))) : null);
}

// ---------------------------------------------------------------------------
// Plan evaluations (evaluation.html, GET /api/v1/evaluations/{code})

/**
 * The plan period to evaluate for `year`: that of the district's targets covering the year (the latest ending, when
 * several), else that of its latest targets ended before it (the year after a plan is when it is evaluated), else the
 * national five-year plan period holding the year (2021–2025, 2026–2030, …); and the stage: final once the period is
 * over, mid-term before. `{first, last, stage}`.
 */
export function evaluationPeriod(planTargets, year) {
  const latest = (list) => list.sort((a, b) => b.periodEnd - a.periodEnd || b.periodStart - a.periodStart)[0];
  const all = planTargets || [];
  const chosen = latest(all.filter((t) => t.periodStart <= year && year <= t.periodEnd)) || latest(all.filter((t) => t.periodEnd < year));
  const first = chosen ? chosen.periodStart : 2021 + 5 * Math.floor((year - 2021) / 5);
  const last = chosen ? chosen.periodEnd : first + 4;
  const now = yearInChina();
  return { first, last, stage: now > last ? 'final' : 'midterm' };
}

/** The link to the evaluation of `code` for `year` (see evaluationPeriod) in the current language. */
export function evaluationHref(code, planTargets, year) {
  const { first, last, stage } = evaluationPeriod(planTargets, year);
  const params = new URLSearchParams({ district: code || '', period: `${first}-${last}`, stage });
  if (getLang() === 'en') params.set('lang', 'en');
  return { href: `/evaluation.html?${params}`, text: tx(stage === 'final' ? 'ev_linkFinal' : 'ev_linkMidterm', { period: `${first}–${last}` }) };
}
