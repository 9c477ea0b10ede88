// The book's service worker (issue 8: works offline). scripts/finish-build.mjs
// copies this file to the site's root as `sw.js` and fills in BOOK: the build's
// version and every file with its content hash. Plain JavaScript, not bundled.
//
// - install: saves every file of this version in one cache, reusing files
//   whose hash is unchanged from an older version's cache (a new build does
//   not download the models again), and reports progress to the pages;
// - activate: deletes this book's older caches (same scope, other version);
// - fetch: answers from the cache, so pages, search, runtime and models work
//   with no network; anything not in the cache goes to the network.
// A new version waits until the reader chooses to use it (a page sends
// `use-new-version`), so a page never mixes files of two builds.

const BOOK = { version: 'dev', bytes: 0, files: [] };

/**
 * Whether this browser saves a file: every file but the WebGPU runtime builds
 * it cannot use. ORT's WebGPU wasm comes in two builds (BOOK marks them
 * `jspi` and `asyncify`; src/model/ort.ts picks the JSPI one where
 * WebAssembly.Suspending exists, as it does here in the worker); neither is
 * saved where there is no WebGPU. The plain WASM runtime, the fallback, is
 * always saved.
 */
function saved([, , build]) {
  if (!build) return true;
  const gpu = 'gpu' in self.navigator;
  const jspi = typeof WebAssembly.Suspending === 'function';
  return gpu && (build === 'jspi') === jspi;
}
const FILES = BOOK.files.filter(saved);
const BYTES = BOOK.files.reduce((n, f) => n - (saved(f) ? 0 : f[3]), BOOK.bytes);

const scope = self.registration.scope;
const PREFIX = `circuits-book ${scope} `;
const CACHE = PREFIX + BOOK.version;
const HASH_HEADER = 'X-Book-Hash';

async function broadcast(message) {
  const clients = await self.clients.matchAll({ includeUncontrolled: true, type: 'window' });
  for (const client of clients) client.postMessage({ source: 'circuits-book', ...message });
}

/** An older cache's copy of `url` if its content hash is `hash`. */
async function reusable(url, hash) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const hit = await (await caches.open(name)).match(url);
    if (hit && hit.headers.get(HASH_HEADER) === hash) return hit;
  }
  return undefined;
}

async function saveOne(cache, url, hash) {
  if (await cache.match(url)) return; // saved by an interrupted earlier install
  let response = await reusable(url, hash);
  if (!response) {
    response = await fetch(url, { cache: 'no-cache' });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const headers = new Headers(response.headers);
    headers.set(HASH_HEADER, hash);
    response = new Response(await response.arrayBuffer(), {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }
  await cache.put(url, response);
}

async function precache() {
  const cache = await caches.open(CACHE);
  const total = FILES.length;
  let done = 0;
  let next = 0;
  let lastReport = 0;
  const worker = async () => {
    while (next < total) {
      const [path, hash] = FILES[next++];
      await saveOne(cache, new URL(path, scope).href, hash);
      done += 1;
      if (Date.now() - lastReport > 250 || done === total) {
        lastReport = Date.now();
        await broadcast({
          type: 'progress',
          version: BOOK.version,
          done,
          total,
          bytes: BYTES,
        });
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    precache().catch(async (error) => {
      await broadcast({
        type: 'error',
        version: BOOK.version,
        message: String(error?.message ?? error),
      });
      throw error;
    }),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys())
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
      await broadcast({ type: 'ready', version: BOOK.version, bytes: BYTES });
    })(),
  );
});

self.addEventListener('message', (event) => {
  const type = event.data?.type;
  if (type === 'use-new-version') self.skipWaiting();
  else if (type === 'status')
    event.source?.postMessage({
      source: 'circuits-book',
      type: 'ready',
      version: BOOK.version,
      bytes: BYTES,
    });
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(scope)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // Pages keep the figures' state in the query (?prompt=...): the saved
      // page is the same for every query.
      const hit = await cache.match(request, { ignoreSearch: true });
      if (hit) return hit;
      try {
        return await fetch(request);
      } catch (error) {
        if (request.mode === 'navigate') {
          const notFound = await cache.match(new URL('404.html', scope).href);
          if (notFound) return notFound;
        }
        throw error;
      }
    })(),
  );
});
