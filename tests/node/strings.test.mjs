// The string catalogue (wwwroot/strings/*.json, script pages and staff pages alike): every file is
// { "key": { "zh": "…", "en": "…" } }, Chinese and English both present, keys unique across files; and every
// file the script pages load (AREAS of i18n.js) exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const dir = new URL('../../wwwroot/strings/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

test('every strings file maps each key to non-empty zh and en texts', () => {
  assert.ok(files.length > 0);
  for (const f of files) {
    const table = JSON.parse(readFileSync(new URL(f, dir), 'utf8'));
    assert.equal(typeof table, 'object', f);
    for (const [key, text] of Object.entries(table)) {
      assert.deepEqual(Object.keys(text).sort(), ['en', 'zh'], `${f}: ${key} has exactly zh and en`);
      assert.ok(typeof text.zh === 'string' && text.zh.trim(), `${f}: ${key} zh`);
      assert.ok(typeof text.en === 'string' && text.en.trim(), `${f}: ${key} en`);
    }
  }
});

test('keys are unique across the strings files', () => {
  const seen = new Map();
  for (const f of files) {
    for (const key of Object.keys(JSON.parse(readFileSync(new URL(f, dir), 'utf8')))) {
      assert.ok(!seen.has(key), `${key} is in both ${seen.get(key)} and ${f}`);
      seen.set(key, f);
    }
  }
});

test('the areas i18n.js loads all have their file', () => {
  const source = readFileSync(new URL('../../wwwroot/i18n.js', import.meta.url), 'utf8');
  const areas = JSON.parse(/export const AREAS = (\[[^\]]*\])/.exec(source)[1].replace(/'/g, '"'));
  for (const area of areas) assert.ok(files.includes(`${area}.json`), `strings/${area}.json`);
});
