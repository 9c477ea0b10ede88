// A small static file server for the built book, the kind a course would
// use: it knows nothing about the book. One folder can be mounted at several
// paths at once, with or without the cross-origin isolation headers, which is
// how the tests check that one build works under any path.
//
//   node scripts/serve.mjs                         # dist/ at http://localhost:4321/
//   node scripts/serve.mjs --dir dist --mount /courses/mi/book/ --port 8080
//   node scripts/serve.mjs --mount /a/ --mount /plain/:no-isolation
//
// `npm start` uses it. Never used by the book itself.
//
// Compression: where the build has a precompressed copy beside a file
// (`x.wasm.br`, `x.wasm.gz`, written by scripts/finish-build.mjs) and the
// browser accepts that encoding, it sends the copy as it is (brotli first),
// with `Content-Encoding` and `Vary: Accept-Encoding`, as nginx's
// `gzip_static` or Caddy's `precompressed` do. A copy more than 10 s older
// than its file (the file changed after the build) is ignored. `--no-compression` turns
// this off.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.py': 'text/x-python; charset=utf-8',
};

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * A mount: URL prefix `path` (starts and ends with `/`) serving `dir`, with the
 * COOP/COEP/CORP headers unless `isolate` is false.
 * @typedef {{ path: string, dir: string, isolate?: boolean }} Mount
 */

/** `/a/b` → `/a/b/`; `` → `/`. */
function normalisePrefix(path) {
  const parts = path.split('/').filter(Boolean);
  return parts.length === 0 ? '/' : `/${parts.join('/')}/`;
}

/**
 * Parses `--mount` values: `/path/` or `/path/:no-isolation`, all serving `dir`.
 * @returns {Mount[]}
 */
export function parseMounts(values, dir, isolateDefault = true) {
  const mounts = (values.length > 0 ? values : ['/']).map((value) => {
    const [path, flag] = value.split(':');
    return {
      path: normalisePrefix(path),
      dir,
      isolate: flag === 'no-isolation' ? false : isolateDefault,
    };
  });
  // Longest prefix first, so /a/b/ wins over /a/.
  return mounts.sort((a, b) => b.path.length - a.path.length);
}

/** A precompressed copy older than its file by more than this is stale (ms). */
const STALE_MS = 10_000;

/** The encodings a precompressed copy may have, preferred first: suffix and `Content-Encoding`. */
const ENCODINGS = [
  ['.br', 'br'],
  ['.gz', 'gzip'],
];

/**
 * The precompressed copy of `file` to send for `acceptEncoding`, if any:
 * `{ path, encoding, size }`, or undefined to send the file itself.
 */
export function precompressed(file, acceptEncoding = '') {
  const accepted = new Set(
    acceptEncoding
      .split(',')
      .map((part) => part.trim().split(';'))
      .filter(([, q]) => !q || !/^q=0(\.0*)?$/.test(q.trim()))
      .map(([name]) => name.trim().toLowerCase()),
  );
  const mtime = statSync(file).mtimeMs;
  for (const [suffix, encoding] of ENCODINGS) {
    if (!accepted.has(encoding)) continue;
    const stat = statSync(file + suffix, { throwIfNoEntry: false });
    // A copy written with its file (or copied with it, in any order) is
    // within moments of it; one much older is stale.
    if (stat?.isFile() && stat.mtimeMs >= mtime - STALE_MS)
      return { path: file + suffix, encoding, size: stat.size };
  }
  return undefined;
}

/**
 * Serves the mounts on 127.0.0.1:`port`. A request for a folder gets its
 * `index.html`; one for a folder without its trailing slash is redirected, as
 * most static servers do. Resolves to the http.Server once listening.
 * Precompressed copies are sent where the browser accepts them, unless
 * `compression` is false.
 * @param {{ mounts: Mount[], port?: number, host?: string, compression?: boolean }} options
 */
export function serve({ mounts, port = 4321, host = '127.0.0.1', compression = true }) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const mount = mounts.find((m) => url.pathname.startsWith(m.path));
    if (!mount || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(mount ? 405 : 404).end();
      return;
    }
    const root = resolve(mount.dir);
    let file;
    try {
      file = resolve(join(root, decodeURIComponent(url.pathname.slice(mount.path.length))));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!url.pathname.endsWith('/')) {
        res.writeHead(301, { Location: `${url.pathname}/${url.search}` }).end();
        return;
      }
      file = join(file, 'index.html');
    }
    const headers = mount.isolate ? { ...ISOLATION } : {};
    if (!existsSync(file)) {
      const notFound = join(root, '404.html');
      headers['Content-Type'] = TYPES['.html'];
      res.writeHead(404, headers);
      if (existsSync(notFound) && req.method === 'GET') createReadStream(notFound).pipe(res);
      else res.end();
      return;
    }
    headers['Content-Type'] = TYPES[extname(file)] ?? 'application/octet-stream';
    headers['Cache-Control'] = 'no-cache';
    // Validators, as every static server sends them, so that a browser's
    // revalidation of a cached file (no-cache) is a 304 with no body.
    const stat = statSync(file);
    headers['Last-Modified'] = stat.mtime.toUTCString();
    const copy = compression
      ? precompressed(file, String(req.headers['accept-encoding'] ?? ''))
      : undefined;
    if (compression && existsSync(file + '.gz')) headers['Vary'] = 'Accept-Encoding';
    if (copy) headers['Content-Encoding'] = copy.encoding;
    headers['ETag'] =
      `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}${copy ? `-${copy.encoding}` : ''}"`;
    if (req.headers['if-none-match'] === headers['ETag']) {
      delete headers['Content-Encoding'];
      res.writeHead(304, headers).end();
      return;
    }
    headers['Content-Length'] = copy ? copy.size : stat.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(copy ? copy.path : file).pipe(res);
  });
  return new Promise((done) => server.listen(port, host, () => done(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: 'dist' },
      mount: { type: 'string', multiple: true, default: [] },
      port: { type: 'string', default: process.env.PORT ?? '4321' },
      host: { type: 'string', default: '127.0.0.1' },
      'no-isolation': { type: 'boolean', default: false },
      'no-compression': { type: 'boolean', default: false },
    },
  });
  if (!existsSync(join(values.dir, 'index.html'))) {
    console.error(`${values.dir}/index.html is missing: build the book first (npm run build).`);
    process.exit(1);
  }
  const mounts = parseMounts(values.mount, values.dir, !values['no-isolation']);
  await serve({
    mounts,
    port: Number(values.port),
    host: values.host,
    compression: !values['no-compression'],
  });
  for (const m of mounts)
    console.log(
      `serving ${values.dir} at http://${values.host === '127.0.0.1' ? 'localhost' : values.host}:${values.port}${m.path}` +
        (m.isolate ? '' : ' (no isolation headers)'),
    );
}
