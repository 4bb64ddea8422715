// Accessibility Registry — the staff import page (sign-in required).
// Uploads a GeoJSON, CSV or OpenStreetMap file with its mapping as a background job
// (POST /api/v1/imports/facilities/jobs), shows the upload's progress from XHR upload events, then polls the
// job's status (GET …/jobs/{id}) for the server's progress: rows read, rate, time left. Polling short requests
// rather than streaming one long response: buffering proxies (nginx's default) would hold a stream back, idle
// timeouts would cut it, and a job survives a dropped connection or a reloaded page.
import { t, getLang, setLang, detectLang, applyStatic } from './i18n.js';
import { getJson, csrfToken, problemText as apiProblemText } from './api.js';
import { $ } from './dom.js';
import { signIn, currentUser } from './signin.js';

const ALLOWED = ['planner', 'district-admin', 'system-admin'];
const MAX_BYTES = 512 * 1024 * 1024;
const POLL_MS = 1000;
const ANNOUNCE_EVERY_MS = 15000;
const SHOWN_REJECTIONS = 200;

const state = { csrf: null, user: null, job: null, uploading: false, lastPhase: null, lastAnnounce: 0, uploadQuarter: 0 };

/** GET a JSON body from the API (api.js: problem details as ApiError, in the page's language). */
function api(path) {
  return getJson(path);
}

/** The upload goes by XMLHttpRequest (for its progress events), so its problem details are read here. */
async function problemText(status, read) {
  try {
    return apiProblemText({ status, problem: await read() });
  } catch {
    return `HTTP ${status}`;
  }
}

function showError(text) {
  const p = document.createElement('p');
  p.className = 'error';
  p.textContent = text;
  $('#errors').replaceChildren(p);
}

function clearError() { $('#errors').replaceChildren(); }

function say(text) {
  state.lastAnnounce = Date.now();
  $('#status-message').textContent = text;
}

const locale = () => (getLang() === 'en' ? 'en' : 'zh-CN');
const num = (n) => new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(n ?? 0);
const percent = (share) => new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(share);

function duration(seconds) {
  const s = Math.max(0, Math.round(seconds ?? 0));
  return s < 60 ? t('importSeconds', { n: num(s) }) : t('importMinutesSeconds', { m: num(Math.floor(s / 60)), s: num(s % 60) });
}

async function submitSignIn(event) {
  event.preventDefault();
  try {
    await signIn($('#signin-user').value, $('#signin-password').value);
    $('#signin-password').value = '';
    await start();
  } catch (err) {
    showError(t('importSigninFailed', { detail: err.message }));
  }
}

async function start() {
  try {
    state.user = await currentUser();
    if (!state.user) throw Object.assign(new Error('signed out'), { status: 401 });
  } catch (err) {
    if (err.status === 401) {
      $('#signin').hidden = false;
      $('#workspace').hidden = true;
      document.body.dataset.ready = 'true';
      return;
    }
    showError(err.message);
    return;
  }
  clearError();
  $('#signin').hidden = true;
  $('#workspace').hidden = false;
  renderUser();
  document.body.dataset.ready = 'true';
  $('#import-file').focus();
}

function renderUser() {
  if (!state.user) return;
  const role = t(`importRole_${state.user.role}`);
  $('#signed-in-as').textContent = t('importSignedInAs', { name: state.user.userName, role });
  const allowed = ALLOWED.includes(state.user.role);
  $('#not-allowed').hidden = allowed;
  $('#not-allowed').textContent = allowed ? '' : t('importNotAllowed', { role });
  for (const el of $('#import-form').elements) el.disabled = !allowed || state.uploading || isRunning();
}

const isRunning = () => state.job && (state.job.state === 'queued' || state.job.state === 'running');

function setFileError(text) {
  const box = $('#file-error');
  box.textContent = text || '';
  box.hidden = !text;
  $('#import-file').setAttribute('aria-invalid', text ? 'true' : 'false');
}

async function submit(event) {
  event.preventDefault();
  clearError();
  const file = $('#import-file').files[0];
  if (!file) { setFileError(t('importChooseFile')); $('#import-file').focus(); return; }
  if (file.size > MAX_BYTES) { setFileError(t('importTooLarge')); $('#import-file').focus(); return; }
  setFileError('');
  try {
    state.csrf = await csrfToken();
  } catch (err) {
    showError(t('importRefused', { detail: err.message }));
    return;
  }
  const form = new FormData();
  form.append('file', file, file.name);
  const mapping = $('#import-mapping').files[0];
  if (mapping) form.append('mapping', mapping, mapping.name);
  if ($('#import-format').value) form.append('format', $('#import-format').value);
  if ($('#import-source').value.trim()) form.append('source', $('#import-source').value.trim());

  state.job = null;
  state.uploading = true;
  state.lastPhase = null;
  state.uploadQuarter = 0;
  state.fileSize = file.size;
  $('#result-section').hidden = true;
  $('#progress-section').hidden = false;
  setBar('#upload-progress', 0);
  setBar('#process-progress', 0);
  $('#upload-text').textContent = t('importUploading', { percent: percent(0) });
  $('#process-text').textContent = '';
  renderUser();
  say(t('importAnnounceStart', { name: file.name }));
  upload(form);
}

function setBar(selector, value) {
  const bar = $(selector);
  if (value === null) bar.removeAttribute('value'); // indeterminate
  else bar.value = value;
}

function upload(form) {
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/v1/imports/facilities/jobs');
  xhr.setRequestHeader('Accept', 'application/json');
  if (state.csrf) xhr.setRequestHeader('X-CSRF-TOKEN', state.csrf);
  xhr.responseType = 'text';
  xhr.upload.addEventListener('progress', (e) => {
    if (!e.lengthComputable) return;
    const share = e.loaded / e.total;
    setBar('#upload-progress', Math.round(share * 100));
    $('#upload-text').textContent = t('importUploading', { percent: percent(share) });
    // Quarters are announced only for files that take a while to send.
    const quarter = Math.floor(share * 4);
    if (state.fileSize > 5 * 1024 * 1024 && quarter > state.uploadQuarter && quarter < 4) {
      state.uploadQuarter = quarter;
      say(t('importUploading', { percent: percent(quarter / 4) }));
    }
  });
  xhr.addEventListener('load', async () => {
    state.uploading = false;
    if (xhr.status === 202) {
      setBar('#upload-progress', 100);
      $('#upload-text').textContent = t('importUploaded');
      say(t('importAnnounceUploaded'));
      state.job = JSON.parse(xhr.responseText);
      renderJob();
      setTimeout(poll, POLL_MS);
      return;
    }
    const detail = xhr.status === 413 ? t('importTooLarge') : await problemText(xhr.status, async () => JSON.parse(xhr.responseText));
    failUpload(detail);
  });
  xhr.addEventListener('error', () => { state.uploading = false; failUpload('network error'); });
  xhr.addEventListener('abort', () => { state.uploading = false; failUpload('aborted'); });
  xhr.send(form);
}

function failUpload(detail) {
  $('#progress-section').hidden = true;
  renderUser();
  showError(t('importRefused', { detail }));
  $('#import-file').focus();
}

async function poll() {
  if (!state.job) return;
  try {
    state.job = await api(state.job.href);
  } catch (err) {
    showError(err.message);
    setTimeout(poll, POLL_MS * 5);
    return;
  }
  renderJob();
  if (isRunning()) setTimeout(poll, POLL_MS);
}

function renderJob() {
  const job = state.job;
  if (!job) return;
  if (isRunning()) {
    renderProgress(job);
  } else {
    renderResult(job);
  }
  renderUser();
}

function progressText(job) {
  if (job.state === 'queued') return t('importPhase_queued');
  switch (job.phase) {
    case 'place': return t('importPhase_place', { rows: num(job.rows) });
    case 'write': return t('importPhase_write', { rows: num(job.rows) });
    default:
      return job.secondsLeft != null && job.rowsPerSecond != null
        ? t('importPhase_read', { rows: num(job.rows), rate: num(job.rowsPerSecond), left: duration(job.secondsLeft) })
        : t('importPhase_readNoEstimate', { rows: num(job.rows) });
  }
}

function renderProgress(job) {
  const reading = job.state === 'running' && (job.phase === 'read' || !job.phase);
  setBar('#process-progress', reading && job.bytesTotal > 0 ? Math.round((job.bytesRead / job.bytesTotal) * 100) : null);
  const text = progressText(job);
  $('#process-text').textContent = text;
  const phase = `${job.state}:${job.phase || ''}`;
  if (phase !== state.lastPhase) {
    state.lastPhase = phase;
    say(text);
  } else if (reading && Date.now() - state.lastAnnounce > ANNOUNCE_EVERY_MS) {
    say(t('importAnnounceProgress', { rows: num(job.rows) }));
  }
}

function renderResult(job) {
  setBar('#process-progress', 100);
  $('#process-text').textContent = '';
  const outcome = job.outcome || {};
  const summary = $('#result-summary');
  let text;
  if (job.state === 'imported') {
    text = t('importResultImported', {
      rows: num(outcome.rows), inserted: num(outcome.inserted), updated: num(outcome.updated), skipped: num(outcome.skipped), seconds: duration(job.elapsedSeconds),
    });
  } else if (job.state === 'rejected') {
    text = t('importResultRejected', { rows: num(outcome.rows), rejected: num(outcome.rejectedRows) });
  } else {
    text = t('importResultFailed', { error: job.error || '' });
  }
  summary.textContent = text;
  summary.className = `result-summary ${job.state}`;
  $('#result-source').textContent = outcome.source ? t('importSourceFormat', { source: outcome.source, format: outcome.format || job.format || '' }) : '';

  const counts = $('#result-counts');
  counts.replaceChildren();
  if (job.outcome) {
    const entries = [['importCountRows', outcome.rows], ['importCountInserted', outcome.inserted], ['importCountUpdated', outcome.updated],
      ['importCountSkipped', outcome.skipped], ['importCountRejected', outcome.rejectedRows]];
    for (const [key, value] of entries) {
      const dt = document.createElement('dt');
      dt.textContent = t(key);
      const dd = document.createElement('dd');
      dd.textContent = num(value);
      dd.dataset.count = key;
      counts.append(dt, dd);
    }
  }

  const rejected = outcome.rejected || [];
  $('#rejected-block').hidden = rejected.length === 0;
  const body = $('#rejected-table tbody');
  body.replaceChildren();
  if (rejected.length > 0) {
    for (const r of rejected.slice(0, SHOWN_REJECTIONS)) {
      const tr = document.createElement('tr');
      for (const value of [r.row === 0 ? '—' : num(r.row), r.externalId || '', r.field, r.reason]) {
        const td = document.createElement('td');
        td.textContent = value;
        tr.append(td);
      }
      body.append(tr);
    }
    $('#rejected-caption').textContent = t('importRejectedCaption', { shown: num(Math.min(rejected.length, SHOWN_REJECTIONS)), total: num(outcome.rejectedRows) });
    const link = $('#rejected-download');
    if (job.rejectedCsv) {
      link.href = job.rejectedCsv;
      link.hidden = false;
    } else {
      link.hidden = true;
    }
  }

  const section = $('#result-section');
  const first = section.hidden;
  section.hidden = false;
  if (first) {
    say(text);
    $('#result-heading').focus();
  }
}

function applyLanguage(lang) {
  setLang(lang);
  applyStatic();
  const toggle = $('#lang-toggle');
  toggle.textContent = lang === 'en' ? '中文' : 'English';
  toggle.lang = lang === 'en' ? 'zh-CN' : 'en';
  toggle.setAttribute('aria-pressed', String(lang === 'en'));
  renderUser();
  if (state.job) {
    if (isRunning()) $('#process-text').textContent = progressText(state.job);
    else renderResult(state.job);
  }
}

applyLanguage(detectLang());
$('#lang-toggle').addEventListener('click', () => applyLanguage(getLang() === 'en' ? 'zh' : 'en'));
$('#signin-form').addEventListener('submit', submitSignIn);
$('#import-form').addEventListener('submit', submit);
$('#import-file').addEventListener('change', () => setFileError(''));
start();
