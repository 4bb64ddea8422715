// Accessibility Registry — printable inspection worklist (检查任务单).
// GET /api/v1/inspections/worklist?district=&lon=&lat=&limit= gives the facilities due soon,
// overdue or never inspected in the inspector's scope, ordered by nearest neighbour from the
// start (GPS or the district's centre). The page draws them as a table (what is printed)
// and, on screen only, as a numbered route on a map.
import {
  t, pick, getLang, setLang, detectLang, applyStatic, kindLabels, inspectionStateLabels,
} from './i18n.js';
import { getJson } from './api.js';
import { $ } from './dom.js';

const L = window.L;

const state = { user: null, kinds: new Map(), districts: new Map(), data: null, startLabel: '', madeAt: null, map: null, layer: null };

/** GET a JSON body from the API (api.js: problem details as ApiError, in the page's language). */
function api(path) {
  return getJson(path);
}

function showError(context, err) {
  const box = $('#errors');
  box.replaceChildren();
  if (!err) return;
  const p = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = `${t(context)}: `;
  p.append(strong, err.message || String(err));
  const div = document.createElement('div');
  div.className = 'error';
  div.append(p);
  box.append(div);
}

const locale = () => (getLang() === 'zh' ? 'zh-CN' : 'en');
const fmtNum = (n, d = 1) => new Intl.NumberFormat(locale(), { maximumFractionDigits: d }).format(n);
const fmtDist = (m) => (m >= 1000 ? `${fmtNum(m / 1000, 2)} km` : `${Math.round(m)} m`);
function fmtDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(d);
}
function kindName(code) {
  const k = state.kinds.get(code);
  return pick(k && k.names, '') || pick(kindLabels[code], '') || code || '—';
}

async function loadUser() {
  try {
    state.user = await api('/api/v1/auth/me');
  } catch {
    state.user = null;
  }
  const select = $('#wl-district');
  const scopes = (state.user && state.user.districtScopes) || [];
  const codes = scopes.length ? scopes : ['140881'];
  select.replaceChildren(...codes.map((code) => {
    const o = document.createElement('option');
    o.value = code;
    o.textContent = code;
    return o;
  }));
  for (const code of codes) {
    try {
      const body = await api(`/api/v1/districts/${encodeURIComponent(code)}`);
      const d = body.district || body; // GET /api/v1/districts/{code} -> {district, ancestors, children}
      state.districts.set(code, d);
      const o = select.querySelector(`option[value="${code}"]`);
      if (o) o.textContent = `${d.name} (${code})`;
    } catch { /* the code alone will do */ }
  }
  if (!state.user) $('#wl-status').textContent = t('worklistNeedLogin');
}

function position() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error(t('gpsUnavailable'))); return; }
    navigator.geolocation.getCurrentPosition((p) => resolve([p.coords.longitude, p.coords.latitude]),
      (err) => reject(new Error(t('gpsFailed', { detail: err.message }))), { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
}

async function make(ev) {
  ev.preventDefault();
  const status = $('#wl-status');
  const district = $('#wl-district').value;
  const limit = Math.max(1, Math.min(200, Number($('#wl-limit').value) || 30));
  const params = new URLSearchParams({ district, limit: String(limit) });
  status.textContent = t('worklistBusy');
  showError(null);
  try {
    if ($('input[name="start"]:checked').value === 'gps') {
      const [lon, lat] = await position();
      params.set('lon', lon.toFixed(6));
      params.set('lat', lat.toFixed(6));
      state.startLabel = t('worklistStartGps');
    } else {
      let d = state.districts.get(district);
      if (!d) {
        const body = await api(`/api/v1/districts/${encodeURIComponent(district)}`);
        d = body.district || body;
      }
      if (Array.isArray(d.bbox) && d.bbox.length === 4) {
        params.set('lon', ((d.bbox[0] + d.bbox[2]) / 2).toFixed(6));
        params.set('lat', ((d.bbox[1] + d.bbox[3]) / 2).toFixed(6));
      }
      state.startLabel = `${t('worklistStartCentre')} ${d.name || district}`;
    }
    state.data = await api(`/api/v1/inspections/worklist?${params}`);
    state.madeAt = new Date();
    status.textContent = '';
    render();
    $('#wl-summary').focus();
  } catch (err) {
    status.textContent = '';
    showError('errorWorklist', err.status === 401 ? new Error(t('worklistNeedLogin')) : err);
  }
}

function render() {
  const data = state.data;
  if (!data) return;
  const stops = Array.isArray(data.stops) ? data.stops : [];
  const district = $('#wl-district').selectedOptions[0];
  $('#wl-result').hidden = false;
  const summary = $('#wl-summary');
  summary.tabIndex = -1;
  summary.textContent = stops.length
    ? t('worklistSummary', {
      n: stops.length, total: fmtDist(data.totalMetres || 0), start: state.startLabel,
      at: new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(state.madeAt),
    })
    : t('worklistEmpty');
  $('#wl-caption').textContent = t('worklistCaption', { district: district ? district.textContent : '' });
  $('#wl-table tbody').replaceChildren(...stops.map((s) => {
    const tr = document.createElement('tr');
    tr.dataset.facilityId = String(s.facilityId);
    const cells = [
      [String(s.order), 'num'], [s.name || '—', ''], [kindName(s.kind), ''],
      [pick(inspectionStateLabels[s.state], s.state || '—'), ''], [fmtDate(s.dueAt), ''], [fmtDist(s.legMetres || 0), 'num'], ['☐', ''],
    ];
    cells.forEach(([text, cls], i) => {
      const cell = document.createElement(i === 1 ? 'th' : 'td');
      if (i === 1) cell.scope = 'row';
      if (cls) cell.className = cls;
      if (i === 1) {
        const a = document.createElement('a');
        a.href = `/inspect.html?facility=${encodeURIComponent(s.facilityId)}`;
        a.textContent = text;
        cell.append(a);
      } else {
        cell.textContent = text;
      }
      if (i === 6) cell.setAttribute('aria-hidden', 'true');
      tr.append(cell);
    });
    return tr;
  }));
  drawMap(data.start, stops);
}

/** The number of a stop on the route map, as text. */
function routeStop(order) {
  const span = document.createElement('span');
  span.className = 'route-stop';
  span.textContent = String(order);
  return span;
}

function drawMap(start, stops) {
  if (!L) return;
  if (!state.map) {
    state.map = L.map('wl-map', { keyboard: true });
    api('/api/v1/config').then((cfg) => {
      if (cfg && cfg.tileUrl) L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution || '', subdomains: cfg.tileSubdomains || 'abc', maxZoom: 19 }).addTo(state.map);
    }).catch(() => {});
    state.layer = L.layerGroup().addTo(state.map);
  }
  state.layer.clearLayers();
  const pts = [];
  if (Array.isArray(start) && start.length === 2 && start.every(Number.isFinite)) pts.push([start[1], start[0]]);
  for (const s of stops) {
    if (!Array.isArray(s.location)) continue;
    const ll = [s.location[1], s.location[0]];
    pts.push(ll);
    L.marker(ll, {
      icon: L.divIcon({ className: '', html: routeStop(s.order), iconSize: [26, 26], iconAnchor: [13, 13] }),
      title: `${s.order}. ${s.name}`,
      keyboard: false,
    }).addTo(state.layer);
  }
  if (pts.length > 1) L.polyline(pts, { color: '#1f3a93', weight: 3, dashArray: '6 4' }).addTo(state.layer);
  if (pts.length) state.map.fitBounds(pts, { padding: [20, 20], maxZoom: 17 });
  else state.map.setView([34.87, 110.45], 12);
  setTimeout(() => state.map.invalidateSize(), 0);
}

function applyLanguage(lang) {
  setLang(lang);
  applyStatic();
  $('#lang-toggle').setAttribute('aria-pressed', lang === 'en' ? 'true' : 'false');
  render();
}

async function main() {
  applyLanguage(detectLang());
  $('#lang-toggle').addEventListener('click', () => applyLanguage(getLang() === 'en' ? 'zh' : 'en'));
  $('#worklist-form').addEventListener('submit', make);
  $('#wl-print').addEventListener('click', () => window.print());
  try {
    const body = await api('/api/v1/facility-kinds');
    for (const k of body.kinds || []) state.kinds.set(k.code, k);
  } catch { /* fallback labels */ }
  await loadUser();
  document.body.dataset.ready = 'true';
}

main();
