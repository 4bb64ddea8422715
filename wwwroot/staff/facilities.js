// Staff pages of facilities and road segments: enhancements only. Every form works without this script: the
// position is typed as latitude and longitude, a road segment as a list of coordinates. With script, a Leaflet map
// picks the point (click or drag the marker), "use my position" fills it from the phone's GPS, and a road segment is
// drawn and edited on the map with Leaflet-Geoman. The typed fields stay the one source of truth: the map writes
// into them and follows them. Texts come from the page (data-* attributes rendered from the string catalogue).
const L = window.L;

const DEFAULT_CENTER = [34.867, 110.447]; // 永济市, the pilot county
const DIGITS = 6; // about 0.1 m

/** Creates the map element after `box`'s children, sized by the CSSOM (the CSP allows no style attributes). */
function createMap(box) {
  const element = document.createElement('div');
  element.className = 'staff-map';
  element.style.height = window.matchMedia('(max-width: 640px)').matches ? '260px' : '360px';
  element.style.marginBottom = '20px';
  box.append(element);
  const map = L.map(element, { center: DEFAULT_CENTER, zoom: 15, keyboard: true });
  // No "Leaflet" link in the corner: a lone small link is a touch target below 24 px (WCAG 2.2 target size).
  map.attributionControl.setPrefix(false);
  if (box.dataset.tileUrl) {
    L.tileLayer(box.dataset.tileUrl, {
      attribution: box.dataset.tileAttribution || '', subdomains: box.dataset.tileSubdomains || 'abc', maxZoom: 19,
    }).addTo(map);
  }
  return map;
}

function readNumber(input) {
  const value = Number.parseFloat(String(input.value).replace(/[，,]/g, '.'));
  return Number.isFinite(value) ? value : null;
}

/** A point picker for the latitude and longitude fields named by data-lat and data-lon. */
function pointPicker(box) {
  const lat = /** @type {HTMLInputElement | null} */ (document.getElementById(box.dataset.lat));
  const lon = /** @type {HTMLInputElement | null} */ (document.getElementById(box.dataset.lon));
  if (!lat || !lon) return;
  const status = document.createElement('p');
  status.className = 'hint';
  status.setAttribute('role', 'status');
  if (navigator.geolocation) {
    const gps = document.createElement('button');
    gps.type = 'button';
    gps.className = 'button button--secondary';
    gps.textContent = box.dataset.gpsLabel || 'Use my position';
    gps.addEventListener('click', () => {
      status.textContent = box.dataset.gpsWaiting || '…';
      navigator.geolocation.getCurrentPosition(
        (position) => {
          setFields(position.coords.latitude, position.coords.longitude);
          place(true);
          status.textContent = (box.dataset.gpsDone || '') + ` ±${Math.round(position.coords.accuracy)} m`;
        },
        () => { status.textContent = box.dataset.gpsFailed || 'No position.'; },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 },
      );
    });
    box.append(gps);
  }
  box.append(status);
  const map = createMap(box);
  let marker = null;

  function setFields(latitude, longitude) {
    lat.value = latitude.toFixed(DIGITS);
    lon.value = longitude.toFixed(DIGITS);
  }

  function place(pan) {
    const la = readNumber(lat);
    const lo = readNumber(lon);
    if (la === null || lo === null || Math.abs(la) > 90 || Math.abs(lo) > 180) return;
    if (!marker) {
      marker = L.marker([la, lo], { draggable: true, keyboard: true, title: box.dataset.markerLabel || '' }).addTo(map);
      marker.on('dragend', () => {
        const p = marker.getLatLng();
        setFields(p.lat, p.lng);
      });
    } else {
      marker.setLatLng([la, lo]);
    }
    if (pan) map.setView([la, lo], Math.max(map.getZoom(), 17));
  }

  map.on('click', (e) => {
    setFields(e.latlng.lat, e.latlng.lng);
    place(false);
  });
  lat.addEventListener('change', () => place(true));
  lon.addEventListener('change', () => place(true));
  place(true);
}

/** "lat, lon" per line → [[lat, lon]…]; lines that cannot be read are left out (the server names them). */
function parseLines(text) {
  return text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).map((line) => {
    const parts = line.split(/[\s,;，；]+/).filter(Boolean).map(Number);
    return parts.length === 2 && parts.every(Number.isFinite) ? parts : null;
  }).filter(Boolean);
}

/** A road segment editor for the coordinates list named by data-coordinates: draw, edit, remove on the map. */
function lineEditor(box) {
  const area = /** @type {HTMLTextAreaElement | null} */ (document.getElementById(box.dataset.coordinates));
  if (!area) return;
  const map = createMap(box);
  let line = null;

  function write() {
    const points = line ? line.getLatLngs() : [];
    area.value = points.map((p) => `${p.lat.toFixed(DIGITS)}, ${p.lng.toFixed(DIGITS)}`).join('\n');
  }

  function adopt(layer) {
    if (line && line !== layer) line.remove();
    line = layer;
    line.on('pm:edit', write);
    line.on('pm:remove', () => { line = null; write(); });
  }

  function draw(fit) {
    const points = parseLines(area.value);
    if (line) { line.remove(); line = null; }
    if (points.length >= 2) {
      adopt(L.polyline(points).addTo(map));
      if (fit) map.fitBounds(line.getBounds(), { maxZoom: 18, padding: [20, 20] });
    }
  }

  if (map.pm) {
    map.pm.setLang(document.documentElement.lang.startsWith('zh') ? 'zh' : 'en');
    map.pm.addControls({
      position: 'topleft', drawMarker: false, drawCircleMarker: false, drawPolygon: false, drawRectangle: false,
      drawCircle: false, drawText: false, cutPolygon: false, rotateMode: false, dragMode: false,
      drawPolyline: true, editMode: true, removalMode: true,
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
  document.querySelectorAll('[data-point-picker]').forEach(pointPicker);
  document.querySelectorAll('[data-line-editor]').forEach(lineEditor);
}

// A module (loaded with type="module"), not a classic script: its names are its own.
export {};
