// Shared by the scale-out tests (scripts/scale.sh test starts the set-up and passes its addresses).
import { execFileSync } from 'node:child_process';

export const DB = process.env.SCALE_DB;
export const MAX_LAG_SECONDS = Number(process.env.SCALE_MAX_LAG_SECONDS);

/** Runs SQL as the superuser on the primary (psql, tuples only, unaligned). */
export function primary(sql) {
  return execFileSync('scripts/pg.sh', ['sql', DB], { input: sql, encoding: 'utf8' }).trim();
}

/** Runs SQL as the superuser on the streaming standby. */
export function standby(sql) {
  return execFileSync('scripts/pg.sh', ['replica', 'sql', DB], { input: sql, encoding: 'utf8' }).trim();
}

/** Files an anonymous Open311 report about a steep ramp in 永济市 (140881); the n-th one at its own place. */
export function fileReport(base, n, label) {
  const lat = 34.85 + (n % 100) * 0.0004;
  const lon = 110.40 + (Math.floor(n / 100) % 100) * 0.0004;
  return fetch(`${base}/open311/v2/requests.json`, {
    method: 'POST',
    body: new URLSearchParams({
      service_code: 'ramp', lat: String(lat), long: String(lon),
      description: `坡道太陡（扩容测试 ${label} ${n}）`, 'attribute[problem]': 'too_steep',
    }),
    signal: AbortSignal.timeout(30_000),
  });
}

/** Where fileReport puts the n-th report: [lon, lat]. */
export function placeOf(n) {
  return [110.40 + (Math.floor(n / 100) % 100) * 0.0004, 34.85 + (n % 100) * 0.0004];
}

/** The tile z/x/y holding [lon, lat]. */
export function tileOf([lon, lat], z) {
  const x = Math.floor(((lon + 180) / 360) * 2 ** z);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z);
  return `${z}/${x}/${y}`;
}

/** Polls fn until it returns true, for at most ms; returns whether it did. */
export async function eventually(fn, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await fn()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
