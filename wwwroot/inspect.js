// Accessibility Registry — inspector page (督导检查).
// Sign in, find a facility (GPS, name, map), fill its checklist with live pass/fail,
// attach photos, submit. Submissions go through an IndexedDB outbox keyed by a
// client-generated id: sent at once when online, kept and retried (same id, so the
// server never counts one twice) when the connection is missing or drops mid-request.
import {
  t, pick, getLang, setLang, detectLang, applyStatic, statusLabels, kindLabels,
} from './i18n.js';
import { judgeAnswer, overall, ratioText, applicableRule } from './judge.js';
import * as outbox from './queue-store.js';
import { request, send, problemText as apiProblemText } from './api.js';
import { signIn, signOut, currentUser } from './signin.js';
import { el, $ } from './dom.js';
import { attributeFields, readAttributes } from './facility-form.js';

const L = window.L;

const USER_KEY = 'a11y-registry.user';
const CHECKLISTS_KEY = 'a11y-registry.checklists';
const KINDS_KEY = 'a11y-registry.kinds';
const STATUSES_KEY = 'a11y-registry.statuses';
const FACILITY_KEY = 'a11y-registry.facility';
const RETRY_MS = 30_000;

const state = {
  user: null,
  checklists: new Map(), // kind -> checklist
  kinds: new Map(),      // kind code -> {names, geometry, attributes}
  statuses: [],          // [{code, names}]
  regMap: null,
  regMarker: null,
  facility: null,        // GeoJSON feature being inspected
  checklist: null,
  answers: {},           // item code -> {value, unit, note, photos:[{localId,name,type,blob}]}
  generalPhotos: [],
  results: [],           // features listed under "find"
  resultDistances: new Map(),
  sending: null,
  queue: [],
  pickMap: null,
  pickLayer: null,
  lastOutcome: null,     // what the result section shows
  lastRegistration: null, // clientId of the registration the register section reports on
};

// ---------------------------------------------------------------------------
// Small helpers
function readJson(key) {
  try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
}
function writeJson(key, value) {
  try {
    if (value === null || value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch { /* storage full or unavailable: offline copies are a convenience */ }
}

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Plain HTTP on a LAN address is not a secure context: build a v4 UUID by hand.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function locale() {
  return getLang() === 'zh' ? 'zh-CN' : 'en';
}
function formatDate(iso, withTime = true) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale(), withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' }).format(d);
}
function formatNumber(n, digits = 3) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}
function formatDistance(m) {
  return m >= 1000 ? `${formatNumber(m / 1000, 1)} km` : `${Math.round(m)} m`;
}

/** @param {number[]} from [lon, lat] @param {number[]} to [lon, lat] */
function distanceMetres(from, to) {
  const [lon1, lat1] = from;
  const [lon2, lat2] = to;
  const r = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(a));
}

function kindName(code) {
  const k = state.kinds.get(code);
  return pick(k && k.names, '') || pick(kindLabels[code], '') || code || t('unknown');
}
function statusName(code) {
  const known = state.statuses.find((st) => st.code === code); // the catalog's own words, when loaded
  return pick(known && known.labels, '') || pick(statusLabels[code], '') || code || t('statusUnknown');
}
function facilityPoint(f) {
  const g = f && f.geometry;
  if (!g) return null;
  if (g.type === 'Point') return g.coordinates;
  if (g.type === 'LineString') return g.coordinates[Math.floor(g.coordinates.length / 2)];
  if (g.type === 'MultiLineString') return g.coordinates[0][0];
  return null;
}

// ---------------------------------------------------------------------------
// API access (api.js): `api` reads, `post` writes with the antiforgery token.
const api = (path, options = {}) => request(path, options);
const post = (path, options = {}) => send(path, options);

// ---------------------------------------------------------------------------
// Errors (role=alert), one entry per context
const errorEntries = new Map();
function problemText(err) {
  return apiProblemText(err);
}
function showError(context, err) {
  if (err && err.name === 'AbortError') return;
  clearError(context);
  const entry = el('div', { class: 'error' },
    el('p', {}, el('strong', { text: `${t(context)}: ` }), typeof err === 'string' ? err : problemText(err)),
    el('button', {
      type: 'button', class: 'icon-button', 'aria-label': t('errorDismiss'), title: t('errorDismiss'), text: '×',
      onclick: () => clearError(context),
    }));
  $('#errors').append(entry);
  errorEntries.set(context, entry);
}
function clearError(context) {
  const old = errorEntries.get(context);
  if (old) old.remove();
  errorEntries.delete(context);
}

// ---------------------------------------------------------------------------
// Sign in
function renderUser() {
  const signedIn = !!state.user;
  $('#signed-in').hidden = !signedIn;
  $('#login-form').hidden = signedIn;
  if (signedIn) {
    const u = state.user;
    $('#signed-in-as').textContent = t('signedInAs', {
      name: u.displayName || u.userName, role: u.role, districts: (u.districtScopes || []).join(', ') || '—',
    });
  }
}

async function loadMe() {
  try {
    state.user = await currentUser();
    writeJson(USER_KEY, state.user);
  } catch (err) {
    // Offline: remember who signed in last; the session cookie is still in the browser.
    state.user = err.network ? readJson(USER_KEY) : null;
    if (!err.network) writeJson(USER_KEY, null);
  }
  renderUser();
}

async function login(ev) {
  ev.preventDefault();
  const status = $('#login-status');
  const userName = $('#login-user').value.trim();
  const password = $('#login-password').value;
  if (!userName || !password) {
    status.textContent = t('loginMissing');
    (userName ? $('#login-password') : $('#login-user')).focus();
    return;
  }
  status.textContent = t('loginBusy');
  try {
    state.user = await signIn(userName, password);
    writeJson(USER_KEY, state.user);
    $('#login-password').value = '';
    status.textContent = '';
    clearError('errorLogin');
    renderUser();
    $('#find-heading').focus();
    processQueue();
  } catch (err) {
    status.textContent = '';
    showError('errorLogin', err.status === 401 ? t('loginFailed') : err);
    $('#login-password').focus();
  }
}

async function logout() {
  try {
    await signOut();
  } catch { /* signed out locally anyway */ }
  state.user = null;
  writeJson(USER_KEY, null);
  renderUser();
  $('#login-user').focus();
}

// ---------------------------------------------------------------------------
// Kinds and checklists (cached in localStorage for offline use)
async function loadKinds() {
  try {
    const { data } = await api('/api/v1/facility-kinds');
    writeJson(KINDS_KEY, data.kinds || []);
    writeJson(STATUSES_KEY, data.statuses || []);
  } catch { /* fall back to the cached copy */ }
  for (const k of readJson(KINDS_KEY) || []) state.kinds.set(k.code, k);
  state.statuses = readJson(STATUSES_KEY) || [];
  renderKindChoice();
}

async function loadChecklists() {
  let list;
  try {
    const { data } = await api('/api/v1/checklists');
    list = data.checklists || [];
    writeJson(CHECKLISTS_KEY, list);
    clearError('errorChecklists');
  } catch (err) {
    list = readJson(CHECKLISTS_KEY);
    if (!list) showError('errorChecklists', err);
  }
  state.checklists = new Map((list || []).map((c) => [c.kind, c]));
}

// ---------------------------------------------------------------------------
// Finding the facility
function scopeDistrict() {
  const scopes = state.user && state.user.districtScopes;
  return scopes && scopes.length ? scopes[0] : null;
}

function renderResults(statusText) {
  $('#find-status').textContent = statusText;
  const items = state.results.map((f) => {
    const p = f.properties || {};
    const d = state.resultDistances.get(String(f.id));
    const meta = [kindName(p.kind), statusName(p.status)];
    if (d !== undefined) meta.push(formatDistance(d));
    return el('li', {},
      el('button', {
        type: 'button', class: 'facility-item', 'data-facility-id': String(f.id),
        onclick: () => selectFacility(f),
      },
      el('span', { class: 'item-text' },
        el('span', { class: 'item-name', text: p.name || t('unnamed') }),
        el('span', { class: 'item-meta', text: meta.join(' · ') }))));
  });
  $('#find-results').replaceChildren(...items);
}

async function findNearest() {
  if (!navigator.geolocation) {
    $('#find-status').textContent = t('gpsUnavailable');
    return;
  }
  $('#find-status').textContent = t('gpsLocating');
  navigator.geolocation.getCurrentPosition(async (pos) => {
    const here = [pos.coords.longitude, pos.coords.latitude];
    try {
      let features = [];
      for (const delta of [0.01, 0.05, 0.2]) {
        const bbox = [here[0] - delta, here[1] - delta, here[0] + delta, here[1] + delta].map((v) => v.toFixed(6)).join(',');
        const { data } = await api(`/api/v1/facilities?bbox=${bbox}&limit=1000`);
        features = data.features || [];
        if (features.length >= 5) break;
      }
      state.resultDistances = new Map();
      for (const f of features) {
        const p = facilityPoint(f);
        if (p) state.resultDistances.set(String(f.id), distanceMetres(here, p));
      }
      features.sort((a, b) => (state.resultDistances.get(String(a.id)) ?? Infinity) - (state.resultDistances.get(String(b.id)) ?? Infinity));
      state.results = features.slice(0, 20);
      renderResults(state.results.length
        ? t('nearestFound', { n: state.results.length, accuracy: Math.round(pos.coords.accuracy) })
        : t('noResults'));
      clearError('errorFind');
    } catch (err) {
      $('#find-status').textContent = '';
      showError('errorFind', err);
    }
  }, (err) => {
    $('#find-status').textContent = t('gpsFailed', { detail: err.message });
  }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
}

async function searchByName(ev) {
  ev.preventDefault();
  const q = $('#search-q').value.trim();
  if (!q) {
    $('#find-status').textContent = t('searchEmpty');
    $('#search-q').focus();
    return;
  }
  $('#find-status').textContent = t('searching');
  const params = new URLSearchParams({ q, limit: '200' });
  const district = scopeDistrict();
  if (district) params.set('district', district);
  try {
    const { data } = await api(`/api/v1/facilities?${params}`);
    // The server filters by q; filtering again here keeps the list right against a server without q.
    const needle = q.toLowerCase();
    state.results = (data.features || []).filter((f) => String((f.properties || {}).name || '').toLowerCase().includes(needle)).slice(0, 50);
    state.resultDistances = new Map();
    renderResults(state.results.length ? t('searchFound', { n: state.results.length }) : t('noResults'));
    clearError('errorFind');
  } catch (err) {
    $('#find-status').textContent = '';
    showError('errorFind', err);
  }
}

async function initPickMap() {
  if (state.pickMap || !L) return;
  const map = L.map('pick-map', { center: [34.87, 110.45], zoom: 13, keyboard: true });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com" lang="en">Leaflet</a>');
  try {
    const { data: cfg } = await api('/api/v1/config');
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution || '', subdomains: cfg.tileSubdomains || 'abc', maxZoom: 19 }).addTo(map);
    }
    const district = scopeDistrict() || cfg.defaultDistrict;
    if (district) {
      const { data: body } = await api(`/api/v1/districts/${encodeURIComponent(district)}`);
      const d = body.district || body; // {district, ancestors, children}
      if (Array.isArray(d.bbox) && d.bbox.length === 4) {
        const [w, s, e, n] = d.bbox;
        // open on the district's centre, close enough to tap single facilities
        map.setView([(s + n) / 2, (w + e) / 2], 15);
      }
    }
  } catch (err) {
    showError('errorFind', err);
  }
  state.pickLayer = L.layerGroup().addTo(map);
  state.pickMap = map;
  map.on('moveend', loadPickFacilities);
  loadPickFacilities();
}

async function loadPickFacilities() {
  const map = state.pickMap;
  if (!map) return;
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(',');
  try {
    const { data } = await api(`/api/v1/facilities?bbox=${bbox}&limit=300`);
    state.pickLayer.clearLayers();
    for (const f of data.features || []) {
      const p = facilityPoint(f);
      if (!p) continue;
      const props = f.properties || {};
      const label = `${props.name || t('unnamed')}, ${kindName(props.kind)}`;
      const m = L.marker([p[1], p[0]], {
        icon: L.divIcon({ className: 'pick-marker', html: '<span aria-hidden="true"></span>', iconSize: [24, 24], iconAnchor: [12, 12] }),
        keyboard: true,
        title: label,
      });
      m.on('add', () => {
        const e = m.getElement();
        if (!e) return;
        e.setAttribute('role', 'button');
        e.setAttribute('aria-label', label);
        e.addEventListener('keydown', (ev) => {
          if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); selectFacility(f); }
        });
      });
      m.on('click', () => selectFacility(f));
      m.addTo(state.pickLayer);
    }
  } catch (err) {
    showError('errorFind', err);
  }
}

async function selectFacility(featureOrId, { focus = true } = {}) {
  const id = typeof featureOrId === 'object' ? featureOrId.id : featureOrId;
  let feature = typeof featureOrId === 'object' ? featureOrId : null;
  try {
    const { data } = await api(`/api/v1/facilities/${encodeURIComponent(id)}`);
    feature = data;
  } catch (err) {
    if (!feature) {
      const cached = readJson(FACILITY_KEY);
      if (cached && String(cached.id) === String(id)) feature = cached;
    }
    if (!feature) {
      showError('errorFacility', err);
      return;
    }
  }
  clearError('errorFacility');
  writeJson(FACILITY_KEY, feature);
  const url = new URL(window.location.href);
  url.searchParams.set('facility', String(feature.id));
  history.replaceState(null, '', url);
  state.facility = feature;
  state.checklist = state.checklists.get((feature.properties || {}).kind) || null;
  state.answers = {};
  state.generalPhotos = [];
  $('#general-note').value = '';
  $('#general-photos').value = '';
  $('#inspected-at').value = localDateTimeValue(new Date());
  renderChecklist();
  renderEditForm();
  $('#check').hidden = false;
  $('#result').hidden = true;
  if (focus) $('#check-heading').focus();
}

// ---------------------------------------------------------------------------
// The checklist
function localDateTimeValue(d) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** "2026-11-23T10:00" (local) -> "2026-11-23T10:00:00+08:00" */
function isoWithOffset(localValue) {
  const d = localValue ? new Date(localValue) : new Date();
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const p = (n) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${localDateTimeValue(d)}:${p(d.getSeconds())}${sign}${p(off / 60)}:${p(off % 60)}`;
}

const UNIT_KEYS = {
  ratio: 'unitRatio', percent: 'unitPercent', degrees: 'unitDegrees', mm: 'unitMm', cm: 'unitCm', m: 'unitM', N: 'unitN', count: 'unitCount',
};
const CONFIDENCE_KEYS = {
  verified: 'confidenceVerified', notes: 'confidenceNotes', secondary: 'confidenceSecondary', unconfirmed: 'confidenceUnconfirmed',
};
const SEVERITY_KEYS = { critical: 'severityCritical', major: 'severityMajor', minor: 'severityMinor' };

function answerOf(code) {
  if (!state.answers[code]) state.answers[code] = { value: null, unit: null, note: '', photos: [] };
  return state.answers[code];
}

function itemAttributes() {
  return (state.facility && state.facility.properties && state.facility.properties.attributes) || {};
}

/** Threshold and clause of the rule that applies to this facility, as one line. */
function ruleLine(item) {
  const rule = applicableRule(item, itemAttributes());
  const parts = [];
  if (item.confidence === 'unconfirmed' || !rule) {
    parts.push(t('ruleNotJudged'));
  } else {
    parts.push(t('ruleThreshold', { text: pick(rule.text, '') || '—' }));
  }
  if (item.clause) parts.push(item.clause);
  if (item.confidence) parts.push(t(CONFIDENCE_KEYS[item.confidence] || 'unknown'));
  if (item.severity && !(item.confidence === 'unconfirmed' || !rule)) parts.push(t('ruleSeverity', { severity: t(SEVERITY_KEYS[item.severity] || 'unknown') }));
  return parts.join(' · ');
}

function renderFacilitySummary() {
  const f = state.facility;
  const p = f.properties || {};
  const box = $('#facility-summary');
  box.replaceChildren(
    el('p', { class: 'facility-name', id: 'facility-name' }, el('strong', { text: p.name || t('unnamed') }),
      p.source === 'demo' ? el('span', { class: 'demo-tag', text: t('demoTag') }) : null),
    el('p', { class: 'item-meta', text: [kindName(p.kind), statusName(p.status), p.managingUnit].filter(Boolean).join(' · ') }),
  );
  if (p.lastInspectedAt) {
    box.append(el('p', { class: 'item-meta', text: t('lastInspected', { date: formatDate(p.lastInspectedAt, false), result: resultName(p.lastInspectionResult) }) }));
  }
}

function renderChecklist() {
  renderFacilitySummary();
  const container = $('#items');
  $('#error-summary').hidden = true;
  const list = state.checklist;
  if (!list) {
    container.replaceChildren(el('p', { class: 'notice', text: t('noChecklist', { kind: kindName((state.facility.properties || {}).kind) }) }));
    $('#submit-inspection').disabled = true;
    $('#overall').textContent = '';
    return;
  }
  $('#submit-inspection').disabled = false;
  container.replaceChildren(...list.items.map(renderItem));
  for (const item of list.items) updateVerdict(item, { announce: false });
  updateOverall();
}

function renderItem(item) {
  const code = item.code;
  const a = answerOf(code);
  const ids = { rule: `rule-${code}`, verdict: `verdict-${code}`, err: `err-${code}` };
  const legend = el('legend', {}, pick(item.labels, code),
    item.required ? el('span', { class: 'required', text: ` ${t('requiredMark')}` }) : null);
  const fs = el('fieldset', { class: 'item', id: `item-${code}`, 'data-item': code, 'data-type': item.type }, legend);
  const describedBy = `${ids.rule} ${ids.verdict} ${ids.err}`;

  if (item.type === 'measurement') {
    const units = Array.isArray(item.acceptedUnits) && item.acceptedUnits.length ? item.acceptedUnits : [item.unit];
    if (!a.unit || !units.includes(a.unit)) a.unit = units[0];
    const input = el('input', {
      id: `v-${code}`, name: `v-${code}`, type: 'text', inputmode: item.quantity === 'slope' ? 'text' : 'decimal',
      autocomplete: 'off', 'aria-describedby': describedBy, required: item.required ? true : null,
    });
    input.value = a.value ?? '';
    input.addEventListener('input', () => { a.value = input.value; updateVerdict(item); updateOverall(); });
    const select = el('select', { id: `u-${code}`, name: `u-${code}` },
      ...units.map((u) => {
        const o = el('option', { value: u, text: UNIT_KEYS[u] ? t(UNIT_KEYS[u]) : u });
        if (u === a.unit) o.selected = true;
        return o;
      }));
    select.addEventListener('change', () => { a.unit = select.value; updateVerdict(item); updateOverall(); });
    fs.append(el('div', { class: 'measure-row' },
      el('div', { class: 'field' }, el('label', { for: input.id, text: t('measuredValue') }), input),
      el('div', { class: 'field' }, el('label', { for: select.id, text: t('unitLabel') }), select)));
  } else if (item.type === 'observation') {
    const group = el('div', { class: 'choice-row', role: 'radiogroup', 'aria-labelledby': `lg-${code}`, 'aria-describedby': describedBy });
    legend.id = `lg-${code}`;
    for (const [val, key] of [[true, 'yes'], [false, 'no']]) {
      const id = `o-${code}-${key}`;
      const radio = el('input', { type: 'radio', id, name: `o-${code}`, value: String(val) });
      if (a.value === val) radio.checked = true;
      radio.addEventListener('change', () => { a.value = val; updateVerdict(item); updateOverall(); });
      group.append(el('label', { class: 'choice', for: id }, radio, el('span', { text: t(key) })));
    }
    fs.append(group);
  }
  fs.append(el('p', { class: 'rule', id: ids.rule, text: ruleLine(item) }));
  fs.append(el('p', { class: 'field-error', id: ids.err, hidden: true }));
  // role=status: polite, announced when the verdict changes (not on every keystroke)
  fs.append(el('output', { class: 'verdict', id: ids.verdict, 'aria-live': 'polite', for: item.type === 'measurement' ? `v-${code}` : null }));

  // photos: the main input for photo items, optional evidence for the others
  const photoId = `p-${code}`;
  const photoInput = el('input', { type: 'file', id: photoId, accept: 'image/jpeg,image/png,image/webp', capture: 'environment', multiple: true });
  const photoList = el('ul', { class: 'photo-list', id: `pl-${code}` });
  photoInput.addEventListener('change', () => {
    for (const file of photoInput.files) a.photos.push({ localId: uuid(), name: file.name, type: file.type, blob: file });
    photoInput.value = '';
    renderPhotoList(photoList, a.photos, () => { updateVerdict(item); updateOverall(); });
    updateVerdict(item);
    updateOverall();
  });
  const noteId = `n-${code}`;
  const note = el('textarea', { id: noteId, rows: '2' });
  note.value = a.note || '';
  note.addEventListener('input', () => { a.note = note.value; });
  if (item.type === 'photo') {
    fs.append(el('div', { class: 'field' }, el('label', { for: photoId, text: t('takePhoto') }), photoInput, photoList));
    fs.append(el('div', { class: 'field' }, el('label', { for: noteId, text: t('itemNote') }), note));
  } else {
    const more = el('details', { class: 'item-more' }, el('summary', { text: t('itemMore') }),
      el('div', { class: 'field' }, el('label', { for: noteId, text: t('itemNote') }), note),
      el('div', { class: 'field' }, el('label', { for: photoId, text: t('itemPhotos') }), photoInput, photoList));
    if (a.note || a.photos.length) more.open = true;
    fs.append(more);
  }
  renderPhotoList(photoList, a.photos, () => { updateVerdict(item); updateOverall(); });
  return fs;
}

function renderPhotoList(list, photos, onChange) {
  list.replaceChildren(...photos.map((ph, i) => el('li', {},
    el('span', { text: `${ph.name || t('photo')} (${Math.round((ph.blob ? ph.blob.size : 0) / 1024)} KB)` }),
    el('button', {
      type: 'button', class: 'button small', text: t('removePhoto'), 'aria-label': t('removePhotoNamed', { name: ph.name || t('photo') }),
      onclick: () => { photos.splice(i, 1); renderPhotoList(list, photos, onChange); if (onChange) onChange(); },
    }))));
}

const VERDICT_ICONS = { pass: '✓', fail: '✗', not_judged: '○' };

function verdictOf(item) {
  const a = answerOf(item.code);
  if (item.type === 'photo') return judgeAnswer(item, { photos: a.photos });
  return judgeAnswer(item, { value: a.value, unit: a.unit }, itemAttributes());
}

function updateVerdict(item, { announce = true } = {}) {
  const code = item.code;
  const j = verdictOf(item);
  const out = document.getElementById(`verdict-${code}`);
  const errBox = document.getElementById(`err-${code}`);
  const input = document.getElementById(`v-${code}`);
  if (!out) return j;
  let text = '';
  if (j.error) {
    errBox.hidden = false;
    errBox.textContent = t(`valueError_${j.error}`);
    if (input) input.setAttribute('aria-invalid', 'true');
  } else {
    errBox.hidden = true;
    errBox.textContent = '';
    if (input) input.removeAttribute('aria-invalid');
  }
  if (j.verdict) {
    const parts = [`${VERDICT_ICONS[j.verdict]} ${t(`verdict_${j.verdict}`)}`];
    if (item.type === 'measurement' && j.canonicalValue !== null) parts.push(t('measuredAs', { value: canonicalText(item, j.canonicalValue) }));
    if (j.verdict !== 'not_judged' && j.rule) parts.push(t('ruleThreshold', { text: pick(j.rule.text, '') }));
    else if (j.verdict === 'not_judged' && item.type !== 'photo') parts.push(t('notJudgedWhy'));
    if (item.clause) parts.push(item.clause);
    text = parts.join(' · ');
  }
  out.dataset.verdict = j.verdict || 'none';
  if (!announce) out.setAttribute('aria-live', 'off');
  if (out.textContent !== text) out.textContent = text;
  if (!announce) out.setAttribute('aria-live', 'polite');
  document.getElementById(`item-${code}`).dataset.verdict = j.verdict || 'none';
  return j;
}

function canonicalText(item, v) {
  if (item.quantity === 'slope') return `${ratioText(v)} (${formatNumber(v * 100, 1)} %)`;
  return `${formatNumber(v)} ${UNIT_KEYS[item.unit] ? t(UNIT_KEYS[item.unit]) : item.unit || ''}`.trim();
}

function resultName(r) {
  return r === 'pass' ? t('resultPass') : r === 'fail' ? t('resultFail') : (r || '—');
}

function updateOverall() {
  const list = state.checklist;
  if (!list) return;
  const verdicts = {};
  let answered = 0;
  for (const item of list.items) {
    const v = verdictOf(item).verdict;
    verdicts[item.code] = v;
    if (v) answered += 1;
  }
  const o = overall(list.items, verdicts);
  const failed = list.items.filter((i) => verdicts[i.code] === 'fail').length;
  const text = answered === 0
    ? t('overallNone')
    : t('overallPreview', { answered, total: list.items.length, failed, result: resultName(o.result), status: statusName(o.facilityStatus) });
  const box = $('#overall');
  box.dataset.result = answered ? o.result : 'none';
  if (box.textContent !== text) box.textContent = text;
}

// ---------------------------------------------------------------------------
// Submitting: validate, put into the outbox, then try to send
function validate() {
  const problems = [];
  const at = $('#inspected-at');
  if (!at.value) problems.push({ target: at, text: t('needInspectedAt') });
  for (const item of state.checklist.items) {
    const j = verdictOf(item);
    const label = pick(item.labels, item.code);
    const target = item.type === 'measurement' ? document.getElementById(`v-${item.code}`)
      : item.type === 'observation' ? document.getElementById(`o-${item.code}-yes`)
        : document.getElementById(`p-${item.code}`);
    if (j.error) problems.push({ target, text: `${label}: ${t(`valueError_${j.error}`)}` });
    else if (item.required && !j.verdict) problems.push({ target, text: `${label}: ${t('needAnswer')}` });
  }
  return problems;
}

function showErrorSummary(problems) {
  const box = $('#error-summary');
  if (!problems.length) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.replaceChildren(
    el('h3', { text: t('errorSummaryTitle', { n: problems.length }) }),
    el('ul', {}, ...problems.map((p) => el('li', {}, el('a', {
      href: `#${p.target.id}`, text: p.text,
      onclick: (ev) => { ev.preventDefault(); p.target.focus(); },
    })))),
  );
  box.hidden = false;
  box.focus();
}

function buildRecord() {
  const items = state.checklist.items;
  const answers = [];
  const photos = [];
  for (const item of items) {
    const a = answerOf(item.code);
    const j = verdictOf(item);
    const itemPhotos = a.photos.map((p) => ({ ...p, item: item.code, serverId: null }));
    if (!j.verdict && !itemPhotos.length && !a.note) continue;
    const answer = { item: item.code };
    if (item.type === 'measurement') {
      const raw = String(a.value).trim();
      answer.value = a.unit === 'ratio' && /[:/：]/.test(raw) ? raw.replace('：', ':').replace('/', ':') : Number(raw);
      answer.unit = a.unit;
    } else if (item.type === 'observation') {
      answer.value = a.value;
    } else {
      answer.value = null;
    }
    answer.note = a.note ? a.note : null;
    answer.photoIds = [];
    answers.push(answer);
    photos.push(...itemPhotos);
  }
  photos.push(...state.generalPhotos.map((p) => ({ ...p, item: null, serverId: null })));
  const verdicts = Object.fromEntries(items.map((i) => [i.code, verdictOf(i).verdict]));
  const p = state.facility.properties || {};
  return {
    clientId: uuid(),
    createdAt: Date.now(),
    facility: { id: state.facility.id, name: p.name || '', kind: p.kind },
    body: {
      facilityId: Number(state.facility.id),
      inspectedAt: isoWithOffset($('#inspected-at').value),
      answers,
      note: $('#general-note').value.trim() || null,
      photoIds: [],
    },
    photos,
    preview: overall(items, verdicts),
    state: 'waiting',
    attempts: 0,
    lastError: null,
  };
}

async function submitInspection(ev) {
  ev.preventDefault();
  if (!state.checklist) return;
  const problems = validate();
  showErrorSummary(problems);
  if (problems.length) return;
  const record = buildRecord();
  try {
    await outbox.put(record);
  } catch (err) {
    showError('errorStore', err);
    return;
  }
  // the form is done: forget it, keep the facility so a second check is quick
  state.answers = {};
  state.generalPhotos = [];
  state.lastOutcome = { clientId: record.clientId, kind: 'queued', record };
  $('#check').hidden = true;
  renderOutcome();
  $('#result').hidden = false;
  $('#result-heading').focus();
  await refreshQueue();
  processQueue();
}

function renderOutcome() {
  const body = $('#result-body');
  const o = state.lastOutcome;
  if (!o) { body.replaceChildren(); return; }
  const name = o.record.facility.name || t('unnamed');
  if (o.kind === 'queued') {
    body.replaceChildren(
      el('p', { class: 'outcome queued', 'data-outcome': 'queued', text: t('outcomeQueued', { name }) }),
      el('p', { text: t('outcomePreview', { result: resultName(o.record.preview.result), status: statusName(o.record.preview.facilityStatus) }) }),
    );
  } else if (o.kind === 'sent') {
    const r = o.response || {};
    /** @type {HTMLElement[]} */
    const nodes = [
      el('p', { class: 'outcome sent', 'data-outcome': 'sent', text: t('outcomeSent', { name }) }),
      el('p', { text: t('outcomeServer', { result: resultName(r.result), status: statusName(r.facilityStatus) }) }),
    ];
    const defects = Array.isArray(r.defects) ? r.defects : [];
    if (defects.length) {
      nodes.push(el('h3', { text: t('defectsCreated', { n: defects.length }) }));
      nodes.push(el('ul', {}, ...defects.map((d) => el('li', {
        text: t('defectLine', {
          item: itemLabel(o.record.facility.kind, d.item), severity: t(SEVERITY_KEYS[d.severity] || 'unknown'),
          status: d.status || '', due: formatDate(d.dueAt, false),
        }),
      }))));
    }
    body.replaceChildren(...nodes);
  } else if (o.kind === 'rejected') {
    body.replaceChildren(el('p', { class: 'outcome rejected', 'data-outcome': 'rejected', text: t('outcomeRejected', { name, detail: o.record.lastError || '' }) }));
  }
}

function itemLabel(kind, code) {
  const list = state.checklists.get(kind);
  const item = list && list.items.find((i) => i.code === code);
  return item ? pick(item.labels, code) : code;
}

// ---------------------------------------------------------------------------
// Registering a facility and editing one (queued in the outbox, like inspections)
function pointKinds() {
  return [...state.kinds.values()].filter((k) => (k.geometry || 'Point') === 'Point');
}

function renderKindChoice() {
  const select = $('#reg-kind');
  const chosen = select.value;
  select.replaceChildren(el('option', { value: '', text: t('registerChooseKind') }),
    ...pointKinds().map((k) => el('option', { value: k.code, text: kindName(k.code) })));
  select.value = state.kinds.has(chosen) ? chosen : '';
}

function renderRegisterFields() {
  const kind = state.kinds.get($('#reg-kind').value);
  $('#reg-details').hidden = !kind;
  $('#reg-attribute-fields').replaceChildren(...(kind ? attributeFields(kind, 'reg-attr') : []));
}

function showFormErrors(box, problems) {
  if (!problems.length) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.replaceChildren(
    el('h3', { text: t('errorSummaryTitle', { n: problems.length }) }),
    el('ul', {}, ...problems.map((p) => el('li', {}, el('a', {
      href: `#${p.target.id}`, text: p.text,
      onclick: (ev) => { ev.preventDefault(); p.target.focus(); },
    })))),
  );
  box.hidden = false;
  box.focus();
}

function readCoordinate(input, min, max, key) {
  const raw = input.value.trim().replace('，', '.');
  const n = Number(raw);
  if (raw === '' || !Number.isFinite(n) || n < min || n > max) return { problem: { target: input, text: t(key) } };
  return { value: n };
}

function setRegisterPosition(lat, lon) {
  $('#reg-lat').value = lat.toFixed(6);
  $('#reg-lon').value = lon.toFixed(6);
  if (state.regMap) {
    if (state.regMarker) state.regMarker.setLatLng([lat, lon]);
    else state.regMarker = L.marker([lat, lon], { keyboard: false, interactive: false }).addTo(state.regMap);
  }
}

function registerFromGps() {
  const status = $('#reg-gps-status');
  if (!navigator.geolocation) {
    status.textContent = t('gpsUnavailable');
    return;
  }
  status.textContent = t('gpsLocating');
  navigator.geolocation.getCurrentPosition((pos) => {
    setRegisterPosition(pos.coords.latitude, pos.coords.longitude);
    status.textContent = t('registerGpsFound', { accuracy: Math.round(pos.coords.accuracy) });
  }, (err) => {
    status.textContent = t('gpsFailed', { detail: err.message });
  }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
}

async function initRegisterMap() {
  if (state.regMap || !L) return;
  const map = L.map('reg-map', { center: [34.87, 110.45], zoom: 15, keyboard: true });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com" lang="en">Leaflet</a>');
  state.regMap = map;
  map.on('click', (e) => setRegisterPosition(e.latlng.lat, e.latlng.lng));
  const lat = Number($('#reg-lat').value);
  const lon = Number($('#reg-lon').value);
  if ($('#reg-lat').value && Number.isFinite(lat) && Number.isFinite(lon)) {
    setRegisterPosition(lat, lon);
    map.setView([lat, lon], 17);
  }
  try {
    const { data: cfg } = await api('/api/v1/config');
    if (cfg.tileUrl) {
      L.tileLayer(cfg.tileUrl, { attribution: cfg.tileAttribution || '', subdomains: cfg.tileSubdomains || 'abc', maxZoom: 19 }).addTo(map);
    }
  } catch { /* offline: the map has no tiles, typed or GPS coordinates still work */ }
}

async function submitRegistration(ev) {
  ev.preventDefault();
  const kind = state.kinds.get($('#reg-kind').value);
  const problems = [];
  if (!kind) {
    showFormErrors($('#register-errors'), [{ target: $('#reg-kind'), text: t('registerNeedKind') }]);
    return;
  }
  const name = $('#reg-name').value.trim();
  if (!name) problems.push({ target: $('#reg-name'), text: t('registerNeedName') });
  const attrs = readAttributes(kind, $('#reg-attribute-fields'), 'reg-attr');
  problems.push(...attrs.problems);
  const lat = readCoordinate($('#reg-lat'), -90, 90, 'registerNeedLat');
  const lon = readCoordinate($('#reg-lon'), -180, 180, 'registerNeedLon');
  if (lat.problem) problems.push(lat.problem);
  if (lon.problem) problems.push(lon.problem);
  showFormErrors($('#register-errors'), problems);
  if (problems.length) return;
  const clientId = uuid();
  const record = {
    clientId,
    type: 'facility-create',
    createdAt: Date.now(),
    facility: { id: null, name, kind: kind.code },
    // externalId = clientId: a create whose answer was lost and is sent again is refused as a duplicate (409),
    // never stored twice.
    body: {
      kind: kind.code, name, geometry: { type: 'Point', coordinates: [lon.value, lat.value] },
      attributes: attrs.values, source: 'inspector', externalId: clientId,
    },
    photos: [],
    state: 'waiting',
    attempts: 0,
    lastError: null,
  };
  try {
    await outbox.put(record);
  } catch (err) {
    showError('errorStore', err);
    return;
  }
  state.lastRegistration = record.clientId;
  $('#register-form').reset();
  renderRegisterFields();
  renderRegisterOutcome(record, 'queued');
  await refreshQueue();
  processQueue();
}

/** What became of the last registration or edit: queued, registered (with a way to inspect it), refused. */
function renderRegisterOutcome(record, outcome = record.state, response = null) {
  const isCreate = record.type === 'facility-create';
  const status = isCreate ? $('#register-status') : $('#edit-status-text');
  if (isCreate && record.clientId !== state.lastRegistration) return;
  const name = record.facility.name || t('unnamed');
  const key = {
    queued: isCreate ? 'registerQueued' : 'editQueued',
    sent: isCreate ? 'registerSent' : 'editSent',
    rejected: isCreate ? 'registerRejected' : 'editRejected',
    conflict: 'editConflict',
  }[outcome];
  if (!key) return;
  status.dataset.outcome = outcome;
  status.textContent = t(key, { name, detail: record.lastError || '' });
  if (isCreate) {
    const done = $('#register-done');
    done.replaceChildren();
    if (outcome === 'sent' && response && response.id !== undefined) {
      done.append(el('button', {
        type: 'button', class: 'button secondary', text: t('registerInspectNow', { name }),
        onclick: () => selectFacility(response),
      }));
    }
  }
}

function renderEditForm() {
  const f = state.facility;
  const p = (f && f.properties) || {};
  const kind = state.kinds.get(p.kind);
  const select = $('#edit-status');
  const statuses = state.statuses.length ? state.statuses : Object.keys(statusLabels).map((code) => ({ code }));
  select.replaceChildren(...statuses.map((st) => el('option', { value: st.code, text: statusName(st.code) })));
  select.value = p.status || 'operational';
  $('#edit-attribute-fields').replaceChildren(...(kind ? attributeFields(kind, 'edit-attr', p.attributes || {}) : []));
  $('#edit-errors').hidden = true;
  $('#edit-status-text').textContent = '';
}

async function submitEdit(ev) {
  ev.preventDefault();
  const f = state.facility;
  if (!f) return;
  const p = f.properties || {};
  const kind = state.kinds.get(p.kind) || { attributes: [] };
  const attrs = readAttributes(kind, $('#edit-attribute-fields'), 'edit-attr');
  showFormErrors($('#edit-errors'), attrs.problems);
  if (attrs.problems.length) return;
  const known = new Set((kind.attributes || []).map((a) => a.key));
  // Attributes the form does not show are kept as they are; the ones it shows are replaced (emptied ones dropped).
  const attributes = Object.fromEntries(Object.entries(p.attributes || {}).filter(([k]) => !known.has(k)));
  Object.assign(attributes, attrs.values);
  const record = {
    clientId: uuid(),
    type: 'facility-update',
    createdAt: Date.now(),
    facility: { id: f.id, name: p.name || '', kind: p.kind },
    body: {
      kind: p.kind, name: p.name, geometry: f.geometry, attributes, status: $('#edit-status').value,
      managingUnit: p.managingUnit ?? null, version: p.version,
    },
    photos: [],
    state: 'waiting',
    attempts: 0,
    lastError: null,
  };
  try {
    await outbox.put(record);
  } catch (err) {
    showError('errorStore', err);
    return;
  }
  renderRegisterOutcome(record, 'queued');
  await refreshQueue();
  processQueue();
}

/** Sends a registration (POST) or an edit (PUT with the version it was made on). */
async function sendFacility(record) {
  if (record.type === 'facility-update') {
    // An earlier edit of this device may have moved the version it was made on (see below).
    const stored = await outbox.get(record.clientId);
    if (stored) record.body.version = stored.body.version;
  }
  try {
    const { data } = record.type === 'facility-create'
      ? await post('/api/v1/facilities', { json: record.body })
      : await send(`/api/v1/facilities/${encodeURIComponent(record.facility.id)}`, { method: 'PUT', json: record.body });
    await outbox.remove(record.clientId);
    if (record.type === 'facility-update') {
      // Later edits of this device made on the same version build on this one, not on someone else's.
      const next = data && data.properties && data.properties.version;
      for (const later of await outbox.all()) {
        if (later.type === 'facility-update' && later.state === 'waiting' && String(later.facility.id) === String(record.facility.id)
          && later.body.version === record.body.version && next !== undefined) {
          later.body.version = next;
          await outbox.put(later);
        }
      }
    }
    renderRegisterOutcome(record, 'sent', data);
    if (record.type === 'facility-update' && state.facility && String(state.facility.id) === String(record.facility.id)) {
      state.facility = data;
      writeJson(FACILITY_KEY, data);
      renderFacilitySummary();
    }
    return 'sent';
  } catch (err) {
    // A registration sent again after its answer was lost: the first one was stored (same externalId).
    if (record.type === 'facility-create' && err.status === 409 && record.attempts > 1) {
      await outbox.remove(record.clientId);
      renderRegisterOutcome(record, 'sent');
      return 'sent';
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------
// The outbox: sent in order, one at a time, never twice at once (also across tabs)
async function refreshQueue() {
  try {
    state.queue = await outbox.all();
  } catch (err) {
    showError('errorStore', err);
    state.queue = [];
  }
  renderQueue();
}

/** Refused by the server (rejected) or overtaken by someone else's change (conflict): kept, shown, not retried. */
function isStuck(r) {
  return r.state === 'rejected' || r.state === 'conflict';
}

function queueItemText(r) {
  const name = r.facility.name || t('unnamed');
  if (r.type === 'facility-create') {
    return t(r.state === 'rejected' ? 'queueRegisterRejected' : 'queueRegisterWaiting', { name, kind: kindName(r.facility.kind) });
  }
  if (r.type === 'facility-update') {
    return t(r.state === 'conflict' ? 'queueEditConflict' : r.state === 'rejected' ? 'queueEditRejected' : 'queueEditWaiting', { name });
  }
  return t(r.state === 'rejected' ? 'queueItemRejected' : 'queueItemWaiting', {
    name, at: formatDate(r.body.inspectedAt), photos: r.photos.length,
  });
}

function renderQueue() {
  const waiting = state.queue.filter((r) => !isStuck(r));
  const rejected = state.queue.filter(isStuck);
  const online = navigator.onLine;
  const conn = $('#connection');
  conn.dataset.state = online ? 'online' : 'offline';
  conn.textContent = online ? t('connectionOnline') : t('connectionOffline');
  let text;
  if (state.sending && waiting.length) text = t('queueSending', { n: waiting.length });
  else if (waiting.length) text = t('queueWaiting', { n: waiting.length });
  else text = t('queueEmpty');
  if (rejected.length) text += ` ${t('queueRejected', { n: rejected.length })}`;
  const status = $('#queue-status');
  status.dataset.waiting = String(waiting.length);
  status.dataset.rejected = String(rejected.length);
  if (status.textContent !== text) status.textContent = text;
  $('#send-now').hidden = waiting.length === 0;
  $('#queue-list').replaceChildren(...state.queue.map((r) => {
    const li = el('li', { 'data-client-id': r.clientId, 'data-state': r.state, 'data-attempts': String(r.attempts), 'data-type': r.type || 'inspection' },
      el('span', { text: queueItemText(r) }));
    if (r.lastError) li.append(el('span', { class: 'queue-error', text: ` — ${r.lastError}` }));
    if (isStuck(r)) {
      li.append(el('button', {
        type: 'button', class: 'button small', text: t('discard'), 'aria-label': t('discardNamed', { name: r.facility.name || '' }),
        onclick: async () => { await outbox.remove(r.clientId); await refreshQueue(); $('#outbox-heading').focus(); },
      }));
    }
    return li;
  }));
}

function composeBody(record) {
  const serverIds = (item) => record.photos.filter((p) => p.item === item && p.serverId).map((p) => p.serverId);
  return {
    clientId: record.clientId,
    ...record.body,
    answers: record.body.answers.map((a) => ({ ...a, photoIds: serverIds(a.item) })),
    photoIds: serverIds(null),
  };
}

const TRANSIENT = new Set([0, 408, 425, 429, 500, 502, 503, 504]);

/** Sends one record. Returns 'sent', 'stop' (try again later, keep the order) or 'rejected'. */
async function sendOne(record) {
  record.attempts += 1;
  record.lastAttemptAt = Date.now();
  try {
    for (const photo of record.photos) {
      if (photo.serverId) continue;
      const form = new FormData();
      form.append('file', photo.blob, photo.name || 'photo.jpg');
      const { data } = await post('/api/v1/photos', { form });
      photo.serverId = data.id;
      photo.blob = null; // uploaded: free the space, the id is what the inspection needs
      await outbox.put(record);
    }
    if (record.type === 'facility-create' || record.type === 'facility-update') return await sendFacility(record);
    const { data } = await post('/api/v1/inspections', { json: composeBody(record) });
    await outbox.remove(record.clientId);
    if (state.lastOutcome && state.lastOutcome.clientId === record.clientId) {
      state.lastOutcome = { clientId: record.clientId, kind: 'sent', record, response: data };
      renderOutcome();
    }
    return 'sent';
  } catch (err) {
    record.lastError = err.network ? t('sendNetworkError') : problemText(err);
    if (err.network || TRANSIENT.has(err.status)) {
      await outbox.put(record);
      return 'stop';
    }
    if (err.status === 401) {
      // session over: keep it waiting and ask to sign in again
      state.user = null;
      writeJson(USER_KEY, null);
      renderUser();
      record.lastError = t('sendNeedsLogin');
      await outbox.put(record);
      return 'stop';
    }
    // 400/403/404/409/413/415/422: the server will refuse it every time; keep it visible, stop retrying
    record.state = record.type === 'facility-update' && err.status === 409 ? 'conflict' : 'rejected';
    if (record.type === 'facility-create' || record.type === 'facility-update') {
      await outbox.put(record);
      renderRegisterOutcome(record);
      return 'rejected';
    }
    await outbox.put(record);
    if (state.lastOutcome && state.lastOutcome.clientId === record.clientId) {
      state.lastOutcome = { clientId: record.clientId, kind: 'rejected', record };
      renderOutcome();
    }
    return 'rejected';
  }
}

async function drainQueue() {
  const records = (await outbox.all()).filter((r) => !isStuck(r));
  let sent = 0;
  for (const record of records) {
    const outcome = await sendOne(record);
    if (outcome === 'sent') sent += 1;
    await refreshQueue();
    if (outcome === 'stop') break;
  }
  return sent;
}

function processQueue() {
  if (state.sending) return state.sending;
  // Known to be offline: nothing to try; the 'online' event starts the next attempt.
  if (!navigator.onLine) {
    renderQueue();
    return Promise.resolve();
  }
  const run = async () => {
    renderQueue();
    try {
      if (navigator.locks) await navigator.locks.request('a11y-inspection-outbox', drainQueue);
      else await drainQueue();
    } catch (err) {
      showError('errorStore', err);
    }
  };
  state.sending = run().finally(async () => {
    state.sending = null;
    await refreshQueue();
  });
  return state.sending;
}

// ---------------------------------------------------------------------------
// Language
function applyLanguage(lang) {
  setLang(lang);
  applyStatic();
  $('#lang-toggle').setAttribute('aria-pressed', lang === 'en' ? 'true' : 'false');
  renderUser();
  renderQueue();
  if (state.results.length) renderResults($('#find-status').textContent);
  if (state.facility && !$('#check').hidden) { renderChecklist(); renderEditForm(); }
  renderKindChoice();
  if (!$('#reg-details').hidden) renderRegisterFields();
  renderOutcome();
  for (const [context, entry] of errorEntries) {
    const strong = entry.querySelector('strong');
    if (strong) strong.textContent = `${t(context)}: `;
  }
}

// ---------------------------------------------------------------------------
// Start
async function main() {
  applyLanguage(detectLang());
  $('#lang-toggle').addEventListener('click', () => applyLanguage(getLang() === 'en' ? 'zh' : 'en'));
  $('#login-form').addEventListener('submit', login);
  $('#logout').addEventListener('click', logout);
  $('#find-nearest').addEventListener('click', findNearest);
  $('#search-form').addEventListener('submit', searchByName);
  $('#pick-map-box').addEventListener('toggle', () => {
    if ($('#pick-map-box').open) initPickMap().then(() => state.pickMap && state.pickMap.invalidateSize());
  });
  $('#inspection-form').addEventListener('submit', submitInspection);
  $('#general-photos').addEventListener('change', () => {
    const input = $('#general-photos');
    for (const file of input.files) state.generalPhotos.push({ localId: uuid(), name: file.name, type: file.type, blob: file });
    input.value = '';
    renderPhotoList($('#general-photos-list'), state.generalPhotos);
  });
  $('#change-facility').addEventListener('click', () => {
    $('#check').hidden = true;
    $('#find-heading').focus();
  });
  $('#new-inspection').addEventListener('click', () => {
    $('#result').hidden = true;
    if (state.facility) selectFacility(state.facility);
    else $('#find-heading').focus();
  });
  $('#send-now').addEventListener('click', () => processQueue());
  $('#reg-kind').addEventListener('change', renderRegisterFields);
  $('#reg-gps').addEventListener('click', registerFromGps);
  $('#register-form').addEventListener('submit', submitRegistration);
  $('#reg-map-box').addEventListener('toggle', () => {
    if ($('#reg-map-box').open) initRegisterMap().then(() => state.regMap && state.regMap.invalidateSize());
  });
  $('#edit-form').addEventListener('submit', submitEdit);
  window.addEventListener('online', () => { renderQueue(); processQueue(); });
  window.addEventListener('offline', renderQueue);
  setInterval(() => {
    if (navigator.onLine && state.queue.some((r) => !isStuck(r))) processQueue();
  }, RETRY_MS);

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').catch((err) => console.warn('service worker', err)); // eslint-disable-line no-console
  }

  await refreshQueue();
  await Promise.all([loadMe(), loadKinds(), loadChecklists()]);
  const wanted = new URL(window.location.href).searchParams.get('facility');
  if (wanted) await selectFacility(wanted, { focus: false });
  document.body.dataset.ready = 'true';
  processQueue();
}

main();
