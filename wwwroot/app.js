// Accessibility Registry — public map page.
// Plain ES module; Leaflet is loaded as a classic script (global L) before this runs.
import {
  t, pick, getLang, setLang, detectLang, applyStatic,
  statusLabels, kindLabels, attributeLabels, unitSuffixes, inspectionStateLabels, defectStatusLabels,
} from './i18n.js';
// District panel and the page state in the URL (registry.state, `registry:statechange`): dashboard.js.
import { initDashboard, renderDashboard, pageState } from './dashboard.js';
import { initLayers } from './layers.js';
import { registry } from './registry.js';
import { getJson } from './api.js';
import { $, numberFormat, dateFormat, nextTask } from './dom.js';

const L = window.L;

// ---------------------------------------------------------------------------
// Status styling: every status has a SHAPE as well as a colour (Okabe–Ito
// palette), so it never depends on colour vision alone. Lines (tactile paving)
// use a dash pattern per status.
export const STATUS_STYLES = {
  operational:        { shape: 'circle',   color: '#009E73', dash: null },
  defective_usable:   { shape: 'triangle', color: '#E69F00', dash: '10 5' },
  unusable:           { shape: 'cross',    color: '#D55E00', dash: '2 6' },
  under_construction: { shape: 'square',   color: '#0072B2', dash: '12 5 3 5' },
  removed:            { shape: 'diamond',  color: '#767676', dash: '3 7' },
};
const UNKNOWN_STYLE = { shape: 'hexagon', color: '#CC79A7', dash: '6 3' };
const STATUS_ORDER = Object.keys(STATUS_STYLES);

const SHAPES = {
  circle: '<circle cx="12" cy="12" r="8"/>',
  triangle: '<polygon points="12,2.5 21.5,20 2.5,20"/>',
  square: '<rect x="4" y="4" width="16" height="16"/>',
  diamond: '<polygon points="12,1.5 22.5,12 12,22.5 1.5,12"/>',
  cross: '<polygon points="3,7 7,3 12,8 17,3 21,7 16,12 21,17 17,21 12,16 7,21 3,17 8,12"/>',
  hexagon: '<polygon points="12,2 20.7,7 20.7,17 12,22 3.3,17 3.3,7"/>',
};

function styleFor(status) {
  return STATUS_STYLES[status] || UNKNOWN_STYLE;
}

/**
 * Inline SVG of a status symbol: white halo, coloured fill, dark outline. The symbol builders below put only
 * markup of the constant tables above and numbers into their strings, never text from the server (an unknown
 * status gets UNKNOWN_STYLE, not its code), so their markup may go into innerHTML.
 */
function shapeSvg(status, size = 24) {
  const s = styleFor(status);
  const body = SHAPES[s.shape];
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="${size}" height="${size}"`
    + ` aria-hidden="true" focusable="false" class="shape shape-${s.shape}">`
    + `<g fill="none" stroke="#fff" stroke-width="4" stroke-linejoin="round">${body}</g>`
    + `<g fill="${s.color}" stroke="#1a1a1a" stroke-width="1.5" stroke-linejoin="round">${body}</g>`
    + '</svg>';
}

function lineSampleSvg(status) {
  const s = styleFor(status);
  const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
  return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 12" width="40" height="12"'
    + ' aria-hidden="true" focusable="false" class="line-sample">'
    + '<line x1="2" y1="6" x2="38" y2="6" stroke="#fff" stroke-width="7" stroke-linecap="round"/>'
    + `<line x1="2" y1="6" x2="38" y2="6" stroke="${s.color}" stroke-width="4"${dash}/>`
    + '</svg>';
}

// Inspection status layer: its own symbols (shape + sign + colour, Okabe–Ito), none of
// them shared with the facility status legend, so the two maps cannot be mistaken.
export const INSPECTION_STYLES = {
  on_time: { shape: 'badge-check', color: '#0072B2' },
  due_soon: { shape: 'hourglass', color: '#E69F00' },
  overdue: { shape: 'octagon-alert', color: '#D55E00' },
  never: { shape: 'ring-question', color: '#FFFFFF' },
  unknown: { shape: 'dot-slash', color: '#BBBBBB' },
};
const INSPECTION_ORDER = ['on_time', 'due_soon', 'overdue', 'never'];
const INSPECTION_SHAPES = {
  'badge-check': '<rect x="3" y="3" width="18" height="18" rx="5"/>',
  hourglass: '<polygon points="4,2.5 20,2.5 13.5,12 20,21.5 4,21.5 10.5,12"/>',
  'octagon-alert': '<polygon points="8,2 16,2 22,8 22,16 16,22 8,22 2,16 2,8"/>',
  'ring-question': '<circle cx="12" cy="12" r="9"/>',
  'dot-slash': '<circle cx="12" cy="12" r="6"/>',
};
const INSPECTION_GLYPHS = {
  'badge-check': '<path d="M7.5 12.5l3 3 6-7" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/>',
  hourglass: '',
  'octagon-alert': '<path d="M12 6.5v7" stroke="#fff" stroke-width="2.8" stroke-linecap="round"/><circle cx="12" cy="17.5" r="1.6" fill="#fff"/>',
  'ring-question': '<path d="M9.3 9.6a2.8 2.8 0 1 1 3.9 2.6c-.8.4-1.2.9-1.2 1.8" fill="none" stroke="#1a1a1a" stroke-width="2" stroke-linecap="round"/><circle cx="12" cy="17.3" r="1.3" fill="#1a1a1a"/>',
  'dot-slash': '<path d="M7 17L17 7" stroke="#1a1a1a" stroke-width="1.8"/>',
};

function inspectionStateOf(props) {
  return props && props.inspectionState in INSPECTION_STYLES ? props.inspectionState : 'unknown';
}

function inspectionSvg(stateCode, size = 24) {
  const s = INSPECTION_STYLES[stateCode] || INSPECTION_STYLES.unknown;
  const body = INSPECTION_SHAPES[s.shape];
  const dash = s.shape === 'ring-question' ? ' stroke-dasharray="3 2"' : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="${size}" height="${size}"`
    + ` aria-hidden="true" focusable="false" class="shape shape-${s.shape}">`
    + `<g fill="none" stroke="#fff" stroke-width="4" stroke-linejoin="round">${body}</g>`
    + `<g fill="${s.color}" stroke="#1a1a1a" stroke-width="1.8" stroke-linejoin="round"${dash}>${body}</g>`
    + `${INSPECTION_GLYPHS[s.shape]}</svg>`;
}

function inspectionStateLabel(code) {
  return pick(inspectionStateLabels[code], code);
}

/** The symbol of a facility in the current layer. */
function symbolSvg(props, size) {
  return state.layer === 'inspection' ? inspectionSvg(inspectionStateOf(props), size) : shapeSvg(props.status, size);
}

// ---------------------------------------------------------------------------
// State
const state = {
  config: null,
  map: null,
  tileLayer: null,
  boundaryLayer: null,
  districts: [],          // items of the current district list
  districtCode: null,
  kinds: new Map(),       // code -> kind object from /api/v1/facility-kinds
  statuses: new Map(),    // code -> {code, labels}
  features: [],           // features currently shown
  selectedId: null,
  clusters: [],           // clusters of the facility tiles in view: [{f, latlng}] (layers.js)
  layerOff: false,        // the facility layer is switched off: nothing to list
  layer: 'status',        // 'status' | 'inspection': which symbols the map draws
  detailsCtrl: null,
};


// ---------------------------------------------------------------------------
// API access with RFC 7807 problem details
/**
 * GET a JSON body from the API (api.js: problem details as ApiError).
 * @param {string} path
 * @param {{signal?: AbortSignal}} [options]
 */
function api(path, { signal } = {}) {
  return getJson(path, { signal });
}

// ---------------------------------------------------------------------------
// Errors: shown in an aria-live (role=alert) region, one entry per context.
const errorEntries = new Map();

function showError(context, err) {
  if (err && err.name === 'AbortError') return;
  console.warn(`[${context}]`, err); // eslint-disable-line no-console
  const box = $('#errors');
  clearError(context);
  const entry = document.createElement('div');
  entry.className = 'error';
  entry.dataset.context = context;

  const text = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = `${t(context)}: `;
  text.append(strong);

  const p = err && err.problem;
  const parts = [];
  if (p && p.title) parts.push(p.title);
  if (p && p.detail && p.detail !== p.title) parts.push(p.detail);
  if (!parts.length) parts.push(err && err.status ? t('errorHttp', { status: err.status }) : (err && err.message) || t('unknown'));
  if (err && err.status && p && p.title) parts.push(`(HTTP ${err.status})`);
  text.append(parts.join(' — '));
  if (p && p.errors && typeof p.errors === 'object') {
    // ASP.NET ValidationProblemDetails: {errors: {field: [messages]}}
    const ul = document.createElement('ul');
    for (const [field, msgs] of Object.entries(p.errors)) {
      const li = document.createElement('li');
      li.textContent = `${field}: ${[].concat(msgs).join('; ')}`;
      ul.append(li);
    }
    text.append(ul);
  }
  entry.append(text);

  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'icon-button';
  close.textContent = '×';
  close.setAttribute('aria-label', t('errorDismiss'));
  close.title = t('errorDismiss');
  close.addEventListener('click', () => clearError(context));
  entry.append(close);

  box.append(entry);
  errorEntries.set(context, entry);
}

function clearError(context) {
  const old = errorEntries.get(context);
  if (old) old.remove();
  errorEntries.delete(context);
}

// ---------------------------------------------------------------------------
// Labels
function statusLabel(code) {
  if (!code) return t('statusUnknown');
  const s = state.statuses.get(code);
  return pick(s && s.labels, '') || pick(statusLabels[code], '') || code;
}

function kindLabel(props) {
  const k = state.kinds.get(props.kind);
  return pick(props.kindName, '') || pick(k && k.names, '') || pick(kindLabels[props.kind], '') || props.kind || t('unknown');
}

function facilityName(props) {
  return (props && props.name) || t('unnamed');
}

function attributeLabel(kindCode, key) {
  // Optional per-kind schema: kinds[].attributes = [{key|code|name, labels|names:{zh,en}, unit}]
  const kind = state.kinds.get(kindCode);
  const schema = kind && Array.isArray(kind.attributes)
    ? kind.attributes.find((a) => (a.key || a.code || a.name) === key)
    : null;
  const fromSchema = schema && pick(schema.labels || schema.names, '');
  const label = fromSchema || pick(attributeLabels[key], '') || key.replace(/_/g, ' ');
  let unit = schema && schema.unit ? (typeof schema.unit === 'object' ? pick(schema.unit) : schema.unit) : '';
  if (!schema) {
    const hit = unitSuffixes.find(([suffix]) => key.endsWith(suffix));
    if (hit) unit = pick(hit[1]);
  }
  // Schema units are codes; show people units (a count has none, m2 is m², a ratio reads as 1:n).
  unit = { count: '', m2: 'm²', percent: '%' }[unit] ?? unit;
  const values = schema && Array.isArray(schema.values) ? schema.values : [];
  return { label, unit, values };
}

/** An attribute value in words: enum labels instead of codes, slopes as 1:n with their percentage. */
function formatAttribute(value, unit, values) {
  const coded = values.find((v) => v && v.code === value);
  if (coded) return pick(coded.labels || coded.names, value);
  if (unit === 'ratio' && typeof value === 'number' && value > 0) {
    const pct = numberFormat(getLang() === 'zh' ? 'zh-CN' : 'en', { maximumFractionDigits: 1 }).format(value * 100);
    return `1:${Math.round(1 / value)} (${pct}%)`;
  }
  return formatValue(value, unit === 'ratio' ? '' : unit);
}

function formatValue(value, unit) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (typeof value === 'number') {
    const n = numberFormat(getLang() === 'zh' ? 'zh-CN' : 'en', { maximumFractionDigits: 2 }).format(value);
    return unit ? `${n} ${unit}` : n;
  }
  if (Array.isArray(value)) return value.map((v) => formatValue(v, '')).join(', ');
  if (typeof value === 'object') return pick(value, '') || JSON.stringify(value);
  return unit ? `${value} ${unit}` : String(value);
}

function formatDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return dateFormat(getLang() === 'zh' ? 'zh-CN' : 'en', { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

// ---------------------------------------------------------------------------
// Map
function initMap(cfg) {
  const center = Array.isArray(cfg.center) && cfg.center.length === 2 ? cfg.center : [34.87, 110.45];
  const zoom = Number.isFinite(cfg.zoom) ? cfg.zoom : 11;
  const map = L.map('map', {
    center,
    zoom,
    zoomSnap: 0.25,
    keyboard: true,
    // No fade-in of tiles: Leaflet sets every tile's opacity on each frame for 0.2 s after a tile arrives, a style
    // change and a compositor commit a frame on a phone that is busy drawing the other tiles.
    fadeAnimation: false,
  });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com" lang="en">Leaflet</a>');
  // The controls above the map grow as the modules render them: keep Leaflet's idea of the map's size true,
  // or a district fitted before the change is partly drawn outside the visible map.
  new ResizeObserver(() => map.invalidateSize()).observe(map.getContainer());
  if (cfg.tileUrl) {
    state.tileLayer = L.tileLayer(cfg.tileUrl, {
      attribution: cfg.tileAttribution || '',
      subdomains: cfg.tileSubdomains || 'abc',
      maxZoom: 19,
    }).addTo(map);
  } else {
    map.getContainer().classList.add('no-basemap');
  }
  L.control.scale({ imperial: false }).addTo(map);
  state.map = map;

  // Report a problem at a clicked point (not on a facility): the report page, with the place filled in.
  map.on('click', (e) => {
    if (e.originalEvent?.target?.classList?.contains('leaflet-interactive')) return;
    if (registry.onMapClick?.(e)) return; // a feature of a vector tile layer was hit
    const link = document.createElement('a');
    link.href = `/report.html?lat=${e.latlng.lat.toFixed(6)}&lon=${e.latlng.lng.toFixed(6)}`;
    link.textContent = t('reportHere');
    const content = document.createElement('div');
    content.append(link);
    for (const action of registry.mapClickActions || []) {
      const extra = action(e.latlng);
      if (extra) content.append(extra);
    }
    L.popup().setLatLng(e.latlng).setContent(content).openOn(map);
  });

  document.addEventListener('registry:inviewchange', loadFacilities);
  return map;
}

// ---------------------------------------------------------------------------
// Districts
function parentOf(code) {
  // GB/T 2260: township 140881001 -> county 140881 -> prefecture 140800 -> province 140000
  if (!/^\d{6}/.test(code)) return null;
  if (code.length > 6) return code.slice(0, 6);
  if (code.slice(4, 6) !== '00') return `${code.slice(0, 4)}00`;
  if (code.slice(2, 4) !== '00') return `${code.slice(0, 2)}0000`;
  return null;
}

async function loadDistricts(defaultCode) {
  const select = $('#district-select');
  const parent = parentOf(defaultCode);
  let items = [];
  try {
    // the siblings of the district (the provinces for a province)
    const body = await api(parent ? `/api/v1/districts?parent=${encodeURIComponent(parent)}` : '/api/v1/districts?level=province');
    items = Array.isArray(body.items) ? body.items : [];
    clearError('errorDistricts');
  } catch (err) {
    showError('errorDistricts', err);
  }
  if (!items.some((d) => d.code === defaultCode)) {
    items.unshift({ code: defaultCode, name: defaultCode, bbox: null, hasBoundary: true });
  }
  items.sort((a, b) => String(a.code).localeCompare(String(b.code)));
  state.districts = items;
  select.replaceChildren(...items.map((d) => {
    const opt = document.createElement('option');
    opt.value = d.code;
    opt.textContent = d.name || d.code;
    return opt;
  }));
  select.value = defaultCode;
}

/**
 * Fits the map to a district's box; false when it has none. At the page's start the fit is not animated: an animated
 * zoom keeps the old zoom until it ends, so the tile layers added meanwhile fetched and drew every tile at the
 * default zoom first, then again at the district's (18 tiles thrown away on a phone, and the animation's frames).
 */
function fitToBox(d, { animate = true } = {}) {
  if (!d || !Array.isArray(d.bbox) || d.bbox.length !== 4 || !d.bbox.every(Number.isFinite)) return false;
  const [minLon, minLat, maxLon, maxLat] = d.bbox;
  state.map.fitBounds([[minLat, minLon], [maxLat, maxLon]], { padding: [8, 8], animate });
  return true;
}

async function selectDistrict(code, { fit = true } = {}) {
  state.districtCode = code;
  // drill-down or Back may go to another level: list that district's siblings
  if (!state.districts.some((x) => x.code === code)) await loadDistricts(code);
  if (state.districtCode !== code) return;
  $('#district-select').value = code;
  document.dispatchEvent(new CustomEvent('registry:districtchange', { detail: { code } }));
  const d = state.districts.find((x) => x.code === code) || { code, name: code };
  const status = $('#district-status');
  status.textContent = '';
  if (state.boundaryLayer) {
    state.boundaryLayer.remove();
    state.boundaryLayer = null;
  }
  const validBbox = Array.isArray(d.bbox) && d.bbox.length === 4 && d.bbox.every(Number.isFinite);
  if (fit) fitToBox(d);
  if (d.hasBoundary === false) {
    status.textContent = t('districtNoBoundary', { name: d.name || code });
    return;
  }
  try {
    const feature = await api(`/api/v1/districts/${encodeURIComponent(code)}/boundary`);
    if (state.districtCode !== code) return; // user picked another meanwhile
    clearError('errorBoundary');
    state.boundaryLayer = L.geoJSON(feature, {
      interactive: false,
      style: {
        className: 'district-boundary',
        color: '#1f3a93', weight: 3, opacity: 0.95, fill: true, fillColor: '#1f3a93', fillOpacity: 0.04,
      },
    }).addTo(state.map);
    state.boundaryLayer.bringToBack();
    if (fit && !validBbox) {
      const b = state.boundaryLayer.getBounds();
      if (b.isValid()) state.map.fitBounds(b, { padding: [8, 8] });
    }
  } catch (err) {
    showError('errorBoundary', err);
  }
}

// ---------------------------------------------------------------------------
// Facility kinds and statuses
async function loadKinds() {
  try {
    const body = await api('/api/v1/facility-kinds');
    for (const k of body.kinds || []) state.kinds.set(k.code, k);
    for (const s of body.statuses || []) state.statuses.set(s.code, s);
    clearError('errorKinds');
  } catch (err) {
    showError('errorKinds', err);
  }
}

function renderLegend() {
  const list = $('#legend-list');
  const codes = [...STATUS_ORDER];
  for (const code of state.statuses.keys()) if (!codes.includes(code)) codes.push(code);
  const items = codes.map((code) => {
    const li = document.createElement('li');
    li.className = 'legend-item';
    li.dataset.status = code;
    li.dataset.shape = styleFor(code).shape;
    li.innerHTML = `<span class="legend-symbols">${shapeSvg(code, 22)}${lineSampleSvg(code)}</span>`;
    const label = document.createElement('span');
    label.className = 'legend-label';
    label.textContent = statusLabel(code);
    li.append(label);
    return li;
  });
  const boundary = document.createElement('li');
  boundary.className = 'legend-item legend-boundary';
  boundary.innerHTML = '<span class="legend-symbols"><svg viewBox="0 0 22 22" width="22" height="22" aria-hidden="true" focusable="false">'
    + '<rect x="2" y="2" width="18" height="18" fill="rgba(31,58,147,0.08)" stroke="#1f3a93" stroke-width="3"/></svg></span>';
  const bl = document.createElement('span');
  bl.className = 'legend-label';
  bl.textContent = t('legendBoundary');
  boundary.append(bl);
  list.replaceChildren(...items, boundary);
}

function renderInspectionLegend() {
  const list = $('#inspection-legend-list');
  if (!list) return;
  list.replaceChildren(...INSPECTION_ORDER.map((code) => {
    const li = document.createElement('li');
    li.className = 'legend-item';
    li.dataset.inspectionState = code;
    li.dataset.shape = INSPECTION_STYLES[code].shape;
    li.innerHTML = `<span class="legend-symbols">${inspectionSvg(code, 22)}</span>`;
    const label = document.createElement('span');
    label.className = 'legend-label';
    label.textContent = inspectionStateLabel(code);
    li.append(label);
    return li;
  }));
  // Until the server sends inspection properties, say so instead of showing a misleading map.
  const missing = state.layer === 'inspection' && state.features.length > 0
    && state.features.every((f) => !f.properties || !('inspectionState' in f.properties));
  const note = $('#inspection-no-data');
  note.hidden = !missing;
  note.textContent = missing ? t('inspectionNoData') : '';
}

function setLayer(layer) {
  state.layer = layer === 'inspection' ? 'inspection' : 'status';
  $('#legend').hidden = state.layer !== 'status';
  $('#inspection-legend').hidden = state.layer !== 'inspection';
  for (const r of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="layer"]'))) r.checked = r.value === state.layer;
  if (state.map) renderFacilities(state.features);
  renderInspectionLegend();
  if (state.selectedId) markSelected(state.selectedId);
  document.dispatchEvent(new CustomEvent('registry:symbologychange', { detail: { layer: state.layer } }));
}

// ---------------------------------------------------------------------------
// Facilities in view: what the map's facility tiles (layers.js) hold inside the map's bounds, each counted once;
// no request of its own. Where the tiles cluster (up to zoom 15), a cluster is a row with its count, breakdown and
// a button that zooms to it.
function featureId(f) {
  return String(f.id ?? (f.properties && f.properties.id));
}

/** A single facility of a tile as a GeoJSON feature (a point where it is drawn; partial: the tile's properties). */
function tileFeature({ f, latlng }) {
  return {
    type: 'Feature',
    id: f.id,
    partial: true,
    geometry: latlng ? { type: 'Point', coordinates: [latlng.lng, latlng.lat] } : null,
    properties: { ...f.props, id: f.id },
  };
}

function loadFacilities() {
  const inView = registry.layers?.featuresInView('facilities');
  state.layerOff = inView === null && Boolean(registry.layers);
  const items = inView || [];
  const singles = items.filter((x) => !x.f.cluster && x.f.id);
  state.clusters = items.filter((x) => x.f.cluster);
  // Keep what the details fetched for a facility still in view.
  const known = new Map(state.features.filter((x) => !x.partial).map((x) => [featureId(x), x]));
  renderFacilities(singles.map((x) => known.get(String(x.f.id)) || tileFeature(x)));
}

// The map draws facilities from vector tiles (layers.js); this keeps the list of what is in view.
function renderFacilities(features) {
  state.features = features;
  renderList();
  renderInspectionLegend();
}

function renderList() {
  const list = $('#facility-list');
  const count = $('#facility-count');
  const clusters = state.clusters || [];
  const returned = state.features.length;
  const matched = returned + clusters.reduce((n, x) => n + x.f.count, 0);

  if (!returned && !clusters.length) {
    count.textContent = t(state.layerOff ? 'listLayerOff' : 'listEmpty');
    list.replaceChildren();
    return;
  }
  count.textContent = clusters.length
    ? `${t('listCount', { matched, returned })} ${t('listClustered')}`
    : t('listCount', { matched, returned });

  // The selected district's facilities first: the view often shows a neighbour's edge too.
  const inDistrict = (f) => (state.districtCode && String((f.properties || {}).districtCode || '').startsWith(state.districtCode) ? 0 : 1);
  const ordered = state.features.filter((f) => f && f.geometry).sort((a, b) => inDistrict(a) - inDistrict(b));
  const items = ordered.map((f) => {
    const props = f.properties || {};
    const id = featureId(f);
    const li = document.createElement('li');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'facility-item';
    btn.dataset.facilityId = id;
    if (id === state.selectedId) btn.setAttribute('aria-current', 'true');
    btn.innerHTML = `<span class="item-symbol">${symbolSvg(props, 20)}</span>`;
    const text = document.createElement('span');
    text.className = 'item-text';
    const name = document.createElement('span');
    name.className = 'item-name';
    name.textContent = facilityName(props);
    const meta = document.createElement('span');
    meta.className = 'item-meta';
    meta.textContent = t('listItemMeta', { kind: kindLabel(props), status: statusLabel(props.status) })
      + (state.layer === 'inspection' ? ` · ${inspectionStateLabel(inspectionStateOf(props))}` : '');
    text.append(name, meta);
    if (props.source === 'demo') {
      const tag = document.createElement('span');
      tag.className = 'demo-tag';
      tag.textContent = t('demoTag');
      text.append(tag);
    }
    btn.append(text);
    btn.addEventListener('click', () => openDetails(id, { focus: true, pan: true }));
    li.append(btn);
    return li;
  });
  const clusterItems = [...clusters].sort((a, b) => b.f.count - a.f.count).map((x) => {
    const li = document.createElement('li');
    li.className = 'cluster-item';
    const text = document.createElement('span');
    text.className = 'item-text';
    text.textContent = registry.layers.clusterText('facilities', x.f);
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'link-button';
    btn.textContent = t('listZoomIn');
    btn.setAttribute('aria-label', t('listZoomInCluster', { text: text.textContent }));
    btn.addEventListener('click', () => registry.layers.zoomToCluster('facilities', x.f, x.latlng));
    li.append(text, ' ', btn);
    return li;
  });
  list.replaceChildren(...items, ...clusterItems);
}

function markSelected(id) {
  state.selectedId = id;
  registry.highlight?.(id);
  for (const btn of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#facility-list .facility-item'))) {
    if (btn.dataset.facilityId === id) btn.setAttribute('aria-current', 'true');
    else btn.removeAttribute('aria-current');
  }
}

function openDetails(id, { focus = false, pan = false } = {}) {
  const f = state.features.find((x) => featureId(x) === id);
  if (!f || f.partial) {
    openUnlistedFacility(id, { focus, pan });
    return;
  }
  markSelected(id);
  renderDetails(f);
  const section = $('#details');
  section.hidden = false;
  loadFacilityDetails(id);
  if (pan) {
    const b = f.geometry && L.geoJSON(f.geometry).getBounds();
    if (b && b.isValid() && !state.map.getBounds().pad(-0.1).contains(b)) {
      state.map.fitBounds(b, { maxZoom: Math.max(state.map.getZoom(), 15) });
    }
  }
  if (focus) $('#details-heading').focus();
}

/** A facility picked on the map (a tile feature) or in another list, not in the current list: fetched first. */
async function openUnlistedFacility(id, { focus = false, pan = false } = {}) {
  try {
    const full = await api(`/api/v1/facilities/${encodeURIComponent(id)}`);
    clearError('errorFacilities');
    const i = state.features.findIndex((x) => featureId(x) === id);
    if (i >= 0) state.features[i] = full;
    else state.features = [...state.features, full];
    openDetails(id, { focus, pan });
  } catch (err) {
    showError('errorFacilities', err);
  }
}

function renderDetails(f) {
  const props = f.properties || {};
  const body = $('#details-body');
  body.replaceChildren();

  const title = document.createElement('h3');
  title.className = 'details-name';
  title.id = 'details-name';
  title.textContent = facilityName(props);
  if (props.source === 'demo') {
    const tag = document.createElement('span');
    tag.className = 'demo-tag';
    tag.textContent = t('demoTag');
    title.append(' ', tag);
  }
  body.append(title);

  const dl = document.createElement('dl');
  dl.className = 'details-fields';
  const add = (labelKey, value, html = null) => {
    const dt = document.createElement('dt');
    dt.textContent = t(labelKey);
    const dd = document.createElement('dd');
    if (html) dd.innerHTML = html;
    dd.append(value ?? '—');
    dl.append(dt, dd);
  };
  add('fieldKind', kindLabel(props));
  add('fieldStatus', statusLabel(props.status), `<span class="status-symbol">${shapeSvg(props.status, 18)}</span>`);
  add('fieldManagingUnit', props.managingUnit || '—');
  if (props.districtCode) {
    const d = state.districts.find((x) => x.code === props.districtCode);
    add('fieldDistrict', d ? `${d.name} (${props.districtCode})` : props.districtCode);
  }
  add('fieldSource', props.source === 'demo' ? t('sourceDemo') : (props.source || '—'));
  if (props.updatedAt) add('fieldUpdatedAt', formatDate(props.updatedAt));
  body.append(dl);
  renderInspectionDetails(body, f);

  const attrs = props.attributes && typeof props.attributes === 'object' ? Object.entries(props.attributes) : [];
  const h = document.createElement('h4');
  h.textContent = t('attributesTitle');
  h.id = 'details-attributes';
  body.append(h);
  if (!attrs.length) {
    const p = document.createElement('p');
    p.textContent = t('noAttributes');
    body.append(p);
    return;
  }
  const table = document.createElement('table');
  table.className = 'attributes';
  table.setAttribute('aria-labelledby', 'details-attributes');
  const thead = document.createElement('thead');
  const headRow = document.createElement('tr');
  for (const key of ['attributeName', 'attributeValue']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = t(key);
    headRow.append(th);
  }
  thead.append(headRow);
  const tbody = document.createElement('tbody');
  for (const [key, value] of attrs) {
    const { label, unit, values } = attributeLabel(props.kind, key);
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = label;
    const td = document.createElement('td');
    td.textContent = formatAttribute(value, unit, values);
    tr.append(th, td);
    tbody.append(tr);
  }
  table.append(thead, tbody);
  body.append(table);
}

// Last inspection and open defects; shown only for what the server sends (older servers send none).
function renderInspectionDetails(body, f) {
  const props = f.properties || {};
  const has = ['inspectionState', 'lastInspectedAt', 'lastInspectionResult', 'openDefectCount', 'openDefects'].some((k) => k in props);
  const section = document.createElement('div');
  section.className = 'details-inspection';
  if (has) {
    const h = document.createElement('h4');
    h.textContent = t('layerInspection');
    const dl = document.createElement('dl');
    dl.className = 'details-fields';
    const add = (labelKey, value, html = null) => {
      const dt = document.createElement('dt');
      dt.textContent = t(labelKey);
      const dd = document.createElement('dd');
      if (html) dd.innerHTML = html;
      dd.append(value);
      dl.append(dt, dd);
    };
    const st = inspectionStateOf(props);
    add('fieldInspectionState', inspectionStateLabel(st), `<span class="status-symbol">${inspectionSvg(st, 18)}</span>`);
    add('fieldLastInspected', props.lastInspectedAt ? formatDate(props.lastInspectedAt) : t('neverInspected'));
    if (props.lastInspectedAt) {
      const r = props.lastInspectionResult;
      add('fieldLastResult', r === 'pass' ? t('resultPass') : r === 'fail' ? t('resultFail') : (r || '—'));
    }
    const defects = Array.isArray(props.openDefects) ? props.openDefects : null;
    const count = defects ? defects.length : props.openDefectCount;
    add('fieldOpenDefects', Number.isFinite(count) ? (count ? t('openDefectsCount', { n: count }) : t('openDefectsNone')) : '—');
    section.append(h, dl);
    if (defects && defects.length) {
      const ul = document.createElement('ul');
      ul.className = 'defect-list';
      for (const d of defects) {
        const li = document.createElement('li');
        li.dataset.defectId = String(d.id);
        li.textContent = t('defectSummary', {
          item: d.item, severity: t({ critical: 'severityCritical', major: 'severityMajor', minor: 'severityMinor' }[d.severity] || 'unknown'),
          status: pick(defectStatusLabels[d.status], d.status || ''), due: d.dueAt ? formatDate(d.dueAt) : '—',
        });
        ul.append(li);
      }
      section.append(ul);
    }
  }
  const link = document.createElement('a');
  link.className = 'inspect-link';
  link.href = `/inspect.html?facility=${encodeURIComponent(featureId(f))}`;
  link.textContent = t('inspectThis');
  section.append(link);
  body.append(section);
}

/** The list gives the summary; the single facility also carries its open defects. */
async function loadFacilityDetails(id) {
  if (state.detailsCtrl) state.detailsCtrl.abort();
  const ctrl = new AbortController();
  state.detailsCtrl = ctrl;
  try {
    const full = await api(`/api/v1/facilities/${encodeURIComponent(id)}`, { signal: ctrl.signal });
    if (ctrl.signal.aborted || state.selectedId !== id) return;
    const i = state.features.findIndex((x) => featureId(x) === id);
    if (i >= 0) state.features[i] = { ...state.features[i], properties: { ...state.features[i].properties, ...full.properties } };
    if (!$('#details').hidden) renderDetails(state.features[i] || full);
  } catch (err) {
    if (err.name !== 'AbortError') console.warn('[details]', err); // eslint-disable-line no-console
  }
}

function closeDetails() {
  const id = state.selectedId;
  $('#details').hidden = true;
  markSelected(null);
  // return focus to the list item (or the map) the user came from
  const btn = id && $(`#facility-list .facility-item[data-facility-id="${CSS.escape(id)}"]`);
  if (btn) btn.focus();
  else $('#facility-list-heading').focus();
}

// ---------------------------------------------------------------------------
// Language
function renderDemoNotice() {
  const box = $('#demo-notice');
  // Until the config is read, the service's word (it sends the page with the notice shown while demo data are
  // loaded): hiding it now and showing it again would move the whole page twice.
  const demo = state.config ? state.config.demoData : !box.hidden;
  if (!demo) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const other = getLang() === 'zh' ? 'en' : 'zh-CN';
  const a = document.createElement('span');
  a.textContent = t('demoNotice');
  const b = document.createElement('span');
  b.lang = other;
  b.textContent = t('demoNoticeOther');
  const p = document.createElement('p');
  p.append(a, ' / ', b);
  box.replaceChildren(p);
  box.hidden = false;
}

function applyLanguage(lang) {
  setLang(lang);
  applyStatic();
  const btn = $('#lang-toggle');
  btn.setAttribute('aria-pressed', lang === 'en' ? 'true' : 'false');
  renderDemoNotice();
  renderLegend();
  renderInspectionLegend();
  renderDashboard();
  document.dispatchEvent(new CustomEvent('registry:langchange', { detail: { lang } }));
  if (state.map) renderFacilities(state.features);
  if (state.selectedId && !$('#details').hidden) {
    const f = state.features.find((x) => featureId(x) === state.selectedId);
    if (f) renderDetails(f);
  }
  if (state.districtCode) {
    const d = state.districts.find((x) => x.code === state.districtCode);
    if (d && d.hasBoundary === false) $('#district-status').textContent = t('districtNoBoundary', { name: d.name || d.code });
  }
  // re-render translated error messages' context prefixes
  for (const [context, entry] of errorEntries) {
    const strong = entry.querySelector('strong');
    if (strong) strong.textContent = `${t(context)}: `;
  }
}

// ---------------------------------------------------------------------------
// What the other modules of the page (layers.js) use: the map, the district, the symbols, opening a facility.
function exposeRegistry() {
  const api = {
    map: state.map,
    get districtCode() { return state.districtCode; },
    get districts() { return state.districts; },
    get symbology() { return state.layer; },
    setSymbology: (layer) => setLayer(layer),
    kinds: state.kinds,
    statusStyles: STATUS_STYLES,
    inspectionStyles: INSPECTION_STYLES,
    symbolSvg: (props, size) => symbolSvg(props, size),
    statusLabel,
    kindLabel: (code) => kindLabel({ kind: code }),
    inspectionStateLabel,
    openFacility: (id, opts = {}) => openDetails(String(id), { focus: true, ...opts }),
  };
  Object.defineProperties(registry, Object.getOwnPropertyDescriptors(api));
}

// ---------------------------------------------------------------------------
// Start
async function main() {
  applyLanguage(pageState.get().lang || detectLang());
  $('#lang-toggle').addEventListener('click', () => {
    applyLanguage(getLang() === 'en' ? 'zh' : 'en');
    pageState.set({ lang: getLang() }, { source: 'lang' });
  });
  $('#details-close').addEventListener('click', closeDetails);
  for (const r of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('input[name="layer"]'))) {
    r.addEventListener('change', () => { if (r.checked) setLayer(r.value); });
  }
  $('#details').addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') closeDetails();
  });

  if (!L) {
    showError('errorConfig', new Error('Leaflet (/lib/leaflet/leaflet.js) did not load'));
    return;
  }

  // ICU's set-up (the first Intl formatter of the page: about 100 ms on a phone's CPU) while the page waits for the
  // config, not inside the panel's first render later.
  setTimeout(() => numberFormat(getLang() === 'zh' ? 'zh-CN' : 'en', { maximumFractionDigits: 1 }).format(0), 0);
  let cfg;
  try {
    cfg = await api('/api/v1/config');
    clearError('errorConfig');
  } catch (err) {
    showError('errorConfig', err);
    cfg = {};
  }
  cfg = {
    tileUrl: null, tileAttribution: null, demoData: false, defaultDistrict: '140881', center: null, zoom: null, ...cfg,
  };
  state.config = cfg;
  renderDemoNotice();

  const kindsReady = loadKinds();
  initMap(cfg);
  // --- page state (issue 6): the map and the state for the other modules; the district, view and language follow it
  registry.map = state.map;
  exposeRegistry();
  const view = pageState.view();
  if (view) state.map.setView([view.lat, view.lon], view.zoom, { animate: false });
  await nextTask(); // the map's set-up and the panel's are two tasks, not one long one
  initDashboard(state.map, { defaultDistrict: cfg.defaultDistrict });
  const initial = pageState.get().district || cfg.defaultDistrict;
  document.addEventListener('registry:statechange', (ev) => {
    const { changed, source, state: s } = ev.detail;
    if (changed.includes('district') && s.district) selectDistrict(s.district, { fit: !changed.includes('at') });
    if (changed.includes('lang') && source === 'popstate') applyLanguage(s.lang || detectLang());
  });
  document.dispatchEvent(new CustomEvent('registry:mapready', { detail: { map: state.map } }));
  // --- end page state
  await Promise.all([kindsReady, loadDistricts(initial)]);
  // Respect the URL's or the configured centre/zoom on first load; fit to the district otherwise. Fitted to its box
  // before the tile layers exist, so their tiles are fetched and drawn once, at the district's view, not first at
  // the default one (on a phone's CPU that was half a second of drawing thrown away).
  const hasView = !!view || (Array.isArray(cfg.center) && Number.isFinite(cfg.zoom));
  const fitted = !hasView && fitToBox(state.districts.find((x) => x.code === initial), { animate: false });
  renderLegend();
  await nextTask();
  initLayers(registry);

  const select = $('#district-select');
  select.addEventListener('change', () => pageState.set({ district: select.value }, { history: 'push', source: 'select' }));
  await selectDistrict(initial, { fit: !hasView && !fitted });
}

main();
