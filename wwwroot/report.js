// The public report page: file an Open311 request (/open311/v2/requests.json) and follow it
// (/api/v1/reports/{id}). Works without the map: a place can come from "use my location", a
// facility chosen from a list, or a typed address/landmark. All user text is set with
// textContent, never as HTML. Requests go through api.js; the public writes (Open311) carry no antiforgery token.
import { getJson, request } from './api.js';
import { both } from './i18n.js';
import { $ } from './dom.js';

const state = { lat: null, lon: null, services: [], map: null, marker: null, project: null };
const KEYS = 'a11y-registry.reporter-keys';

function showError(message) {
  const box = $('#errors');
  box.textContent = '';
  if (!message) return;
  const p = document.createElement('p');
  p.textContent = message;
  box.append(p);
}

/** What an Open311 error answer says ([{code, description}] or problem details). */
function open311Error(err) {
  const body = err && err.problem;
  if (Array.isArray(body) && body[0]?.description) return body[0].description;
  if (body?.detail) return body.detail;
  return err && err.network ? err.message : `HTTP ${err && err.status}`;
}

function setPlace(lat, lon, label) {
  state.lat = lat;
  state.lon = lon;
  $('#location-status').textContent = `${both('reportPlaceChosen')}: ${label} (${lat.toFixed(5)}, ${lon.toFixed(5)})`;
  if (state.map) {
    if (state.marker) state.marker.setLatLng([lat, lon]);
    else state.marker = window.L.marker([lat, lon], { keyboard: false }).addTo(state.map);
  }
  loadFacilities();
  loadNearbyReports();
}

// ---------------------------------------------------------------------------
// Categories and their attribute

async function loadServices() {
  state.services = await getJson('/open311/v2/services.json');
  const select = $('#service');
  for (const s of state.services) {
    const option = document.createElement('option');
    option.value = s.service_code;
    option.textContent = s.service_name;
    select.append(option);
  }
}

async function onServiceChange() {
  const code = $('#service').value;
  const wrap = $('#attribute-wrap');
  const select = $('#attribute');
  select.textContent = '';
  wrap.hidden = true;
  const service = state.services.find((s) => s.service_code === code);
  if (service?.metadata) {
    const definition = await getJson(`/open311/v2/services/${encodeURIComponent(code)}.json`);
    // Arrowing through the categories starts one request per category: only the current one's answer counts.
    if ($('#service').value !== code) return;
    select.textContent = '';
    const attribute = definition.attributes[0];
    select.dataset.code = attribute.code;
    for (const v of attribute.values) {
      const option = document.createElement('option');
      option.value = v.key;
      option.textContent = v.name;
      select.append(option);
    }
    wrap.hidden = false;
  }
  loadNearbyReports();
}

// ---------------------------------------------------------------------------
// Place: facilities list, search, location, map

function fillFacilities(features) {
  const select = $('#facility');
  const keep = select.value;
  select.textContent = '';
  const none = document.createElement('option');
  none.value = '';
  none.textContent = features.length ? `（${both('reportFacilitiesToChoose', { n: features.length })}）` : `（${both('reportNoFacilityFound')}）`;
  select.append(none);
  for (const f of features) {
    const [lon, lat] = f.geometry.type === 'Point' ? f.geometry.coordinates : f.geometry.coordinates[0];
    const option = document.createElement('option');
    option.value = String(f.id ?? f.properties.id);
    option.dataset.lat = lat;
    option.dataset.lon = lon;
    option.textContent = f.properties.name;
    select.append(option);
  }
  if (keep && [...select.options].some((o) => o.value === keep)) select.value = keep;
}

async function loadFacilities(query) {
  const params = new URLSearchParams({ limit: '50' });
  if (query) params.set('q', query);
  else if (state.lat !== null) {
    const d = 0.003; // about 300 m
    params.set('bbox', [state.lon - d, state.lat - d, state.lon + d, state.lat + d].join(','));
  } else return;
  let body;
  try { body = await getJson(`/api/v1/facilities?${params}`); } catch { return; }
  fillFacilities(body.features || []);
}

function onFacilityChosen() {
  const option = $('#facility').selectedOptions[0];
  if (!option?.value) return;
  state.lat = Number(option.dataset.lat);
  state.lon = Number(option.dataset.lon);
  $('#location-status').textContent = `${both('reportFacilityChosen')}: ${option.textContent}`;
  if (state.map) {
    if (state.marker) state.marker.setLatLng([state.lat, state.lon]);
    else state.marker = window.L.marker([state.lat, state.lon], { keyboard: false }).addTo(state.map);
  }
  loadNearbyReports();
}

function useMyLocation() {
  if (!navigator.geolocation) {
    showError(both('reportNoGeolocation'));
    return;
  }
  navigator.geolocation.getCurrentPosition(
    (p) => setPlace(p.coords.latitude, p.coords.longitude, both('reportMyLocation')),
    () => showError(both('reportNoPosition')),
    { enableHighAccuracy: true, timeout: 10000 });
}

async function initMap() {
  if (!window.L) return; // the page works without the map
  const config = await getJson('/api/v1/config').catch(() => ({}));
  const map = window.L.map('report-map', { keyboard: false }).setView([34.867, 110.447], 13);
  if (config.tileUrl) {
    window.L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || '', subdomains: config.tileSubdomains || 'abc', maxZoom: 19 }).addTo(map);
  }
  map.on('click', (e) => setPlace(e.latlng.lat, e.latlng.lng, both('reportPointOnMap')));
  state.map = map;
  // a place given in the address (prefilled by main) is shown on the map
  if (state.lat !== null) {
    map.setView([state.lat, state.lon], 17);
    state.marker = window.L.marker([state.lat, state.lon], { keyboard: false }).addTo(map);
  }
}

/**
 * A link from elsewhere (the list of construction projects) prefills the form: ?category=<service code>,
 * &lat=&lon= (the place), &project=<construction project number>&site=<its name, shown only>.
 */
async function prefill(params) {
  const category = params.get('category');
  if (category && state.services.some((s) => s.service_code === category)) {
    $('#service').value = category;
    await onServiceChange();
  }
  const project = params.get('project');
  if (project && /^[0-9]{1,18}$/.test(project)) {
    state.project = project;
    const note = $('#project-note');
    note.textContent = both('reportAboutProject', { id: project, name: (params.get('site') || '').slice(0, 200) });
    note.hidden = false;
  }
  const lat = Number(params.get('lat'));
  const lon = Number(params.get('lon'));
  if (params.has('lat') && params.has('lon') && Number.isFinite(lat) && Number.isFinite(lon)) {
    setPlace(lat, lon, params.get('site') ? (params.get('site') || '').slice(0, 200) : both('reportPointOnMap'));
  }
}

// ---------------------------------------------------------------------------
// Duplicates: open reports of the category within 250 m, with "me too"

async function loadNearbyReports() {
  const code = $('#service').value;
  const section = $('#nearby');
  const list = $('#nearby-list');
  if (!code || state.lat === null) { section.hidden = true; return; }
  const params = new URLSearchParams({ service_code: code, status: 'open', lat: String(state.lat), long: String(state.lon), radius: '250' });
  let found;
  try { found = await getJson(`/open311/v2/requests.json?${params}`); } catch { return; }
  const reports = found.filter((r) => !r.duplicate_of);
  list.textContent = '';
  for (const r of reports) {
    const li = document.createElement('li');
    const text = document.createElement('span');
    text.textContent = `#${r.service_request_id} ${r.description || r.service_name}（${both('reportOthersToo', { n: r.duplicates + r.me_too })}）`;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = both('reportMeToo', { id: r.service_request_id });
    button.addEventListener('click', async () => {
      try {
        await request(`/api/v1/reports/${encodeURIComponent(r.service_request_id)}/me-too`, { method: 'POST', csrf: false });
      } catch (err) { showError(open311Error(err)); return; }
      button.disabled = true;
      button.textContent = both('reportMeTooCounted');
    });
    li.append(text, ' ', button);
    list.append(li);
  }
  section.hidden = reports.length === 0;
}

// ---------------------------------------------------------------------------
// Submit and follow

async function submitReport(event) {
  event.preventDefault();
  showError('');
  const code = $('#service').value;
  if (!code) { showError(both('reportNeedCategory')); $('#service').focus(); return; }
  const address = $('#address').value.trim();
  if (state.lat === null && !address) {
    showError(both('reportNeedPlace'));
    $('#use-location').focus();
    return;
  }
  const form = new FormData();
  form.set('service_code', code);
  if (state.lat !== null) { form.set('lat', String(state.lat)); form.set('long', String(state.lon)); }
  if (address) form.set('address_string', address);
  const attribute = $('#attribute');
  if (!$('#attribute-wrap').hidden && attribute.value) form.set(`attribute[${attribute.dataset.code}]`, attribute.value);
  if (state.project && code === 'construction_site') form.set('attribute[project]', state.project);
  for (const id of ['description', 'email', 'phone', 'website']) {
    const value = $(`#${id}`).value.trim();
    if (value) form.set(id, value);
  }
  const photo = $('#photo').files[0];
  if (photo) form.set('media', photo);
  const button = $('#submit-report');
  button.disabled = true;
  try {
    let response;
    try {
      response = await request('/open311/v2/requests.json', { method: 'POST', form, csrf: false });
    } catch (err) { showError(open311Error(err)); return; }
    if (response.status !== 201) { showError(`HTTP ${response.status}`); return; }
    const [answer] = response.data;
    const keys = JSON.parse(localStorage.getItem(KEYS) || '{}');
    keys[answer.service_request_id] = answer.reporter_key;
    localStorage.setItem(KEYS, JSON.stringify(keys));
    const result = $('#report-result');
    result.textContent = '';
    const p = document.createElement('p');
    p.textContent = both('reportReceived');
    const strong = document.createElement('span');
    strong.className = 'tracking-number';
    strong.id = 'tracking-number';
    strong.textContent = answer.service_request_id;
    p.append(strong);
    const notice = document.createElement('p');
    notice.textContent = answer.service_notice;
    const link = document.createElement('a');
    link.href = `/report.html?track=${encodeURIComponent(answer.service_request_id)}#track-heading`;
    link.textContent = both('reportFollow');
    result.append(p, notice, link);
    result.hidden = false;
    result.focus();
    $('#report-form').reset();
    $('#attribute-wrap').hidden = true;
    state.project = null;
    $('#project-note').hidden = true;
  } finally {
    button.disabled = false;
  }
}

const STATUS_TEXT = {
  new: both('reportState_new'),
  accepted: both('reportState_accepted'),
  closed: both('reportState_closed'),
  rejected: both('reportState_rejected'),
};

function formatTime(iso) {
  return iso ? iso.replace('T', ' ').slice(0, 16) : '';
}

async function track(id) {
  const box = $('#track-result');
  box.textContent = '';
  let r;
  try {
    r = await getJson(`/api/v1/reports/${encodeURIComponent(id)}`);
  } catch (err) {
    box.textContent = err.status === 404 ? both('reportNotFound', { id }) : err.network ? err.message : `HTTP ${err.status}`;
    return;
  }
  const h = document.createElement('h3');
  h.textContent = `#${r.service_request_id} ${r.service_name}`;
  const status = document.createElement('p');
  status.id = 'track-status';
  status.dataset.status = r.status;
  status.textContent = both('reportStatus', { status: STATUS_TEXT[r.state] || r.status });
  const notes = document.createElement('p');
  notes.textContent = r.status_notes || '';
  const description = document.createElement('p');
  description.className = 'track-description';
  description.textContent = r.description || '';
  const history = document.createElement('ol');
  history.className = 'track-history';
  for (const e of r.history) {
    const li = document.createElement('li');
    li.textContent = `${formatTime(e.at)} ${STATUS_TEXT[e.to] || e.to}${e.note ? ' — ' + e.note : ''}`;
    history.append(li);
  }
  const historyHeading = document.createElement('h4');
  historyHeading.textContent = both('reportHistory');
  box.append(h, status, notes, description, historyHeading, history);
  const key = JSON.parse(localStorage.getItem(KEYS) || '{}')[r.service_request_id];
  if (r.status === 'closed' && key) {
    const reopen = document.createElement('button');
    reopen.type = 'button';
    reopen.textContent = both('reportReopen');
    reopen.addEventListener('click', async () => {
      try {
        await request(`/api/v1/reports/${encodeURIComponent(r.service_request_id)}/reopen`, { method: 'POST', json: { reporterKey: key }, csrf: false });
      } catch (err) { showError(open311Error(err)); return; }
      track(r.service_request_id);
    });
    box.append(reopen);
  }
}

async function main() {
  $('#report-form').addEventListener('submit', submitReport);
  $('#service').addEventListener('change', onServiceChange);
  $('#facility').addEventListener('change', onFacilityChosen);
  $('#use-location').addEventListener('click', useMyLocation);
  $('#facility-search').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      loadFacilities(e.target.value.trim()).then(() => {
        const n = $('#facility').options.length - 1;
        $('#location-status').textContent = both('reportFacilitiesFound', { n });
      });
    }
  });
  $('#track-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const id = $('#track-id').value.trim();
    if (id) track(id);
  });
  await loadServices();
  const params = new URLSearchParams(location.search);
  await prefill(params);
  if (params.get('track')) {
    $('#track-id').value = params.get('track');
    track(params.get('track'));
  }
  document.body.dataset.ready = 'true';
  initMap().catch(() => { /* the page works without the map */ });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
