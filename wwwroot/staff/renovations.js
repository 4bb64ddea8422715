// Staff workspace, household renovations: the map picker of the case form. An enhancement only: without script the
// longitude and latitude fields are typed (or left empty for the township the address names), and the form works.
// A click on the map (or Enter on it with the keyboard, at its centre) fills the two fields; a marker shows the
// place typed or picked. The district's boundary is drawn so that a planner sees where the household must lie.
// Leaflet is the classic script the page loads before this module (as every page of the registry does).
const L = window.L;

const picker = document.querySelector('[data-location-picker]');
if (picker) await enhance(picker);

async function enhance(root) {
  const lon = /** @type {HTMLInputElement | null} */ (document.getElementById(root.dataset.lonField));
  const lat = /** @type {HTMLInputElement | null} */ (document.getElementById(root.dataset.latField));
  const crs = /** @type {HTMLInputElement | HTMLSelectElement | null} */ (document.getElementById(root.dataset.crsField));
  const district = /** @type {HTMLInputElement | HTMLSelectElement | null} */ (document.getElementById(root.dataset.districtField));
  if (!lon || !lat) return;

  const container = document.createElement('div');
  container.className = 'map-picker';
  container.setAttribute('role', 'application');
  container.setAttribute('aria-label', root.dataset.label || '');
  container.tabIndex = 0;
  root.append(container);
  root.hidden = false;

  const map = L.map(container, { keyboard: true, zoomSnap: 0.25 }).setView([34.87, 110.45], 10);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com" lang="en">Leaflet</a>');
  const config = await getJson('/api/v1/config');
  if (config?.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || '', subdomains: config.tileSubdomains || 'abc', maxZoom: 19 }).addTo(map);
  }

  let boundary = null;
  let marker = null;

  const place = (latlng, pan) => {
    if (!marker) marker = L.marker(latlng, { keyboard: false }).addTo(map);
    else marker.setLatLng(latlng);
    if (pan) map.panTo(latlng);
  };
  const typed = () => {
    const x = Number.parseFloat(lon.value);
    const y = Number.parseFloat(lat.value);
    return Number.isFinite(x) && Number.isFinite(y) && Math.abs(x) <= 180 && Math.abs(y) <= 90 ? L.latLng(y, x) : null;
  };
  const pick = (latlng) => {
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    // The boundary (and so the picked point) is in CGCS2000, which agrees with WGS84 to centimetres.
    if (crs) crs.value = 'CGCS2000';
    place(latlng, false);
    lon.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const drawDistrict = async () => {
    const code = (district?.value || root.dataset.district || '').trim();
    if (!/^\d{6}$/.test(code)) return;
    const feature = await getJson(`/api/v1/districts/${code}/boundary`);
    if (!feature?.geometry) return;
    boundary?.remove();
    boundary = L.geoJSON(feature, { interactive: false, style: { color: '#0b0c0c', weight: 2, fill: false } }).addTo(map);
    if (!typed()) map.fitBounds(boundary.getBounds());
  };

  map.on('click', (e) => pick(e.latlng));
  container.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target === container) {
      e.preventDefault();
      pick(map.getCenter());
    }
  });
  for (const field of [lon, lat]) {
    field.addEventListener('input', () => {
      const at = typed();
      if (at) place(at, true);
    });
  }
  district?.addEventListener('change', drawDistrict);

  const start = typed();
  if (start) {
    place(start, false);
    map.setView(start, 15);
  }
  await drawDistrict();
  new ResizeObserver(() => map.invalidateSize()).observe(container);
}

async function getJson(url) {
  try {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

// A module (loaded with type="module"), not a classic script: its names are its own.
export {};
