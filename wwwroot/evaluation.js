// The printable mid-term or final evaluation of a plan period for one district (中期评估 / 总结评估):
// /evaluation.html?district=140881&period=2021-2025&stage=midterm(&date=2023-06-30)(&lang=en). Every plan target of the
// district (binding first) with its baseline, value at the evaluation date, target, progress, status and the pace
// needed against the pace so far; the subdivisions compared; how each figure is computed; a place for the satisfaction
// survey's results. The figures come from GET /api/v1/evaluations/{code} (which says why a target is not measured or a
// figure withheld); nothing here computes or invents a figure. Prints to A4 (evaluation.css).
import { setLang, detectLang, getLang } from './i18n.js';
import { getJson } from './api.js';
import { surveyContent } from './survey-results.js';
import { tx, el, pct, num, longDate, defText, evaluationPeriod, targetValue } from './coverage.js';

const params = new URLSearchParams(window.location.search);
/** The element with this id (typed loosely: the page knows its ids). @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);

const noonInShanghai = (iso) => new Date(`${iso}T12:00:00+08:00`);
const dateText = (iso) => longDate(noonInShanghai(iso));
const sep = () => (getLang() === 'en' ? '; ' : '；');

function section(id, title, ...content) {
  return el('section', { class: 'report-section', 'aria-labelledby': `${id}-heading`, id },
    el('h2', { id: `${id}-heading`, text: title }), ...content);
}

/** A figure's value: a count, or a share as a percentage; a dash when there is none. */
function figureValue(v, share, { unit = null, withheld = false } = {}) {
  if (withheld) return tx('ev_withheld');
  if (v == null) return tx('ev_notApplicable');
  if (share) return pct(v, 1);
  return unit === '户' ? tx('ev_households', { n: num(v, 0) }) : num(v, 0);
}

/** A change per year: households (or things) a year, or percentage points a year. */
function perYear(v, share) {
  if (v == null) return tx('ev_notApplicable');
  return share ? tx('ev_perYearPoints', { n: num(v * 100, 2) }) : tx('ev_perYearCount', { n: num(v, 2) });
}

function statusCell(t) {
  const reason = t.reason ? (getLang() === 'en' ? t.reason.en : t.reason.zh) : null;
  return el('td', { class: `status status-${t.status}`, 'data-status': t.status },
    el('span', { class: 'status-label', text: tx(`ev_status_${t.status}`) }),
    reason ? el('span', { class: 'reason', text: reason }) : null);
}

function targetsTable(e) {
  const name = e.district.name;
  if (e.targets.length === 0) return el('p', { id: 'no-targets', text: tx('ev_noTargets') });
  return el('div', { class: 'table-wrap' }, el('table', { class: 'targets', id: 'target-table' },
    el('caption', { text: tx('ev_targetsCaption', { name }) }),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: tx('ev_col_target') }),
      el('th', { scope: 'col', text: tx('ev_col_goal') }),
      el('th', { scope: 'col', text: tx('ev_col_baseline', { date: dateText(e.baselineDate) }) }),
      el('th', { scope: 'col', text: tx('ev_col_value', { date: dateText(e.evaluationDate) }) }),
      el('th', { scope: 'col', text: tx('ev_col_progress') }),
      el('th', { scope: 'col', text: tx('ev_col_pace') }),
      el('th', { scope: 'col', text: tx('ev_col_needed') }),
      el('th', { scope: 'col', text: tx('ev_col_status') }))),
    el('tbody', {}, ...e.targets.map((t) => {
      const share = t.kind === 'ratio';
      const withheld = t.reason != null && t.reason.code.startsWith('withheld');
      return el('tr', { 'data-target-id': String(t.id), 'data-indicator': t.indicator, 'data-binding': String(t.binding) },
        el('th', { scope: 'row' },
          el('span', { class: 'target-title', text: t.title }),
          el('span', { class: 'target-kind', text: t.binding ? tx('ev_binding') : tx('ev_expected') }),
          el('span', { class: 'source', text: tx('ev_source', { source: [t.sourceDocument, t.sourceTable].filter(Boolean).join(sep()) }) })),
        el('td', { class: 'num goal', text: targetValue({ ...t, value: t.target }) }),
        el('td', { class: 'num baseline', text: figureValue(t.baseline, share, { unit: t.unit }) }),
        el('td', { class: 'num value', text: figureValue(t.value, share, { unit: t.unit, withheld }) }),
        el('td', { class: 'num progress', text: t.progress == null ? tx('ev_notApplicable') : pct(t.progress, 1) }),
        el('td', { class: 'num pace', text: perYear(t.pacePerYear, share) }),
        el('td', { class: 'num needed', text: perYear(t.neededPerYear, share) }),
        statusCell(t));
    }))));
}

function childRow(name, v, share, attrs) {
  return el('tr', attrs,
    el('th', { scope: 'row', text: name }),
    el('td', { class: 'num', text: figureValue(v.baseline, share, { withheld: v.withheld }) }),
    el('td', { class: 'num', text: figureValue(v.value, share, { withheld: v.withheld }) }),
    el('td', { class: 'num', text: v.withheld ? tx('ev_withheld') : v.change == null ? tx('ev_notApplicable') : share ? pct(v.change, 1) : num(v.change, 0) }),
    el('td', { class: 'num', text: v.withheld ? tx('ev_withheld') : perYear(v.pacePerYear, share) }));
}

function childrenTables(e) {
  const name = e.district.name;
  if (e.subdivisions.length === 0) return [el('p', { text: tx('ev_noChildren', { name }) })];
  if (e.figures.length === 0) return [el('p', { text: tx(e.targets.length ? 'ev_noFigures' : 'ev_noTargets') })];
  const anyWithheld = e.subdivisions.some((s) => Object.values(s.figures).some((f) => f.withheld));
  return [
    ...e.figures.map((f) => el('div', { class: 'table-wrap' }, el('table', { class: 'children', id: `children-${f.key}`, 'data-figure': f.key },
      el('caption', { text: tx('ev_childrenCaption', { figure: tx(`ev_figure_${f.key}`), name, n: e.subdivisions.length }) }),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col', text: tx('ev_col_district') }),
        el('th', { scope: 'col', text: tx('ev_col_baseline', { date: dateText(e.baselineDate) }) }),
        el('th', { scope: 'col', text: tx('ev_col_value', { date: dateText(e.evaluationDate) }) }),
        el('th', { scope: 'col', text: tx('ev_col_change') }),
        el('th', { scope: 'col', text: tx('ev_col_pace') }))),
      el('tbody', {}, ...e.subdivisions.map((s) => childRow(s.name, s.figures[f.key] || {}, f.share, { 'data-code': s.code }))),
      // The district's staff: households in none of the subdivisions (registered without their township).
      e.unassigned?.[f.key] ? el('tfoot', {}, childRow(tx('ev_unassigned'), e.unassigned[f.key], f.share, { class: 'unassigned' })) : null))),
    anyWithheld ? el('p', { class: 'report-note', text: tx('ev_childrenWithheld') }) : null,
  ].filter(Boolean);
}

function definitions(e) {
  const list = el('dl', { class: 'definitions', id: 'definitions' });
  for (const f of e.figures) list.append(el('dt', { text: tx(`ev_figure_${f.key}`) }), el('dd', { text: defText(f.definition) }));
  for (const key of ['baseline', 'value', 'progress', 'pacePerYear', 'neededPerYear', 'status']) {
    if (e.definitions?.[key]) list.append(el('dt', { text: tx(`ev_def_${key}`) }), el('dd', { text: defText(e.definitions[key]) }));
  }
  return list;
}

function render(e, demo) {
  const name = e.district.name;
  const period = `${e.period.firstYear}–${e.period.lastYear}`;
  const title = tx(e.stage === 'final' ? 'ev_titleFinal' : 'ev_titleMidterm', { name, period });
  document.title = title;
  const head = el('header', { class: 'report-head' },
    el('p', { class: 'report-kicker', text: tx('ev_kicker') }),
    el('h1', { id: 'report-title', text: title }),
    el('p', { class: 'report-scope', text: tx('ev_scope', { name, code: e.district.code }) }),
    el('dl', { class: 'report-meta' },
      el('dt', { text: tx('ev_stage') }), el('dd', { id: 'report-stage', text: tx(`ev_stage_${e.stage}`) }),
      el('dt', { text: tx('ev_period') }), el('dd', { id: 'report-period', text: tx('ev_periodRange', { from: dateText(e.period.start), to: dateText(e.period.end) }) }),
      el('dt', { text: tx('ev_baselineDate') }), el('dd', { id: 'report-baseline', text: dateText(e.baselineDate) }),
      el('dt', { text: tx('ev_evaluationDate') }), el('dd', { id: 'report-date' }, dateText(e.evaluationDate),
        el('span', { class: 'elapsed', text: tx('ev_elapsed', { elapsed: num(e.elapsedYears, 2), remaining: num(e.remainingYears, 2) }) })),
      el('dt', { text: tx('ev_generated') }), el('dd', { id: 'report-generated', text: longDate(new Date(e.knownAt)) })),
    el('p', { class: `report-view view-${e.view}`, id: 'report-view', text: tx(e.view === 'staff' ? 'ev_viewStaff' : 'ev_viewPublic') }),
    demo ? el('p', { class: 'report-demo', text: tx('ev_demo') }) : null,
    el('p', { class: 'report-note', text: tx('ev_asOf') }));

  const main = $('report');
  main.replaceChildren(
    head,
    section('targets', tx('ev_targets'), targetsTable(e)),
    section('children', tx('ev_children'), ...childrenTables(e)),
    // The social satisfaction surveys of the period up to the evaluation date (社会满意度调查).
    section('survey', tx('ev_survey'), ...surveyContent(e.satisfactionSurvey)),
    section('how', tx('ev_definitions'), definitions(e)),
    section('notes', tx('ev_notes'), el('p', { text: tx('ev_privacy') })));
  main.removeAttribute('aria-busy');
  document.body.dataset.ready = 'true';
}

function fail(text) {
  const main = $('report');
  main.replaceChildren(el('h1', { text: tx('ev_kicker') }), el('p', { id: 'report-status', role: 'alert', text }));
  main.removeAttribute('aria-busy');
  document.body.dataset.ready = 'error';
}

function toolbar(code, { period, stage, date }) {
  $('skip-link').textContent = tx('ev_skip');
  $('report-toolbar').setAttribute('aria-label', tx('ev_toolbar'));
  const en = getLang() === 'en';
  const back = $('back-link');
  back.textContent = tx('rp_back');
  const mapParams = new URLSearchParams();
  if (code) mapParams.set('district', code);
  if (en) mapParams.set('lang', 'en');
  back.href = `/${mapParams.size ? `?${mapParams}` : ''}`;
  const annual = $('annual-report-link');
  annual.textContent = tx('ev_annualReport');
  const annualParams = new URLSearchParams({ district: code });
  if (en) annualParams.set('lang', 'en');
  annual.href = `/annual-report.html?${annualParams}`;
  const other = en ? 'zh' : 'en';
  const langParams = new URLSearchParams(params);
  langParams.set('lang', other);
  const lang = $('lang-link');
  lang.href = `?${langParams}`;
  lang.textContent = other === 'en' ? 'English' : '中文';
  lang.lang = other === 'en' ? 'en' : 'zh-CN';
  const print = $('print-button');
  print.textContent = tx('ev_print');
  print.addEventListener('click', () => window.print());

  $('form-legend').textContent = tx('ev_chooseLegend');
  $('form-district').value = code;
  $('form-lang').value = getLang();
  $('form-period-label').textContent = tx('ev_periodLabel');
  $('form-period').value = period;
  $('form-stage-label').textContent = tx('ev_stageLabel');
  const stages = $('form-stage');
  for (const option of stages.options) option.textContent = tx(`ev_stage_${option.value}`);
  stages.value = stage;
  $('form-date-label').textContent = tx('ev_dateLabel');
  $('form-date').value = date || '';
  $('form-submit').textContent = tx('ev_show');
}

async function main() {
  setLang(params.get('lang') === 'en' ? 'en' : params.get('lang') === 'zh' ? 'zh' : detectLang());
  const raw = (params.get('district') || '').trim();
  const code = /^\d{2}$/.test(raw) ? `${raw}0000` : /^\d{4}$/.test(raw) ? `${raw}00` : raw;
  const given = { period: (params.get('period') || '').trim(), stage: (params.get('stage') || '').trim(), date: (params.get('date') || '').trim() };
  $('report-status').textContent = tx('ev_loading');
  if (!/^\d{6}(\d{3}){0,2}$/.test(code)) {
    toolbar(code, given);
    return fail(tx('ev_badDistrict'));
  }
  try {
    // Without a period, the one of the district's targets for this year (or the five-year plan period holding it).
    if (!given.period || !given.stage) {
      const targets = await getJson(`/api/v1/plan-targets?district=${encodeURIComponent(code)}`).catch(() => ({ items: [] }));
      const year = Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(new Date()));
      const chosen = evaluationPeriod(targets.items || [], year);
      given.period ||= `${chosen.first}-${chosen.last}`;
      given.stage ||= chosen.stage;
    }
    toolbar(code, given);
    const query = new URLSearchParams({ period: given.period, stage: given.stage });
    if (given.date) query.set('date', given.date);
    const [evaluation, config] = await Promise.all([
      getJson(`/api/v1/evaluations/${encodeURIComponent(code)}?${query}`),
      getJson('/api/v1/config').catch(() => ({})),
    ]);
    render(evaluation, !!config.demoData);
  } catch (err) {
    fail(tx('ev_failed', { detail: err.message }));
  }
}

main();
