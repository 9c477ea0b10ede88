// The per-chapter benchmark: drives Debian's Chromium (playwright-core) over a
// built site and prints a Markdown table, also written to bench/results/.
//
//   SITE_OUT_DIR=dist-bench npm run build
//   npm run bench:chapters -- --dir dist-bench        # = node bench/chapters.mjs
//
// For each chapter (chapters/<id>/ of the build), on WASM (`?backend=wasm`),
// served by scripts/serve.mjs with the cross-origin isolation headers (so WASM
// runs multi-threaded, as on a host that follows the README; `--no-isolation`
// for a bare host):
// - time to the first live figure, cold: a new browser context per rep (empty
//   HTTP cache), from navigation start to the chapter's first figure showing
//   its first result. Every chapter's first figure is below the fold, so the
//   page scrolls it into view at DOMContentLoaded, as a reader following a
//   link to it would see it. Also when it became ready (model loaded) and when
//   ORT's wasm and the model's weights finished downloading.
// - keystroke to updated figure, at 16 and 128 tokens: the chapter's first
//   figure with the kit's prompt box (`.kit-prompt textarea`) gets a prompt of
//   the length (counted with src/model/tokenizer.ts), once the figures around
//   it have settled; after 4 untimed keystrokes (warm-up), single keystrokes
//   alternate typing `a` at the end and deleting it (so every key changes the
//   tokens and the length stays put), each timed from its keydown event to
//   the first animation frame after the run's result is on the page (the
//   figure then turns live again, see below).
// - skim to every figure live, cold: a new browser context per rep; once the
//   page has loaded (nothing on screen hydrated yet), it is scrolled from top
//   to bottom at --skim-speed px/s (default 9,000; at least 5,000 is made even
//   when the page janks: one step an animation frame, each the distance owed
//   at that speed but at most 90% of the viewport, so every figure is on
//   screen in some rendered frame and hydrates), as a reader skimming does
//   (~3,000 px/s), so the figures load their models at overlapping times;
//   timed from the start of the skim until every figure on the page is live
//   at once. A figure in error (or past 120 s) ends the rep as failed.
//
// "Live": Figure.tsx keeps `data-live="true"` on a figure that is ready with no
// run in flight (`[data-pending="true"]` from the kit's RunState), and
// `data-run` counts how often it became live. Chapters 3-4's own run line
// (`.ch3-busy`, "Computing…") carries `data-pending` too; its text is also read.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';
import { chromiumPath, launchArgs, machine } from './machine.mjs';
import { tokenizerFromJson } from '../src/model/tokenizer.ts';
import { median, pageHelpers, quantile } from './page-helpers.mjs';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: 'dist-bench' },
    base: { type: 'string', default: '/circuits/' },
    port: { type: 'string', default: '4411' },
    chapter: { type: 'string', default: '' },
    reps: { type: 'string', default: '5' },
    keys: { type: 'string', default: '30' },
    'skim-speed': { type: 'string', default: '9000' },
    out: { type: 'string', default: '' },
    'no-isolation': { type: 'boolean', default: false },
    // Extra query for every page, e.g. `threads=1` (see src/model's backend choice).
    query: { type: 'string', default: '' },
  },
});
const port = Number(args.port);
const origin = `http://127.0.0.1:${port}`;
const site = `${origin}${args.base}`;
const reps = Number(args.reps);
const keys = Number(args.keys);
const skimSpeed = Number(args['skim-speed']);
const lengths = [16, 128];

/** One cold visit: a fresh context, first figure live; timings in ms from navigation start. */
async function coldVisit(browser, chapter) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route(
    (url) => !url.href.startsWith(origin),
    (route) => route.abort(),
  );
  await context.addInitScript(pageHelpers);
  const page = await context.newPage();
  try {
    await page.goto(
      `${site}chapters/${chapter}/?backend=wasm${args.query ? `&${args.query}` : ''}`,
      { waitUntil: 'commit' },
    );
    await page.waitForFunction(() => window.__bench?.firstLive !== undefined, null, {
      timeout: 120_000,
      polling: 100,
    });
    return await page.evaluate(() => {
      /** When the last file matching `re` finished downloading; NaN if none was fetched. */
      const done = (re) => {
        const ends = performance
          .getEntriesByType('resource')
          .filter((e) => re.test(e.name))
          .map((e) => e.responseEnd);
        return ends.length ? Math.max(...ends) : NaN;
      };
      const fig = document.querySelector('figure.widget');
      return {
        widget: fig?.dataset.widget,
        live: window.__bench.firstLive,
        ready: window.__bench.firstReady,
        dcl: performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd,
        wasm: done(/\.wasm$/),
        weights: done(/\/models\/.*\.(safetensors|onnx)$/),
      };
    });
  } finally {
    await context.close();
  }
}

/**
 * One cold skim: a fresh context, the loaded page skimmed top to bottom at
 * `speed` px/s, then the time until every figure is live; ms from the start
 * of the skim. `failed` names the figures in error, or says it timed out.
 */
async function skimVisit(browser, chapter, speed) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route(
    (url) => !url.href.startsWith(origin),
    (route) => route.abort(),
  );
  await context.addInitScript(pageHelpers, { scrollToFirst: false });
  const page = await context.newPage();
  try {
    await page.goto(
      `${site}chapters/${chapter}/?backend=wasm${args.query ? `&${args.query}` : ''}`,
    );
    return await page.evaluate(
      async ({ speed, limit }) => {
        const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
        const figures = [...document.querySelectorAll('figure.widget')];
        const failed = () =>
          figures
            .filter((f) => f.dataset.state === 'error' || f.querySelector('[role="alert"]'))
            .map((f) => f.dataset.widget);
        // The skim (as tests/e2e/skim-helpers.ts does it).
        window.scrollTo({ top: 0, behavior: 'instant' });
        const bottom = () => document.documentElement.scrollHeight - window.innerHeight;
        const cap = Math.round(window.innerHeight * 0.9);
        const t0 = await frame();
        let last = t0;
        let px = 0;
        while (window.scrollY < bottom() - 1) {
          last = await frame();
          const owed = (speed * (last - t0)) / 1000 - px;
          const before = window.scrollY;
          window.scrollBy({
            top: Math.max(1, Math.min(cap, Math.round(owed))),
            behavior: 'instant',
          });
          px += window.scrollY - before;
        }
        const skim = { px, ms: last - t0, pxPerS: (px / (last - t0)) * 1000 };
        // Every figure live at once, checked every frame.
        for (;;) {
          const now = await frame();
          if (figures.every((f) => window.__bench.isLive(f)))
            return { ...skim, figures: figures.length, live: now - t0 };
          const bad = failed();
          if (bad.length || now - t0 > limit)
            return {
              ...skim,
              figures: figures.length,
              live: NaN,
              failed: bad.length
                ? `error in ${bad.join(', ')}`
                : `not all live in ${limit / 1000} s`,
            };
        }
      },
      { speed, limit: 120_000 },
    );
  } finally {
    await context.close();
  }
}

/**
 * The longest prompt of words from the chapter's own text that stays within
 * `n` tokens with `a` typed at its end (so it is `n` or `n - 1` tokens long).
 */
function promptOf(tokenizer, words, n) {
  let text = '';
  for (const w of words) {
    const next = text ? `${text} ${w}` : w;
    if (tokenizer.encode(`${next}a`).length > n) break;
    text = next;
  }
  return {
    text,
    tokens: tokenizer.encode(text).length,
    typed: tokenizer.encode(`${text}a`).length,
  };
}

/** Keystroke → updated figure on the chapter's first figure with a prompt box. */
async function keystrokes(browser, chapter, prompts) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route(
    (url) => !url.href.startsWith(origin),
    (route) => route.abort(),
  );
  await context.addInitScript(pageHelpers);
  const page = await context.newPage();
  try {
    await page.goto(
      `${site}chapters/${chapter}/?backend=wasm${args.query ? `&${args.query}` : ''}`,
      { waitUntil: 'commit' },
    );
    // The body (and its prompt box) renders once a figure is ready: bring the
    // figures on screen in order until one has a prompt box.
    let fig;
    for (let i = 0; !fig; i++) {
      const candidate = page.locator('figure.widget').nth(i);
      await candidate.scrollIntoViewIfNeeded({ timeout: 60_000 });
      await page.waitForFunction(
        (f) => window.__bench.isLive(f) || f.dataset.state === 'error',
        await candidate.elementHandle(),
        { timeout: 120_000, polling: 100 },
      );
      if ((await candidate.locator('.kit-prompt textarea').count()) > 0) fig = candidate;
    }
    const widget = await fig.getAttribute('data-widget');
    // Cold too (a fresh context), but the figures before it came on screen in turn.
    const liveAt = await page.evaluate(() => performance.now());
    // The badge's label, without the reason that follows it for screen readers.
    const badge = await fig
      .locator('.widget-badge')
      .evaluate((b) => (b.firstChild?.textContent ?? '').trim());
    const box = fig.locator('.kit-prompt textarea').first();
    const handle = await fig.elementHandle();
    // Figures that came on screen with it load and run too: let them finish.
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('astro-island:not([ssr]) figure.widget')].every(
          (f) => f.dataset.state === 'error' || !window.__bench.running(f),
        ),
      null,
      { timeout: 120_000, polling: 100 },
    );
    const keystroke = async (key) => {
      await page.evaluate((f) => window.__bench.armKeystroke(f), handle);
      await box.press(key);
      return page.evaluate(() => window.__bench.pendingUpdate);
    };
    const rows = [];
    for (const p of prompts) {
      await box.fill(p.text);
      await box.press('End');
      // Let the run for the new prompt start, end, and the figure settle.
      await page.waitForTimeout(500);
      await page.waitForFunction((f) => window.__bench.isLive(f), handle, { polling: 50 });
      // Four keystrokes not timed: the first runs at a new length warm up.
      for (let k = 0; k < 4; k++) await keystroke(k % 2 === 0 ? 'a' : 'Backspace');
      await page.waitForTimeout(300);
      const times = [];
      for (let k = 0; k < keys; k++) times.push(await keystroke(k % 2 === 0 ? 'a' : 'Backspace'));
      const missed = times.filter((t) => t === null).length;
      rows.push({ ...p, times, missed, median: median(times), p95: quantile(times, 0.95) });
    }
    return { widget, badge, liveAt, rows };
  } finally {
    await context.close();
  }
}

/** The skim column: the median over reps where every figure went live, and how many failed. */
const skimCell = (skims) => {
  const ok = skims.filter((v) => !v.failed).map((v) => v.live);
  const failed = skims.length - ok.length;
  return `${s1(median(ok))}${failed ? ` (${failed} of ${skims.length} failed)` : ''}`;
};
const ms = (x) => (Number.isNaN(x) || x === undefined ? 'n/a' : Math.round(x).toString());
const s1 = (x) => (Number.isNaN(x) || x === undefined ? 'n/a' : (x / 1000).toFixed(2));

async function main() {
  const chapters = args.chapter
    ? [args.chapter]
    : readdirSync(join(args.dir, 'chapters'), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
  const tokenizer = tokenizerFromJson(
    JSON.parse(readFileSync(join(args.dir, 'models', 'tokenizer.json'), 'utf8')),
  );
  const server = await serve({
    mounts: [{ path: args.base, dir: args.dir, isolate: !args['no-isolation'] }],
    port,
  });
  const before = machine();
  const results = [];
  try {
    for (const chapter of chapters) {
      // Words of the chapter's prose, for prompts the models have seen the like of.
      const html = readFileSync(join(args.dir, 'chapters', chapter, 'index.html'), 'utf8');
      const words = html
        .replace(/<[^>]*>/g, ' ')
        .split(/\s+/)
        .filter((w) => /^[A-Za-z][a-z]+[.,]?$/.test(w))
        .slice(40);
      const prompts = lengths.map((n) => ({ n, ...promptOf(tokenizer, words, n) }));
      const browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
      try {
        const cold = [];
        for (let r = 0; r < reps; r++) {
          cold.push(await coldVisit(browser, chapter));
          console.error(
            `${chapter} cold ${r + 1}/${reps}: live ${ms(cold.at(-1).live)} ms (${cold.at(-1).widget})`,
          );
        }
        const keys = await keystrokes(browser, chapter, prompts);
        for (const row of keys.rows)
          console.error(
            `${chapter} ${keys.widget} ${row.tokens} tokens: median ${ms(row.median)} ms, p95 ${ms(row.p95)} ms, ${row.missed} missed`,
          );
        const skims = [];
        for (let r = 0; r < reps; r++) {
          const v = await skimVisit(browser, chapter, skimSpeed);
          skims.push(v);
          console.error(
            `${chapter} skim ${r + 1}/${reps}: ${Math.round(v.pxPerS)} px/s, ${v.figures} figures live ${ms(v.live)} ms after the skim began${v.failed ? ` (FAILED: ${v.failed})` : ''}`,
          );
        }
        results.push({ chapter, cold, keys, skims });
      } finally {
        await browser.close();
      }
    }
  } finally {
    server.close();
  }
  const after = machine();
  const md = report({ before, after, results });
  console.log(md);
  const out =
    args.out ||
    `bench/results/${new Date().toISOString().slice(0, 10)}-chapters-${before.host.replace(/[^\w-]/g, '')}.md`;
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(out, md);
  console.error(`wrote ${out}`);
}

function report({ before, after, results }) {
  const lines = [];
  lines.push(
    '# Chapter benchmark: first live figure, keystroke to figure and skim to every figure live, on WASM',
    '',
  );
  lines.push(`Run ${new Date().toISOString()} with \`node bench/chapters.mjs\` on:`, '');
  lines.push(`- machine: ${before.host}, ${before.cpu}, ${before.memory} RAM`);
  lines.push(`- browser: ${before.chromium} (headless)`);
  lines.push(`- Node ${before.node}; load average before ${before.load}, after ${after.load}`);
  lines.push(
    `- served by scripts/serve.mjs ${args['no-isolation'] ? 'without' : 'with'} the cross-origin isolation headers; ${reps} cold visits, ${keys} keystrokes a length and ${reps} cold skims at ${skimSpeed} px/s per chapter`,
  );
  lines.push('');
  lines.push(
    '| chapter | first figure | first live figure, cold (s, median) | min–max (s) | figure with a prompt | backend | keystroke → figure, 16 tok. (ms, median / p95) | 128 tok. (ms, median / p95) | skim → every figure live, cold (s, median) |',
  );
  lines.push('|---|---|---:|---:|---|---|---:|---:|---:|');
  for (const { chapter, cold, keys, skims } of results) {
    const live = cold.map((c) => c.live);
    const at = (n) => keys.rows.find((r) => r.n === n);
    const cell = (r) =>
      `${ms(r.median)} / ${ms(r.p95)} (${r.tokens} tok.${r.missed ? `, ${r.missed} no update` : ''})`;
    lines.push(
      `| ${chapter} | ${cold[0]?.widget} | ${s1(median(live))} | ${s1(Math.min(...live))}–${s1(Math.max(...live))} | ${keys.widget} | ${keys.badge} | ${cell(at(16))} | ${cell(at(128))} | ${skimCell(skims)} |`,
    );
  }
  lines.push('');
  lines.push(
    `## Skimming: every figure live after a skim at ${skimSpeed} px/s (s from the start of the skim)`,
    '',
  );
  lines.push(
    '| chapter | figures | skim speed (px/s, median) | skim (s, median) | every figure live (s, median) | min–max (s) | failed reps |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---|');
  for (const { chapter, skims } of results) {
    const ok = skims.filter((v) => !v.failed).map((v) => v.live);
    const failures = skims.filter((v) => v.failed).map((v) => v.failed);
    lines.push(
      `| ${chapter} | ${skims[0]?.figures} | ${ms(median(skims.map((v) => v.pxPerS)))}${skims.some((v) => v.pxPerS < 5000) ? ' (a rep under 5,000)' : ''} | ${s1(median(skims.map((v) => v.ms)))} | ${s1(median(ok))} | ${ok.length ? `${s1(Math.min(...ok))}–${s1(Math.max(...ok))}` : 'n/a'} | ${failures.length ? `${failures.length} of ${skims.length}: ${[...new Set(failures)].join('; ')}` : 'none'} |`,
    );
  }
  lines.push('');
  lines.push('## Where the cold time goes (medians, s from navigation start)', '');
  lines.push(
    '| chapter | DOMContentLoaded | ORT wasm downloaded | model downloaded | figure ready | figure live | figure with a prompt live (one visit) |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const { chapter, cold, keys } of results) {
    const m = (k) => s1(median(cold.map((c) => c[k])));
    lines.push(
      `| ${chapter} | ${m('dcl')} | ${m('wasm')} | ${m('weights')} | ${m('ready')} | ${m('live')} | ${s1(keys.liveAt)} |`,
    );
  }
  lines.push('');
  const worstLive = Math.max(...results.map((r) => median(r.cold.map((c) => c.live))));
  const worstP95 = Math.max(...results.map((r) => r.keys.rows.find((x) => x.n === 128).p95));
  lines.push('## Targets', '');
  lines.push(
    `- first live figure ≤ 3 s cold: worst chapter median ${s1(worstLive)} s — ${worstLive <= 3000 ? 'met' : 'MISSED'}`,
  );
  lines.push(
    `- keystroke → figure ≤ 100 ms p95 at 128 tokens: worst chapter ${ms(worstP95)} ms — ${worstP95 <= 100 ? 'met' : 'MISSED'}`,
  );
  lines.push('');
  return lines.join('\n');
}

await main();
