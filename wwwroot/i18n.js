// All user-visible strings of the map page. Chinese (zh-CN) is the default;
// English is the alternative. Kind names and status labels come from
// /api/v1/facility-kinds when available; the copies here are fallbacks.

export const LANGS = {
  zh: { htmlLang: 'zh-CN' },
  en: { htmlLang: 'en' },
};

const STORAGE_KEY = 'a11y-registry.lang';

export const strings = {
  zh: {
    pageTitle: '无障碍设施地图 - 无障碍设施登记监管平台',
    appTitle: '无障碍设施登记监管平台',
    appSubtitle: '无障碍设施地图',
    skipToMain: '跳到主要内容',
    skipToList: '跳到设施列表',
    langSwitch: 'English',
    langSwitchLabel: 'Switch to English / 切换为英文',
    controlsLabel: '地图选项',
    districtLabel: '区县',
    districtLoading: '正在加载区县…',
    districtNoBoundary: '{name}暂无边界数据',
    demoNotice: '演示数据：本页面显示的设施为程序生成的模拟数据，不是真实登记',
    demoNoticeOther: 'Demo data: facilities shown are generated, not real records',
    mapLabel: '无障碍设施地图。地图中的设施也在“视野内设施”列表中列出。',
    legendTitle: '图例：设施状态',
    legendLine: '盲道（线）',
    legendNote: '每种状态同时用形状、颜色和线型区分；线表示盲道。',
    legendBoundary: '所选区县边界',
    listTitle: '视野内设施',
    listLoading: '正在加载设施…',
    listEmpty: '当前视野内没有设施。请移动或缩小地图。',
    listCount: '视野内共 {matched} 个设施，列出 {returned} 个',
    listTruncated: '设施较多，仅列出前 {returned} 个。请放大地图查看全部。',
    detailsTitle: '设施详情',
    detailsClose: '关闭详情',
    detailsEmpty: '在地图或列表中选择一个设施以查看详情。',
    fieldName: '名称',
    fieldKind: '类型',
    fieldStatus: '状态',
    fieldManagingUnit: '管理责任单位',
    fieldDistrict: '行政区划代码',
    fieldSource: '数据来源',
    fieldUpdatedAt: '更新时间',
    attributesTitle: '属性',
    attributeName: '属性',
    attributeValue: '值',
    noAttributes: '无属性数据',
    demoTag: '演示数据',
    unnamed: '（未命名设施）',
    unknown: '未知',
    yes: '是',
    no: '否',
    errorTitle: '出错了',
    errorDismiss: '关闭错误提示',
    errorNetwork: '无法连接服务器：{detail}',
    errorHttp: '请求失败（HTTP {status}）',
    errorConfig: '无法加载页面配置，使用默认设置',
    errorDistricts: '无法加载区县列表',
    errorBoundary: '无法加载区县边界',
    errorFacilities: '无法加载设施',
    errorKinds: '无法加载设施类型',
    markerLabel: '{name}，{kind}，{status}',
    listItem: '{name}',
    listItemMeta: '{kind} · {status}',
    sourceDemo: '演示（程序生成）',
    statusUnknown: '状态未知',
  },
  en: {
    pageTitle: 'Facility map - Accessibility Registry',
    appTitle: 'Accessibility Registry',
    appSubtitle: 'Barrier-free facility map',
    skipToMain: 'Skip to main content',
    skipToList: 'Skip to facility list',
    langSwitch: 'English',
    langSwitchLabel: 'English interface / 英文界面',
    controlsLabel: 'Map options',
    districtLabel: 'County / district',
    districtLoading: 'Loading districts…',
    districtNoBoundary: 'No boundary data for {name}',
    demoNotice: 'Demo data: facilities shown are generated, not real records',
    demoNoticeOther: '演示数据：本页面显示的设施为程序生成的模拟数据，不是真实登记',
    mapLabel: 'Map of barrier-free facilities. Facilities on the map are also listed under "Facilities in view".',
    legendTitle: 'Legend: facility status',
    legendLine: 'Tactile paving (line)',
    legendNote: 'Each status has its own shape, colour and line pattern; lines are tactile paving.',
    legendBoundary: 'Selected district boundary',
    listTitle: 'Facilities in view',
    listLoading: 'Loading facilities…',
    listEmpty: 'No facilities in view. Move or zoom out the map.',
    listCount: '{matched} facilities in view, {returned} listed',
    listTruncated: 'Many facilities: only the first {returned} are listed. Zoom in to see all.',
    detailsTitle: 'Facility details',
    detailsClose: 'Close details',
    detailsEmpty: 'Select a facility on the map or in the list to see its details.',
    fieldName: 'Name',
    fieldKind: 'Kind',
    fieldStatus: 'Status',
    fieldManagingUnit: 'Managing unit',
    fieldDistrict: 'District code',
    fieldSource: 'Source',
    fieldUpdatedAt: 'Updated',
    attributesTitle: 'Attributes',
    attributeName: 'Attribute',
    attributeValue: 'Value',
    noAttributes: 'No attributes recorded',
    demoTag: 'Demo data',
    unnamed: '(unnamed facility)',
    unknown: 'unknown',
    yes: 'yes',
    no: 'no',
    errorTitle: 'Error',
    errorDismiss: 'Dismiss error',
    errorNetwork: 'Cannot reach the server: {detail}',
    errorHttp: 'Request failed (HTTP {status})',
    errorConfig: 'Could not load page configuration; using defaults',
    errorDistricts: 'Could not load the district list',
    errorBoundary: 'Could not load the district boundary',
    errorFacilities: 'Could not load facilities',
    errorKinds: 'Could not load facility kinds',
    markerLabel: '{name}, {kind}, {status}',
    listItem: '{name}',
    listItemMeta: '{kind} · {status}',
    sourceDemo: 'demo (generated)',
    statusUnknown: 'status unknown',
  },
};

// Fallback labels used when /api/v1/facility-kinds is unavailable or lacks a code.
export const statusLabels = {
  operational: { zh: '正常使用', en: 'Operational' },
  defective_usable: { zh: '有缺陷但可用', en: 'Defective, usable' },
  unusable: { zh: '无法使用', en: 'Unusable' },
  under_construction: { zh: '在建', en: 'Under construction' },
  removed: { zh: '已拆除', en: 'Removed' },
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
  const table = strings[current] || strings.zh;
  let s = table[key] ?? strings.zh[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m));
}

/** Pick the current language from an object like {zh:'…', en:'…'}. */
export function pick(labels, fallback = '') {
  if (!labels || typeof labels !== 'object') return fallback;
  return labels[current] || labels.zh || labels.en || fallback;
}

/** Apply translations to every element with data-i18n / data-i18n-attr. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  // data-i18n-attr="aria-label:mapLabel;title:foo"
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
  document.title = t('pageTitle');
}
