// Service worker of the inspector page: keeps the page shell (HTML, scripts, styles,
// Leaflet) and the checklists in a cache so that /inspect.html opens without a connection.
// Network first: online, the inspector always gets the current files (and the cache is
// refreshed); offline, the cached copy answers. API writes are never touched here:
// unsent inspections wait in IndexedDB (queue-store.js), not in this worker.

/** This worker's global scope, typed as one (the type check sees the page's lib too). */
const worker = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

const CACHE = 'a11y-inspector-shell-v7';
const SHELL = [
  '/inspect.html',
  '/inspect.js',
  '/inspect.css',
  '/worklist.html',
  '/worklist.js',
  '/app.css',
  '/i18n.js',
  '/judge.js',
  '/queue-store.js',
  '/api.js',
  '/dom.js',
  '/facility-form.js',
  '/signin.js',
  // the script pages' string tables, merged by the web build (i18n.js reads this one file)
  '/lib/strings.json',
  '/lib/leaflet/leaflet.js',
  '/lib/leaflet/leaflet.css',
];
// GET API answers worth having offline (read-only, small).
const API_CACHED = ['/api/v1/checklists', '/api/v1/facility-kinds'];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // cache: 'reload' skips the HTTP cache so a new worker gets fresh files. One by one:
    // a single missing file must not throw away the worker (addAll is all or nothing).
    await Promise.allSettled(SHELL.map((u) => cache.add(new Request(u, { cache: 'reload' }))));
    await worker.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('a11y-inspector-shell-') && key !== CACHE) await caches.delete(key);
    }
    await worker.clients.claim();
  })());
});

function isCached(url) {
  if (url.origin !== self.location.origin) return false;
  if (SHELL.includes(url.pathname)) return true;
  return API_CACHED.some((p) => url.pathname === p || url.pathname.startsWith(`${p}/`));
}

async function networkFirst(request, url) {
  const cache = await caches.open(CACHE);
  // the shell is stored once, whatever its query string (inspect.html?facility=12)
  const key = SHELL.includes(url.pathname) ? url.pathname : request;
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (err) {
    const hit = await cache.match(key);
    if (hit) return hit;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (!isCached(url)) return;
  event.respondWith(networkFirst(request, url));
});
