// dom.js helpers that run without a document: the year in China (the map panel's annual-report year, the plan
// period of the evaluation link) is computed without Intl and must agree with Intl's Asia/Shanghai at the turn of
// the year on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { yearInChina } from '../../wwwroot/dom.js';

const intlYear = (d) => Number(new Intl.DateTimeFormat('en', { year: 'numeric', timeZone: 'Asia/Shanghai' }).format(d));

test('the year in China turns at 16:00 UTC on 31 December, as Intl\'s Asia/Shanghai says', () => {
  for (const iso of ['2026-12-31T15:59:59.999Z', '2026-12-31T16:00:00Z', '2027-01-01T00:00:00Z', '2026-06-15T12:00:00Z',
    '2024-02-29T20:00:00Z', '1992-12-31T16:30:00Z']) {
    const d = new Date(iso);
    assert.equal(yearInChina(d), intlYear(d), iso);
  }
  assert.equal(yearInChina(new Date('2026-12-31T15:59:59Z')), 2026);
  assert.equal(yearInChina(new Date('2026-12-31T16:00:00Z')), 2027);
});
