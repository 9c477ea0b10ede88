// `npm run archive`: the built book as one file a course can host anywhere.
//
//   npm run archive                      # builds, then writes circuits-book-<version>.tar.gz
//   node scripts/archive.mjs --dir dist --out /tmp/book.tar.gz   # archive an existing build
//
// The archive holds one folder, `circuits-book/`: the whole site, HOSTING.md
// (the repository's, its version line naming this build) and the licence
// files. Unpack it under any path of any static file server; nothing is
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
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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

const here = dirname(fileURLToPath(import.meta.url));
const REPO = join(here, '..');

/** The licence files every copy of the book carries (the repository's own). */
export const LICENCE_FILES = ['LICENSE', 'LICENSE-text', 'LICENSE-models'];

/**
 * The build's edition as its pages state it (`<p class="site-edition"
 * data-edition-version data-edition-date>` in every footer).
 */
export function buildEdition(dir) {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const version = /data-edition-version="([^"]+)"/.exec(html)?.[1];
  const date = /data-edition-date="(\d{4}-\d{2}-\d{2})"/.exec(html)?.[1];
  if (!version || !date) throw new Error(`${dir}/index.html states no edition in its footer`);
  return { version, date };
}

/**
 * The repository's HOSTING.md for this build: its version line
 * ("Version 0.1.0 of 29 November 2026.") also names the build's hash.
 */
export function hostingNotes(dir, hash) {
  const { version, date } = buildEdition(dir);
  const [year, month, day] = date.split('-').map(Number);
  const long = new Date(Date.UTC(year, month - 1, day)).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const line = `Version ${version} of ${long}`;
  const text = readFileSync(join(REPO, 'HOSTING.md'), 'utf8');
  const versionLine = /^Version \S+ of [^\n]*\.$/m;
  if (!versionLine.test(text)) throw new Error('HOSTING.md has no "Version … of …." line');
  return text.replace(versionLine, `${line}, build ${hash}.`);
}

/** Writes `out` (a .tar.gz) holding `circuits-book/` = `dir` + HOSTING.md + the licences. */
export function makeArchive(dir, out) {
  if (!existsSync(join(dir, 'index.html')) || !existsSync(join(dir, 'sw.js')))
    throw new Error(`${dir} is not a finished build: run npm run build first`);
  const version = buildVersion(dir);
  const stage = mkdtempSync(join(tmpdir(), 'circuits-archive-'));
  try {
    cpSync(dir, join(stage, FOLDER), { recursive: true });
    writeFileSync(join(stage, FOLDER, 'HOSTING.md'), hostingNotes(dir, version));
    for (const name of LICENCE_FILES) cpSync(join(REPO, name), join(stage, FOLDER, name));
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
