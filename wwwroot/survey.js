// The public satisfaction survey (社会满意度调查): /survey.html?id=… answers one survey, /survey.html?district=… lists the
// open surveys of a district (all open surveys without it). Built for screen readers and keyboards: every rating is a
// fieldset with a legend and native radio buttons (Tab into the group, arrow keys between points, Space to choose),
// every control has a label, errors are listed in a summary at the top that links to each question, and the success
// message takes the focus. The language switch re-labels the page in place, answers kept. The abuse limits are the
// reports' (per-IP and per-device limiters, the same honeypot field); the device key is a random id kept in this
// browser, so one device counts once (the server refuses a second answer with 409).
import { setLang, detectLang, getLang, t, applyStatic } from './i18n.js';
import { getJson, send } from './api.js';
import { el, $ } from './dom.js';

const DEVICE_KEY = 'a11y-registry.device-key';
const TEXT_MAX = 2000;
const params = new URLSearchParams(window.location.search);
/** @type {{survey: any, relabel: Array<() => void>}} */
const state = { survey: null, relabel: [] };

/** The device's key: random, made once, kept in this browser. */
function deviceKey() {
  try {
    let key = localStorage.getItem(DEVICE_KEY);
    if (!key) {
      key = crypto.randomUUID();
      localStorage.setItem(DEVICE_KEY, key);
    }
    return key;
  } catch {
    return crypto.randomUUID(); // storage unavailable: the server still refuses a second answer from a kept key only
  }
}

/** Text of a {zh, en} pair in the page's language. */
const pick = (w) => (w ? (getLang() === 'en' ? w.en : w.zh) : '');

/** Sets an element's text now and again whenever the language changes. */
function label(node, text) {
  const apply = () => { node.textContent = text(); };
  apply();
  state.relabel.push(apply);
  return node;
}

function relabelAll() {
  applyStatic();
  for (const apply of state.relabel) apply();
  const other = getLang() === 'en' ? 'zh' : 'en';
  const button = $('#lang-switch');
  button.textContent = t('surveyLangSwitch');
  button.lang = other === 'en' ? 'en' : 'zh-CN';
  button.setAttribute('aria-label', t('surveyLangSwitchLabel'));
  const back = $('#back-link');
  back.href = getLang() === 'en' ? '/?lang=en' : '/';
}

function main$() {
  return $('#survey-main');
}

function done(content) {
  const main = main$();
  main.replaceChildren(...content);
  main.removeAttribute('aria-busy');
  document.body.dataset.ready = 'true';
}

// ---------------------------------------------------------------------------
// The list of open surveys

async function showList(district) {
  const query = new URLSearchParams({ status: 'open' });
  if (district) query.set('district', district);
  const list = await getJson(`/api/v1/surveys?${query}`);
  const items = list.items || [];
  const heading = label(el('h1', { id: 'survey-title' }), () => (district && items[0]
    ? t('surveyListTitleOf', { district: items[0].districtName })
    : t('surveyListTitle')));
  const content = items.length === 0
    ? label(el('p', { id: 'survey-none' }), () => t('surveyListNone'))
    : el('ul', { class: 'survey-list', id: 'survey-list' }, ...items.map((s) => el('li', {},
      label(el('a', { href: `/survey.html?id=${encodeURIComponent(s.id)}` }),
        () => t('surveyListItem', { title: s.title, district: s.districtName, to: s.closesOn })))));
  done([heading, content]);
}

// ---------------------------------------------------------------------------
// One survey

function ratingQuestion(q, scale, notUsed) {
  const name = `rating-${q.id}`;
  const hintId = `hint-${q.id}`;
  const errorId = `error-${q.id}`;
  const choice = (value, text, extra = '') => {
    const id = `${name}-${value}`;
    return el('div', { class: `choice${extra}` },
      el('input', { type: 'radio', id, name, value: String(value), 'aria-describedby': `${hintId} ${errorId}` }),
      label(el('label', { for: id }), text));
  };
  return el('fieldset', { class: 'rating-question', 'data-question': q.id, id: `question-${q.id}` },
    label(el('legend', {}), () => pick(q)),
    q.hint ? label(el('p', { class: 'hint', id: hintId }), () => pick(q.hint)) : el('p', { class: 'hint', id: hintId, hidden: true }),
    el('p', { class: 'field-error', id: errorId, hidden: true }),
    el('div', { class: 'choices' },
      ...[...scale].reverse().map((p) => choice(p.value, () => t('surveyScaleLabel', { value: p.value, label: pick(p) }))),
      choice('not-used', () => pick(notUsed), ' choice--apart')));
}

function textQuestion(q) {
  const id = `text-${q.id}`;
  return el('div', { class: 'text-question', 'data-question': q.id, id: `question-${q.id}` },
    label(el('label', { for: id }), () => pick(q)),
    q.hint ? label(el('p', { class: 'hint', id: `hint-${q.id}` }), () => pick(q.hint)) : null,
    el('p', { class: 'field-error', id: `error-${q.id}`, hidden: true }),
    el('textarea', { id, name: id, rows: '4', maxlength: String(TEXT_MAX), 'aria-describedby': `${q.hint ? `hint-${q.id} ` : ''}error-${q.id}` }));
}

/** Shows the errors: the summary (focused) linking to each question, and each question's own message. */
function showErrors(errors) {
  const summary = $('#error-summary');
  for (const p of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.field-error'))) { p.hidden = true; p.textContent = ''; }
  for (const input of document.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  const list = $('#error-list');
  list.replaceChildren();
  if (errors.length === 0) { summary.hidden = true; return; }
  for (const { question, target, text } of errors) {
    if (question) {
      const own = $(`#error-${question}`);
      own.textContent = text;
      own.hidden = false;
      for (const input of document.querySelectorAll(`[name="rating-${question}"], #text-${question}`)) input.setAttribute('aria-invalid', 'true');
    }
    const link = el('a', { href: `#${target}`, text });
    link.addEventListener('click', (e) => {
      e.preventDefault();
      $(`#${target}`)?.focus();
    });
    list.append(el('li', {}, link));
  }
  summary.hidden = false;
  summary.focus();
}

function localErrors(survey) {
  const errors = [];
  for (const q of survey.questions.questions) {
    if (q.kind === 'rating' && !document.querySelector(`[name="rating-${q.id}"]:checked`)) {
      errors.push({ question: q.id, target: `rating-${q.id}-5`, text: t('surveyErrorChoose', { question: pick(q) }) });
    }
    if (q.kind === 'text' && $(`#text-${q.id}`).value.trim().length > TEXT_MAX) {
      errors.push({ question: q.id, target: `text-${q.id}`, text: t('surveyErrorTooLong', { question: pick(q) }) });
    }
  }
  return errors;
}

function thanks() {
  const box = el('div', { class: 'survey-done', id: 'survey-done', role: 'status', tabindex: '-1' },
    label(el('h2', {}), () => t('surveyThanksTitle')),
    label(el('p', {}), () => t('surveyThanksText')));
  $('#survey-form').replaceWith(box);
  $('#error-summary').hidden = true;
  box.focus();
}

async function submit(event) {
  event.preventDefault();
  const survey = state.survey;
  const errors = localErrors(survey);
  showErrors(errors);
  if (errors.length) return;
  const ratings = {};
  const texts = {};
  for (const q of survey.questions.questions) {
    if (q.kind === 'rating') {
      const value = $(`[name="rating-${q.id}"]:checked`).value;
      ratings[q.id] = value === 'not-used' ? value : Number(value);
    } else {
      const text = $(`#text-${q.id}`).value.trim();
      if (text) texts[q.id] = text;
    }
  }
  const body = { deviceId: deviceKey(), ratings, texts, language: getLang() };
  const honeypot = $('#website').value;
  if (honeypot) body.website = honeypot;
  const button = $('#survey-submit');
  button.disabled = true;
  try {
    await send(`/api/v1/surveys/${encodeURIComponent(survey.id)}/answers`, { json: body });
    thanks();
  } catch (err) {
    const problem = err && err.problem;
    let text;
    if (err.status === 409 && problem?.answered) text = t('surveyAnsweredAlready');
    else if (err.status === 409) text = problem?.surveyStatus === 'scheduled' ? t('surveyNotYetOpen', { date: survey.opensOn }) : t('surveyClosed');
    else if (err.status === 429) text = t('surveyTooMany');
    else text = t('surveyRefused', { detail: err.message });
    showErrors([{ question: null, target: 'survey-submit', text }]);
  } finally {
    button.disabled = false;
  }
}

async function showSurvey(id) {
  let survey;
  try {
    survey = await getJson(`/api/v1/surveys/${encodeURIComponent(id)}`);
  } catch (err) {
    done([label(el('h1', { id: 'survey-title' }), () => t(err.status === 404 ? 'surveyNotFound' : 'surveyFailed'))]);
    return;
  }
  state.survey = survey;
  const q = survey.questions;
  const head = [
    el('h1', { id: 'survey-title', text: survey.title }),
    label(el('p', { id: 'survey-days' }), () => t('surveyDays', { district: survey.districtName, from: survey.opensOn, to: survey.closesOn })),
  ];
  if (survey.status !== 'open') {
    done([...head, label(el('p', { class: 'survey-note', id: 'survey-closed', role: 'status' }),
      () => (survey.status === 'scheduled' ? t('surveyNotYetOpen', { date: survey.opensOn }) : t('surveyClosed')))]);
    return;
  }
  const summary = el('div', { class: 'error-summary', id: 'error-summary', role: 'alert', tabindex: '-1', 'aria-labelledby': 'error-summary-title', hidden: true },
    label(el('h2', { id: 'error-summary-title' }), () => t('surveyErrorTitle')),
    el('ul', { id: 'error-list' }));
  const form = el('form', { id: 'survey-form', novalidate: true },
    label(el('p', { class: 'hint' }), () => t('surveyRequiredNote')),
    ...q.questions.map((question) => (question.kind === 'rating' ? ratingQuestion(question, q.scale, q.notUsed) : textQuestion(question))),
    el('div', { class: 'hp', 'aria-hidden': 'true' },
      el('label', { for: 'website', text: 'Website' }),
      el('input', { id: 'website', name: 'website', tabindex: '-1', autocomplete: 'off' })),
    label(el('button', { type: 'submit', id: 'survey-submit' }), () => t('surveySubmit')));
  form.addEventListener('submit', submit);
  done([...head, label(el('p', { id: 'survey-intro' }), () => t('surveyIntro')), summary, form]);
}

async function main() {
  setLang(params.get('lang') === 'en' ? 'en' : params.get('lang') === 'zh' ? 'zh' : detectLang());
  $('#lang-switch').addEventListener('click', () => {
    setLang(getLang() === 'en' ? 'zh' : 'en');
    relabelAll();
  });
  relabelAll();
  try {
    const id = params.get('id');
    if (id && /^\d+$/.test(id)) await showSurvey(id);
    else await showList((params.get('district') || '').trim());
  } catch {
    done([label(el('p', { role: 'alert' }), () => t('surveyFailed'))]);
  }
  relabelAll();
}

main();
