// Staff pages of community grids and township boundaries: enhancement only. Every form works without this script:
// the boundary is typed or pasted as GeoJSON. With script, a Leaflet map shows the boundary and Leaflet-Geoman draws
// and edits it; the textarea stays the one source of truth (the map writes into it and follows it).
const L = window.L;

const DEFAULT_CENTER = [34.867, 110.447]; // 永济市, the pilot county
const DIGITS = 7; // about 1 cm

function createMap(box) {
  const element = document.createElement('div');
  element.className = 'staff-map';
  element.style.height = window.matchMedia('(max-width: 640px)').matches ? '300px' : '420px';
  element.style.marginBottom = '20px';
  box.append(element);
  const map = L.map(element, { center: DEFAULT_CENTER, zoom: 12, keyboard: true });
  map.attributionControl.setPrefix(false);
  if (box.dataset.tileUrl) {
    L.tileLayer(box.dataset.tileUrl, {
      attribution: box.dataset.tileAttribution || '', subdomains: box.dataset.tileSubdomains || 'abc', maxZoom: 19,
    }).addTo(map);
  }
  return map;
}

const round = (n) => Number(n.toFixed(DIGITS));

/** The polygons of the drawn layers as one GeoJSON geometry (MultiPolygon when more than one). */
function geometryOf(layers) {
  const polygons = [];
  layers.forEach((layer) => {
    const g = layer.toGeoJSON().geometry;
    const list = g.type === 'MultiPolygon' ? g.coordinates : g.type === 'Polygon' ? [g.coordinates] : [];
    list.forEach((p) => polygons.push(p.map((ring) => ring.map(([x, y]) => [round(x), round(y)]))));
  });
  if (polygons.length === 0) return null;
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
}

function polygonEditor(box) {
  const area = /** @type {HTMLTextAreaElement | null} */ (document.getElementById(box.dataset.geometry));
  if (!area) return;
  const map = createMap(box);
  const drawn = new Set();

  function write() {
    const geometry = geometryOf(drawn);
    area.value = geometry ? JSON.stringify(geometry) : '';
  }

  function adopt(layer) {
    drawn.add(layer);
    layer.on('pm:edit', write);
    layer.on('pm:remove', () => { drawn.delete(layer); write(); });
  }

  function draw(fit) {
    drawn.forEach((layer) => layer.remove());
    drawn.clear();
    let parsed;
    try { parsed = area.value.trim() ? JSON.parse(area.value) : null; } catch { parsed = null; }
    if (parsed && parsed.type === 'Feature') parsed = parsed.geometry;
    if (!parsed || (parsed.type !== 'Polygon' && parsed.type !== 'MultiPolygon')) return;
    const polygons = parsed.type === 'Polygon' ? [parsed.coordinates] : parsed.coordinates;
    polygons.forEach((coordinates) => {
      try {
        const layer = L.geoJSON({ type: 'Polygon', coordinates }).getLayers()[0];
        if (layer) { layer.addTo(map); adopt(layer); }
      } catch { /* the server names what is wrong */ }
    });
    if (fit && drawn.size > 0) {
      const bounds = L.latLngBounds([]);
      drawn.forEach((layer) => bounds.extend(layer.getBounds()));
      map.fitBounds(bounds, { maxZoom: 17, padding: [20, 20] });
    }
  }

  if (map.pm) {
    map.pm.setLang(document.documentElement.lang.startsWith('zh') ? 'zh' : 'en');
    map.pm.addControls({
      position: 'topleft', drawMarker: false, drawCircleMarker: false, drawPolyline: false, drawCircle: false,
      drawText: false, cutPolygon: false, rotateMode: false, dragMode: false,
      drawPolygon: true, drawRectangle: true, editMode: true, removalMode: true,
    });
    // Geoman's buttons are links with an icon and the name only in the container's title: give them a name.
    box.querySelectorAll('.leaflet-pm-toolbar .button-container[title]').forEach((container) => {
      const button = container.querySelector('[role="button"]');
      if (button) button.setAttribute('aria-label', container.getAttribute('title'));
    });
    map.on('pm:create', (e) => { adopt(e.layer); write(); });
  }
  area.addEventListener('change', () => draw(true));
  draw(true);
}

if (L) {
  document.querySelectorAll('[data-polygon-editor]').forEach(polygonEditor);
}

export {};
