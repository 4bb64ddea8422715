// The attribute form of a facility kind, generated from its schema in /api/v1/facility-kinds
// (data/facility-kinds.json): enum -> select, number/integer -> text input with its unit and
// range in the hint, boolean -> yes/no/unknown select, string -> text. Used by the inspector
// page to register a facility and to edit one's attributes; pure DOM, no network.
import { el } from './dom.js';
import { t, pick } from './i18n.js';

/**
 * @typedef {{ key: string, labels?: {zh?: string, en?: string}, type: string, unit?: string|null,
 *   min?: number|null, max?: number|null, required?: boolean, values?: {code: string, labels?: object}[],
 *   maxLength?: number|null, reference?: string|null }} AttributeSchema
 */

const UNIT_TEXT = { ratio: 'unitRatio', mm: 'unitMm', cm: 'unitCm', m: 'unitM', N: 'unitN', count: 'unitCount', percent: 'unitPercent', degrees: 'unitDegrees' };

/** The unit as the inspector reads it ("mm", "比值 (1:12 或 0.083)"). */
export function unitText(unit) {
  return unit ? (UNIT_TEXT[unit] ? t(UNIT_TEXT[unit]) : unit) : '';
}

/**
 * Fields for the attributes of `kind`, ids prefixed with `prefix`, filled from `values`.
 * @param {{attributes?: AttributeSchema[]}} kind
 * @param {string} prefix
 * @param {Record<string, unknown>} [values]
 * @returns {HTMLElement[]}
 */
export function attributeFields(kind, prefix, values = {}) {
  return (kind.attributes || []).map((a) => {
    const id = `${prefix}-${a.key}`;
    const hintId = `${id}-hint`;
    const errId = `${id}-error`;
    const label = el('label', { for: id }, pick(a.labels, a.key),
      a.unit ? ` (${unitText(a.unit)})` : '',
      a.required ? el('span', { class: 'required', text: ` ${t('requiredMark')}` }) : null);
    const hints = [];
    if (Number.isFinite(a.min) && Number.isFinite(a.max)) hints.push(t('attrRange', { min: a.min, max: a.max, unit: unitText(a.unit) }));
    if (a.reference) hints.push(a.reference);
    const current = values[a.key];
    /** @type {HTMLInputElement|HTMLSelectElement} */
    let input;
    if (a.type === 'enum' || a.type === 'boolean') {
      const options = a.type === 'enum'
        ? (a.values || []).map((v) => [v.code, pick(v.labels, v.code)])
        : [['true', t('yes')], ['false', t('no')]];
      input = /** @type {HTMLSelectElement} */ (el('select', { id, name: a.key },
        el('option', { value: '', text: t('attrNotGiven') }),
        ...options.map(([code, text]) => el('option', { value: code, text }))));
      input.value = current === undefined || current === null ? '' : String(current);
    } else {
      input = /** @type {HTMLInputElement} */ (el('input', {
        id, name: a.key, type: 'text', autocomplete: 'off',
        inputmode: a.type === 'number' || a.type === 'integer' ? 'decimal' : null,
        maxlength: a.maxLength ? String(a.maxLength) : null,
      }));
      input.value = current === undefined || current === null ? '' : String(current);
    }
    input.dataset.attribute = a.key;
    input.setAttribute('aria-describedby', `${hintId} ${errId}`);
    if (a.required) input.required = true;
    return el('div', { class: 'field' }, label,
      el('p', { class: 'hint', id: hintId, text: hints.join(' · ') }),
      el('p', { class: 'field-error', id: errId, hidden: true }),
      input);
  });
}

/**
 * Reads the attribute fields under `root` against the schema: {values, problems:[{target, text}]}.
 * Numbers outside the kind's range and missing required values are problems; empty optional fields are left out.
 * @param {{attributes?: AttributeSchema[]}} kind
 * @param {ParentNode} root
 * @param {string} prefix
 */
export function readAttributes(kind, root, prefix) {
  /** @type {Record<string, string|number|boolean>} */
  const values = {};
  const problems = [];
  for (const a of kind.attributes || []) {
    const input = /** @type {HTMLInputElement|null} */ (root.querySelector(`#${CSS.escape(`${prefix}-${a.key}`)}`));
    if (!input) continue;
    const raw = input.value.trim();
    const name = pick(a.labels, a.key);
    let problem = null;
    if (raw === '') {
      if (a.required) problem = t('attrRequired', { name });
    } else if (a.type === 'number' || a.type === 'integer') {
      const n = Number(raw.replace('，', '.'));
      if (!Number.isFinite(n) || (a.type === 'integer' && !Number.isInteger(n))) problem = t(a.type === 'integer' ? 'attrNotInteger' : 'attrNotNumber', { name });
      else if ((Number.isFinite(a.min) && n < a.min) || (Number.isFinite(a.max) && n > a.max)) problem = t('attrOutOfRange', { name, min: a.min, max: a.max, unit: unitText(a.unit) });
      else values[a.key] = n;
    } else if (a.type === 'boolean') {
      values[a.key] = raw === 'true';
    } else {
      values[a.key] = raw;
    }
    const err = /** @type {HTMLElement|null} */ (root.querySelector(`#${CSS.escape(`${prefix}-${a.key}-error`)}`));
    if (err) {
      err.hidden = !problem;
      err.textContent = problem || '';
    }
    if (problem) {
      input.setAttribute('aria-invalid', 'true');
      problems.push({ target: input, text: problem });
    } else {
      input.removeAttribute('aria-invalid');
    }
  }
  return { values, problems };
}
