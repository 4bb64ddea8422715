// Under load through nginx (anonymous reports filed and tiles, the public list and OGC items read concurrently),
// one service instance is killed and the standby stopped: every acknowledged (2xx) report is in the database
// afterwards, writes go on through the other instance, and reads go on (the primary answers them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { primary, fileReport, placeOf, tileOf } from './helpers.mjs';

const BASE = process.env.BASE_URL;
const WRITERS = 6;
const READERS = 3;
const BEFORE_MS = 2_000;
const AFTER_MS = 6_000;
// Reads in flight when the standby stops may fail once; from this long after, every read must succeed.
const SETTLE_MS = 3_000;

test('stopping one instance and the standby under load loses no acknowledged write; reads go on', { timeout: 60_000 }, async () => {
  const acknowledged = [];
  const refused = [];
  const reads = [];
  let stopAt = Infinity;
  let running = true;
  let n = 10_000;

  const writer = async () => {
    while (running) {
      const i = n++;
      try {
        const response = await fileReport(BASE, i, 'failover');
        if (response.ok) {
          acknowledged.push({ id: Number((await response.json())[0].service_request_id), at: Date.now() });
        } else {
          refused.push(response.status);
          await response.body?.cancel();
        }
      } catch (error) {
        refused.push(String(error.cause?.code ?? error.name));
      }
    }
  };
  const paths = [
    (i) => `/tiles/facilities/${tileOf(placeOf(i), 12 + (i % 5))}.mvt`,
    (i) => `/tiles/reports/${tileOf(placeOf(i), 14)}.mvt`,
    () => '/api/v1/facilities?bbox=110.35,34.80,110.50,34.95&limit=5',
    () => '/ogc/collections/public-reports/items?limit=5',
  ];
  const reader = async (r) => {
    for (let i = r; running; i += READERS) {
      const at = Date.now();
      let ok;
      try {
        const response = await fetch(BASE + paths[i % paths.length](i), { signal: AbortSignal.timeout(30_000) });
        ok = response.status === 200;
        await response.arrayBuffer();
      } catch {
        ok = false;
      }
      reads.push({ at, ok });
    }
  };

  const load = [...Array(WRITERS)].map(writer).concat([...Array(READERS)].map((_, r) => reader(r)));
  try {
    // At least BEFORE_MS of load, and some reports acknowledged before the stop (a cold instance answers slowly).
    await new Promise((resolve) => setTimeout(resolve, BEFORE_MS));
    for (let waited = 0; acknowledged.length < WRITERS && waited < 20_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stopAt = Date.now();
    process.kill(Number(process.env.INSTANCE_A_PID), 'SIGKILL');
    execFileSync('scripts/pg.sh', ['replica', 'stop']);
    await new Promise((resolve) => setTimeout(resolve, AFTER_MS));
  } finally {
    running = false;
    await Promise.all(load);
  }

  const ids = acknowledged.map((a) => a.id);
  const afterStop = acknowledged.filter((a) => a.at > stopAt).length;
  const settled = reads.filter((r) => r.at > stopAt + SETTLE_MS);
  const summary = `${ids.length} acknowledged (${afterStop} after the stop), ${refused.length} refused `
    + `(${[...new Set(refused)].join(', ')}), ${reads.length} reads (${reads.filter((r) => !r.ok).length} failed)`;
  console.log(summary);
  assert.ok(ids.length > afterStop, `reports were acknowledged before the stop: ${summary}`);
  assert.ok(afterStop > 0, `writes go on through the other instance: ${summary}`);
  const stored = primary(`SELECT count(*) FROM reports WHERE id = ANY('{${ids.join(',')}}'::bigint[])`);
  assert.equal(Number(stored), ids.length, `every acknowledged report is stored: ${summary}`);
  assert.ok(settled.length > 0, `reads go on after the stop: ${summary}`);
  assert.deepEqual(settled.filter((r) => !r.ok), [], `every read from ${SETTLE_MS} ms after the stop succeeds: ${summary}`);
});

test.after(() => {
  // The standby back for whatever runs next (scripts/scale.sh stops it at the end).
  execFileSync('scripts/pg.sh', ['replica', 'start']);
});
