// Judging of checklist answers in the browser, with the same rules as the server
// (see the "Checklists" section of the API contract), so that an inspector sees
// pass / fail and why while still offline. Pure functions: no DOM, importable by Node tests.
//
// Item = {code, type: measurement|observation|photo, quantity, unit, acceptedUnits,
//         physicalRange:{min,max}, rules:[{when:{attribute,equals}, min, max, equals, text:{zh,en}}],
//         clause, confidence: verified|notes|secondary|unconfirmed, severity, required}

/** Length units and their size in metres. */
const LENGTH_IN_METRES = { mm: 0.001, cm: 0.01, m: 1 };

/**
 * Parses what the inspector typed for a slope in the given unit into a ratio (rise / run).
 * ratio: "1:12", "1/12" or a decimal (0.0833); percent: 8.33 (→ 0.0833); degrees: 4.76 (→ tan 4.76°).
 * Returns NaN for text that is not a number, Infinity for "1:0".
 */
export function slopeToRatio(raw, unit) {
  const text = String(raw ?? '').trim().replace(/，/g, ',').replace(/：/g, ':').replace(/\s+/g, '');
  if (text === '') return NaN;
  if (unit === 'ratio') {
    const m = /^(\d+(?:\.\d+)?)[:/](\d+(?:\.\d+)?)$/.exec(text);
    if (m) {
      const rise = Number(m[1]);
      const run = Number(m[2]);
      return run === 0 ? Infinity : rise / run;
    }
    return parseNumber(text);
  }
  const n = parseNumber(text.replace(/[%°]$/, ''));
  if (unit === 'percent') return n / 100;
  if (unit === 'degrees') {
    if (!(n >= 0 && n < 90)) return n >= 90 ? Infinity : NaN;
    return Math.tan((n * Math.PI) / 180);
  }
  return NaN;
}

/** A plain decimal number ("0.5", "-3", "1e2" refused: inspectors type decimals). */
export function parseNumber(raw) {
  const text = String(raw ?? '').trim().replace(/，/g, '.');
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(text)) return NaN;
  return Number(text);
}

/**
 * The value in the item's canonical unit, or an error code:
 * {value} | {error: 'empty'|'notANumber'|'unitNotAccepted'|'outOfRange'}.
 */
export function toCanonical(item, raw, unit) {
  if (raw === null || raw === undefined || String(raw).trim() === '') return { error: 'empty' };
  const accepted = Array.isArray(item.acceptedUnits) && item.acceptedUnits.length ? item.acceptedUnits : [item.unit];
  const u = unit || item.unit;
  if (!accepted.includes(u)) return { error: 'unitNotAccepted' };
  let value;
  if (item.quantity === 'slope') {
    value = slopeToRatio(raw, u);
  } else if (item.quantity === 'length' && u in LENGTH_IN_METRES && item.unit in LENGTH_IN_METRES) {
    value = (parseNumber(raw) * LENGTH_IN_METRES[u]) / LENGTH_IN_METRES[item.unit];
  } else {
    value = parseNumber(raw);
  }
  if (Number.isNaN(value)) return { error: 'notANumber' };
  // As the server: rounded to 9 decimals, so 10 %, 1:10 and 5.7106° give the same value.
  if (Number.isFinite(value)) value = Math.round(value * 1e9) / 1e9;
  const range = item.physicalRange || {};
  if (!Number.isFinite(value)
      || (Number.isFinite(range.min) && value < range.min)
      || (Number.isFinite(range.max) && value > range.max)) {
    return { error: 'outOfRange', value };
  }
  return { value };
}

/** The first rule whose `when` matches the facility's attributes (a rule without `when` always matches). */
export function applicableRule(item, attributes = {}) {
  for (const rule of item.rules || []) {
    const when = rule.when;
    if (!when || !when.attribute) return rule;
    const actual = attributes ? attributes[when.attribute] : undefined;
    if ('equals' in when ? actual === when.equals : actual !== undefined && actual !== null) return rule;
  }
  return null;
}

/**
 * Judges one answer. `answer` = {value, unit} as entered (observation: true/false).
 * Returns {verdict: 'pass'|'fail'|'not_judged'|null, canonicalValue, rule, error}.
 * verdict is null while nothing (valid) is entered.
 */
export function judgeAnswer(item, answer, attributes = {}) {
  const out = { verdict: null, canonicalValue: null, rule: null, error: null };
  if (item.type === 'measurement') {
    const c = toCanonical(item, answer && answer.value, answer && answer.unit);
    if (c.error) {
      out.error = c.error === 'empty' ? null : c.error;
      return out;
    }
    out.canonicalValue = c.value;
  } else if (item.type === 'observation') {
    if (!answer || typeof answer.value !== 'boolean') return out;
    out.canonicalValue = answer.value;
  } else {
    // photo items are recorded, never judged
    const has = answer && ((Array.isArray(answer.photos) && answer.photos.length) || answer.value);
    if (has) out.verdict = 'not_judged';
    return out;
  }
  const rule = applicableRule(item, attributes);
  out.rule = rule;
  // A rule without a threshold (e.g. a full-width curb ramp's width) records the value without judging it.
  const judges = rule && (Number.isFinite(rule.min) || Number.isFinite(rule.max) || typeof rule.equals === 'boolean');
  if (item.confidence === 'unconfirmed' || !judges) {
    out.verdict = 'not_judged';
    return out;
  }
  const v = out.canonicalValue;
  let pass = true;
  if ('equals' in rule && rule.equals !== undefined && rule.equals !== null) pass = pass && v === rule.equals;
  // 1e-9: the value is rounded to 9 decimals, so 1:12 typed as 8.3333333 % passes ≤ 1:12 (as on the server).
  if (Number.isFinite(rule.min)) pass = pass && typeof v === 'number' && v >= rule.min - 1e-9;
  if (Number.isFinite(rule.max)) pass = pass && typeof v === 'number' && v <= rule.max + 1e-9;
  out.verdict = pass ? 'pass' : 'fail';
  return out;
}

/**
 * Overall result of judged answers: {result: 'pass'|'fail', facilityStatus}.
 * Any failed critical item -> unusable; any other failure -> defective_usable; else operational.
 */
export function overall(items, verdicts) {
  let failed = false;
  let critical = false;
  for (const item of items) {
    if (verdicts[item.code] === 'fail') {
      failed = true;
      if (item.severity === 'critical') critical = true;
    }
  }
  return {
    result: failed ? 'fail' : 'pass',
    facilityStatus: critical ? 'unusable' : failed ? 'defective_usable' : 'operational',
  };
}

/** Formats a slope ratio for display: 0.1 -> "1:10.0" style. */
export function ratioText(r) {
  if (!(r > 0) || !Number.isFinite(r)) return r === 0 ? '0' : '—';
  const run = 1 / r;
  return `1:${run >= 100 ? Math.round(run) : Math.round(run * 10) / 10}`;
}
