// District indicators shared by the map page's district panel (dashboard.js) and the printable annual report
// (annual-report.js): the texts in Chinese and English, number and date formats per language (Intl), the
// indicators the choropleth and the comparison table can show, the list of every indicator with its definition
// ("how is this computed"), plan targets with progress and forecast, and the monthly trend table.
// The figures come from /api/v1/coverage (computed in PostGIS); nothing here invents a figure.
import { getLang } from './i18n.js';
import { el } from './dom.js';

export const TEXT = {
  zh: {
    title: '区划指标',
    titleOf: '区划指标：{name}',
    loading: '正在计算指标…',
    failed: '指标暂时无法加载',
    notFound: '没有代码为 {code} 的区划',
    how: '如何计算',
    howOf: '如何计算：{indicator}',
    allIndicators: '全部指标',
    facilities: '设施数量（在用）',
    perKm2: '每平方公里',
    per10k: '每万常住人口',
    area: '面积 {area} 平方公里',
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
    reports: '群众报告',
    reportCounts: '未办结 {open} · 已办结 {closed}',
    reportMedian: '办结天数中位数 {days}',
    none: '—',
    noData: '无数据',
    // indicators of the switch, the choropleth and the comparison
    ind_perKm2: '每平方公里在用设施数',
    ind_per10k: '每万常住人口在用设施数',
    ind_toiletReach: '无障碍厕所 500 米覆盖率',
    ind_townshipService: '乡镇（街道）残疾人服务机构覆盖率',
    ind_mainRoads: '主干路无障碍长度占比',
    ind_inspections: '周期内已检查比例',
    ind_openDefects: '未关闭缺陷数',
    ind_medianRepair: '缺陷整改天数中位数',
    ind_renovationProgress: '家庭无障碍改造目标完成率',
    ind_reportsOpen: '未办结群众报告数',
    ind_reportsMedianClose: '群众报告办结天数中位数',
    def_per10k: '只计在用设施；人口未知的区划没有此项。',
    def_renovationProgress: '期内已验收的改造户数占规划目标的比例（有约束性目标时取约束性目标，比例目标按当前比例与目标比例之比）；少于 5 户时不公开。',
    def_reportsOpen: '群众通过本平台或 Open311 报告、尚未办结的问题数。',
    def_reportsMedianClose: '已办结的群众报告从提交到办结的天数的中位数。',
    betterHigher: '数值越高越好',
    betterLower: '数值越低越好',
    days: '{n} 天',
    // plan targets
    targetsTitle: '规划目标',
    targetsNone: '本区划没有登记规划目标',
    targetValue: '目标：{value}',
    targetPeriod: '规划期 {from}–{to} 年',
    targetSource: '来源：{source}',
    progressCount: '已完成 {done} 户（期内已验收），占目标 {share}',
    progressRatio: '当前 {current}，目标 {target}',
    progressWithheld: '已完成户数少于 5 户，不公开',
    pipeline: '在办 {n} 户',
    pipelineWithheld: '在办少于 5 户，不公开',
    forecastCount: '按当前进度，到 {year} 年底预计 {n} 户',
    forecastRatio: '按当前进度，到 {year} 年底预计 {ratio}',
    statusMet: '已达到',
    statusNotMet: '未达到',
    statusOnTrack: '按当前进度可以完成',
    statusWillMiss: '按当前进度将无法完成',
    statusUnmeasured: '平台尚无此项的计算数据',
    periodEnded: '规划期已结束',
    // trends
    trendsTitle: '月度趋势',
    trendsLoading: '正在加载趋势…',
    trendsUnavailable: '月度趋势暂时无法加载',
    trendTable: '数据表：{title}',
    month: '月份',
    total: '合计',
    suppressed: '少于 5，不公开',
    suppressedTotal: '部分月份不公开',
    series_facilitiesAdded: '新增设施',
    series_inspections: '检查次数',
    series_defectsFound: '发现缺陷',
    series_defectsRepaired: '整改完成缺陷',
    series_reportsReceived: '收到群众报告',
    series_reportsClosed: '办结群众报告',
    series_renovationsAccepted: '验收改造户数',
    chart_facilities: '设施与检查',
    chart_defects: '缺陷',
    chart_reports: '群众报告',
    chart_renovations: '家庭无障碍改造',
    chartAlt: '折线图：{title}，{from}至{to}每月数据；数值见图下的数据表。',
  },
  en: {
    title: 'District indicators',
    titleOf: 'District indicators: {name}',
    loading: 'Computing the indicators…',
    failed: 'The indicators could not be loaded',
    notFound: 'There is no district with code {code}',
    how: 'How is this computed',
    howOf: 'How is this computed: {indicator}',
    allIndicators: 'All indicators',
    facilities: 'Facilities (in service)',
    perKm2: 'per km²',
    per10k: 'per 10,000 residents',
    area: 'area {area} km²',
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
    reports: 'Public reports',
    reportCounts: 'open {open} · closed {closed}',
    reportMedian: 'median days to close {days}',
    none: '—',
    noData: 'no data',
    ind_perKm2: 'Facilities in service per km²',
    ind_per10k: 'Facilities in service per 10,000 residents',
    ind_toiletReach: 'Accessible toilet within 500 m',
    ind_townshipService: 'Townships with a disability service',
    ind_mainRoads: 'Accessible share of main-road length',
    ind_inspections: 'Inspected within interval',
    ind_openDefects: 'Open defects',
    ind_medianRepair: 'Median days to repair a defect',
    ind_renovationProgress: 'Home renovation target progress',
    ind_reportsOpen: 'Public reports open',
    ind_reportsMedianClose: 'Median days to close a public report',
    def_per10k: 'Facilities in service only; districts whose population is not known have no figure.',
    def_renovationProgress: 'Households whose renovation was accepted within the period as a share of the plan target (the binding target where there is one; for a ratio target, the current ratio over the target ratio); withheld below 5 households.',
    def_reportsOpen: 'Problems reported by the public (on this site or through Open311) that are not closed yet.',
    def_reportsMedianClose: 'Median days from filing to closing, over the closed public reports.',
    betterHigher: 'higher is better',
    betterLower: 'lower is better',
    days: '{n} days',
    targetsTitle: 'Plan targets',
    targetsNone: 'No plan target is recorded for this district',
    targetValue: 'Target: {value}',
    targetPeriod: 'plan period {from}–{to}',
    targetSource: 'Source: {source}',
    progressCount: '{done} households accepted within the period, {share} of the target',
    progressRatio: 'now {current}, target {target}',
    progressWithheld: 'fewer than 5 households accepted: withheld',
    pipeline: '{n} in progress',
    pipelineWithheld: 'fewer than 5 in progress: withheld',
    forecastCount: 'forecast at the current pace: {n} households by the end of {year}',
    forecastRatio: 'forecast at the current pace: {ratio} by the end of {year}',
    statusMet: 'met',
    statusNotMet: 'not met',
    statusOnTrack: 'on track at the current pace',
    statusWillMiss: 'will be missed at the current pace',
    statusUnmeasured: 'not yet measured by the registry',
    periodEnded: 'plan period ended',
    trendsTitle: 'Monthly trends',
    trendsLoading: 'Loading the trends…',
    trendsUnavailable: 'The monthly trends could not be loaded',
    trendTable: 'Data table: {title}',
    month: 'Month',
    total: 'Total',
    suppressed: 'below 5, withheld',
    suppressedTotal: 'some months withheld',
    series_facilitiesAdded: 'Facilities added',
    series_inspections: 'Inspections',
    series_defectsFound: 'Defects found',
    series_defectsRepaired: 'Defects repaired',
    series_reportsReceived: 'Public reports received',
    series_reportsClosed: 'Public reports closed',
    series_renovationsAccepted: 'Renovations accepted',
    chart_facilities: 'Facilities and inspections',
    chart_defects: 'Defects',
    chart_reports: 'Public reports',
    chart_renovations: 'Home renovations',
    chartAlt: 'Line chart: {title}, monthly from {from} to {to}; the figures are in the data table below the chart.',
  },
};

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
  return v == null ? tx('none') : new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: digits }).format(v);
}

/** A number with grouping (12,345.6). */
export function num(v, digits = 2) {
  return v == null ? tx('none') : new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(v);
}

/** A date in the long form of the language, in China's time zone: 2026年11月23日 / November 23, 2026. */
export function longDate(d) {
  const date = d instanceof Date ? d : new Date(d);
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long', timeZone: 'Asia/Shanghai' }).format(date);
}

/** A month "2026-03" as 2026年3月 / Mar 2026. */
export function monthLabel(ym) {
  const [y, m] = ym.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: getLang() === 'en' ? 'short' : 'long', timeZone: 'UTC' })
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

/** An indicator's value in words. */
export function formatIndicator(spec, v) {
  if (v == null) return tx('noData');
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
  const year = Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(today));
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
