// What an API key costs a request: the same routes asked anonymously and with a key, interleaved, against a running
// service. The key's cost is its lookup (one indexed SELECT on the SHA-256) and the in-memory usage count.
//   node bench/api-key-overhead.mjs http://127.0.0.1:5115 <key secret> [requests per route, default 2000] [concurrency, default 4]
const [base, key, perRouteText = "2000", concurrencyText = "4"] = process.argv.slice(2);
if (!base || !key) {
  console.error("usage: node bench/api-key-overhead.mjs BASE_URL KEY [REQUESTS] [CONCURRENCY]");
  process.exit(2);
}

const perRoute = Number(perRouteText);
const concurrency = Number(concurrencyText);
const first = await (await fetch(base + "/api/v1/facilities?limit=1&district=140881", { headers: { "X-Api-Key": key } })).json();
const routes = ["/api/v1/districts/140881", "/api/v1/facilities/" + first.features[0].id, "/api/v1/facilities?limit=10&district=140881"];

async function time(url, headers) {
  const start = process.hrtime.bigint();
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), mean: sorted.reduce((s, x) => s + x, 0) / sorted.length };
}

async function run(route) {
  const anonymous = [];
  const withKey = [];
  let next = 0;
  // Warm-up: JIT, connection pool, plans.
  for (let i = 0; i < 50; i++) {
    await time(base + route, {});
    await time(base + route, { "X-Api-Key": key });
  }
  async function worker() {
    while (next < perRoute) {
      next++;
      // Interleaved, so that load from elsewhere on the machine falls on both alike.
      anonymous.push(await time(base + route, {}));
      withKey.push(await time(base + route, { "X-Api-Key": key }));
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const a = stats(anonymous);
  const k = stats(withKey);
  const f = (x) => x.toFixed(2).padStart(7);
  console.log(`${route}\n  anonymous  p50 ${f(a.p50)} ms  p95 ${f(a.p95)} ms  mean ${f(a.mean)} ms` +
    `\n  with key   p50 ${f(k.p50)} ms  p95 ${f(k.p95)} ms  mean ${f(k.mean)} ms  (mean +${(k.mean - a.mean).toFixed(2)} ms)`);
}

console.log(`${perRoute} requests per route and caller, ${concurrency} at a time, against ${base}`);
for (const route of routes) {
  await run(route);
}
