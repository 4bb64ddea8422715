// Asks one URL from C clients at once (each waits for its answer before asking again) for S seconds, reading every
// body whole, and prints: requests, req/s, median and 95th percentile (ms), bytes of the last body, and the statuses.
// usage: node bench/http-load.mjs URL [CLIENTS=1] [SECONDS=10]
const [url, clientsText = '1', secondsText = '10'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node bench/http-load.mjs URL [CLIENTS=1] [SECONDS=10]');
  process.exit(2);
}

const clients = Number(clientsText);
const seconds = Number(secondsText);
const times = [];
const statuses = new Map();
let bytes = 0;
const end = performance.now() + seconds * 1000;

async function client() {
  while (performance.now() < end) {
    const t0 = performance.now();
    const response = await fetch(url);
    const body = await response.arrayBuffer();
    times.push(performance.now() - t0);
    bytes = body.byteLength;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: clients }, client));
const elapsed = (performance.now() - started) / 1000;
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
console.log(JSON.stringify({
  requests: times.length,
  perSecond: Math.round((times.length / elapsed) * 10) / 10,
  medianMs: Math.round(at(0.5) * 10) / 10,
  p95Ms: Math.round(at(0.95) * 10) / 10,
  bytes,
  statuses: Object.fromEntries(statuses),
}));
