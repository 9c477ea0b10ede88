// The last step of `npm run build`, after `astro build` and Pagefind:
//
// 1. Path independence. Astro builds with a placeholder base (astro.config.mjs
//    BUILD_BASE); every occurrence in HTML and CSS becomes a path relative to
//    that file (`../../`), so the folder works under any path of any static
//    server without rebuilding. JavaScript never contains it (its URLs are
//    relative to the module); any leftover anywhere fails the build.
// 2. Content-Security-Policy. Every page gets a <meta> CSP that allows only
//    the site's own origin, plus the hashes of that page's own inline scripts
//    and styles, and 'wasm-unsafe-eval' (WebAssembly) but never 'unsafe-eval'.
// 3. Offline. `sw.js`, the service worker, is written from
//    src/offline/service-worker.js with the list of every file of the build
//    and its hash; the version is the hash of that list, so any change to any
//    file makes a new service worker that replaces the old copy cleanly.
// 4. The build hash. That version is also the build hash every page's footer
//    shows (`<code data-build-hash>`): it is computed with those stamps blanked
//    (a page cannot hold a hash of itself), then written into every page.
// 5. Precompressed copies. Every file that compresses (pages, styles,
//    scripts, JSON, the runtime's wasm, the model graphs) gets a `.br`
//    (brotli, quality 11) and a `.gz` (gzip -9) beside it, for servers that
//    send them as they are (scripts/serve.mjs, nginx `gzip_static`, Caddy
//    `precompressed`; HOSTING.md). They are not part of the book: not in the
//    offline copy, not in the build hash. Brotli at quality 11 is slow (two
//    minutes for the 27 MB runtime), so results are kept in `.cache/precompress/`
//    by content hash and a rebuild only compresses what changed;
//    `SITE_PRECOMPRESS=0` skips this step.
//
//   node scripts/finish-build.mjs [dist]
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

export const BUILD_BASE = '/__circuits_book_root__/';
const here = dirname(fileURLToPath(import.meta.url));

/** Every file under `dir`, as paths relative to it with `/` separators, sorted. */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** The path from the folder holding `file` (relative to the root) back to the root. */
export function rootFrom(file) {
  const depth = file.split('/').length - 1;
  return depth === 0 ? './' : '../'.repeat(depth);
}

/**
 * @param {string | Uint8Array} data
 * @param {'hex' | 'base64'} [encoding]
 * @returns {string}
 */
const sha256 = (data, encoding = 'hex') => createHash('sha256').update(data).digest(encoding);

/** The CSP for a page whose inline scripts and styles are `scripts`, `styles`. */
export function contentSecurityPolicy(scripts, styles) {
  const hashes = (list) => [...new Set(list.map((s) => `'sha256-${sha256(s, 'base64')}'`))];
  return [
    "default-src 'self'",
    ["script-src 'self' 'wasm-unsafe-eval'", ...hashes(scripts)].join(' '),
    ["style-src 'self'", ...hashes(styles)].join(' '),
    // KaTeX and the figures set positions and colours in style="" attributes;
    // attributes cannot run code, so they are allowed (and only they).
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g;
const INLINE_STYLE = /<style\b[^>]*>([\s\S]*?)<\/style>/g;

/** Rewrites one page: relative root, then its CSP meta (hashes of the final text). */
export function finishPage(html, file) {
  if (html.includes('http-equiv="Content-Security-Policy"'))
    throw new Error(`${file} is already finished; rebuild instead of finishing twice`);
  let out = html.replaceAll(BUILD_BASE, rootFrom(file));
  const scripts = [...out.matchAll(INLINE_SCRIPT)].map((m) => m[1]);
  const styles = [...out.matchAll(INLINE_STYLE)].map((m) => m[1]);
  const meta = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(scripts, styles)}">`;
  if (!/<meta charset="utf-8"\s*\/?>/i.test(out))
    throw new Error(`${file}: no <meta charset> to put the CSP after`);
  out = out.replace(/<meta charset="utf-8"\s*\/?>/i, (m) => `${m}${meta}`);
  return out;
}

/** The precompressed copies of a file (step 5): not files of the book. */
export const PRECOMPRESSED = /\.(br|gz)$/;

/** Files worth precompressing: text and the runtime's wasm; not weights, fonts, Pagefind's or images. */
const COMPRESSIBLE = /\.(html|css|js|mjs|json|svg|txt|md|xml|wasm|onnx|py)$/;

/**
 * Files a reader of the book never needs offline: the PyTorch weights offered
 * for download to continue in a notebook (which needs the network anyway),
 * and the embed pages (src/pages/embed/), which are for other sites' iframes,
 * where browsers refuse the service worker, and would add a copy of each
 * chapter per figure (4.5 MB).
 */
const NOT_PRECACHED = /\.pt$|^embed\//;

/**
 * The build-hash stamp of a page: the text of every element marked
 * `data-build-hash` (src/layouts/Base.astro's footer).
 */
const BUILD_STAMP = /(<[^<>]*\sdata-build-hash(?:[\s=>][^<>]*)?>)[^<]*(<\/)/g;

/** `html` with every build-hash stamp emptied: what the build's version is computed from. */
export function unstamped(html) {
  return html.replace(BUILD_STAMP, '$1$2');
}

/** `html` with `version` in every build-hash stamp. */
export function stamped(html, version) {
  return html.replace(BUILD_STAMP, (_, open, close) => `${open}${version}${close}`);
}

/**
 * The service worker's precache list: every file except the worker itself,
 * pages under their folder URL (`chapters/x/`, and `` for the root). With
 * `unstamp`, pages are hashed with their build-hash stamps emptied.
 */
export function precacheList(dir, files, { unstamp = false } = {}) {
  return files
    .filter((f) => f !== 'sw.js' && !NOT_PRECACHED.test(f) && !PRECOMPRESSED.test(f))
    .map((f) => {
      const bytes = readFileSync(join(dir, f));
      const hashed = unstamp && f.endsWith('.html') ? unstamped(bytes.toString('utf8')) : bytes;
      const url =
        f === 'index.html' ? '' : f.endsWith('/index.html') ? f.slice(0, -'index.html'.length) : f;
      const build = /\.(jspi|asyncify)\.[\w-]+\.wasm$/.exec(f)?.[1];
      return { url, hash: sha256(hashed).slice(0, 16), bytes: bytes.length, build };
    });
}

export async function finishBuild(dir) {
  const files = listFiles(dir).filter((f) => !PRECOMPRESSED.test(f));
  for (const file of files) {
    const path = join(dir, file);
    if (file.endsWith('.html')) {
      writeFileSync(path, finishPage(readFileSync(path, 'utf8'), file));
    } else if (file.endsWith('.css')) {
      const css = readFileSync(path, 'utf8');
      if (css.includes(BUILD_BASE)) writeFileSync(path, css.replaceAll(BUILD_BASE, rootFrom(file)));
    }
  }
  const marker = BUILD_BASE.slice(1, -1);
  const leftovers = files.filter(
    (f) =>
      /\.(html|css|js|mjs|json|svg|txt|xml)$/.test(f) &&
      readFileSync(join(dir, f), 'utf8').includes(marker),
  );
  if (leftovers.length > 0)
    throw new Error(`the build placeholder ${BUILD_BASE} is still in: ${leftovers.join(', ')}`);

  const worker = writeServiceWorker(dir);
  // SITE_PRECOMPRESS=0 skips step 5 (a quick build for work on the pages).
  const compressed =
    process.env.SITE_PRECOMPRESS === '0'
      ? { files: 0, raw: 0, br: 0, gz: 0 }
      : await precompress(dir);
  return { ...worker, compressed };
}

/** Removes `path`'s precompressed copies, stale once `path` is rewritten (precompress makes new ones). */
function dropPrecompressed(path) {
  for (const ext of ['.br', '.gz']) rmSync(path + ext, { force: true });
}

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * Writes `f.br` and `f.gz` beside every compressible file of `dir` that
 * shrinks by at least 10% (removing stale ones), reusing `cacheDir`'s copies
 * of content already compressed. Resolves to the raw, brotli and gzip bytes
 * of the files compressed.
 */
export async function precompress(dir, cacheDir = join(here, '..', '.cache', 'precompress')) {
  mkdirSync(cacheDir, { recursive: true });
  const files = listFiles(dir).filter((f) => COMPRESSIBLE.test(f));
  const totals = { files: 0, raw: 0, br: 0, gz: 0 };
  const one = async (f) => {
    const raw = readFileSync(join(dir, f));
    const key = sha256(raw);
    const cached = async (ext, make) => {
      const path = join(cacheDir, `${key}.${ext}`);
      if (existsSync(path)) return readFileSync(path);
      const out = await make();
      writeFileSync(path, out);
      return out;
    };
    const [br, gzipped] = await Promise.all([
      cached('br', () =>
        brotli(raw, {
          params: {
            [zlib.BROTLI_PARAM_QUALITY]: 11,
            [zlib.BROTLI_PARAM_LGWIN]: 24,
            [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        }),
      ),
      cached('gz', () => gz(raw, { level: 9 })),
    ]);
    if (gzipped.length > raw.length * 0.9) return;
    writeFileSync(join(dir, `${f}.br`), br);
    writeFileSync(join(dir, `${f}.gz`), gzipped);
    totals.files += 1;
    totals.raw += raw.length;
    totals.br += br.length;
    totals.gz += gzipped.length;
  };
  // Largest first, so the two-minute runtime starts at once; zlib's work runs
  // on libuv's thread pool, a few files at a time.
  const queue = files.sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size);
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let f = queue.shift(); f !== undefined; f = queue.shift()) await one(f);
    }),
  );
  return totals;
}

/**
 * Writes `dir/sw.js`: the service worker template with this build's file list
 * and version (the hash of the list, pages read without their build-hash
 * stamps), and writes that version into every page's stamp. Run again after
 * changing any file, it makes a new version (the offline e2e test does
 * exactly that) and restamps the pages.
 */
export function writeServiceWorker(dir) {
  const files = listFiles(dir).filter((f) => !PRECOMPRESSED.test(f));
  const unstampedEntries = precacheList(dir, files, { unstamp: true });
  const version = sha256(JSON.stringify(unstampedEntries.map((e) => [e.url, e.hash]))).slice(0, 12);
  for (const file of files.filter((f) => f.endsWith('.html'))) {
    const path = join(dir, file);
    const html = readFileSync(path, 'utf8');
    const out = stamped(html, version);
    if (out !== html) {
      writeFileSync(path, out);
      dropPrecompressed(path);
    }
  }
  // The pages' own hashes (what the worker compares) are of their stamped text.
  const entries = precacheList(dir, files);
  const bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
  const template = readFileSync(join(here, '..', 'src', 'offline', 'service-worker.js'), 'utf8');
  // ORT's two WebGPU builds are marked, so the worker saves only the one its
  // browser uses (src/offline/service-worker.js `saved`).
  const book = {
    version,
    bytes,
    files: entries.map((e) => (e.build ? [e.url, e.hash, e.build, e.bytes] : [e.url, e.hash])),
  };
  const worker = template.replace(
    /const BOOK = [^;]*;/,
    () => `const BOOK = ${JSON.stringify(book)};`,
  );
  if (worker === template)
    throw new Error('service-worker.js has no `const BOOK = ...;` line to fill');
  writeFileSync(join(dir, 'sw.js'), worker);
  dropPrecompressed(join(dir, 'sw.js'));
  return { version, files: entries.length, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? process.env.SITE_OUT_DIR ?? 'dist';
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`finish-build: ${dir} is not a folder; run astro build first`);
    process.exit(1);
  }
  const { version, files, bytes, compressed } = await finishBuild(dir);
  const mb = (n) => (n / 1e6).toFixed(1);
  console.log(
    `finish-build: ${dir} is path-independent; CSP on every page; sw.js version ${version} precaches ${files} files (${mb(bytes)} MB); ${compressed.files} files precompressed, ${mb(compressed.raw)} MB -> ${mb(compressed.br)} MB brotli, ${mb(compressed.gz)} MB gzip`,
  );
}
