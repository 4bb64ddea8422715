// Writes N synthetic facilities as a GeoJSON FeatureCollection, every point inside 永济市 (140881).
// usage: node bench/generate-facilities.mjs N out.geojson [minLon minLat maxLon maxLat]
import { createWriteStream } from 'node:fs';

const [n = '1000000', out = 'facilities.geojson', ...box] = process.argv.slice(2);
const [minLon, minLat, maxLon, maxLat] = box.length === 4 ? box.map(Number) : [110.40, 34.84, 110.48, 34.90];
const count = Number(n);
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const stream = createWriteStream(out);
const write = (text) => (stream.write(text) ? Promise.resolve() : new Promise((resolve) => stream.once('drain', resolve)));

await write('{"type":"FeatureCollection","features":[\n');
let chunk = '';
for (let i = 1; i <= count; i++) {
  const lon = (minLon + random() * (maxLon - minLon)).toFixed(7);
  const lat = (minLat + random() * (maxLat - minLat)).toFixed(7);
  const toilet = i % 3 === 0;
  const properties = toilet
    ? { fid: `b${i}`, name: `无障碍厕所 ${i}`, kind: 'accessible_toilet', door_width_mm: 800 + (i % 200), grab_bars: i % 2 === 0 }
    : { fid: `b${i}`, name: `缘石坡道 ${i}`, kind: 'curb_ramp', curb_ramp_type: i % 2 ? 'three_sided' : 'full_width', slope: 0.05 };
  chunk += `${i > 1 ? ',\n' : ''}{"type":"Feature","geometry":{"type":"Point","coordinates":[${lon},${lat}]},"properties":${JSON.stringify(properties)}}`;
  if (chunk.length > 1 << 20) {
    await write(chunk);
    chunk = '';
  }
}
await write(chunk + '\n]}\n');
stream.end();
