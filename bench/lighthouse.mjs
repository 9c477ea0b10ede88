// Lighthouse (the `lighthouse` npm package, default mobile settings: a
// Moto G Power-sized screen, simulated slow 4G and a 4× slower CPU) against
// Debian's Chromium (CHROME_PATH, default bench/machine.mjs's), over a built
// site served by scripts/serve.mjs (precompressed brotli, isolation headers).
// Scores performance, accessibility, best practices and SEO of the home page,
// every chapter and a model page; prints a Markdown table, also written to
// bench/results/. Lighthouse needs Node 22 or later (`npm run` puts the
// project's Node 24 first on the PATH).
//
//   SITE_OUT_DIR=dist-bench npm run build
//   npm run bench:lighthouse -- --dir dist-bench
//
// Also run by bench/network.mjs (`npm run bench`) unless --skip-lighthouse.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { serve } from '../scripts/serve.mjs';
import { lighthouseTable } from './lighthouse-table.mjs';
import { chromiumPath, machine } from './machine.mjs';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

/** The pages Lighthouse scores: the home page, every chapter, a model page. */
export function lighthousePages(dir) {
  const chapters = readdirSync(join(dir, 'chapters'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `chapters/${e.name}/`)
    .sort();
  return ['', ...chapters, 'models/attn-only-2l/'];
}

/**
 * Scores every page (`{ path, scores: {category: 0-100}, cls, lcpMs, tbtMs }`),
 * serving `dir` at `base` on `port`.
 */
export async function runLighthouse({ dir, base = '/circuits/', port = 4413, pages }) {
  const server = await serve({ mounts: [{ path: base, dir, isolate: true }], port });
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH ?? chromiumPath,
    chromeFlags: [
      '--headless=new',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const rows = [];
  try {
    for (const path of pages ?? lighthousePages(dir)) {
      const url = `http://127.0.0.1:${port}${base}${path}`;
      const result = await lighthouse(url, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: CATEGORIES,
      });
      const lhr = result.lhr;
      const scores = Object.fromEntries(
        CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]),
      );
      const audit = (id) => lhr.audits[id]?.numericValue;
      const failing = Object.values(lhr.categories)
        .flatMap((c) => c.auditRefs)
        .map((r) => lhr.audits[r.id])
        .filter(
          (a) => a && a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative',
        )
        .map((a) => a.id);
      rows.push({
        path,
        scores,
        cls: audit('cumulative-layout-shift'),
        lcpMs: audit('largest-contentful-paint'),
        tbtMs: audit('total-blocking-time'),
        fcpMs: audit('first-contentful-paint'),
        failing: [...new Set(failing)],
      });
      console.error(
        `lighthouse /${path}: ${CATEGORIES.map((c) => scores[c]).join('/')}, CLS ${audit('cumulative-layout-shift')?.toFixed(3)}, LCP ${Math.round(audit('largest-contentful-paint'))} ms`,
      );
    }
  } finally {
    chrome.kill();
    server.close();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: 'dist-bench' },
      port: { type: 'string', default: '4413' },
      out: { type: 'string', default: '' },
      // Only these pages (paths under the base, `''` for the home page).
      page: { type: 'string', multiple: true },
    },
  });
  const before = machine();
  const rows = await runLighthouse({
    dir: values.dir,
    port: Number(values.port),
    pages: values.page,
  });
  const after = machine();
  const md = [
    '# Lighthouse: default mobile settings',
    '',
    `Run ${new Date().toISOString()} with \`node bench/lighthouse.mjs\` on ${before.host}, ${before.cpu}; ${before.chromium}; load average before ${before.load}, after ${after.load}.`,
    '',
    lighthouseTable(rows),
    '',
  ].join('\n');
  console.log(md);
  const out =
    values.out ||
    `bench/results/${new Date().toISOString().slice(0, 10)}-lighthouse-${before.host.replace(/[^\w-]/g, '')}.md`;
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(out, md);
  console.error(`wrote ${out}`);
}
