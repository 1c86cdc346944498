// The archive: every conversation in IndexedDB, one record per conversation (its id is
// the key, the stored text the value), published as `window.mnemoArchive` for the app
// (src/platform/archive.rs). Plain JavaScript because it is mostly promises around
// callbacks: the same glue in Rust would cost the app's wasm several KB. The database
// starts opening here, while the app's wasm downloads.
(() => {
  const NAME = 'mnemo';
  const STORE = 'conversations';
  const closed = () => window.dispatchEvent(new Event('mnemo-archive-closed'));
  // A DOMException's name (QuotaExceededError, VersionError…): the app tells them apart.
  const failure = (error) => error?.name ?? String(error);

  /** Opens the database, at `version` when given; adds the store when it is missing. */
  const connect = (version) =>
    new Promise((resolve, reject) => {
      const request = version ? indexedDB.open(NAME, version) : indexedDB.open(NAME);
      request.onupgradeneeded = () => {
        const db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
      };
      // Another tab holds an older version open and does not let go.
      request.onblocked = () => reject('VersionBlocked');
      request.onerror = () => reject(failure(request.error));
      request.onsuccess = () => {
        const db = request.result;
        // Another tab upgrades the database: let it, and save elsewhere until a reload.
        db.onversionchange = () => {
          db.close();
          opened = Promise.reject('VersionChanged');
          opened.catch(() => {});
          closed();
        };
        db.onclose = closed;
        if (db.objectStoreNames.contains(STORE)) resolve(db);
        else {
          // Made without the store (by a page that is not Mnemo): add it.
          const next = db.version + 1;
          db.onversionchange = null;
          db.close();
          connect(next).then(resolve, reject);
        }
      };
    });

  let opened;
  try {
    opened = window.indexedDB ? connect() : Promise.reject('IndexedDB is missing');
  } catch (error) {
    opened = Promise.reject(failure(error));
  }
  opened.catch(() => {});

  /** Runs `work` on the store in one transaction; resolves when it is on disk. */
  const inStore = (mode, work) =>
    opened.then(
      (db) =>
        new Promise((resolve, reject) => {
          let result;
          let t;
          try {
            t = db.transaction(STORE, mode);
            const request = work(t.objectStore(STORE));
            if (request) request.onsuccess = () => (result = request.result);
          } catch (error) {
            reject(failure(error));
            return;
          }
          t.oncomplete = () => resolve(result);
          t.onabort = t.onerror = () => reject(failure(t.error));
        }),
    );

  // Whether `text` may contain `needle` (folded by the app: lower case, no accents), as far
  // as can be told here: plain ASCII text is looked at exactly as the app would; any other
  // text (an accent may fold to the letter looked for) may, and the app looks closer.
  const ASCII = /^[\x20-\x7e]*$/;
  const OTHER = /[^\x00-\x7f]|\\u|\\\//;
  const plain = (needle) => ASCII.test(needle) && !needle.includes('"') && !needle.includes('\\');
  const mayContain = (text, needle) => !plain(needle) || text.toLowerCase().includes(needle) || OTHER.test(text);

  let searches = 0;

  window.mnemoArchive = {
    /** Resolves once the database is open; rejects with why it cannot be. */
    open: () => opened.then(() => undefined, (why) => Promise.reject(failure(why))),
    /** The stored text of conversation `id`, or undefined. */
    get: (id) => inStore('readonly', (s) => s.get(id)),
    /** Stores `text` as conversation `id`; resolves once it is written. */
    put: (id, text) => inStore('readwrite', (s) => s.put(text, id)),
    /** Removes conversation `id`. */
    remove: (id) => inStore('readwrite', (s) => s.delete(id)),
    /** Every stored id. */
    keys: () => inStore('readonly', (s) => s.getAllKeys()),
    /**
     * Reads the records of `ids`, in that order, and hands each whose text may contain
     * `needle` (folded by the app; see `mayContain`) to `found(id, text)` at once, so that
     * the first results show while the rest are read. A few records per transaction, so
     * that saves get in between and the page answers. Resolves once all are read, or when
     * a newer search starts (typing a word starts one per letter).
     */
    search: (needle, ids, found) => {
      const search = ++searches;
      const PER_TRANSACTION = 32;
      const chunk = (db, from) =>
        new Promise((resolve, reject) => {
          const t = db.transaction(STORE);
          const store = t.objectStore(STORE);
          for (const id of ids.slice(from, from + PER_TRANSACTION)) {
            const request = store.get(id);
            request.onsuccess = () => {
              const text = request.result;
              // A missing record, or one that is not text, holds no match.
              if (search === searches && typeof text === 'string' && mayContain(text, needle)) found(id, text);
            };
          }
          t.oncomplete = resolve;
          t.onabort = t.onerror = () => reject(failure(t.error));
        });
      return opened.then(async (db) => {
        for (let from = 0; from < ids.length && search === searches; from += PER_TRANSACTION) {
          await chunk(db, from);
        }
      });
    },
    /** [bytes used, bytes allowed] for this site, or undefined when unknown. */
    estimate: () =>
      navigator.storage?.estimate
        ? navigator.storage.estimate().then((e) => [e.usage ?? 0, e.quota ?? 0], () => undefined)
        : Promise.resolve(undefined),
  };
})();
