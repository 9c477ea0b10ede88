// `npm run archive`: the built book as one file a course can host anywhere.
//
//   npm run archive                      # builds, then writes circuits-book-<version>.tar.gz
//   node scripts/archive.mjs --dir dist --out /tmp/book.tar.gz   # archive an existing build
//
// The archive holds one folder, `circuits-book/`: the whole site plus
// HOSTING.md. Unpack it under any path of any static file server; nothing is
// rebuilt (the build is path-independent: scripts/finish-build.mjs).
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const FOLDER = 'circuits-book';

/** The build's version, as its service worker states it. */
export function buildVersion(dir) {
  const match = /const BOOK = \{"version":"([0-9a-f]+)"/.exec(
    readFileSync(join(dir, 'sw.js'), 'utf8'),
  );
  if (!match)
    throw new Error(`${dir}/sw.js has no version: was the build finished (npm run build)?`);
  return match[1];
}

function hostingNotes(version) {
  return `# Hosting this book

This folder is the whole book (version ${version}): pages, search index,
fonts, math, the onnxruntime-web runtime and the models. It makes no request
to any other site.

## Put it anywhere

Copy the folder's content to any path of any static file server — for example
\`https://uni.example/courses/interpretability/book/\` — and open that URL.
Nothing needs rebuilding: every link and file is found relative to the page.

Try it locally:

    python3 -m http.server 8000        # in this folder, then open http://localhost:8000/

## What the server decides

| served over | figures run on | offline after first visit |
|---|---|---|
| https, with the headers below | WebGPU if the browser has it, else multi-threaded WebAssembly | yes |
| https, no headers | WebGPU if the browser has it, else single-threaded WebAssembly | yes |
| plain http (not localhost) | single-threaded WebAssembly (browsers keep WebGPU and service workers to secure origins) | no |

Each figure shows which backend it runs on and why.

The optional headers (they allow WebAssembly threads):

    Cross-Origin-Opener-Policy: same-origin
    Cross-Origin-Embedder-Policy: require-corp
    Cross-Origin-Resource-Policy: same-origin

nginx:

    location /courses/interpretability/book/ {
        add_header Cross-Origin-Opener-Policy same-origin always;
        add_header Cross-Origin-Embedder-Policy require-corp always;
        add_header Cross-Origin-Resource-Policy same-origin always;
    }

Apache (.htaccess in this folder, mod_headers):

    Header always set Cross-Origin-Opener-Policy "same-origin"
    Header always set Cross-Origin-Embedder-Policy "require-corp"
    Header always set Cross-Origin-Resource-Policy "same-origin"

Serve \`.wasm\` as \`application/wasm\` and \`.mjs\` as \`text/javascript\` (most
servers do). Every page carries its own Content-Security-Policy (a <meta>
tag): only this site's origin, no \`unsafe-eval\`.

## Offline

On https (or localhost), the first visit saves the whole book in the browser
(a service worker; the footer of every page says how far it got). After that
it works with no network. A new version of the folder replaces the saved copy
when a reader accepts it ("Use the new version" in the footer).

## The 404 page

\`404.html\` finds its styles and links relative to the book's folder, so it
shows properly for a missing page directly in that folder. If your server
sends it for missing pages deeper down, it still says the page is not part
of the book, but unstyled.
`;
}

/** Writes `out` (a .tar.gz) holding `circuits-book/` = `dir` + HOSTING.md. */
export function makeArchive(dir, out) {
  if (!existsSync(join(dir, 'index.html')) || !existsSync(join(dir, 'sw.js')))
    throw new Error(`${dir} is not a finished build: run npm run build first`);
  const version = buildVersion(dir);
  const stage = mkdtempSync(join(tmpdir(), 'circuits-archive-'));
  try {
    cpSync(dir, join(stage, FOLDER), { recursive: true });
    writeFileSync(join(stage, FOLDER, 'HOSTING.md'), hostingNotes(version));
    execFileSync('tar', ['-czf', resolve(out), '-C', stage, FOLDER], { stdio: 'inherit' });
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  return { version, out, bytes: statSync(out).size };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: process.env.SITE_OUT_DIR ?? 'dist' },
      out: { type: 'string', default: '' },
    },
  });
  const version = buildVersion(values.dir);
  const out = values.out || `${FOLDER}-${version}.tar.gz`;
  const result = makeArchive(values.dir, out);
  console.log(
    `archive: ${result.out} (${(result.bytes / 1e6).toFixed(1)} MB, version ${result.version}): unpack it under any path of a static server; see ${FOLDER}/HOSTING.md`,
  );
}
