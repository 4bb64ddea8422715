// Times one zoom of a tile layer the way a map asks for it (bench/tiles.sh): the K×K tiles around a point (fewer where the
// zoom has fewer), each asked once cold (its first request: the tile's SQL), then R times again without a validator
// (cached: the 200 from the service's tile cache) and R times with its ETag (the 304 from the change stamps), over one
// kept-alive connection as a browser does. Prints one JSON line: samples, p50 and p95 (ms) of each, the centre tile's
// bytes and its symbols / the facilities they stand for, and the statuses seen.
// usage: node bench/tile-times.mjs BASE_URL LAYER Z LON LAT [K=5] [R=3]
import http from 'node:http';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

const [base, layer, zText, lonText, latText, kText = '5', rText = '3'] = process.argv.slice(2);
if (!base || !layer || zText === undefined) {
  console.error('usage: node bench/tile-times.mjs BASE_URL LAYER Z LON LAT [K=5] [R=3]');
  process.exit(2);
}

const z = Number(zText);
const k = Number(kText);
const repeats = Number(rText);
const n = 2 ** z;
const lat = (Number(latText) * Math.PI) / 180;
const cx = Math.floor(((Number(lonText) + 180) / 360) * n);
const cy = Math.floor(((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * n);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const statuses = {};

function get(path, etag) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const request = http.get(base + path, { agent, headers: etag ? { 'If-None-Match': etag } : {} }, (response) => {
      const chunks = [];
      response.on('data', (c) => chunks.push(c));
      response.on('end', () => {
        const ms = performance.now() - t0;
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        resolve({ ms, status: response.statusCode, etag: response.headers.etag, body: Buffer.concat(chunks) });
      });
    });
    request.on('error', reject);
  });
}

const half = Math.floor(k / 2);
const tiles = [];
for (let dx = -half; dx <= half; dx++) {
  for (let dy = -half; dy <= half; dy++) {
    const x = cx + dx;
    const y = cy + dy;
    if (x >= 0 && y >= 0 && x < n && y < n) tiles.push({ x, y, centre: dx === 0 && dy === 0 });
  }
}

const cold = [];
const cached = [];
const notModified = [];
let centre = { bytes: 0, symbols: 0, facilities: 0 };
for (const t of tiles) {
  const path = `/tiles/${layer}/${z}/${t.x}/${t.y}.mvt`;
  const first = await get(path);
  cold.push(first.ms);
  if (t.centre) {
    const l = first.body.length ? new VectorTile(new PbfReader(first.body)).layers[layer] : null;
    let facilities = 0;
    for (let i = 0; l && i < l.length; i++) facilities += Number(l.feature(i).properties.count ?? 1);
    centre = { bytes: first.body.length, symbols: l ? l.length : 0, facilities };
  }
  for (let r = 0; r < repeats; r++) {
    cached.push((await get(path)).ms);
    notModified.push((await get(path, first.etag)).ms);
  }
}

const at = (values, q) => {
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] * 10) / 10;
};
const summary = (values) => ({ n: values.length, p50: at(values, 0.5), p95: at(values, 0.95) });
console.log(JSON.stringify({ z, cold: summary(cold), cached: summary(cached), notModified: summary(notModified), centre, statuses }));
agent.destroy();
