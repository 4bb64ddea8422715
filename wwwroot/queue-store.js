// IndexedDB store of inspections waiting to be sent, keyed by their clientId.
// A record: {clientId, createdAt, facility:{id,name,kind}, body (the POST body without photo ids),
//            photos:[{localId, item|null, name, type, blob, serverId|null}],
//            state: 'waiting'|'rejected', attempts, lastError, lastAttemptAt}
// Photos are kept as Blobs in the same record, so a reload or a closed tab loses nothing.

const DB_NAME = 'a11y-registry-inspector';
const DB_VERSION = 1;
const STORE = 'outbox';

let dbPromise = null;

function open() {
  if (dbPromise) return dbPromise;
  dbPromise = new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STORE)) {
        const store = db.createObjectStore(STORE, { keyPath: 'clientId' });
        store.createIndex('createdAt', 'createdAt');
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('IndexedDB upgrade blocked by another tab'));
  });
  dbPromise.catch(() => { dbPromise = null; });
  return dbPromise;
}

function tx(mode, fn) {
  return open().then((db) => new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const store = t.objectStore(STORE);
    let result;
    Promise.resolve(fn(store)).then((r) => { result = r; }, reject);
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error('transaction aborted'));
  }));
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Adds or replaces a record. */
export function put(record) {
  return tx('readwrite', (store) => request(store.put(record)));
}

/** Removes a record by clientId. */
export function remove(clientId) {
  return tx('readwrite', (store) => request(store.delete(clientId)));
}

/** One record, or undefined. */
export function get(clientId) {
  return tx('readonly', (store) => request(store.get(clientId)));
}

/** Every record, oldest first (the order they are sent in). */
export function all() {
  return tx('readonly', (store) => request(store.index('createdAt').getAll()));
}
