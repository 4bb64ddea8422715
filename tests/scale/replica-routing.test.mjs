// Reads that may be stale (tiles, public lists, OGC items) go to the streaming standby; a client that wrote reads
// its own write from the primary while the standby lags (replay paused); a standby further behind than the bound
// is left aside. Proved by what each server holds, not by timing: with replay paused the standby lacks the new
// report, so a read that misses it was served by the standby, and one that finds it by the primary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DB, MAX_LAG_SECONDS, primary, standby, fileReport, placeOf, tileOf, eventually } from './helpers.mjs';

// Straight to one instance (the other is stopped by the failover test): no nginx cache in the way.
const BASE = process.env.INSTANCE_B_URL;
const item = (id) => `${BASE}/ogc/collections/public-reports/items/${id}`;
const T = { timeout: 60_000 };

async function standbyServing() {
  // A report filed and replayed: the standby is usable once a read without a position finds it.
  const filed = await fileReport(BASE, 9000 + Math.floor(Math.random() * 900), 'warm-up');
  const id = (await filed.json())[0].service_request_id;
  return eventually(async () => (await fetch(item(id))).status === 200, 15_000);
}

test('a read that may be stale is served by the standby; the writer reads its own write from the primary', T, async () => {
  assert.equal(standby('SELECT pg_is_in_recovery()'), 't', 'the standby is a standby');
  assert.ok(await standbyServing(), 'the standby serves and replays');
  standby('SELECT pg_wal_replay_pause()');
  try {
    const filed = await fileReport(BASE, 1, 'routing');
    assert.equal(filed.status, 201, await filed.clone().text());
    const id = (await filed.json())[0].service_request_id;
    const lsn = filed.headers.get('registry-lsn');
    assert.match(lsn ?? '', /^[0-9A-F]+\/[0-9A-F]+$/, 'the write answers its commit position');
    assert.match(filed.headers.get('set-cookie') ?? '', new RegExp(`registry_lsn=${lsn.replace('/', '%2F')}`), 'and as a cookie');
    assert.equal(primary(`SELECT count(*) FROM reports WHERE id = ${Number(id)}`), '1', 'committed on the primary');
    assert.equal(standby(`SELECT count(*) FROM reports WHERE id = ${Number(id)}`), '0', 'not yet replayed on the standby');

    // Anyone else: the standby answers (it does not have the report yet), and its sessions are the service's.
    assert.equal((await fetch(item(id))).status, 404, 'a read without a position is served by the standby');
    const sessions = standby(`SELECT count(*) FROM pg_stat_activity WHERE application_name = 'accessibility-stale-reads' AND datname = '${DB}'`);
    assert.ok(Number(sessions) > 0, 'the service has sessions on the standby');

    // The writer, by cookie (a browser) or header (an API client): the primary answers.
    assert.equal((await fetch(item(id), { headers: { cookie: `registry_lsn=${encodeURIComponent(lsn)}` } })).status, 200);
    assert.equal((await fetch(item(id), { headers: { 'Registry-LSN': lsn } })).status, 200);
    // The same for a tile of public reports: the writer's tile holds the report, the stale one does not yet.
    const tile = `${BASE}/tiles/reports/${tileOf(placeOf(1), 17)}.mvt`;
    const stale = Buffer.from(await (await fetch(tile)).arrayBuffer());
    const mine = Buffer.from(await (await fetch(tile, { headers: { 'Registry-LSN': lsn } })).arrayBuffer());
    assert.ok(mine.length > stale.length, `the writer's tile has the report (${mine.length} bytes against ${stale.length})`);
  } finally {
    standby('SELECT pg_wal_replay_resume()');
  }
});

test('once replayed, the standby serves the write to everyone', T, async () => {
  const filed = await fileReport(BASE, 2, 'replayed');
  assert.equal(filed.status, 201);
  const id = (await filed.json())[0].service_request_id;
  assert.ok(await eventually(() => standby(`SELECT count(*) FROM reports WHERE id = ${Number(id)}`) === '1', 15_000));
  assert.equal((await fetch(item(id))).status, 200);
});

test('a standby further behind than the bound is left aside: the primary answers', T, async () => {
  assert.ok(await standbyServing(), 'the standby serves and replays');
  standby('SELECT pg_wal_replay_pause()');
  try {
    const filed = await fileReport(BASE, 3, 'bound');
    assert.equal(filed.status, 201);
    const id = (await filed.json())[0].service_request_id;
    // Without a position, the read first misses the report (standby) and, once the standby is more than the bound
    // behind, finds it (primary) while the standby still lacks it.
    const found = await eventually(async () => (await fetch(item(id))).status === 200, (MAX_LAG_SECONDS + 10) * 1000);
    assert.ok(found, `a read finds the report within the bound (${MAX_LAG_SECONDS} s) and a few seconds`);
    assert.equal(standby(`SELECT count(*) FROM reports WHERE id = ${Number(id)}`), '0', 'the standby still lags');
  } finally {
    standby('SELECT pg_wal_replay_resume()');
  }
  assert.ok(await standbyServing(), 'after catching up, the standby serves again');
});
