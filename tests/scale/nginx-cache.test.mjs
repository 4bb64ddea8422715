// nginx caches the public tiles by their Cache-Control and answers a client's If-None-Match from the cache; a client
// that has just written (its read-your-writes position) goes past the cache to the service.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeOf, tileOf } from './helpers.mjs';

const BASE = process.env.BASE_URL;

test('nginx keeps a tile for its max-age, answers 304 by its ETag, and lets a writer past', { timeout: 30_000 }, async () => {
  const url = `${BASE}/tiles/facilities/${tileOf(placeOf(7), 11)}.mvt`;
  const first = await fetch(url);
  assert.equal(first.status, 200);
  await first.arrayBuffer();
  assert.match(first.headers.get('cache-control') ?? '', /max-age=\d+/);
  const etag = first.headers.get('etag');
  assert.ok(etag, 'the tile has an ETag');
  assert.equal(first.headers.get('x-cache-status'), 'MISS');

  const second = await fetch(url);
  await second.arrayBuffer();
  assert.equal(second.headers.get('x-cache-status'), 'HIT', 'the second request is served by nginx');
  assert.equal(second.headers.get('etag'), etag);

  const revalidated = await fetch(url, { headers: { 'If-None-Match': etag } });
  assert.equal(revalidated.status, 304, 'a client holding the tile gets a 304');
  assert.equal(revalidated.headers.get('x-cache-status'), 'HIT', 'from the cache');

  const writer = await fetch(url, { headers: { 'Registry-LSN': '0/0' } });
  await writer.arrayBuffer();
  assert.equal(writer.status, 200);
  assert.equal(writer.headers.get('x-cache-status'), 'BYPASS', 'a client that wrote reads past the cache');
});
