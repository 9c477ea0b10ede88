// `npm run pdf`: one PDF per chapter, printed by Chromium from the built
// pages, every figure computed (issue 18, item 5).
//
//   npm run pdf                               # build, print every chapter, archive with the PDFs
//   node scripts/pdf.mjs --dir dist           # print an existing build into dist/pdf/
//   node scripts/pdf.mjs --url https://uni.example/circuits/   # links print under that address
//
// Each chapter is opened from a local server (scripts/serve.mjs) on the WASM
// backend, its "Print this chapter" computes every figure, and the page is
// printed to A4 with the print stylesheet: `<dir>/pdf/<chapter>.pdf`. Printed
// links show their address under `--url` (default: the path under the book's
// root), never the local server's. The archive (scripts/archive.mjs) then
// carries the PDFs.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { chromiumPath, launchArgs } from '../bench/machine.mjs';

/** How long one chapter may take to compute all its figures. */
const CHAPTER_TIMEOUT_MS = 10 * 60_000;

/** The number of pages of a PDF (its page objects). */
export function pdfPageCount(pdf) {
  return (
    Buffer.from(pdf)
      .toString('latin1')
      .match(/\/Type\s*\/Page(?![a-z])/g)?.length ?? 0
  );
}

/** Starts scripts/serve.mjs on `port` serving `dir` at `/book/`; resolves once it answers. */
async function serve(dir, port) {
  const server = spawn(
    process.execPath,
    ['scripts/serve.mjs', '--dir', dir, '--port', String(port), '--mount', '/book/'],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/book/`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return { server, url };
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error(`scripts/serve.mjs did not answer at ${url}`);
}

/** Prints every chapter of the build in `dir` into `dir/pdf/`; returns `[chapter, pages]`. */
export async function printChapters(dir, { siteUrl = '', port = 4391 } = {}) {
  const chapters = readdirSync(join(dir, 'chapters'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const out = join(dir, 'pdf');
  mkdirSync(out, { recursive: true });
  const { server, url } = await serve(dir, port);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
  const printed = [];
  try {
    for (const chapter of chapters) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${url}chapters/${chapter}/?backend=wasm`);
      // The chapter's own "Print this chapter" computes every figure; the
      // print dialog it then opens is replaced by a mark this script waits for.
      await page.evaluate(() => {
        window.print = () => {
          document.documentElement.dataset.printed = 'true';
        };
      });
      await page.getByRole('button', { name: 'Print this chapter' }).click();
      await page.locator('html[data-printed="true"]').waitFor({ timeout: CHAPTER_TIMEOUT_MS });
      await page.evaluate(
        ([local, site]) => {
          // Every address the PDF prints or links to points under `site`,
          // never this local server; with no `site`, links are dropped and
          // addresses print as paths under the book's root.
          for (const a of document.querySelectorAll('a[href]')) {
            if (a.getAttribute('href').startsWith('#') || !a.href.startsWith(local)) continue;
            const under = a.href.slice(local.length);
            if (a.dataset.printHref) a.dataset.printHref = site + under;
            if (site) a.setAttribute('href', site + under);
            else a.removeAttribute('href');
          }
          for (const field of document.querySelectorAll('[data-cite-url]'))
            field.textContent = site + field.dataset.citeUrl;
        },
        [url, siteUrl],
      );
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true });
      writeFileSync(join(out, `${chapter}.pdf`), pdf);
      printed.push([chapter, pdfPageCount(pdf)]);
      console.log(`pdf: ${chapter}.pdf, ${pdfPageCount(pdf)} A4 pages`);
      await page.close();
    }
  } finally {
    await browser.close();
    server.kill();
  }
  return printed;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: process.env.SITE_OUT_DIR ?? 'dist' },
      url: { type: 'string', default: '' },
      port: { type: 'string', default: '4391' },
    },
  });
  await printChapters(values.dir, { siteUrl: values.url, port: Number(values.port) });
}
