// The public list of construction projects (新建、改建项目) with their barrier-free status:
// /projects.html?district=140881&stage=open(&offset=50)(&lang=en). The rows come from GET /api/v1/projects (public
// columns only: no person's name, no document); each has a link that opens the report page prefilled with the site's
// place, the category "施工现场无障碍问题" and the project's number. Works without script only as far as the form goes.
import { t, setLang, detectLang, getLang, applyStatic } from './i18n.js';
import { getJson, problemText } from './api.js';
import { el, $ } from './dom.js';

const PAGE = 50;
const OPEN_STAGES = 'planning,design-review,construction,acceptance';
const STAGES = ['planning', 'design-review', 'construction', 'acceptance', 'accepted'];

/** A number in the page's language. @param {number} n */
const num = (n) => new Intl.NumberFormat(getLang() === 'en' ? 'en' : 'zh-CN').format(n);

/** The label of a code from the catalogue (`projectType.road`), else the code itself. @param {string} prefix @param {string} code */
function label(prefix, code) {
  const key = `${prefix}.${code}`;
  const text = t(key);
  return text === key ? code : text;
}

/** The barrier-free status of one project as a short list. */
function statusCell(p) {
  const b = p.barrierFree;
  const items = [
    el('li', { text: t('projectsPlanned', { n: num(b.plannedFacilities) }) }),
    el('li', { text: t('projectsChecks', { n: num(b.checks), facilities: num(b.facilitiesChecked) }) }),
    el('li', { class: b.openFailures > 0 ? 'failures' : null, text: t('projectsOpenFailures', { n: num(b.openFailures) }) }),
    el('li', { text: t('projectsWaived', { n: num(b.waivedItems) }) }),
  ];
  return el('td', { 'data-field': 'barrier-free' }, el('ul', { class: 'status-list' }, ...items));
}

function compliantCell(p) {
  const c = p.barrierFree.compliant;
  if (c == null) return el('td', { 'data-field': 'compliant', text: t('projectsNotAccepted') });
  return el('td', { 'data-field': 'compliant', class: c ? 'compliant-yes' : 'compliant-no', text: c ? t('projectsCompliantYes') : t('projectsCompliantNo') });
}

/** The report page, prefilled with the site's place, the construction-site category and the project. */
function reportHref(p) {
  const params = new URLSearchParams({
    category: 'construction_site',
    project: String(p.id),
    site: p.name,
    lat: String(p.location[1]),
    lon: String(p.location[0]),
  });
  return `/report.html?${params}`;
}

function table(body, districtText) {
  const items = body.items;
  return el('table', { class: 'projects-table', id: 'projects-table' },
    el('caption', { text: t('projectsCaption', { district: districtText, n: num(body.numberMatched) }) }),
    el('thead', {}, el('tr', {},
      ...['projectsColName', 'projectsColType', 'projectsColPlace', 'projectsColStage', 'projectsColBarrierFree', 'projectsColCompliant', 'projectsColReport']
        .map((k) => el('th', { scope: 'col', text: t(k) })))),
    el('tbody', {}, ...items.map((p) => el('tr', { 'data-project-id': String(p.id) },
      el('th', { scope: 'row' }, p.name, el('span', { class: 'builder', text: t('projectsBuilder', { builder: p.builder }) })),
      el('td', { text: `${label('projectType', p.projectType)}${getLang() === 'en' ? ', ' : '，'}${t(`projectWorks.${p.works}`)}` }),
      el('td', { text: [p.districtName, p.townshipName].filter(Boolean).join(' ') }),
      el('td', { 'data-field': 'stage', text: label('projectStage', p.stage) }),
      statusCell(p),
      compliantCell(p),
      el('td', {}, el('a', { href: reportHref(p), class: 'report-link', text: t('projectsReport'), 'aria-label': t('projectsReportAbout', { name: p.name }) }))))));
}

function pageLinks(params, body, offset) {
  const nav = $('#projects-pages');
  const link = (to, key, rel) => {
    const next = new URLSearchParams(params);
    next.set('offset', String(to));
    return el('a', { href: `/projects.html?${next}`, rel, text: t(key) });
  };
  nav.replaceChildren(
    offset > 0 ? link(Math.max(0, offset - PAGE), 'projectsPrev', 'prev') : null,
    offset + body.numberReturned < body.numberMatched ? link(offset + PAGE, 'projectsNext', 'next') : null);
  nav.hidden = nav.childElementCount === 0;
}

async function main() {
  const params = new URLSearchParams(window.location.search);
  setLang(params.get('lang') === 'en' ? 'en' : params.get('lang') === 'zh' ? 'zh' : detectLang());
  applyStatic();
  const en = getLang() === 'en';
  const langLink = $('#lang-link');
  const other = new URLSearchParams(params);
  other.set('lang', en ? 'zh' : 'en');
  langLink.href = `?${other}`;
  langLink.textContent = en ? '中文' : 'English';
  langLink.lang = en ? 'zh-CN' : 'en';
  $('#form-lang').value = getLang();

  const district = (params.get('district') || '').trim();
  const stage = params.get('stage') || 'open';
  const offset = Math.max(0, Number.parseInt(params.get('offset') || '0', 10) || 0);
  $('#district').value = district;
  $('#stage').value = stage === 'all' || stage === 'open' || STAGES.includes(stage) ? stage : 'open';

  const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (district) query.set('district', district);
  if (stage === 'open') query.set('stage', OPEN_STAGES);
  else if (STAGES.includes(stage)) query.set('stage', stage);

  const status = $('#projects-status');
  status.textContent = t('projectsLoading');
  let body;
  try {
    body = await getJson(`/api/v1/projects?${query}`);
  } catch (err) {
    status.textContent = t('projectsFailed', { reason: problemText(err) });
    document.body.dataset.ready = 'true';
    return;
  }
  let districtText = district ? district : t('projectsAllDistricts');
  if (district && body.items.length > 0) {
    // the name of the district asked for, when a project of it says so
    const match = body.items.find((p) => p.districtCode === district || p.townshipCode === district);
    if (match) districtText = districtName(match, district);
  }
  $('#projects-list').replaceChildren(body.items.length === 0
    ? el('p', { id: 'projects-none', text: t('projectsNone') })
    : table(body, districtText));
  pageLinks(params, body, offset);
  status.textContent = t('projectsFound', { n: num(body.numberMatched) });
  document.body.dataset.ready = 'true';
}

/** @param {any} p @param {string} code */
function districtName(p, code) {
  return p.townshipCode === code ? p.townshipName : p.districtName;
}

main();
