// Open311 intake under load: CLIENTS concurrent clients POST reports for SECONDS seconds against a running service
// and print one JSON line with the 201s, the other answers, the rate and the latency percentiles. The reports fall
// at random in a 7 × 7 km square inside 永济市 (140881) in two categories, so many of them are near one another and
// the duplicate search and its linking really work; one in five is sent next to a point another client uses at the
// same moment (the race the duplicate locks exist for).
//   node bench/intake.mjs BASE_URL [CLIENTS=8] [SECONDS=20] [LABEL]
//   IDS_FILE=path: the tracking numbers of the 201s go there, one a line (the bench checks each is stored)
import http from "node:http";

const [base, clientsText = "8", secondsText = "20", label = ""] = process.argv.slice(2);
if (!base) {
  console.error("usage: node bench/intake.mjs BASE_URL [CLIENTS] [SECONDS] [LABEL]");
  process.exit(2);
}

const clients = Number(clientsText);
const seconds = Number(secondsText);
const services = [["curb_ramp", "broken"], ["tactile_paving", "obstacle"]];
const hot = [110.44, 34.87];

function form() {
  const [code, problem] = services[Math.floor(Math.random() * services.length)];
  const near = Math.random() < 0.2;
  const lon = near ? hot[0] + (Math.random() - 0.5) * 0.0002 : 110.40 + Math.random() * 0.08;
  const lat = near ? hot[1] + (Math.random() - 0.5) * 0.0002 : 34.84 + Math.random() * 0.06;
  return new URLSearchParams({
    service_code: code, "attribute[problem]": problem, lat: lat.toFixed(7), long: lon.toFixed(7),
    description: "bench intake",
  }).toString();
}

// node:http with kept-alive connections, one per client: fetch costs the client several times the CPU a request, and
// the client shares the machine's two cores with the service and PostgreSQL.
const url = new URL("/open311/v2/requests.json", base);
const ids = [];
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
function post() {
  const start = process.hrtime.bigint();
  const body = form();
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: "POST", agent,
      headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) },
    }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => {
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        let duplicate = false;
        if (response.statusCode === 201) {
          const [filed] = JSON.parse(Buffer.concat(chunks).toString());
          duplicate = filed.duplicate_of != null;
          ids.push(filed.service_request_id);
        }

        resolve({ status: response.statusCode, ms, duplicate });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

// Warm-up (JIT and tiered compilation, connection pools, prepared statements): WARMUP seconds at full load first;
// the reports it files are counted as filed (created), not in the rate.
const warmUntil = Date.now() + Number(process.env.WARMUP ?? 10) * 1000;
let warm = 0;
await Promise.all(Array.from({ length: clients }, async () => {
  do {
    if ((await post()).status === 201) warm++;
  } while (Date.now() < warmUntil);
}));

const latencies = [];
const statuses = {};
let created = 0;
let duplicates = 0;
const until = Date.now() + seconds * 1000;
const begin = process.hrtime.bigint();
async function client() {
  while (Date.now() < until) {
    const r = await post();
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    if (r.status === 201) {
      created++;
      if (r.duplicate) duplicates++;
      latencies.push(r.ms);
    }
  }
}

await Promise.all(Array.from({ length: clients }, client));
const elapsed = Number(process.hrtime.bigint() - begin) / 1e9;
latencies.sort((a, b) => a - b);
if (process.env.IDS_FILE) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(process.env.IDS_FILE, ids.map((id) => id + "\n").join(""));
}
const at = (q) => latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 10) / 10 : null;
console.log(JSON.stringify({
  label, clients, seconds: Math.round(elapsed * 10) / 10, created: created + warm, duplicates, statuses,
  perSecond: Math.round(created / elapsed), p50: at(0.5), p95: at(0.95), p99: at(0.99),
}));
