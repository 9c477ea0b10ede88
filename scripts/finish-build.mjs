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
//
//   node scripts/finish-build.mjs [dist]
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

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
    .filter((f) => f !== 'sw.js' && !NOT_PRECACHED.test(f))
    .map((f) => {
      const bytes = readFileSync(join(dir, f));
      const hashed = unstamp && f.endsWith('.html') ? unstamped(bytes.toString('utf8')) : bytes;
      const url =
        f === 'index.html' ? '' : f.endsWith('/index.html') ? f.slice(0, -'index.html'.length) : f;
      return { url, hash: sha256(hashed).slice(0, 16), bytes: bytes.length };
    });
}

export function finishBuild(dir) {
  const files = listFiles(dir);
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

  return writeServiceWorker(dir);
}

/**
 * Writes `dir/sw.js`: the service worker template with this build's file list
 * and version (the hash of the list, pages read without their build-hash
 * stamps), and writes that version into every page's stamp. Run again after
 * changing any file, it makes a new version (the offline e2e test does
 * exactly that) and restamps the pages.
 */
export function writeServiceWorker(dir) {
  const files = listFiles(dir);
  const unstampedEntries = precacheList(dir, files, { unstamp: true });
  const version = sha256(JSON.stringify(unstampedEntries.map((e) => [e.url, e.hash]))).slice(0, 12);
  for (const file of files.filter((f) => f.endsWith('.html'))) {
    const path = join(dir, file);
    const html = readFileSync(path, 'utf8');
    const out = stamped(html, version);
    if (out !== html) writeFileSync(path, out);
  }
  // The pages' own hashes (what the worker compares) are of their stamped text.
  const entries = precacheList(dir, files);
  const bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
  const template = readFileSync(join(here, '..', 'src', 'offline', 'service-worker.js'), 'utf8');
  const book = { version, bytes, files: entries.map((e) => [e.url, e.hash]) };
  const worker = template.replace(
    /const BOOK = [^;]*;/,
    () => `const BOOK = ${JSON.stringify(book)};`,
  );
  if (worker === template)
    throw new Error('service-worker.js has no `const BOOK = ...;` line to fill');
  writeFileSync(join(dir, 'sw.js'), worker);
  return { version, files: entries.length, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? process.env.SITE_OUT_DIR ?? 'dist';
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    console.error(`finish-build: ${dir} is not a folder; run astro build first`);
    process.exit(1);
  }
  const { version, files, bytes } = finishBuild(dir);
  console.log(
    `finish-build: ${dir} is path-independent; CSP on every page; sw.js version ${version} precaches ${files} files (${(bytes / 1e6).toFixed(1)} MB)`,
  );
}
