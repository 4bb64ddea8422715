// The one i18n module of the script pages: the language (Chinese, zh-CN, by default; English), the string
// catalogue (strings/*.json), t() and the data-i18n attributes. Kind names and status labels come from
// /api/v1/facility-kinds when available; the label tables here are their fallbacks.

export const LANGS = {
  zh: { htmlLang: 'zh-CN' },
  en: { htmlLang: 'en' },
};

const STORAGE_KEY = 'a11y-registry.lang';

// The string catalogue of every script page: the files /strings/<area>.json, each
// { "key": { "zh": "…", "en": "…" } } with keys unique across files (tests/node/strings.test.mjs checks it).
// The server-rendered staff pages keep theirs in the same format (strings/staff-*.json). Importing this module
// waits until the catalogue is loaded, so every t() of a page has its words.

/** The areas whose files the script pages load. */
export const AREAS = ['map', 'inspect', 'worklist', 'import', 'renovations', 'coverage', 'dashboard', 'annual-report', 'layers'];

/** @type {Map<string, {zh: string, en: string}>} */
const catalogue = new Map();

/** The catalogue by language ({zh: {key: text}, en: {…}}), for code that reads a whole table. */
export const strings = { zh: {}, en: {} };

async function loadCatalogue() {
  const tables = await Promise.all(AREAS.map(async (area) => {
    try {
      const res = await fetch(`/strings/${area}.json`);
      return res.ok ? await res.json() : {};
    } catch {
      return {}; // offline without a cached copy: keys show instead of words, the page still works
    }
  }));
  for (const table of tables) {
    for (const [key, text] of Object.entries(table)) {
      catalogue.set(key, text);
      strings.zh[key] = text.zh;
      strings.en[key] = text.en;
    }
  }
}
await loadCatalogue();

/**
 * The entries whose keys start with `prefix`, the prefix taken off, by language: the table of a module that
 * names its keys shortly (layers.js: "layers.", coverage.js and the pages on it: "coverage.").
 * @param {string} prefix
 */
export function namespace(prefix) {
  const table = { zh: {}, en: {} };
  for (const [key, text] of catalogue) {
    if (!key.startsWith(prefix)) continue;
    table.zh[key.slice(prefix.length)] = text.zh;
    table.en[key.slice(prefix.length)] = text.en;
  }
  return table;
}

// Fallback labels used when /api/v1/facility-kinds is unavailable or lacks a code.
export const statusLabels = {
  operational: { zh: '正常使用', en: 'Operational' },
  defective_usable: { zh: '有缺陷但可用', en: 'Defective, usable' },
  unusable: { zh: '无法使用', en: 'Unusable' },
  under_construction: { zh: '在建', en: 'Under construction' },
  removed: { zh: '已拆除', en: 'Removed' },
};

// Inspection states of the map's "inspection status" layer and the worklist.
export const inspectionStateLabels = {
  on_time: { zh: '按期检查', en: 'On time' },
  due_soon: { zh: '即将到期', en: 'Due soon' },
  overdue: { zh: '已逾期', en: 'Overdue' },
  never: { zh: '从未检查', en: 'Never inspected' },
  unknown: { zh: '无数据', en: 'No data' },
};

export const defectStatusLabels = {
  open: { zh: '待整改', en: 'open' },
  assigned: { zh: '已交办', en: 'assigned' },
  fixed: { zh: '已整改', en: 'fixed' },
  verified: { zh: '已复核', en: 'verified' },
  rejected: { zh: '已驳回', en: 'rejected' },
};

export const kindLabels = {
  accessible_toilet: { zh: '无障碍厕所', en: 'Accessible toilet' },
  curb_ramp: { zh: '缘石坡道', en: 'Curb ramp' },
  ramp: { zh: '轮椅坡道', en: 'Wheelchair ramp' },
  accessible_entrance: { zh: '无障碍出入口', en: 'Accessible entrance' },
  elevator: { zh: '无障碍电梯/升降平台', en: 'Elevator or platform lift' },
  tactile_paving: { zh: '盲道', en: 'Tactile paving' },
  accessible_parking: { zh: '无障碍停车位', en: 'Accessible parking space' },
  audible_signal: { zh: '过街音响提示装置', en: 'Audible pedestrian signal' },
  pedestrian_crossing_structure: { zh: '无障碍过街天桥/地道', en: 'Accessible overpass/underpass' },
  accessible_bus_stop: { zh: '无障碍公交站', en: 'Accessible bus stop' },
  disability_service: { zh: '残疾人服务设施', en: 'Disability service facility' },
  public_service_building: { zh: '公共服务建筑', en: 'Public service building' },
  emergency_shelter: { zh: '应急避难场所', en: 'Emergency shelter' },
};

// Labels for common attribute keys. Unknown keys are shown as-is (humanised).
// If /api/v1/facility-kinds returns per-kind attribute schemas with labels,
// those take precedence (see app.js attributeLabel()).
export const attributeLabels = {
  width_cm: { zh: '宽度', en: 'Width' },
  width_m: { zh: '宽度', en: 'Width' },
  length_m: { zh: '长度', en: 'Length' },
  length_cm: { zh: '长度', en: 'Length' },
  slope_percent: { zh: '坡度', en: 'Slope' },
  slope_ratio: { zh: '坡度比', en: 'Slope ratio' },
  gradient_percent: { zh: '坡度', en: 'Gradient' },
  door_width_cm: { zh: '门净宽', en: 'Door clear width' },
  clear_width_cm: { zh: '通行净宽', en: 'Clear width' },
  handrail: { zh: '扶手', en: 'Handrail' },
  has_handrail: { zh: '有扶手', en: 'Has handrail' },
  handrails: { zh: '扶手', en: 'Handrails' },
  grab_bars: { zh: '安全抓杆', en: 'Grab bars' },
  has_grab_bars: { zh: '有安全抓杆', en: 'Has grab bars' },
  emergency_call: { zh: '紧急呼叫按钮', en: 'Emergency call button' },
  has_emergency_call: { zh: '有紧急呼叫按钮', en: 'Has emergency call button' },
  turning_diameter_cm: { zh: '轮椅回转直径', en: 'Wheelchair turning diameter' },
  turning_space_cm: { zh: '轮椅回转空间', en: 'Wheelchair turning space' },
  open_hours: { zh: '开放时间', en: 'Opening hours' },
  opening_hours: { zh: '开放时间', en: 'Opening hours' },
  surface: { zh: '地面材质', en: 'Surface' },
  tactile_type: { zh: '盲道类型', en: 'Tactile paving type' },
  paving_type: { zh: '盲道类型', en: 'Paving type' },
  continuous: { zh: '连续', en: 'Continuous' },
  obstructed: { zh: '被占用/有障碍物', en: 'Obstructed' },
  lip_height_mm: { zh: '高差', en: 'Lip height' },
  curb_height_mm: { zh: '缘石高差', en: 'Curb height' },
  spaces: { zh: '车位数', en: 'Spaces' },
  space_count: { zh: '车位数', en: 'Spaces' },
  width_of_space_m: { zh: '车位宽度', en: 'Space width' },
  signage: { zh: '标识', en: 'Signage' },
  has_signage: { zh: '有标识', en: 'Has signage' },
  braille: { zh: '盲文', en: 'Braille' },
  has_braille: { zh: '有盲文', en: 'Has braille' },
  audible: { zh: '语音提示', en: 'Audible announcement' },
  car_width_cm: { zh: '轿厢宽度', en: 'Car width' },
  car_depth_cm: { zh: '轿厢深度', en: 'Car depth' },
  capacity: { zh: '容量', en: 'Capacity' },
  building_type: { zh: '建筑类型', en: 'Building type' },
  service_type: { zh: '服务类型', en: 'Service type' },
  address: { zh: '地址', en: 'Address' },
  phone: { zh: '电话', en: 'Phone' },
  note: { zh: '备注', en: 'Note' },
  notes: { zh: '备注', en: 'Notes' },
  built_year: { zh: '建成年份', en: 'Year built' },
  year_built: { zh: '建成年份', en: 'Year built' },
  last_inspected: { zh: '最近检查', en: 'Last inspected' },
};

// Units guessed from an attribute key's suffix.
export const unitSuffixes = [
  ['_cm', { zh: '厘米', en: 'cm' }],
  ['_mm', { zh: '毫米', en: 'mm' }],
  ['_m2', { zh: '平方米', en: 'm²' }],
  ['_m', { zh: '米', en: 'm' }],
  ['_percent', { zh: '%', en: '%' }],
  ['_pct', { zh: '%', en: '%' }],
];

let current = 'zh';

export function detectLang() {
  let stored = null;
  try {
    stored = window.localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage may be unavailable (private mode, file://); default to Chinese
  }
  return stored && stored in strings ? stored : 'zh';
}

export function getLang() {
  return current;
}

export function setLang(lang) {
  if (!(lang in strings)) lang = 'zh';
  current = lang;
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // ignore: the choice is simply not remembered
  }
  document.documentElement.lang = LANGS[lang].htmlLang;
  return lang;
}

/** Translate `key`, replacing {placeholders} with values from params. */
export function t(key, params = {}) {
  const entry = catalogue.get(key);
  const s = (entry && (entry[current] ?? entry.zh)) ?? key;
  return s.replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m));
}

/** Pick the current language from an object like {zh:'…', en:'…'}. */
export function pick(labels, fallback = '') {
  if (!labels || typeof labels !== 'object') return fallback;
  return labels[current] || labels.zh || labels.en || fallback;
}

/** Apply translations to every element with data-i18n / data-i18n-attr. */
export function applyStatic(root = document) {
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('[data-i18n]'))) {
    el.textContent = t(el.dataset.i18n);
  }
  // data-i18n-attr="aria-label:mapLabel;title:foo"
  for (const el of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll('[data-i18n-attr]'))) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
  // each page names its own title key: <body data-title-key="inspectPageTitle">
  document.title = t((document.body && document.body.dataset.titleKey) || 'pageTitle');
}
