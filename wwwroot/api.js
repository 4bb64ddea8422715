// The one API client of the script pages: JSON in and out, the session cookie, the antiforgery
// token from GET /api/v1/auth/antiforgery on every write (fetched once, refreshed once when the server
// refuses it), and errors as ApiError with the RFC 7807 problem details the API answers with.

import { t } from './i18n.js';

const ACCEPT = 'application/json, application/geo+json, application/problem+json';

/**
 * A failed request: `status` 0 and `network` true when the server was not reached (or the answer was lost).
 * Its message is one line in the page's language: the problem's title, detail and field errors.
 */
export class ApiError extends Error {
  /** @param {{status?: number, problem?: any, message?: string, network?: boolean}} init */
  constructor({ status = 0, problem = null, message = '', network = false }) {
    super(network ? t('errorNetwork', { detail: message }) : message || problemSummary(problem) || t('errorHttp', { status }));
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.network = network;
  }
}

let token = null;

/** The antiforgery token for writes (cached; `force` asks the server again). */
export async function csrfToken(force = false) {
  if (token && !force) return token;
  const { data } = await request('/api/v1/auth/antiforgery');
  token = data.token;
  return token;
}

/** Sets the token the sign-in answer carries, or forgets it (null) on sign-out. */
export function setCsrfToken(value) {
  token = value;
}

/**
 * One request. `json` is sent as JSON, `form` (FormData) as multipart; writes carry the antiforgery token.
 * Resolves to {status, data, etag}; rejects with ApiError.
 * @param {string} path
 * @param {{method?: string, json?: any, form?: FormData, headers?: Record<string,string>, signal?: AbortSignal, csrf?: boolean}} [options]
 * @returns {Promise<{status: number, data: any, etag: string|null}>}
 */
export async function request(path, { method = 'GET', json, form, headers: extra = {}, signal, csrf } = {}) {
  const headers = { Accept: ACCEPT, ...extra };
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  if (csrf ?? method !== 'GET') headers['X-CSRF-TOKEN'] = await csrfToken();
  let res;
  try {
    res = await fetch(path, { method, headers, body, signal, credentials: 'same-origin' });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    // Offline, or the connection broke: the request may or may not have reached the server.
    throw new ApiError({ network: true, message: err && err.message });
  }
  const type = res.headers.get('content-type') || '';
  let data = null;
  if (res.status !== 204) {
    if (type.includes('json')) {
      try { data = await res.json(); } catch { data = null; }
    } else {
      try {
        const text = (await res.text()).trim();
        if (text && !res.ok) data = { detail: text.slice(0, 300) };
      } catch { /* no body */ }
    }
  }
  if (!res.ok) throw new ApiError({ status: res.status, problem: data });
  return { status: res.status, data, etag: res.headers.get('etag') };
}

/** Title, detail and field errors of a problem, as one line ('' when there is none). */
function problemSummary(p) {
  if (!p || typeof p !== 'object') return '';
  const parts = [];
  if (p.title) parts.push(p.title);
  if (p.detail && p.detail !== p.title) parts.push(p.detail);
  if (p.errors && typeof p.errors === 'object') {
    for (const [field, msgs] of Object.entries(p.errors)) parts.push(`${field}: ${[].concat(msgs).join('; ')}`);
  }
  return parts.join(' — ');
}

function isCsrfProblem(err) {
  return err instanceof ApiError && err.status === 400 && err.problem
    && /antiforgery/i.test(`${err.problem.title} ${err.problem.detail}`);
}

/**
 * A write (POST by default) with the antiforgery token; asks for a new token once if the server refused it.
 * @param {string} path
 * @param {Parameters<typeof request>[1]} [options]
 */
export async function send(path, options = {}) {
  const opts = { method: 'POST', ...options, csrf: true };
  try {
    return await request(path, opts);
  } catch (err) {
    if (!isCsrfProblem(err)) throw err;
    await csrfToken(true);
    return request(path, opts);
  }
}

/**
 * GET a JSON body (the data only).
 * @param {string} path
 * @param {{signal?: AbortSignal}} [options]
 */
export async function getJson(path, { signal } = {}) {
  return (await request(path, { signal })).data;
}

/**
 * One line for an error to show: the problem's title, detail and field errors with "(HTTP n)", or the message.
 * @param {any} err
 */
export function problemText(err) {
  const summary = err && err.problem ? problemSummary(err.problem) : '';
  if (!summary) return (err && err.message) || String(err);
  return err.status && err.problem.title ? `${summary} — (HTTP ${err.status})` : summary;
}
