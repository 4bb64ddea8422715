// The one sign-in flow of the script pages: the existing cookie session of /api/v1/auth. Signing in answers
// with the user and a new antiforgery token (the old one belonged to the anonymous session), which api.js then
// sends with every write.
import { request, send, setCsrfToken } from './api.js';

/**
 * Signs in; resolves to the user ({userName, displayName, role, districtScopes}), rejects with ApiError
 * (401: wrong user name or password, 429: too many attempts).
 * @param {string} userName
 * @param {string} password
 */
export async function signIn(userName, password) {
  setCsrfToken(null);
  const { data } = await send('/api/v1/auth/login', { json: { userName, password } });
  setCsrfToken(data.antiforgeryToken ?? null);
  return data.user;
}

/** Signs out (locally too when the server cannot be reached). */
export async function signOut() {
  try {
    await send('/api/v1/auth/logout');
  } finally {
    setCsrfToken(null);
  }
}

/** The signed-in user, or null when nobody is signed in (401); other failures reject with ApiError. */
export async function currentUser() {
  try {
    return (await request('/api/v1/auth/me')).data;
  } catch (err) {
    if (err.status === 401) return null;
    throw err;
  }
}
