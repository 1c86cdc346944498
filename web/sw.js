// Mnemo's service worker: repeat visits load the app shell and the vocabularies from the
// Cache API, and the app opens offline. The release build stamps BUILD and FILES into the
// copy in dist/ (scripts/service-worker.mjs); index.html registers it from the root so that
// its scope is the whole app.
//
// - Page loads (navigations): network first, so a new deploy is used on the next load; the
//   cached index.html after NETWORK_TIMEOUT_MS without an answer, or at once offline.
// - Content-hashed files (the app's JS, wasm and CSS): from the cache. A name never changes
//   its content, so they are never revalidated.
// - Files without a hash in their name (the tokenizer worker): network first, the cached
//   copy offline, so the worker always matches the page that starts it.
// - Vocabularies (content-hashed): cached the first time a model needs one, kept across
//   deploys while a build still names them.
// - Anything else, other origins (the chat API, proxies) and every non-GET request go
//   straight to the network: this worker never sees, let alone stores, a conversation.

/** A hash of the build's files; null in an unstamped copy (debug builds). */
const BUILD = null;
/** The build's files, as paths relative to the scope. */
const FILES = { index: './', hashed: [], fresh: [], vocab: [] };

const NETWORK_TIMEOUT_MS = 3000;
const PREFIX = 'mnemo-';
const SHELL_CACHE = `${PREFIX}shell-${BUILD}`;
const VOCAB_CACHE = `${PREFIX}vocab`;

const scoped = (path) => new URL(path, self.registration.scope).href;
const HASHED = new Set(FILES.hashed.map(scoped));
const FRESH = new Set(FILES.fresh.map(scoped));
const VOCAB = new Set(FILES.vocab.map(scoped));

if (BUILD === null) {
  // Not a release build (`trunk serve`): remove what a release build served from this
  // origin may have left, so that development always sees the files on disk.
  self.addEventListener('install', () => self.skipWaiting());
  self.addEventListener('activate', (event) => {
    event.waitUntil(
      (async () => {
        for (const name of await caches.keys()) if (name.startsWith(PREFIX)) await caches.delete(name);
        await self.registration.unregister();
      })(),
    );
  });
} else {
  self.addEventListener('install', (event) => event.waitUntil(install()));
  self.addEventListener('activate', (event) => event.waitUntil(activate()));
  self.addEventListener('fetch', onFetch);
}

/** Caches every file of the shell and the tokenizer, then takes over at once. */
async function install() {
  const cache = await caches.open(SHELL_CACHE);
  const store = async (url, response) => {
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    // A redirected response cannot answer a navigation: keep only its body and headers.
    await cache.put(url, response.redirected ? new Response(response.body, response) : response);
  };
  await Promise.all([
    // Same name, same bytes: an earlier build's cache or the browser's HTTP cache (which
    // holds them from this very page load) serves them without a download.
    ...[...HASHED].map(async (url) => {
      const response = (await caches.match(url, { ignoreVary: true })) ?? (await fetch(url, { cache: 'force-cache' }));
      await store(url, response);
    }),
    ...[scoped(FILES.index), ...FRESH].map(async (url) => store(url, await fetch(url, { cache: 'no-cache' }))),
  ]);
  await self.skipWaiting();
}

/** Deletes the caches of earlier builds and the vocabularies no longer named. */
async function activate() {
  for (const name of await caches.keys()) {
    if (name.startsWith(`${PREFIX}shell-`) && name !== SHELL_CACHE) await caches.delete(name);
  }
  const vocab = await caches.open(VOCAB_CACHE);
  for (const request of await vocab.keys()) if (!VOCAB.has(request.url)) await vocab.delete(request);
  await self.registration.navigationPreload?.enable();
  await self.clients.claim();
}

/** @param {FetchEvent} event */
function onFetch(event) {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  url.hash = '';
  if (request.mode === 'navigate') event.respondWith(navigate(event));
  else if (HASHED.has(url.href)) event.respondWith(cacheFirst(request, SHELL_CACHE));
  else if (VOCAB.has(url.href)) event.respondWith(cacheFirst(request, VOCAB_CACHE));
  else if (FRESH.has(url.href)) event.respondWith(networkFirst(request, request));
}

/** The page from the network, or the cached index.html when the network fails or is slow. */
async function navigate(event) {
  const network = (async () => (await event.preloadResponse) ?? fetch(event.request))();
  return networkFirst(network, scoped(FILES.index));
}

/**
 * `network` (a request, or a response on its way) unless it fails or takes longer than
 * NETWORK_TIMEOUT_MS; then the cached `fallback`, if there is one.
 */
async function networkFirst(network, fallback) {
  const response = network instanceof Request ? fetch(network) : network;
  response.catch(() => {}); // A late failure after the cache has answered is expected.
  let timer;
  const slow = new Promise((resolve) => {
    timer = setTimeout(resolve, NETWORK_TIMEOUT_MS);
  });
  try {
    const first = await Promise.race([response, slow]);
    if (first) return first;
  } catch {
    // Offline, or the server could not be reached: the cache answers.
  } finally {
    clearTimeout(timer);
  }
  const cached = await caches.match(fallback, { cacheName: SHELL_CACHE, ignoreVary: true });
  return cached ?? response;
}

/** The cached copy of an immutable file; fetched (from the HTTP cache if it can) and kept otherwise. */
async function cacheFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request.url, { cache: 'force-cache', credentials: 'same-origin' });
  if (response.ok) await cache.put(request.url, response.clone());
  return response;
}
