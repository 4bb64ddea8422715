// Map layers of the map page: facilities, roads, open defects and open public reports drawn from the vector tiles
// (/tiles/{layer}/{z}/{x}/{y}.mvt, clustered by the server at low zoom) on canvases; coverage gap cells and candidate
// sites (small GeoJSON of the coverage endpoints); the "what if we build here" control; a layer control kept in the
// page state (`layers`, `kind` in the URL); every layer also as a list; and a place search that lists the nearest
// facilities of a kind with their distance, for people who do not use the map.
import { VectorTile } from '/lib/vector-tile/index.js';
import { PbfReader } from '/lib/pbf/index.js';
import { getLang, namespace } from './i18n.js';
import { registry } from './registry.js';
import { getJson } from './api.js';
import { el, numberFormat, dateFormat, nextTask } from './dom.js';

const L = window.L;

/** The layers' texts (strings/layers.json: "layers.*"). */
const TEXT = namespace('layers.');


function tx(key, params = {}) {
  const table = TEXT[getLang()] || TEXT.zh;
  return (table[key] ?? TEXT.zh[key] ?? key).replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m));
}

const locale = () => (getLang() === 'en' ? 'en' : 'zh-CN');
const num = (v, digits = 0) => (v == null ? '—' : numberFormat(locale(), { maximumFractionDigits: digits }).format(v));
const pct = (v) => (v == null ? '—' : numberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(v));
const metres = (m) => (Number.isFinite(m) ? tx('metres', { n: num(Math.round(m)) }) : '—');
const date = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateFormat(locale(), { dateStyle: 'medium' }).format(d);
};
const pickLang = (labels, fallback = '') => (labels && (labels[getLang()] || labels.zh)) || fallback;
// Map moves animate only for those who have not asked for reduced motion.
const motion = () => ({ animate: !window.matchMedia?.('(prefers-reduced-motion: reduce)').matches });

// ---------------------------------------------------------------------------
// Page state (`layers`, `kind`). The page's state object (registry.state: get/set and a
// `registry:statechange` event) owns the URL; until the page has one, a minimal one keeps these keys in the URL.
const LAYERS = ['facilities', 'roads', 'defects', 'reports', 'gaps', 'candidates'];
const DEFAULT_LAYERS = ['facilities', 'roads'];

function minimalState() {
  return {
    minimal: true,
    get() {
      return Object.fromEntries(new URLSearchParams(location.search));
    },
    set(partial) {
      const params = new URLSearchParams(location.search);
      for (const [k, v] of Object.entries(partial)) {
        const text = Array.isArray(v) ? v.join(',') : v;
        if (text == null || text === '') params.delete(k);
        else params.set(k, String(text));
      }
      const query = params.toString().replace(/%2C/gi, ',');
      history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
      document.dispatchEvent(new CustomEvent('registry:statechange', { detail: this.get() }));
    },
  };
}

function pageState() {
  if (!registry.state) registry.state = minimalState();
  return registry.state;
}

function readLayers() {
  const raw = pageState().get()?.layers;
  if (raw == null) return { layers: [...DEFAULT_LAYERS], inspection: false };
  const list = (Array.isArray(raw) ? raw : String(raw).split(',')).map((s) => s.trim()).filter(Boolean);
  return { layers: list.filter((l) => LAYERS.includes(l)), inspection: list.includes('inspection') };
}

function writeLayers() {
  const list = [...S.active];
  if (S.registry.symbology === 'inspection') list.push('inspection');
  pageState().set({ layers: list.join(','), kind: S.kind || null });
}

// ---------------------------------------------------------------------------
// Symbols
const SEVERITY_COLOURS = { critical: '#D55E00', major: '#E69F00', minor: '#F0E442' };
const SEVERITY_MARKS = { critical: '!!!', major: '!!', minor: '!' };
const REPORT_COLOUR = '#5c2d91';
const ROAD_STYLES = { true: { color: '#56B4E9', dash: [], width: 6 }, false: { color: '#6b6b6b', dash: [8, 4], width: 4 } };

function defectSvg(severity, size = 22) {
  const c = SEVERITY_COLOURS[severity] || '#BBBBBB';
  const mark = SEVERITY_MARKS[severity] || '?';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="${size}" height="${size}" aria-hidden="true" focusable="false">`
    + '<polygon points="12,2 22.5,21 1.5,21" fill="none" stroke="#fff" stroke-width="4" stroke-linejoin="round"/>'
    + `<polygon points="12,2 22.5,21 1.5,21" fill="${c}" stroke="#1a1a1a" stroke-width="1.5" stroke-linejoin="round"/>`
    + `<text x="12" y="19" text-anchor="middle" font-family="sans-serif" font-weight="700" font-size="${mark.length > 2 ? 8 : 10}" fill="#1a1a1a">${mark}</text></svg>`;
}

function reportSvg(size = 22) {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="${size}" height="${size}" aria-hidden="true" focusable="false">`
    + '<path d="M3 3h18v13H11l-5 5v-5H3z" fill="none" stroke="#fff" stroke-width="4" stroke-linejoin="round"/>'
    + `<path d="M3 3h18v13H11l-5 5v-5H3z" fill="${REPORT_COLOUR}" stroke="#1a1a1a" stroke-width="1.5" stroke-linejoin="round"/>`
    + '<circle cx="8" cy="9.5" r="1.5" fill="#fff"/><circle cx="12" cy="9.5" r="1.5" fill="#fff"/><circle cx="16" cy="9.5" r="1.5" fill="#fff"/></svg>';
}

function lineSvg(color, dash) {
  const d = dash && dash.length ? ` stroke-dasharray="${dash.join(' ')}"` : '';
  return '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 12" width="40" height="12" aria-hidden="true" focusable="false">'
    + '<line x1="2" y1="6" x2="38" y2="6" stroke="#fff" stroke-width="7" stroke-linecap="round"/>'
    + `<line x1="2" y1="6" x2="38" y2="6" stroke="${color}" stroke-width="4"${d}/></svg>`;
}

const images = new Map(); // svg text -> decoded image

function imageOf(svg) {
  let entry = images.get(svg);
  if (!entry) {
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    entry = { img, ready: img.decode().then(() => img).catch(() => img) };
    images.set(svg, entry);
  }
  return entry;
}

// ---------------------------------------------------------------------------
// Vector tile layers on canvas
const TILE = 256;
const MAX_NATIVE_ZOOM = 20;

const MvtLayer = L.GridLayer.extend({
  options: { tileSize: TILE, maxNativeZoom: MAX_NATIVE_ZOOM, maxZoom: 22, updateWhenZooming: false, keepBuffer: 1 },

  initialize(name, options) {
    L.setOptions(this, options);
    this.layerName = name;
    this.data = new Map();   // tile key -> {coords, features, canvas}
    this.controllers = new Map();
    this.on('tileunload', (e) => {
      const key = this._tileCoordsToKey(e.coords);
      this.controllers.get(key)?.abort();
      this.controllers.delete(key);
      this.data.delete(key);
    });
  },

  url(coords) {
    const q = this.options.query ? this.options.query() : '';
    return `/tiles/${this.layerName}/${coords.z}/${coords.x}/${coords.y}.mvt${q}`;
  },

  createTile(coords, done) {
    const canvas = document.createElement('canvas');
    const ratio = window.devicePixelRatio || 1;
    canvas.width = TILE * ratio;
    canvas.height = TILE * ratio;
    canvas.setAttribute('aria-hidden', 'true');
    const key = this._tileCoordsToKey(coords);
    const ctrl = new AbortController();
    this.controllers.set(key, ctrl);
    fetch(this.url(coords), { signal: ctrl.signal })
      .then((res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return res.arrayBuffer();
      })
      .then(async (buf) => {
        const features = decode(buf, this.layerName);
        const entry = { coords, features, canvas };
        this.data.set(key, entry);
        await this.paint(entry);
        done(null, canvas);
        S.onTilesChanged();
      })
      .catch((err) => {
        if (err.name !== 'AbortError') {
          console.warn(`[tiles ${this.layerName}]`, err); // eslint-disable-line no-console
          done(err, canvas);
        }
      })
      .finally(() => { if (this.controllers.get(key) === ctrl) this.controllers.delete(key); });
    return canvas;
  },

  async paint(entry) {
    // A tile without features stays blank: no 2D context, so no bitmap to draw and composite (7 of the 18 tiles of
    // the demo's first view are empty).
    if (!entry.features.length && !entry.drawn) return;
    entry.drawn = true;
    const ctx = entry.canvas.getContext('2d');
    const ratio = entry.canvas.width / TILE;
    await this.options.prepare?.(entry.features);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, entry.canvas.width, entry.canvas.height);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    // lines first, points on top; the selected feature last
    const ordered = [...entry.features].sort((a, b) => Number(a.type === 1) - Number(b.type === 1) || Number(a.id === S.selectedId) - Number(b.id === S.selectedId));
    for (const f of ordered) this.options.draw(ctx, f);
  },

  /**
   * Fetches every tile again (another kind). Leaflet 1.9's GridLayer.redraw takes the map's zoom unrounded, so with
   * fractional zoom (zoomSnap 0.25) it would ask for tiles of zoom 10.5: the same, with the zoom rounded first.
   */
  redraw() {
    if (!this._map) return this;
    this._removeAllTiles();
    const z = this._clampZoom(Math.round(this._map.getZoom()));
    if (z !== this._tileZoom) {
      this._tileZoom = z;
      this._updateLevels();
    }
    this._update();
    return this;
  },

  /** Paints every loaded tile again from its decoded features (a style change; nothing is fetched). */
  repaint() {
    for (const entry of this.data.values()) this.paint(entry);
  },

  /** Loaded tiles at the zoom the layer draws now. */
  currentTiles() {
    const z = this._tileZoom;
    return [...this.data.values()].filter((e) => e.coords.z === z);
  },
});

/** Decodes one tile: features with tile-pixel geometry (0–256 inside the tile), properties and parsed breakdowns. */
function decode(buf, layerName) {
  if (!buf.byteLength) return [];
  const tile = new VectorTile(new PbfReader(new Uint8Array(buf)));
  const layer = tile.layers[layerName];
  if (!layer) return [];
  const out = [];
  for (let i = 0; i < layer.length; i += 1) {
    const f = layer.feature(i);
    const scale = TILE / f.extent;
    const rings = f.loadGeometry().map((ring) => ring.map((p) => [p.x * scale, p.y * scale]));
    const props = { ...f.properties };
    for (const k of ['statuses', 'inspectionStates', 'severities', 'services']) {
      if (typeof props[k] === 'string') {
        try { props[k] = JSON.parse(props[k]); } catch { props[k] = null; }
      }
    }
    const count = Number(props.count) || 1;
    out.push({ id: f.id != null ? String(f.id) : null, type: f.type, props, count, cluster: count > 1, rings });
  }
  return out;
}

function pointOf(f) {
  return f.rings[0] && f.rings[0][0];
}

/** Whether the feature belongs to this tile (not to its buffer ring): each one is then counted once. */
function inTile(f) {
  const p = pointOf(f);
  return p && p[0] >= 0 && p[0] < TILE && p[1] >= 0 && p[1] < TILE;
}

function drawLine(ctx, f, { color, dash = [], width = 4, halo = 7 }) {
  for (const [stroke, w, d] of [['#ffffff', halo, []], [color, width, dash]]) {
    ctx.beginPath();
    for (const ring of f.rings) {
      ring.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    }
    ctx.strokeStyle = stroke;
    ctx.lineWidth = w;
    ctx.setLineDash(d);
    ctx.lineCap = d.length ? 'butt' : 'round';
    ctx.lineJoin = 'round';
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

function drawImage(ctx, f, svg, size) {
  const p = pointOf(f);
  const { img } = imageOf(svg);
  if (p && img.complete) ctx.drawImage(img, p[0] - size / 2, p[1] - size / 2, size, size);
}

function clusterRadius(count) {
  return Math.min(22, 11 + 3.5 * Math.log10(count));
}

/** A cluster: its count as text in a white disc, a ring split by the breakdown, a shape per layer. */
function drawCluster(ctx, f, { shape, parts, colours }) {
  const p = pointOf(f);
  if (!p) return;
  const r = clusterRadius(f.count);
  const [x, y] = p;
  const path = () => {
    ctx.beginPath();
    if (shape === 'diamond') {
      ctx.moveTo(x, y - r * 1.25); ctx.lineTo(x + r * 1.25, y); ctx.lineTo(x, y + r * 1.25); ctx.lineTo(x - r * 1.25, y); ctx.closePath();
    } else if (shape === 'square') {
      ctx.roundRect(x - r, y - r, 2 * r, 2 * r, 5);
    } else {
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
  };
  path();
  ctx.fillStyle = '#ffffff';
  ctx.fill();
  ctx.lineWidth = 3;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
  // ring of the breakdown
  const entries = Object.entries(parts || {}).filter(([, n]) => n > 0);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  if (total > 0) {
    let start = -Math.PI / 2;
    ctx.save();
    path();
    ctx.clip();
    for (const [k, n] of entries) {
      const end = start + (n / total) * 2 * Math.PI;
      ctx.beginPath();
      ctx.arc(x, y, r - 2.5, start, end);
      ctx.strokeStyle = colours(k);
      ctx.lineWidth = 5;
      ctx.stroke();
      start = end;
    }
    ctx.restore();
  }
  path();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = '#1a1a1a';
  ctx.stroke();
  ctx.fillStyle = '#1a1a1a';
  ctx.font = `700 ${f.count >= 1000 ? 10 : 12}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(compact(f.count), x, y + 0.5);
}

function compact(n) {
  return numberFormat('en', { notation: n >= 10000 ? 'compact' : 'standard', maximumFractionDigits: 0 }).format(n);
}

function facilitySymbolSvg(props, size) {
  return S.registry.symbolSvg(props, size);
}

function statusColour(code) {
  const styles = S.registry.symbology === 'inspection' ? S.registry.inspectionStyles : S.registry.statusStyles;
  const c = styles[code]?.color || '#BBBBBB';
  return c.toUpperCase() === '#FFFFFF' ? '#767676' : c;
}

const DRAW = {
  facilities(ctx, f) {
    if (f.cluster) {
      const parts = S.registry.symbology === 'inspection' ? f.props.inspectionStates : f.props.statuses;
      drawCluster(ctx, f, { shape: 'circle', parts, colours: statusColour });
      return;
    }
    const selected = f.id && f.id === S.selectedId;
    if (f.type === 2) {
      const style = S.registry.symbology === 'inspection'
        ? { color: statusColour(f.props.inspectionState), dash: [] }
        : { color: statusColour(f.props.status), dash: (S.registry.statusStyles[f.props.status]?.dash || '6 3').split(' ').map(Number) };
      drawLine(ctx, f, { ...style, width: selected ? 8 : 5, halo: selected ? 11 : 8 });
      return;
    }
    const size = selected ? 32 : 24;
    if (selected) {
      const p = pointOf(f);
      ctx.beginPath();
      ctx.arc(p[0], p[1], 19, 0, 2 * Math.PI);
      ctx.lineWidth = 3;
      ctx.strokeStyle = '#b3003c';
      ctx.stroke();
    }
    drawImage(ctx, f, facilitySymbolSvg(f.props, 24), size);
  },
  roads(ctx, f) {
    const style = ROAD_STYLES[Boolean(f.props.accessible)];
    drawLine(ctx, f, { ...style, halo: style.width + 3 });
  },
  defects(ctx, f) {
    if (f.cluster) {
      drawCluster(ctx, f, { shape: 'diamond', parts: f.props.severities, colours: (k) => SEVERITY_COLOURS[k] || '#BBBBBB' });
      return;
    }
    drawImage(ctx, f, defectSvg(f.props.severity, 22), 22);
  },
  reports(ctx, f) {
    if (f.cluster) {
      drawCluster(ctx, f, { shape: 'square', parts: { all: f.count }, colours: () => REPORT_COLOUR });
      return;
    }
    drawImage(ctx, f, reportSvg(22), 22);
  },
};

/** Symbols a tile needs, decoded before it is painted (canvas cannot wait for an image). */
const PREPARE = {
  facilities: (features) => Promise.all(features.filter((f) => !f.cluster && f.type === 1).map((f) => imageOf(facilitySymbolSvg(f.props, 24)).ready)),
  defects: (features) => Promise.all(features.filter((f) => !f.cluster).map((f) => imageOf(defectSvg(f.props.severity, 22)).ready)),
  reports: () => imageOf(reportSvg(22)).ready,
};

// Stacking: points above lines, reports on top.
const Z_INDEX = { roads: 210, facilities: 220, defects: 230, reports: 240 };

function makeTileLayer(name) {
  const map = S.map;
  const pane = `tiles-${name}`;
  if (!map.getPane(pane)) {
    map.createPane(pane);
    map.getPane(pane).style.zIndex = String(400 + Z_INDEX[name] / 10);
    map.getPane(pane).style.pointerEvents = 'none';
  }
  return new MvtLayer(name, {
    pane,
    draw: DRAW[name],
    prepare: PREPARE[name],
    query: name === 'facilities' ? () => (S.kind ? `?kind=${encodeURIComponent(S.kind)}` : '') : null,
    className: `mvt-layer mvt-${name}`,
  });
}

// ---------------------------------------------------------------------------
// Hit testing: the feature under a map point, topmost layer first.
function hitTest(latlng, tolerancePx = 4) {
  const map = S.map;
  for (const name of ['reports', 'defects', 'facilities', 'roads']) {
    const layer = S.tileLayers[name];
    if (!layer || !map.hasLayer(layer) || layer._tileZoom == null) continue;
    const z = layer._tileZoom;
    const scale = map.getZoomScale(map.getZoom(), z);
    const p = map.project(latlng, z);
    const tx = Math.floor(p.x / TILE);
    const ty = Math.floor(p.y / TILE);
    const entry = layer.data.get(`${tx}:${ty}:${z}`);
    if (!entry) continue;
    const lx = p.x - tx * TILE;
    const ly = p.y - ty * TILE;
    let best = null;
    let bestD = Infinity;
    for (const f of entry.features) {
      let d;
      let reach;
      if (f.type === 1) {
        const q = pointOf(f);
        d = Math.hypot(q[0] - lx, q[1] - ly);
        reach = (f.cluster ? clusterRadius(f.count) * 1.25 : 12) / scale + tolerancePx / scale;
      } else {
        d = Math.min(...f.rings.map((ring) => distanceToLine(lx, ly, ring)));
        reach = (6 + tolerancePx) / scale;
      }
      if (d <= reach && d < bestD) {
        best = f;
        bestD = d;
      }
    }
    if (best) return { layer: name, feature: best, latlng: latlngOf(best, entry.coords) || latlng };
  }
  return null;
}

function distanceToLine(x, y, ring) {
  let min = Infinity;
  for (let i = 1; i < ring.length; i += 1) {
    const [ax, ay] = ring[i - 1];
    const [bx, by] = ring[i];
    const dx = bx - ax;
    const dy = by - ay;
    const len = dx * dx + dy * dy;
    const t = len ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
    min = Math.min(min, Math.hypot(x - (ax + t * dx), y - (ay + t * dy)));
  }
  return min;
}

function latlngOf(f, coords) {
  const p = pointOf(f);
  if (!p) return null;
  return S.map.unproject(L.point(coords.x * TILE + p[0], coords.y * TILE + p[1]), coords.z);
}

/** Map click: open what was hit; true when something was. */
function onMapClick(e) {
  const hit = hitTest(e.latlng);
  if (!hit) return false;
  openHit(hit);
  return true;
}

function openHit({ layer, feature: f, latlng }) {
  if (f.cluster) {
    zoomToCluster(layer, f, latlng);
    return;
  }
  if (layer === 'facilities') {
    S.registry.openFacility(f.id);
    return;
  }
  const content = el('div', { class: 'layer-popup' });
  if (layer === 'reports') {
    content.append(el('p', { text: reportText(f.props) }),
      el('a', { href: `/report.html?track=${encodeURIComponent(f.id)}`, text: tx('track') }));
  } else if (layer === 'defects') {
    content.append(el('p', { text: defectText(f.props) }));
    if (f.props.facilityId != null) {
      content.append(el('button', { type: 'button', class: 'link-button', text: `${tx('facilityOf')}: ${tx('details')}`, onclick: () => S.registry.openFacility(String(f.props.facilityId)) }));
    }
  } else if (layer === 'roads') {
    content.append(el('p', { text: roadText(f.props) }));
  }
  L.popup().setLatLng(latlng).setContent(content).openOn(S.map);
}

function zoomToCluster(layer, f, latlng) {
  const text = clusterText(layer, f);
  S.map.setView(latlng, Math.min(Math.max(S.map.getZoom() + 2, 11), 16), motion());
  announce(tx('zoomedTo', { text }));
}

// ---------------------------------------------------------------------------
// Words for features
const SERVICES = new Map(); // service code -> {zh, en}
const ITEMS = new Map(); // checklist item code -> {zh, en}

async function loadNames() {
  try {
    const services = await getJson('/open311/v2/services.json');
    for (const s of services) {
      const [zh, en] = String(s.service_name || s.service_code).split(' / ');
      SERVICES.set(s.service_code, { zh, en: en || zh });
    }
  } catch { /* codes are shown instead */ }
  try {
    const body = await getJson('/api/v1/checklists');
    for (const c of body.checklists || []) for (const i of c.items || []) if (!ITEMS.has(i.code)) ITEMS.set(i.code, i.labels);
  } catch { /* codes are shown instead */ }
}

const serviceName = (code) => pickLang(SERVICES.get(code), code);
const itemName = (code) => pickLang(ITEMS.get(code), code);
const severityName = (s) => tx(s) || s;
const defectStatusName = (s) => ({ open: tx('dStatusOpen'), assigned: tx('dStatusAssigned'), fixed: tx('dStatusFixed') }[s] || s);
const roadClassName = (c) => ({ main: tx('roadMain'), secondary: tx('roadSecondary'), branch: tx('roadBranch') }[c] || c || '—');

function reportText(p) {
  return tx('reportPopup', { category: serviceName(p.serviceCode), date: date(p.requestedAt), meToo: num(p.meToo || 0) });
}

function defectText(p) {
  return tx('defectPopup', { item: itemName(p.item), severity: severityName(p.severity), status: defectStatusName(p.status), overdue: p.overdue ? tx('overdueSuffix') : '' });
}

function roadText(p) {
  return tx('roadPopup', { name: p.name || tx('unnamedRoad'), cls: roadClassName(p.roadClass), acc: p.accessible ? tx('roadAccessible') : tx('roadNotAccessible') });
}

function breakdownText(layer, f) {
  const sep = getLang() === 'en' ? ', ' : '、';
  const entries = (o, name) => Object.entries(o || {}).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${name(k)} ${num(n)}`).join(sep);
  if (layer === 'facilities') {
    return S.registry.symbology === 'inspection'
      ? entries(f.props.inspectionStates, (k) => S.registry.inspectionStateLabel(k))
      : entries(f.props.statuses, (k) => S.registry.statusLabel(k));
  }
  if (layer === 'defects') return entries(f.props.severities, severityName);
  if (layer === 'reports') return entries(f.props.services, serviceName);
  return '';
}

function clusterText(layer, f) {
  const parts = breakdownText(layer, f);
  return layer === 'facilities'
    ? tx('clusterFacilities', { n: num(f.count), parts })
    : `${tx(layer)}: ${tx('clusterRow', { n: num(f.count), parts })}`;
}

// ---------------------------------------------------------------------------
// Module state
const S = {
  registry: null,
  map: null,
  active: new Set(DEFAULT_LAYERS),
  kind: '',
  tileLayers: {},
  selectedId: null,
  gapsLayer: null,
  candidatesLayer: null,
  whatIfLayer: null,
  gaps: null,
  candidates: null,
  gapsError: null,
  gapsFor: null,
  gapsCtrl: null,
  listTimer: null,
  onTilesChanged: () => {},
};

// ---------------------------------------------------------------------------
// Layer control
function renderControl() {
  const slot = document.getElementById('maplayers-controls');
  if (!slot) return;
  const boxes = LAYERS.map((name) => el('label', { class: 'layer-choice', for: `layer-toggle-${name}` },
    el('input', {
      type: 'checkbox', id: `layer-toggle-${name}`, name: 'layers', value: name, checked: S.active.has(name),
      onchange: (e) => toggleLayer(name, e.target.checked),
    }),
    el('span', { text: tx(name) })));
  const kinds = [...S.registry.kinds.values()];
  const select = el('select', { id: 'layer-kind', name: 'kind', onchange: (e) => setKind(e.target.value) },
    el('option', { value: '', text: tx('kindAll') }),
    ...kinds.map((k) => el('option', { value: k.code, text: S.registry.kindLabel(k.code) })));
  select.value = S.kind;
  slot.replaceChildren(
    el('fieldset', { class: 'layer-control' }, el('legend', { text: tx('controlLegend') }), ...boxes),
    el('span', { class: 'layer-kind' }, el('label', { for: 'layer-kind', text: tx('kindLabel') }), select));
}

function toggleLayer(name, on) {
  if (on) S.active.add(name);
  else S.active.delete(name);
  applyLayers();
  writeLayers();
}

function setKind(kind) {
  S.kind = kind || '';
  S.tileLayers.facilities?.redraw();
  writeLayers();
  if (S.active.has('gaps') || S.active.has('candidates')) loadGaps(true);
  renderNearestForm();
}

/**
 * Adds and removes the layers to match S.active. `oneByOne` (the page's start) adds each tile layer in its own task:
 * adding one makes its tiles' canvases and requests, about 100 ms on a phone's CPU. Without it, all of it happens
 * before this returns.
 */
async function applyLayers({ oneByOne = false } = {}) {
  for (const name of ['facilities', 'roads', 'defects', 'reports']) {
    const layer = S.tileLayers[name] || (S.tileLayers[name] = makeTileLayer(name));
    if (S.active.has(name) && !S.map.hasLayer(layer)) {
      layer.addTo(S.map);
      if (oneByOne) await nextTask();
    }
    if (!S.active.has(name) && S.map.hasLayer(layer)) layer.remove();
  }
  for (const box of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('#maplayers-controls input[name="layers"]'))) box.checked = S.active.has(box.value);
  if (S.active.has('gaps') || S.active.has('candidates')) loadGaps(false);
  drawGaps();
  renderLegend();
  scheduleLists();
}

/** The page state changed (Back, a link, another module): follow it. */
function followState() {
  const { layers, inspection } = readLayers();
  const kind = pageState().get()?.kind || '';
  const same = layers.length === S.active.size && layers.every((l) => S.active.has(l)) && kind === S.kind;
  if ((S.registry.symbology === 'inspection') !== inspection) S.registry.setSymbology(inspection ? 'inspection' : 'status');
  if (same) return;
  S.active = new Set(layers);
  if (kind !== S.kind) {
    S.kind = kind;
    S.tileLayers.facilities?.redraw();
    const select = /** @type {HTMLSelectElement|null} */ (document.getElementById('layer-kind'));
    if (select) select.value = kind;
  }
  applyLayers();
}

// ---------------------------------------------------------------------------
// Legend of the layers added here
function renderLegend() {
  const box = document.getElementById('maplayers-legend');
  if (!box) return;
  const items = [];
  const item = (svg, label, data) => el('li', { class: 'legend-item', 'data-legend': data },
    el('span', { class: 'legend-symbols', 'data-svg': '' }), el('span', { class: 'legend-label', text: label }));
  const add = (svg, label, data) => {
    const li = item(svg, label, data);
    // Markup of the constant symbols of this file only (colours and numbers of its tables), never text from the server.
    li.querySelector('.legend-symbols').innerHTML = svg;
    items.push(li);
  };
  if (S.active.has('facilities')) {
    add('<svg viewBox="0 0 30 30" width="26" height="26" aria-hidden="true" focusable="false"><circle cx="15" cy="15" r="12" fill="#fff" stroke="#1a1a1a" stroke-width="1.5"/>'
      + '<circle cx="15" cy="15" r="9.5" fill="none" stroke="#009E73" stroke-width="5" stroke-dasharray="40 60"/><text x="15" y="19" text-anchor="middle" font-size="11" font-weight="700">12</text></svg>', tx('legendCluster'), 'cluster');
  }
  if (S.active.has('roads')) {
    add(lineSvg(ROAD_STYLES.true.color, []), `${tx('roads')}: ${tx('roadAccessible')}`, 'road-accessible');
    add(lineSvg(ROAD_STYLES.false.color, ROAD_STYLES.false.dash), `${tx('roads')}: ${tx('roadNotAccessible')}`, 'road-not-accessible');
  }
  if (S.active.has('defects')) {
    for (const s of ['critical', 'major', 'minor']) add(defectSvg(s, 22), `${tx('defects')}: ${severityName(s)}`, `defect-${s}`);
    add('<svg viewBox="0 0 30 30" width="26" height="26" aria-hidden="true" focusable="false"><polygon points="15,1 29,15 15,29 1,15" fill="#fff" stroke="#1a1a1a" stroke-width="1.5"/><text x="15" y="19" text-anchor="middle" font-size="11" font-weight="700">5</text></svg>', tx('legendDefectCluster'), 'defect-cluster');
  }
  if (S.active.has('reports')) {
    add(reportSvg(22), tx('legendReport'), 'report');
    add('<svg viewBox="0 0 30 30" width="26" height="26" aria-hidden="true" focusable="false"><rect x="3" y="3" width="24" height="24" rx="5" fill="#fff" stroke="#1a1a1a" stroke-width="1.5"/><text x="15" y="19" text-anchor="middle" font-size="11" font-weight="700">3</text></svg>', tx('legendReportCluster'), 'report-cluster');
  }
  if (S.active.has('gaps')) {
    GAP_CLASSES.forEach((c, i) => add(`<svg viewBox="0 0 22 22" width="22" height="22" aria-hidden="true" focusable="false"><polygon points="11,1 20,6 20,16 11,21 2,16 2,6" fill="${c}" stroke="#7f2704" stroke-width="1.5"/></svg>`,
      `${tx('gaps')}: ${tx('gapClass', { range: gapClassRange(i) })}`, `gap-${i}`));
  }
  if (S.active.has('candidates')) {
    add('<svg viewBox="0 0 26 26" width="24" height="24" aria-hidden="true" focusable="false"><circle cx="13" cy="13" r="11" fill="#1f3a93" stroke="#fff" stroke-width="2"/><text x="13" y="17.5" text-anchor="middle" font-size="12" font-weight="700" fill="#fff">1</text></svg>', tx('candidates'), 'candidate');
  }
  const section = box.closest('section');
  if (section) section.hidden = items.length === 0;
  document.getElementById('maplayers-legend-heading').textContent = tx('legendTitle');
  box.replaceChildren(...items);
}

// ---------------------------------------------------------------------------
// Lists of what the tile layers show in view (counted once: a tile's own features, inside the map's bounds)
function featuresInView(name) {
  const layer = S.tileLayers[name];
  if (!layer || !S.map.hasLayer(layer)) return null;
  const bounds = S.map.getBounds();
  const seen = new Set();
  const out = [];
  for (const entry of layer.currentTiles()) {
    for (const f of entry.features) {
      if (f.type === 1 && !inTile(f)) continue;
      const key = f.id ? `id:${f.id}` : null;
      if (key && seen.has(key)) continue; // a line crossing tiles
      const ll = f.type === 1 ? latlngOf(f, entry.coords) : null;
      if (ll && !bounds.contains(ll)) continue;
      if (key) seen.add(key);
      out.push({ f, latlng: ll || latlngOf(f, entry.coords) });
    }
  }
  return out;
}

function scheduleLists() {
  clearTimeout(S.listTimer);
  S.listTimer = setTimeout(renderLists, 150);
}

function clusterRow(layer, { f, latlng }, colspan) {
  return el('tr', { class: 'cluster-row' },
    el('td', { colspan: String(colspan) }, `${clusterText(layer, f)} `,
      el('button', { type: 'button', class: 'link-button', text: tx('zoomIn'), onclick: () => zoomToCluster(layer, f, latlng) })));
}

function tableOf(id, caption, headers, rows) {
  return el('table', { class: 'layer-table', id },
    el('caption', { class: 'visually-hidden', text: caption }),
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col', text: h })))),
    el('tbody', {}, ...rows));
}

function renderLists() {
  const box = document.getElementById('maplayers-lists');
  if (!box) return;
  document.getElementById('maplayers-lists-heading').textContent = tx('listsTitle');
  const parts = [];
  const defects = featuresInView('defects');
  if (defects) {
    const rows = defects.sort((a, b) => b.f.count - a.f.count).map((x) => (x.f.cluster ? clusterRow('defects', x, 5) : el('tr', { 'data-defect-id': x.f.id },
      el('th', { scope: 'row', text: severityName(x.f.props.severity) }),
      el('td', { text: itemName(x.f.props.item) }),
      el('td', { text: defectStatusName(x.f.props.status) }),
      el('td', { text: x.f.props.overdue ? tx('yes') : tx('no') }),
      el('td', {}, x.f.props.facilityId != null
        ? el('button', { type: 'button', class: 'link-button', text: tx('details'), onclick: () => S.registry.openFacility(String(x.f.props.facilityId)) })
        : null))));
    parts.push(listSection('defects', tx('defectsInView'), rows.length
      ? tableOf('defects-table', tx('defectsInView'), [tx('severity'), tx('item'), tx('status'), tx('overdue'), tx('facilityOf')], rows)
      : null, defects.some((x) => x.f.cluster)));
  }
  const reports = featuresInView('reports');
  if (reports) {
    const rows = reports.sort((a, b) => b.f.count - a.f.count).map((x) => (x.f.cluster ? clusterRow('reports', x, 4) : el('tr', { 'data-report-id': x.f.id },
      el('th', { scope: 'row', text: serviceName(x.f.props.serviceCode) }),
      el('td', { text: date(x.f.props.requestedAt) }),
      el('td', { text: num(x.f.props.meToo || 0) }),
      el('td', {}, el('a', { href: `/report.html?track=${encodeURIComponent(x.f.id)}`, text: tx('track') })))));
    parts.push(listSection('reports', tx('reportsInView'), rows.length
      ? tableOf('reports-table', tx('reportsInView'), [tx('category'), tx('filed'), tx('meToo'), tx('track')], rows)
      : null, reports.some((x) => x.f.cluster)));
  }
  box.replaceChildren(...parts);
  box.closest('section').hidden = parts.length === 0;
  // The page's list of facilities in view (app.js) follows the same tiles.
  document.dispatchEvent(new CustomEvent('registry:inviewchange'));
}

function listSection(name, title, table, clustered) {
  return el('div', { class: 'layer-list', 'data-layer': name },
    el('h3', { text: title }),
    clustered ? el('p', { class: 'legend-note', text: tx('listZoomIn') }) : null,
    table || el('p', { class: 'legend-note', text: tx('listEmpty') }));
}

// ---------------------------------------------------------------------------
// Coverage gaps, candidate sites, "what if" (GeoJSON of /api/v1/coverage/{code}/…)
const GAP_CLASSES = ['#fdd0a2', '#fd8d3c', '#d94801'];
let gapBreaks = [1, 2];

function gapClassRange(i) {
  const [a, b] = gapBreaks;
  if (i === 0) return a > 1 ? `1–${num(a - 1)}` : '1';
  if (i === 1) return b > a ? `${num(a)}–${num(b - 1)}` : num(a);
  return `≥ ${num(b)}`;
}

function gapClassOf(n) {
  return n >= gapBreaks[1] ? 2 : n >= gapBreaks[0] ? 1 : 0;
}

function gapParams() {
  return new URLSearchParams({ kind: S.kind || 'accessible_toilet' });
}

async function loadGaps(force) {
  const code = S.registry.districtCode;
  if (!code) return;
  const key = `${code}|${gapParams()}`;
  if (!force && S.gapsFor === key) return;
  S.gapsFor = key;
  S.gapsCtrl?.abort();
  const ctrl = new AbortController();
  S.gapsCtrl = ctrl;
  S.gaps = null;
  S.candidates = null;
  S.gapsError = null;
  renderGapsPanel(tx('gapsLoading'));
  try {
    const [gaps, candidates] = await Promise.all([
      getJson(`/api/v1/coverage/${encodeURIComponent(code)}/gaps?${gapParams()}`, { signal: ctrl.signal }),
      getJson(`/api/v1/coverage/${encodeURIComponent(code)}/candidates?${gapParams()}&count=10`, { signal: ctrl.signal }),
    ]);
    if (ctrl.signal.aborted) return;
    S.gaps = gaps;
    S.candidates = candidates;
  } catch (err) {
    if (err.name === 'AbortError') return;
    S.gapsError = err.message;
  }
  drawGaps();
  renderGapsPanel();
  renderLegend();
}

function drawGaps() {
  S.gapsLayer?.remove();
  S.candidatesLayer?.remove();
  S.gapsLayer = null;
  S.candidatesLayer = null;
  const show = S.active.has('gaps') || S.active.has('candidates');
  const panel = document.getElementById('maplayers-gaps');
  if (panel) panel.hidden = !show;
  if (!show) return;
  const cells = S.gaps?.features || [];
  const values = cells.map((c) => c.properties.uncovered).filter((v) => v > 0).sort((a, b) => a - b);
  if (values.length) {
    const q = (p) => values[Math.min(values.length - 1, Math.floor(p * values.length))];
    gapBreaks = [Math.max(2, q(1 / 3)), Math.max(3, q(2 / 3))];
    if (gapBreaks[1] <= gapBreaks[0]) gapBreaks[1] = gapBreaks[0] + 1;
  }
  if (S.active.has('gaps') && cells.length) {
    S.gapsLayer = L.geoJSON(S.gaps, {
      style: (f) => ({
        color: '#7f2704', weight: 1, fillColor: GAP_CLASSES[gapClassOf(f.properties.uncovered)], fillOpacity: 0.55, className: 'gap-cell',
      }),
      onEachFeature: (f, layer) => layer.bindTooltip(el('span', { text: gapText(f.properties) })),
    }).addTo(S.map);
    S.gapsLayer.bringToBack();
  }
  if (S.active.has('candidates') && S.candidates?.features?.length) {
    S.candidatesLayer = L.layerGroup(S.candidates.features.map((f) => {
      const [lon, lat] = f.geometry.coordinates;
      const p = f.properties;
      const label = tx('candidateLabel', { rank: p.rank, added: num(p.addedDemand) });
      const marker = L.marker([lat, lon], {
        icon: L.divIcon({ className: 'candidate-marker', html: el('span', { 'aria-hidden': 'true', text: String(p.rank) }), iconSize: [26, 26], iconAnchor: [13, 13] }),
        // Not a tab stop: neighbouring cells' markers overlap when zoomed out (too small a target), and the
        // candidate list beside the map offers the same "what if" for keyboard and screen-reader users.
        keyboard: false,
        title: label,
      });
      marker.on('add', () => {
        const node = marker.getElement();
        if (!node) return;
        node.setAttribute('aria-hidden', 'true');
        node.dataset.rank = String(p.rank);
      });
      marker.on('click', () => whatIf(lon, lat, tx('candidatePlace', { rank: p.rank })));
      return marker;
    })).addTo(S.map);
  }
}

function gapText(p) {
  return `${tx('gapCell')} ${p.cell}: ${tx('demand')} ${num(p.demand)}, ${tx('covered')} ${num(p.covered)}, ${tx('uncovered')} ${num(p.uncovered)}`;
}

/** A kind's name as it reads inside a sentence ("a new accessible toilet"). */
function kindText(code) {
  const name = S.registry.kindLabel(code);
  return getLang() === 'en' ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

/** The kind of the gap analysis. */
function kindName() {
  return kindText(S.kind || 'accessible_toilet');
}

function renderGapsPanel(message) {
  const box = document.getElementById('maplayers-gaps');
  if (!box) return;
  const heading = el('h2', { id: 'gaps-heading', text: tx('gapsTitle') });
  const centre = el('button', {
    type: 'button', id: 'whatif-centre', class: 'action-button', text: tx('whatIfCentre', { kind: kindName() }),
    onclick: () => {
      const c = S.map.getCenter();
      whatIf(c.lng, c.lat, tx('mapCentre'));
    },
  });
  const live = document.getElementById('whatif-status') || el('p', { id: 'whatif-status', class: 'live-result', role: 'status', 'aria-live': 'polite' });
  const parts = [heading, el('p', { class: 'legend-note', text: tx('gapsIntro', { kind: kindName(), m: num(S.gaps?.metres ?? 500) }) }), centre, live];
  const status = el('p', { id: 'gaps-status', class: 'legend-note', role: 'status' });
  parts.push(status);
  if (message) status.textContent = message;
  else if (S.gapsError) status.textContent = tx('gapsFailed', { detail: S.gapsError });
  else if (S.gaps) {
    const top = S.gaps;
    const district = S.registry.districts.find((d) => d.code === S.registry.districtCode)?.name || S.registry.districtCode;
    status.textContent = tx('gapsSummary', { district, demand: num(top.demand), covered: num(top.covered), share: pct(top.share) });
    if (top.households === 'none') parts.push(el('p', { class: 'legend-note', text: tx('householdsLeftOut') }));
    const cells = [...(S.gaps.features || [])].sort((a, b) => b.properties.uncovered - a.properties.uncovered || String(a.properties.cell).localeCompare(String(b.properties.cell)));
    if (S.active.has('gaps')) {
      if (!cells.length) parts.push(el('p', { text: tx('gapsNone') }));
      else {
        const shown = cells.slice(0, 50);
        parts.push(el('p', { class: 'legend-note', text: tx('gapsShown', { shown: num(shown.length), n: num(cells.length) }) }),
          tableOf('gaps-table', tx('gaps'), [tx('gapCell'), tx('demand'), tx('covered'), tx('uncovered')], shown.map((c) => {
            const p = c.properties;
            return el('tr', { 'data-cell': String(p.cell) },
              el('th', { scope: 'row' }, el('button', { type: 'button', class: 'link-button', text: String(p.cell), 'aria-label': `${tx('gapCell')} ${p.cell}: ${tx('showOnMap')}`, onclick: () => S.map.fitBounds(L.geoJSON(c).getBounds(), { maxZoom: 15, ...motion() }) })),
              el('td', { text: num(p.demand) }), el('td', { text: num(p.covered) }), el('td', { text: num(p.uncovered) }));
          })));
      }
    }
    if (S.active.has('candidates') && S.candidates) {
      parts.push(el('h3', { id: 'candidates-heading', text: tx('candidatesTitle') }),
        el('ol', { class: 'candidate-list', id: 'candidate-list' }, ...(S.candidates.features || []).map((f) => {
          const p = f.properties;
          const [lon, lat] = f.geometry.coordinates;
          return el('li', { 'data-rank': String(p.rank) },
            el('span', { text: tx('candidateItem', { rank: p.rank, added: num(p.addedDemand), share: pct(p.cumulativeShare) }) }), ' ',
            el('button', { type: 'button', class: 'link-button', text: tx('showOnMap'), onclick: () => S.map.setView([lat, lon], Math.max(S.map.getZoom(), 15), motion()) }), ' ',
            el('button', { type: 'button', class: 'link-button whatif-button', text: tx('whatIf'), onclick: () => whatIf(lon, lat, tx('candidatePlace', { rank: p.rank })) }));
        })));
    }
  }
  const liveText = live.textContent;
  box.replaceChildren(...parts);
  live.textContent = liveText;
}

async function whatIf(lon, lat, place) {
  const code = S.registry.districtCode;
  const live = document.getElementById('whatif-status');
  if (!code) {
    if (live) live.textContent = tx('noDistrict');
    return;
  }
  if (live) live.textContent = tx('whatIfLoading');
  S.whatIfLayer?.remove();
  const params = gapParams();
  params.set('lon', lon.toFixed(6));
  params.set('lat', lat.toFixed(6));
  try {
    const r = await getJson(`/api/v1/coverage/${encodeURIComponent(code)}/what-if?${params}`);
    S.whatIfLayer = L.layerGroup([
      L.circle([lat, lon], { radius: r.metres || 500, color: '#1f3a93', weight: 2, dashArray: '6 4', fillOpacity: 0.08, interactive: false }),
      L.circleMarker([lat, lon], { radius: 6, color: '#1a1a1a', weight: 2, fillColor: '#ffffff', fillOpacity: 1, interactive: false }),
    ]).addTo(S.map);
    if (live) {
      live.textContent = tx('whatIfResult', {
        kind: kindName(), place, before: pct(r.before.share), after: pct(r.after.share), bc: num(r.before.covered), ac: num(r.after.covered),
        demand: num(r.after.demand), added: num(r.added),
      });
    }
  } catch (err) {
    if (live) live.textContent = tx('whatIfFailed', { detail: err.message });
  }
}

/** "What if" from a map click: a button in the popup the page shows there. */
function whatIfAction(latlng) {
  if (!S.active.has('gaps') && !S.active.has('candidates')) return null;
  return el('p', {}, el('button', {
    type: 'button', class: 'link-button', text: tx('whatIfHere', { kind: kindName() }),
    onclick: () => {
      S.map.closePopup();
      whatIf(latlng.lng, latlng.lat, tx('pointPlace'));
      document.getElementById('whatif-status')?.scrollIntoView({ block: 'nearest' });
    },
  }));
}

// ---------------------------------------------------------------------------
// Place search and the nearest facilities (no map needed)
const NEAR = { places: [], place: null, results: null, ctrl: null, kind: 'accessible_toilet' };

function renderNearestForm() {
  const box = document.getElementById('maplayers-nearest');
  if (!box) return;
  const q = /** @type {HTMLInputElement|null} */ (document.getElementById('place-q'))?.value || '';
  const kinds = [...S.registry.kinds.values()].filter((k) => k.geometry !== 'LineString');
  const kindSelect = el('select', { id: 'nearest-kind', name: 'nearestKind', onchange: (e) => { NEAR.kind = e.target.value; } },
    ...kinds.map((k) => el('option', { value: k.code, text: S.registry.kindLabel(k.code) })));
  kindSelect.value = NEAR.kind;
  const input = el('input', { id: 'place-q', name: 'place', type: 'search', autocomplete: 'off', 'aria-describedby': 'nearest-intro' });
  input.value = q;
  const form = el('form', { id: 'nearest-form', role: 'search', 'aria-labelledby': 'nearest-heading', onsubmit: (e) => { e.preventDefault(); searchPlaces(); } },
    el('p', { class: 'field' }, el('label', { for: 'place-q', text: tx('placeLabel') }), input),
    el('p', { class: 'field' }, el('label', { for: 'nearest-kind', text: tx('nearestKindLabel') }), kindSelect),
    el('button', { type: 'submit', class: 'action-button', text: tx('placeSearch') }));
  box.replaceChildren(
    el('h2', { id: 'nearest-heading', tabindex: '-1', text: tx('nearestTitle') }),
    el('p', { id: 'nearest-intro', class: 'legend-note', text: tx('nearestIntro') }),
    form,
    el('p', { id: 'nearest-status', class: 'live-result', role: 'status', 'aria-live': 'polite' }),
    el('div', { id: 'place-results' }),
    el('div', { id: 'nearest-results' }));
  renderPlaces();
  renderNearest();
}

function placeLabel(p) {
  return p.parentName ? `${p.name}（${p.parentName}）` : p.name;
}

async function searchPlaces() {
  const q = /** @type {HTMLInputElement} */ (document.getElementById('place-q')).value.trim();
  const status = document.getElementById('nearest-status');
  if (!q) return;
  status.textContent = tx('placeSearching');
  try {
    const body = await getJson(`/api/v1/districts?q=${encodeURIComponent(q)}&limit=20`);
    const districts = body.items || [];
    const parents = new Map();
    await Promise.all([...new Set(districts.map((d) => d.parentCode).filter(Boolean))].map(async (code) => {
      const known = S.registry.districts.find((d) => d.code === code);
      if (known) parents.set(code, known.name);
      else {
        try { parents.set(code, (await getJson(`/api/v1/districts/${encodeURIComponent(code)}`)).district?.name || code); } catch { parents.set(code, code); }
      }
    }));
    const current = S.registry.districtCode || '';
    NEAR.places = districts.map((d) => ({ kind: 'district', code: d.code, name: d.name, parentCode: d.parentCode, parentName: parents.get(d.parentCode), bbox: d.bbox }))
      // the selected district's places first
      .sort((a, b) => (b.code.startsWith(current) - a.code.startsWith(current)) || a.code.localeCompare(b.code));
    status.textContent = NEAR.places.length ? tx('placeFound', { n: num(NEAR.places.length) }) : tx('placeNone', { q });
  } catch (err) {
    NEAR.places = [];
    status.textContent = err.message;
  }
  NEAR.results = null;
  renderPlaces();
  renderNearest();
}

function renderPlaces() {
  const box = document.getElementById('place-results');
  if (!box) return;
  if (!NEAR.places.length) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(el('h3', { id: 'place-results-heading', text: tx('placeResults') }),
    el('ul', { class: 'place-list', 'aria-labelledby': 'place-results-heading' }, ...NEAR.places.map((p) => el('li', {},
      el('button', {
        type: 'button', class: 'place-button', 'data-code': p.code, 'aria-pressed': NEAR.place?.code === p.code ? 'true' : 'false', text: placeLabel(p),
        onclick: () => choosePlace(p),
      })))));
}

/**
 * Where a place is: its seat (the township's street office or government, a public building registered under the
 * place's name: townships have no boundary), else the centre of its boundary's bounding box.
 */
async function locate(place) {
  const county = place.code.length > 6 ? place.code.slice(0, 6) : place.code;
  try {
    const params = new URLSearchParams({ kind: 'public_building', q: place.name, district: county, limit: '50' });
    const body = await getJson(`/api/v1/facilities?${params}`);
    const seats = (body.features || []).filter((f) => f.geometry?.type === 'Point' && String(f.properties?.name || '').startsWith(place.name));
    const rank = (name) => ['办事处', '人民政府', '政府'].findIndex((s) => name === place.name + s) + 1 || (name.endsWith('办事处') || name.endsWith('政府') ? 4 : 9);
    seats.sort((a, b) => rank(a.properties.name) - rank(b.properties.name));
    if (seats.length) {
      const [lon, lat] = seats[0].geometry.coordinates;
      return { lon, lat, seat: seats[0].properties.name };
    }
  } catch { /* fall back to the boundary */ }
  if (Array.isArray(place.bbox) && place.bbox.length === 4) {
    const [minLon, minLat, maxLon, maxLat] = place.bbox;
    return { lon: (minLon + maxLon) / 2, lat: (minLat + maxLat) / 2, seat: null };
  }
  return null;
}

async function choosePlace(place) {
  NEAR.place = place;
  NEAR.results = null;
  renderPlaces();
  renderNearest();
  /** @type {HTMLElement|null} */ (document.querySelector(`#place-results .place-button[data-code="${CSS.escape(place.code)}"]`))?.focus();
  const status = document.getElementById('nearest-status');
  const kind = kindText(NEAR.kind);
  status.textContent = tx('nearestLoading', { place: place.name, kind });
  NEAR.ctrl?.abort();
  const ctrl = new AbortController();
  NEAR.ctrl = ctrl;
  try {
    const at = await locate(place);
    if (ctrl.signal.aborted) return;
    if (!at) {
      status.textContent = tx('placeNoLocation', { place: placeLabel(place) });
      return;
    }
    const params = new URLSearchParams({ kind: NEAR.kind, status: 'operational', near: `${at.lon.toFixed(6)},${at.lat.toFixed(6)}`, limit: '5' });
    const body = await getJson(`/api/v1/facilities?${params}`, { signal: ctrl.signal });
    if (ctrl.signal.aborted) return;
    const from = at.seat ? tx('fromSeat', { place: place.name, seat: at.seat }) : place.name;
    NEAR.results = { from, place, at, kind: NEAR.kind, features: body.features || [] };
    renderNearest();
    const first = NEAR.results.features[0];
    status.textContent = first
      ? tx('nearestAnnounce', { place: from, kind, first: first.properties.name || '—', distance: metres(first.properties.distanceM), n: num(NEAR.results.features.length) })
      : tx('nearestNone', { place: from, kind });
  } catch (err) {
    if (err.name !== 'AbortError') status.textContent = err.message;
  }
}

function renderNearest() {
  const box = document.getElementById('nearest-results');
  if (!box) return;
  const r = NEAR.results;
  if (!r || !r.features.length) {
    box.replaceChildren();
    return;
  }
  const kind = kindText(r.kind);
  box.replaceChildren(el('h3', { id: 'nearest-results-heading', text: tx('nearestResults', { place: r.from, kind }) }),
    el('ol', { class: 'nearest-list', 'aria-labelledby': 'nearest-results-heading' }, ...r.features.map((f) => {
      const id = String(f.id ?? f.properties.id);
      return el('li', { 'data-facility-id': id },
        el('span', { class: 'nearest-text', text: tx('nearestItem', { name: f.properties.name || '—', distance: metres(f.properties.distanceM) }) }), ' ',
        el('button', { type: 'button', class: 'link-button', text: tx('details'), 'aria-label': `${f.properties.name || ''} ${tx('details')}`, onclick: () => S.registry.openFacility(id, { pan: true }) }));
    })));
}

// ---------------------------------------------------------------------------
// Live announcements of map actions (cluster zoom)
function announce(text) {
  const box = document.getElementById('maplayers-announce');
  if (box) box.textContent = text;
}

function renderStatic() {
  const skip = document.getElementById('skip-nearest');
  if (skip) skip.textContent = tx('skipNearest');
  renderControl();
  renderNearestForm();
  renderLegend();
  renderLists();
  if (S.active.has('gaps') || S.active.has('candidates')) renderGapsPanel(S.gaps || S.gapsError ? null : tx('gapsLoading'));
}

/** Starts the layers on the page's map (`registry` as app.js exposes it). */
export function initLayers(registry) {
  if (!L || !registry?.map) return;
  S.registry = registry;
  S.map = registry.map;
  registry.onMapClick = onMapClick;
  registry.highlight = (id) => {
    S.selectedId = id ? String(id) : null;
    S.tileLayers.facilities?.repaint();
  };
  registry.mapClickActions = [...(registry.mapClickActions || []), whatIfAction];
  registry.layers = {
    hitTest,
    whatIf,
    featuresInView,
    // a cluster of a layer in words (its count and breakdown), and zooming the map to it (with an announcement)
    clusterText,
    zoomToCluster,
    // the decoded tiles of a layer at the zoom drawn now: [{coords, features}]
    loadedTiles: (name) => (S.tileLayers[name] ? S.tileLayers[name].currentTiles().map(({ coords, features }) => ({ coords, features })) : []),
  };
  S.onTilesChanged = scheduleLists;

  const { layers, inspection } = readLayers();
  S.active = new Set(layers);
  S.kind = pageState().get()?.kind || '';
  if (inspection) registry.setSymbology('inspection');
  renderStatic();
  applyLayers({ oneByOne: true });
  loadNames().then(() => { renderLists(); });

  S.map.on('moveend', scheduleLists);
  S.map.on('mousemove', (e) => {
    S.map.getContainer().classList.toggle('over-feature', Boolean(hitTest(e.latlng, 0)));
  });
  document.addEventListener('registry:symbologychange', () => {
    S.tileLayers.facilities?.repaint();
    writeLayers();
    renderLists();
  });
  document.addEventListener('registry:districtchange', () => {
    S.gapsFor = null;
    S.whatIfLayer?.remove();
    const live = document.getElementById('whatif-status');
    if (live) live.textContent = '';
    if (S.active.has('gaps') || S.active.has('candidates')) loadGaps(true);
  });
  document.addEventListener('registry:langchange', renderStatic);
  document.addEventListener('registry:statechange', followState);
  window.addEventListener('popstate', followState);
}
