// The inspector page's judge (wwwroot/judge.js) against the shared table of cases
// (data/inspection-judge-cases.json), which the server's InspectionJudge passes too (xunit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { judgeAnswer, overall } from '../../wwwroot/judge.js';

const root = new URL('../../', import.meta.url);
const table = JSON.parse(readFileSync(new URL('data/inspection-judge-cases.json', root), 'utf8'));
const checklists = JSON.parse(readFileSync(new URL('data/checklists.json', root), 'utf8')).checklists;

function item(kind, code) {
  const found = checklists.find((c) => c.kind === kind)?.items.find((i) => i.code === code);
  assert.ok(found, `no item ${kind}/${code} in data/checklists.json`);
  return found;
}

for (const c of table.cases) {
  test(`judge case: ${c.name}`, () => {
    const got = judgeAnswer(item(c.kind, c.item), { value: c.value, unit: c.unit }, c.attributes || {});
    const verdict = got.error ? 'invalid' : got.verdict;
    assert.equal(verdict, c.expected, `${c.kind}/${c.item} ${JSON.stringify(c.value)} ${c.unit ?? ''}: ${JSON.stringify(got)}`);
    if (c.canonicalValue !== undefined) assert.ok(Math.abs(got.canonicalValue - c.canonicalValue) < 1e-6, `canonical ${got.canonicalValue}`);
  });
}

for (const c of table.overall) {
  test(`overall case: ${c.name}`, () => {
    const items = Object.keys(c.verdicts).map((code) => item(c.kind, code));
    assert.deepEqual(overall(items, c.verdicts), { result: c.result, facilityStatus: c.facilityStatus });
  });
}
