// Accessibility Registry — the planner's renovations page (private: sign-in required).
// Shows a district's cases by status on a map, the priority list with each score term,
// and progress against the plan targets, with a plain warning when a binding one will be missed.
import { t, getLang, setLang, detectLang, applyStatic } from './i18n.js';
import { getJson } from './api.js';
import { $ } from './dom.js';
import { signIn, currentUser } from './signin.js';

const L = window.L;


// Okabe–Ito colours; the status is also in the marker's tooltip and the list, never colour alone.
const COLORS = {
  identified: '#CC79A7', assessed: '#F0E442', approved: '#56B4E9', contracted: '#0072B2', in_progress: '#E69F00',
  completed: '#009E73', accepted: '#006644', followed_up: '#004D33', rejected: '#D55E00', withdrawn: '#767676',
};

const state = { user: null, district: null, status: '', map: null, layer: null, statuses: [], last: {} };

/** GET a JSON body from the API (api.js: problem details as ApiError, in the page's language). */
function api(path) {
  return getJson(path);
}

function showError(err) {
  const box = $('#errors');
  const p = document.createElement('p');
  p.className = 'error';
  p.textContent = `${t('errorLoad')}: ${err.message}`;
  box.replaceChildren(p);
}

function say(text) { $('#status-message').textContent = text; }

function fmt(n) {
  return typeof n === 'number' ? n.toLocaleString(getLang() === 'en' ? 'en' : 'zh-CN') : String(n ?? '');
}

function value(target, v) {
  return target.kind === 'ratio' ? `${fmt(Math.round(v * 1000) / 10)}%` : fmt(v);
}

async function submitSignIn(event) {
  event.preventDefault();
  try {
    await signIn($('#signin-user').value, $('#signin-password').value);
    $('#signin-password').value = '';
    await start();
  } catch (err) {
    const box = $('#errors');
    const p = document.createElement('p');
    p.className = 'error';
    p.textContent = t('signinFailed', { detail: err.message });
    box.replaceChildren(p);
  }
}

async function start() {
  try {
    state.user = await currentUser();
    if (!state.user) throw Object.assign(new Error('signed out'), { status: 401 });
  } catch (err) {
    if (err.status === 401) {
      $('#signin').hidden = false;
      $('#workspace').hidden = true;
      $('#signin-user').focus();
      return;
    }
    showError(err);
    return;
  }
  $('#errors').replaceChildren();
  $('#signin').hidden = true;
  $('#workspace').hidden = false;
  $('#signed-in-as').textContent = t('renoSignedInAs', { name: state.user.userName, role: t(`role_${state.user.role}`) });
  const workflow = await api('/api/v1/renovations/workflow');
  state.statuses = workflow.statuses;
  const filter = $('#status-filter');
  filter.replaceChildren(new Option(t('allStatuses'), ''), ...state.statuses.map((s) => new Option(t(`status_${s}`), s)));
  const select = $('#district-select');
  select.replaceChildren(...state.user.districtScopes.map((c) => new Option(c, c)));
  try {
    const names = await Promise.all(state.user.districtScopes.map((c) => api(`/api/v1/districts/${c}`).catch(() => null)));
    names.forEach((d, i) => { if (d?.properties?.name || d?.name) select.options[i].text = `${d.properties?.name ?? d.name} (${select.options[i].value})`; });
  } catch { /* codes stay visible */ }
  state.district = select.value;
  initMap();
  await load();
}

function initMap() {
  if (state.map) return;
  state.map = L.map('map', { keyboard: true }).setView([34.87, 110.45], 10);
  state.layer = L.layerGroup().addTo(state.map);
}

async function load() {
  try {
    const d = encodeURIComponent(state.district);
    const statusQuery = state.status ? `&status=${encodeURIComponent(state.status)}` : '';
    $('#export-link').href = `/api/v1/renovations/cases.csv?district=${d}${statusQuery}`;
    const [map, priority, planning] = await Promise.all([
      api(`/api/v1/renovations/map?district=${d}${statusQuery}`),
      api(`/api/v1/renovations/priority?district=${d}`),
      api(`/api/v1/renovations/planning?district=${d}`),
    ]);
    state.last = { map, priority, planning };
    render();
    say(t('loaded', { count: map.features.length }));
  } catch (err) {
    showError(err);
  }
}

function render() {
  const { map, priority, planning } = state.last;
  if (!map) return;
  renderMap(map);
  renderCounts(planning);
  renderPriority(priority);
  renderTargets(planning);
}

function renderMap(fc) {
  state.layer.clearLayers();
  const bounds = [];
  for (const f of fc.features) {
    const [lon, lat] = f.geometry.coordinates;
    const p = f.properties;
    const label = `${p.personName} · ${t(`status_${p.status}`)}${p.source === 'demo' ? ` (${t('demoCase')})` : ''}`;
    L.circleMarker([lat, lon], { radius: 6, color: '#222', weight: 1, fillColor: COLORS[p.status] || '#999', fillOpacity: 0.9 })
      .bindTooltip(textElement(label)).addTo(state.layer);
    bounds.push([lat, lon]);
  }
  if (bounds.length) state.map.fitBounds(bounds, { padding: [20, 20] });
}

/** A span holding `text` as text: Leaflet puts string content of tooltips and popups in as HTML. */
function textElement(text) {
  const span = document.createElement('span');
  span.textContent = text;
  return span;
}

function renderCounts(planning) {
  const list = $('#status-counts');
  list.replaceChildren(...state.statuses.filter((s) => planning.byStatus[s]).map((s) => {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = COLORS[s];
    sw.setAttribute('aria-hidden', 'true');
    li.append(sw, `${t(`status_${s}`)}: ${fmt(planning.byStatus[s])}`);
    return li;
  }));
}

function renderPriority(priority) {
  $('#weights-note').textContent = t('weightsNote', {
    weights: Object.entries(priority.weights).map(([k, v]) => `${t(`term_${k}`)} ${fmt(v)}`).join('、'),
  });
  const list = $('#priority-list');
  if (!priority.items.length) {
    const li = document.createElement('li');
    li.textContent = t('priorityEmpty');
    list.replaceChildren(li);
    return;
  }
  list.replaceChildren(...priority.items.map((e) => {
    const li = document.createElement('li');
    li.className = 'priority-item';
    li.dataset.caseId = e.id;
    const head = document.createElement('p');
    head.className = 'score';
    head.textContent = t('scoreLine', { name: e.personName, id: e.idNumberMasked, score: fmt(e.score) });
    const table = document.createElement('table');
    const caption = document.createElement('caption');
    caption.className = 'visually-hidden';
    caption.textContent = head.textContent;
    const thead = table.createTHead().insertRow();
    for (const k of ['termName', 'termBasis', 'termFactor', 'termWeight', 'termPoints']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = t(k);
      thead.append(th);
    }
    const body = table.createTBody();
    for (const term of e.terms) {
      const row = body.insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = t(`term_${term.term}`);
      row.append(th);
      for (const v of [term.basis, fmt(term.factor), fmt(term.weight), fmt(term.points)]) row.insertCell().textContent = v;
    }
    table.prepend(caption);
    li.append(head, table);
    return li;
  }));
}

function renderTargets(planning) {
  const list = $('#target-list');
  const warnings = $('#target-warnings');
  warnings.replaceChildren();
  if (!planning.targets.length) {
    const li = document.createElement('li');
    li.textContent = t('noTargets');
    list.replaceChildren(li);
    return;
  }
  list.replaceChildren(...planning.targets.map((g) => {
    const li = document.createElement('li');
    li.className = `target${g.willMiss ? ' miss' : ''}`;
    li.dataset.indicator = g.indicator;
    const measured = g.kind === 'ratio' ? (g.forecastRatio ?? 0) : g.forecast;
    const text = t('targetLine', {
      title: g.title, accepted: fmt(g.accepted), pipeline: fmt(g.pipeline), forecast: value(g, measured),
      comparator: g.comparator, value: value(g, g.value), period: `${g.periodStart}–${g.periodEnd}`, kind: t(g.binding ? 'binding' : 'expected'),
    });
    const p = document.createElement('p');
    p.textContent = text;
    const bar = document.createElement('progress');
    bar.max = g.kind === 'ratio' ? 1 : g.value;
    bar.value = Math.min(bar.max, g.kind === 'ratio' ? (g.currentRatio ?? 0) : g.accepted);
    bar.setAttribute('aria-label', g.title);
    li.append(p, bar);
    if (g.willMiss && g.binding) {
      const w = document.createElement('p');
      w.className = 'warning';
      w.textContent = t('warningMiss', { title: g.title, forecast: value(g, measured), comparator: g.comparator, value: value(g, g.value) });
      warnings.append(w);
    }
    return li;
  }));
}

function applyLanguage(lang) {
  setLang(lang);
  applyStatic();
  const toggle = $('#lang-toggle');
  toggle.textContent = lang === 'en' ? '中文' : 'English';
  toggle.setAttribute('lang', lang === 'en' ? 'zh-CN' : 'en');
  toggle.setAttribute('aria-pressed', String(lang === 'en'));
  if (state.user) {
    $('#signed-in-as').textContent = t('renoSignedInAs', { name: state.user.userName, role: t(`role_${state.user.role}`) });
    for (const o of $('#status-filter').options) o.text = o.value ? t(`status_${o.value}`) : t('allStatuses');
  }
  render();
}

function main() {
  applyLanguage(detectLang());
  $('#lang-toggle').addEventListener('click', () => applyLanguage(getLang() === 'en' ? 'zh' : 'en'));
  $('#signin-form').addEventListener('submit', submitSignIn);
  $('#district-select').addEventListener('change', (e) => { state.district = e.target.value; load(); });
  $('#status-filter').addEventListener('change', (e) => { state.status = e.target.value; load(); });
  start().catch(showError);
}

main();
