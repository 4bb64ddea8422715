// The printable annual monitoring report of one district (年度跟踪监测报告): /annual-report.html?district=140881&year=2026
// (&lang=en). Every indicator with its definition, plan targets with progress and forecast, inspection and defect
// figures, public reports, the year's monthly figures, and the subdivisions compared. Dates and figures are
// formatted for the language (Intl): 2026年11月23日, 12,345, 87.5% in Chinese. Prints to A4 (annual-report.css).
import { setLang, detectLang, getLang } from './i18n.js';
import { getJson } from './api.js';
import { surveyContent } from './survey-results.js';
import {
  tx, el, pct, num, longDate, defText, INDICATORS, availableIndicators, indicatorName, formatIndicator,
  targetProgress, targetValue, trendTable, TREND_SERIES, evaluationHref,
} from './coverage.js';


const LEVELS = ['province', 'prefecture', 'county', 'township'];
// Columns of the subdivision table (the full list with definitions is in the indicators table).
const CHILD_COLUMNS = ['toiletReach', 'townshipService', 'mainRoads', 'inspections', 'openDefects', 'renovationProgress', 'newProjects'];

const params = new URLSearchParams(window.location.search);
/** The element with this id (typed loosely: the page knows its ids). @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);

function shanghaiToday() {
  const parts = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'Asia/Shanghai' })
    .formatToParts(new Date());
  const get = (t) => Number(parts.find((p) => p.type === t).value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

const utcDate = (y, m, d) => new Date(Date.UTC(y, m - 1, d, 4)); // noon in Shanghai: the same date in any zone

function section(id, title, ...content) {
  return el('section', { class: 'report-section', 'aria-labelledby': `${id}-heading`, id },
    el('h2', { id: `${id}-heading`, text: title }), ...content);
}

function figuresTable(caption, rows) {
  return el('table', { class: 'figures' },
    el('caption', { class: 'visually-hidden', text: caption }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: tx('rp_figure') }), el('th', { scope: 'col', text: tx('rp_value') }))),
    el('tbody', {}, ...rows.filter(Boolean).map(([label, value]) => el('tr', {},
      el('th', { scope: 'row', text: label }), el('td', { class: 'num', text: value })))));
}

function yearSum(trends, rows, series) {
  if (!trends || !rows || !Array.isArray(trends.series?.[series])) return null;
  const vals = rows.map((i) => trends.series[series][i]);
  return vals.some((v) => v == null) ? undefined : vals.reduce((a, b) => a + b, 0);
}

function yearFigure(trends, rows, series) {
  const v = yearSum(trends, rows, series);
  if (v === null) return null;
  return v === undefined ? tx('suppressedTotal') : num(v, 0);
}

function render({
  info, coverage, targets, trends, year, today, demo, history = null, surveys = null,
}) {
  const c = coverage.parent;
  const name = info.district.name;
  const levelIndex = LEVELS.indexOf(info.district.level);
  const level = levelIndex >= 0 ? tx('rp_levels').split('|')[levelIndex] : info.district.level;
  const trail = [...(info.ancestors || []).map((a) => a.name), name].join(getLang() === 'en' ? ' › ' : ' › ');
  const title = tx('rp_pageTitle', { name, year });
  document.title = title;

  const from = longDate(utcDate(year, 1, 1));
  const open = year === today.year && !history;
  const to = open ? longDate(utcDate(today.year, today.month, today.day)) : longDate(utcDate(year, 12, 31));
  // The evidence package (docs/evidence-package.md) of the report's last day: the service pins it to the moment of the click.
  const pad = (n) => String(n).padStart(2, '0');
  const evidenceDate = open ? `${today.year}-${pad(today.month)}-${pad(today.day)}` : `${year}-12-31`;

  // The year's rows of the monthly trends.
  const prefix = `${year}-`;
  const rows = trends ? trends.months.map((m, i) => (m.startsWith(prefix) ? i : -1)).filter((i) => i >= 0) : null;

  const indicators = availableIndicators(c);
  const head = el('header', { class: 'report-head' },
    el('p', { class: 'report-kicker', text: tx('rp_kicker') }),
    el('h1', { id: 'report-title', text: title }),
    el('p', { class: 'report-scope', text: tx('rp_scope', { trail, level, code: info.district.code }) }),
    el('dl', { class: 'report-meta' },
      el('dt', { text: tx('rp_period') }), el('dd', { id: 'report-period', text: tx(open ? 'rp_periodOpen' : 'rp_periodRange', { from, to }) }),
      ...(history ? historyMeta(history, year) : []),
      el('dt', { text: tx('rp_generated') }), el('dd', { id: 'report-generated', text: longDate(new Date()) }),
      el('dt', { text: tx('rp_source') }), el('dd', { text: tx('rp_sourceText') }),
      el('dt', { text: tx('rp_evidence') }), el('dd', {}, el('a', {
        id: 'report-evidence', href: `/api/v1/evidence/${info.district.code}.zip?asOf=${evidenceDate}`, text: tx('rp_evidenceText', { date: to }),
      }))),
    demo ? el('p', { class: 'report-demo', text: tx('rp_demo') }) : null,
    el('p', { class: 'report-note', text: history ? tx('rp_asOfYearEnd', { date: to }) : tx('rp_asOf') }));

  const indicatorTable = el('table', { class: 'indicators', id: 'indicator-table' },
    el('caption', { class: 'visually-hidden', text: tx('rp_indicators') }),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: tx('rp_indicator') }), el('th', { scope: 'col', text: tx('rp_value') }), el('th', { scope: 'col', text: tx('rp_definition') }))),
    el('tbody', {}, ...indicators.map((spec) => el('tr', { 'data-indicator': spec.key },
      el('th', { scope: 'row', text: indicatorName(spec.key) }),
      el('td', { class: 'num', text: formatIndicator(spec, spec.read(c), c) }),
      el('td', { class: 'definition', text: defText(spec.def(c)) })))));

  const progress = targetProgress(targets, c);
  const targetsContent = progress.length === 0
    ? el('p', { text: tx('targetsNone') })
    : el('table', { class: 'targets', id: 'target-table' },
      el('caption', { class: 'visually-hidden', text: tx('rp_targets') }),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col', text: tx('rp_target') }), el('th', { scope: 'col', text: tx('rp_targetValue') }),
        el('th', { scope: 'col', text: tx('rp_progress') }), el('th', { scope: 'col', text: tx('rp_status') }))),
      el('tbody', {}, ...progress.map(({ target: t, lines, status }) => el('tr', { 'data-target-id': String(t.id) },
        el('th', { scope: 'row' }, t.title, t.sourceDocument ? el('span', { class: 'source', text: tx('targetSource', { source: t.sourceDocument }) }) : null),
        el('td', {}, [
          targetValue(t),
          t.binding ? tx('binding') : tx('expected'),
          tx('targetPeriod', { from: t.periodStart, to: t.periodEnd }),
        ].join(tx('rp_sep'))),
        el('td', {}, ...lines.flatMap((line, i) => (i ? [el('br'), line] : [line]))),
        el('td', { class: `status status-${status}`, text: tx(`status${status[0].toUpperCase()}${status.slice(1)}`) })))));

  const ins = c.inspections;
  const d = c.defects;
  const severity = tx('rp_bySeverity', {
    critical: num(d.openBySeverity?.critical ?? 0, 0), major: num(d.openBySeverity?.major ?? 0, 0), minor: num(d.openBySeverity?.minor ?? 0, 0),
  });
  const inspections = figuresTable(tx('rp_inspections'), [
    [tx('rp_facilitiesInService'), num(c.facilities.inService, 0)],
    [tx('rp_onTime'), num(ins.onTime, 0)],
    [tx('rp_dueSoon'), num(ins.dueSoon, 0)],
    [tx('rp_overdue'), num(ins.overdue, 0)],
    [tx('rp_never'), num(ins.never, 0)],
    [tx('rp_within'), pct(ins.withinIntervalShare)],
    yearFigure(trends, rows, 'inspections') != null ? [tx('rp_yearInspections', { year }), yearFigure(trends, rows, 'inspections')] : null,
    yearFigure(trends, rows, 'defectsFound') != null ? [tx('rp_yearDefectsFound', { year }), yearFigure(trends, rows, 'defectsFound')] : null,
    yearFigure(trends, rows, 'defectsRepaired') != null ? [tx('rp_yearDefectsRepaired', { year }), yearFigure(trends, rows, 'defectsRepaired')] : null,
    [tx('rp_openDefects'), getLang() === 'en' ? `${num(d.open, 0)} (${severity})` : `${num(d.open, 0)}（${severity}）`],
    [tx('rp_overdueDefects'), num(d.overdue, 0)],
    [tx('rp_repaired'), num(d.repaired, 0)],
    [tx('rp_medianRepair'), d.medianDaysToRepair == null ? tx('none') : tx('days', { n: num(d.medianDaysToRepair, 1) })],
  ]);

  const reportRows = [
    c.reports ? [tx('rp_reportsOpen'), num(c.reports.open, 0)] : null,
    c.reports ? [tx('rp_reportsClosed'), num(c.reports.closed, 0)] : null,
    c.reports ? [tx('rp_reportsMedian'), c.reports.medianDaysToClose == null ? tx('none') : tx('days', { n: num(c.reports.medianDaysToClose, 1) })] : null,
    yearFigure(trends, rows, 'reportsReceived') != null ? [tx('rp_yearReportsReceived', { year }), yearFigure(trends, rows, 'reportsReceived')] : null,
    yearFigure(trends, rows, 'reportsClosed') != null ? [tx('rp_yearReportsClosed', { year }), yearFigure(trends, rows, 'reportsClosed')] : null,
  ].filter(Boolean);
  const reports = reportRows.length ? figuresTable(tx('rp_reports'), reportRows) : el('p', { text: tx('rp_noReports') });

  const trendContent = rows && rows.length
    ? trendTable(trends, { series: TREND_SERIES, rows, caption: tx('rp_trendCaption', { name, year }), total: true })
    : el('p', { text: tx('rp_noTrends') });
  if (rows && rows.length) trendContent.id = 'trend-table';

  const children = coverage.children || [];
  const childColumns = CHILD_COLUMNS.map((k) => INDICATORS.find((i) => i.key === k));
  const childrenContent = children.length === 0
    ? el('p', { text: tx('rp_noChildren', { name }) })
    : el('table', { class: 'children', id: 'children-table' },
      el('caption', { text: tx('rp_childrenCaption', { name, n: children.length }) }),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: tx('rp_district') }),
        ...childColumns.map((spec) => el('th', { scope: 'col', text: indicatorName(spec.key) })))),
      el('tbody', {}, ...children.map((child) => el('tr', {},
        el('th', { scope: 'row', text: child.name }),
        ...childColumns.map((spec) => el('td', { class: 'num', text: formatIndicator(spec, spec.read(child), child) }))))));

  const main = $('report');
  main.replaceChildren(
    head,
    history ? editionsNav(history, year) : null,
    history?.changes ? changesSection(history, info, children, targets) : null,
    section('indicators', tx('rp_indicators'), indicatorTable),
    section('targets', tx('rp_targets'), targetsContent),
    section('inspections', tx('rp_inspections'), inspections),
    section('reports', tx('rp_reports'), reports),
    section('trends', tx('rp_trends'), el('div', { class: 'table-wrap' }, trendContent)),
    section('children', tx('rp_children'), el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': tx('rp_children') }, childrenContent)),
    section('surveys', tx('rp_surveys'), ...surveyContent(surveys)),
    section('notes', tx('rp_notes'), el('p', { text: tx('rp_privacy') })));
  main.removeAttribute('aria-busy');
  document.body.dataset.ready = 'true';
}

/** Date and time in China's time zone: 2026年1月5日 09:30 / January 5, 2026, 09:30. */
function dateTime(iso) {
  return new Intl.DateTimeFormat(getLang() === 'en' ? 'en' : 'zh-CN', {
    dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Shanghai', hourCycle: 'h23',
  }).format(new Date(iso));
}

/** The header lines of a past year's report: the date the figures are of, what was known when, and the edition. */
function historyMeta(history, year) {
  const asOf = longDate(utcDate(year, 12, 31));
  const e = history.edition;
  return [
    el('dt', { text: tx('rp_asOfLabel') }),
    el('dd', { id: 'report-as-of', text: tx('rp_asOfDate', { date: asOf }) }),
    el('dt', { text: tx('rp_knownAtLabel') }),
    el('dd', { id: 'report-known-at', text: tx(e ? 'rp_knownAtEdition' : 'rp_knownAtLive', { at: dateTime(history.knownAt) }) }),
    el('dt', { text: tx('rp_editionLabel') }),
    el('dd', { id: 'report-edition', 'data-edition': e ? String(e.edition) : 'live' },
      e ? tx('rp_editionText', { n: e.edition, at: dateTime(e.publishedAt) }) : tx('rp_editionLive'),
      e?.note ? el('span', { class: 'edition-note', text: tx('rp_editionNote', { note: e.note }) }) : null),
  ];
}

/** Links to every edition of the report and to the live figures; the one shown is the current page. */
function editionsNav(history, year) {
  const link = (edition, text) => {
    const q = new URLSearchParams(params);
    q.set('year', String(year));
    q.set('edition', edition);
    q.delete('since');
    const current = history.edition ? String(history.edition.edition) === edition : edition === 'live';
    return el('li', {}, el('a', { href: `?${q}`, 'data-edition': edition, 'aria-current': current ? 'page' : null, text }));
  };
  const items = history.editions.map((e) => link(String(e.edition), tx('rp_editionChoice', { n: e.edition, date: longDate(new Date(e.publishedAt)) })));
  items.push(link('live', tx('rp_liveChoice', { date: longDate(utcDate(year, 12, 31)) })));
  return el('nav', { class: 'report-editions', id: 'report-editions', 'aria-labelledby': 'editions-heading' },
    el('h2', { id: 'editions-heading', text: tx('rp_editions') }),
    history.editions.length ? null : el('p', { id: 'no-editions', text: tx('rp_noEditions') }),
    el('ul', {}, ...items));
}

/** A changed figure's place in words: the district (or target, or month) and the figure's path. */
function changePlace(path, info, children, targets) {
  const child = /^coverage\.children\[(\d+)\]\.(.*)$/.exec(path);
  if (child) return [children.find((c) => c.code === child[1])?.name ?? child[1], child[2]];
  const parent = /^coverage\.parent\.(.*)$/.exec(path);
  if (parent) return [info.district.name, parent[1]];
  const target = /^targets\.items\[(\d+)\]\.(.*)$/.exec(path);
  if (target) return [targets.find((t) => String(t.id) === target[1])?.title ?? tx('rp_target'), target[2]];
  const trend = /^trends\.series\.(\w+)\[([\d-]+)\]$/.exec(path);
  if (trend) return [tx('rp_trends'), `${trend[1]} ${trend[2]}`];
  return ['', path];
}

function changeValue(v) {
  if (v == null) return tx('none');
  if (typeof v === 'number') return num(v, 4);
  return String(v);
}

/** What changed in the figures from an earlier edition to the one shown. */
function changesSection(history, info, children, targets) {
  const { changes, since, edition } = history.changes;
  const content = changes.length === 0
    ? el('p', { text: tx('rp_noChanges', { m: since, n: edition }) })
    : el('div', { class: 'table-wrap' }, el('table', { class: 'changes', id: 'changes-table' },
      el('caption', { text: tx('rp_changesCaption', { m: since, n: edition, count: changes.length }) }),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col', text: tx('rp_changeWhere') }), el('th', { scope: 'col', text: tx('rp_changeFigure') }),
        el('th', { scope: 'col', text: tx('rp_changeFrom', { m: since }) }), el('th', { scope: 'col', text: tx('rp_changeTo', { n: edition }) }))),
      el('tbody', {}, ...changes.map((c) => {
        const [where, figure] = changePlace(c.path, info, children, targets);
        return el('tr', { 'data-path': c.path },
          el('th', { scope: 'row', text: where }), el('td', {}, el('code', { text: figure })),
          el('td', { class: 'num', text: changeValue(c.from) }), el('td', { class: 'num', text: changeValue(c.to) }));
      }))));
  return section('changes', tx('rp_changes', { m: since }), content);
}

/**
 * The figures of an ended year: an edition (the latest by default, or edition=N) or the live figures as of 31 December
 * (edition=live, or when none is published), with the list of editions and, for an edition after the first, what changed
 * since the one before (or since=M).
 */
async function pastYear(code, year) {
  const base = `/api/v1/annual-reports/${encodeURIComponent(code)}/${year}`;
  const editions = (await getJson(`${base}/editions`)).items || [];
  const wanted = params.get('edition');
  const latest = editions.length ? editions[editions.length - 1].edition : null;
  const n = wanted === 'live' ? null : wanted && /^\d+$/.test(wanted) ? Number(wanted) : latest;
  if (n == null) {
    const figures = await getJson(base);
    return { figures, history: { editions, edition: null, knownAt: figures.knownAt, changes: null } };
  }
  const edition = await getJson(`${base}/editions/${n}`);
  const since = params.get('since') && /^\d+$/.test(params.get('since')) ? Number(params.get('since')) : n - 1;
  const changes = since >= 1 && since !== n ? await getJson(`${base}/editions/${n}/changes?since=${since}`) : null;
  return { figures: edition.figures, history: { editions, edition, knownAt: edition.knownAt, changes } };
}


function fail(text) {
  const main = $('report');
  main.replaceChildren(el('h1', { text: tx('rp_kicker') }), el('p', { id: 'report-status', role: 'alert', text }));
  main.removeAttribute('aria-busy');
  document.body.dataset.ready = 'error';
}

function toolbar(code) {
  $('skip-link').textContent = tx('rp_skip');
  $('report-toolbar').setAttribute('aria-label', tx('rp_toolbar'));
  const back = $('back-link');
  back.textContent = tx('rp_back');
  const mapParams = new URLSearchParams();
  if (code) mapParams.set('district', code);
  if (getLang() === 'en') mapParams.set('lang', 'en');
  back.href = `/${mapParams.size ? `?${mapParams}` : ''}`;
  const other = getLang() === 'en' ? 'zh' : 'en';
  const langParams = new URLSearchParams(params);
  langParams.set('lang', other);
  const lang = $('lang-link');
  lang.href = `?${langParams}`;
  lang.textContent = other === 'en' ? 'English' : '中文';
  lang.lang = other === 'en' ? 'en' : 'zh-CN';
  const print = $('print-button');
  print.textContent = tx('rp_print');
  print.addEventListener('click', () => window.print());
}

/** The year's satisfaction surveys as the API publishes them (null when they cannot be read: the section says so). */
function yearSurveys(code, year) {
  return getJson(`/api/v1/surveys/results?district=${encodeURIComponent(code)}&from=${year}-01-01&to=${year}-12-31`).catch(() => null);
}

/** The evaluation of the plan period the report's year lies in (a link of the toolbar: not printed). */
function evaluationLink(code, targets, year) {
  const evaluation = evaluationHref(code, targets, year);
  $('evaluation-link').href = evaluation.href;
  $('evaluation-link').textContent = evaluation.text;
}

async function main() {
  setLang(params.get('lang') === 'en' ? 'en' : params.get('lang') === 'zh' ? 'zh' : detectLang());
  const raw = (params.get('district') || '').trim();
  const code = /^\d{2}$/.test(raw) ? `${raw}0000` : /^\d{4}$/.test(raw) ? `${raw}00` : raw;
  const today = shanghaiToday();
  const year = params.has('year') ? Number(params.get('year')) : today.year;
  toolbar(code);
  $('report-status').textContent = tx('rp_loading');
  if (!/^\d{6}(\d{3}){0,2}$/.test(code)) return fail(tx('rp_badDistrict'));
  if (!Number.isInteger(year) || year < 2000 || year > today.year) return fail(tx('rp_badYear'));
  try {
    if (year < today.year) {
      // An ended year: everything as of 31 December (live or as published), never today's figures.
      const [info, config, past] = await Promise.all([
        getJson(`/api/v1/districts/${encodeURIComponent(code)}`),
        getJson('/api/v1/config').catch(() => ({})),
        pastYear(code, year),
      ]);
      const { figures, history } = past;
      render({
        info,
        coverage: figures.coverage,
        targets: figures.targets.items || [],
        trends: figures.trends,
        year,
        today,
        demo: !!config.demoData,
        history,
        surveys: await yearSurveys(code, year),
      });
      evaluationLink(code, figures.targets.items || [], year);
      return;
    }
    // Months back to January of the report year (the endpoint serves at most 120).
    const months = today.month;
    const [info, coverage, targets, config] = await Promise.all([
      getJson(`/api/v1/districts/${encodeURIComponent(code)}`),
      getJson(`/api/v1/coverage?parent=${encodeURIComponent(code)}`),
      getJson(`/api/v1/plan-targets?district=${encodeURIComponent(code)}`),
      getJson('/api/v1/config').catch(() => ({})),
    ]);
    let trends = null;
    try {
      trends = await getJson(`/api/v1/coverage/${encodeURIComponent(code)}/trends?months=${months}`);
    } catch { /* shown as "not available" */ }
    render({ info, coverage, targets: targets.items || [], trends, year, today, demo: !!config.demoData, surveys: await yearSurveys(code, year) });
    evaluationLink(code, targets.items || [], year);
  } catch (err) {
    fail(tx('rp_failed', { detail: err.message }));
  }
}

main();
