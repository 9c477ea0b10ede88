// The runtime benchmark: drives Debian's Chromium (playwright-core) over a
// built site and prints a Markdown table, also written to bench/results/.
//
//   SITE_OUT_DIR=dist-bench npm run build
//   node_modules/.bin/node bench/run.mjs --dir dist-bench
//
// Measures, for attn-only-2l:
// - forward latency with every hook read back at 16, 64, 128 tokens and the
//   full context: WASM single-threaded, WASM threaded, and WebGPU (on a
//   software adapter here, so only as a ratio to WASM);
// - the head-ablation sweep as one batched run vs the same sweep as a loop;
// - bytes a first visit to one chapter transfers, compressed (gzip and
//   brotli of each file as a host would serve it), split into runtime, model
//   and page.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serve } from '../scripts/serve.mjs';
import { chromiumPath, launchArgs, machine, sh } from './machine.mjs';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: 'dist-bench' },
    base: { type: 'string', default: '/circuits/' },
    port: { type: 'string', default: '4410' },
    model: { type: 'string', default: 'attn-only-2l' },
    chapter: { type: 'string', default: '' },
    reps: { type: 'string', default: '20' },
    'gpu-reps': { type: 'string', default: '5' },
    out: { type: 'string', default: '' },
    // Phase results are kept here as they finish, so a crash or a hang in a
    // later phase (software WebGPU on a loaded machine) loses nothing.
    cache: { type: 'string', default: '' },
    'skip-visits': { type: 'boolean', default: false },
  },
});
const port = Number(args.port);
const origin = `http://127.0.0.1:${port}`;
const site = `${origin}${args.base}`;
const reps = Number(args.reps);

/** Opens the diagnostics page with `query` and waits for its test API and backend. */
async function openDiagnostics(browser, query) {
  const page = await browser.newPage();
  await page.route(
    (url) => !url.href.startsWith(origin),
    (route) => route.abort(),
  );
  await page.goto(`${site}diagnostics/?${query}`);
  await page.waitForSelector('[data-testid="environment"]', { timeout: 120_000 });
  await page.waitForFunction(() => 'circuitsDiagnostics' in window);
  const backend = await page.getAttribute('[data-testid="environment"]', 'data-backend');
  const threads = await page.evaluate(() => window.circuitsDiagnostics.wasmThreads());
  return { page, backend, threads };
}

async function latency(browser, query, lengths, n) {
  const { page, backend, threads } = await openDiagnostics(browser, query);
  const rows = await page.evaluate(
    ([id, lengths, n]) => window.circuitsDiagnostics.forwardLatency(id, lengths, n),
    [args.model, lengths, n],
  );
  const sweep = await page.evaluate(
    ([id, n]) => window.circuitsDiagnostics.ablationSweepTiming(id, 128, n),
    [args.model, Math.max(3, Math.floor(n / 4))],
  );
  await page.close();
  return { backend, threads, rows, sweep };
}

/** Gzip and brotli sizes of a file of the built site, as a compressing host would send it. */
function compressed(path) {
  const raw = readFileSync(path);
  return {
    raw: raw.length,
    gzip: gzipSync(raw, { level: 9 }).length,
    brotli: brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }).length,
  };
}

function classify(pathname) {
  if (pathname.includes('/models/')) return 'model';
  if (pathname.endsWith('.bin')) return 'reference';
  if (/ort[.-]|\.wasm$/.test(pathname)) return 'runtime';
  return 'page';
}

/**
 * First visit to a page in a fresh browser context: every request it makes
 * until its figures have loaded. The viewport is as tall as the page, so every
 * `client:visible` figure is on screen at once without scrolling (scrolling
 * needs a main thread that busy figures may hold); the visit ends after 8 s
 * without a new request, or after 4 minutes.
 */
async function firstVisit(browser, path) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 30000 } });
  const page = await context.newPage();
  const seen = new Set();
  let last = Date.now();
  page.on('request', (r) => {
    seen.add(new URL(r.url()).pathname);
    last = Date.now();
  });
  // 'commit': do not wait for the load event, which busy figures can delay.
  await page.goto(`${site}${path}`, { waitUntil: 'commit' });
  const start = Date.now();
  while (Date.now() - last < 8000 && Date.now() - start < 240_000) {
    await new Promise((r) => setTimeout(r, 500));
  }
  await context.close().catch(() => undefined);
  const split = {
    page: emptySplit(),
    runtime: emptySplit(),
    model: emptySplit(),
    reference: emptySplit(),
  };
  const files = [];
  for (const p of seen) {
    if (!p.startsWith(args.base)) continue;
    let file = join(args.dir, p.slice(args.base.length));
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
    } catch {
      continue;
    }
    const size = compressed(file);
    const kind = classify(p);
    for (const k of ['raw', 'gzip', 'brotli']) split[kind][k] += size[k];
    split[kind].files++;
    files.push({ path: p, kind, ...size });
  }
  return { split, files };
}

function emptySplit() {
  return { raw: 0, gzip: 0, brotli: 0, files: 0 };
}

const mb = (b) => (Number.isNaN(b) ? 'n/a' : (b / 1e6).toFixed(2));
const ms = (x) => (Number.isNaN(x) ? 'n/a' : x.toFixed(1));

async function main() {
  const chapter =
    args.chapter ||
    sh(`ls ${join(args.dir, 'chapters')}`)
      .split('\n')
      .filter(Boolean)
      .pop();
  const server = await serve({ mounts: [{ path: args.base, dir: args.dir }], port });
  // A fresh browser per measurement: nothing cached or compiled carries over,
  // and one crash (memory is tight on a shared machine) loses one step only.
  const withBrowser = async (job) => {
    const browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
    try {
      return await job(browser);
    } finally {
      await browser.close();
    }
  };
  const cache =
    args.cache && existsSync(args.cache) ? JSON.parse(readFileSync(args.cache, 'utf8')) : {};
  /** Runs a phase once (or takes it from the cache), giving up after `limitMs`. */
  const phase = async (name, limitMs, job) => {
    if (cache[name]) return cache[name];
    let timer;
    const limit = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${name}: no result in ${limitMs / 1000} s`)),
        limitMs,
      );
    });
    try {
      cache[name] = await Promise.race([withBrowser(job), limit]);
    } catch (e) {
      console.error(String(e));
      return undefined;
    } finally {
      clearTimeout(timer);
    }
    if (args.cache) writeFileSync(args.cache, JSON.stringify(cache));
    return cache[name];
  };
  const before = cache.machine ?? machine();
  cache.machine = before;
  try {
    const cfg = JSON.parse(
      readFileSync(join(args.dir, 'models', args.model, 'config.json'), 'utf8'),
    );
    const lengths = [...new Set([16, 64, 128, cfg.n_ctx])];
    const coreCount = cpus().length;
    console.error('WASM, 1 thread…');
    const wasm1 = await phase('wasm1', 900_000, (b) =>
      latency(b, 'backend=wasm&threads=1', lengths, reps),
    );
    console.error(`WASM, ${coreCount} threads…`);
    const wasmN = await phase('wasmN', 900_000, (b) =>
      latency(b, `backend=wasm&threads=${coreCount}`, lengths, reps),
    );
    console.error('WebGPU (software adapter)…');
    const gpu = await phase('webgpu', 1_200_000, (b) =>
      latency(b, 'backend=webgpu', lengths, Number(args['gpu-reps'])),
    );
    console.error(`first visits to ${chapter}, per backend…`);
    const visits = args['skip-visits']
      ? {}
      : {
          wasm: await phase('visit-wasm', 420_000, (b) =>
            firstVisit(b, `chapters/${chapter}/?backend=wasm`),
          ),
          webgpu: await phase('visit-webgpu', 420_000, (b) =>
            firstVisit(b, `chapters/${chapter}/?backend=webgpu`),
          ),
        };
    // A phase that failed or timed out shows as n/a in the report.
    const none = {
      backend: 'not measured',
      threads: '?',
      rows: lengths.map((tokens) => ({ tokens, medianMs: NaN, minMs: NaN, reps: 0 })),
      sweep: Object.fromEntries(
        ['forwardMs', 'forwardAllHooksMs', 'batchedMs', 'batchedLastPositionMs', 'loopMs'].map(
          (k) => [k, NaN],
        ),
      ),
    };
    const noVisit = {
      split: Object.fromEntries(
        ['page', 'runtime', 'model', 'reference'].map((k) => [
          k,
          { ...emptySplit(), raw: NaN, gzip: NaN, brotli: NaN },
        ]),
      ),
      files: [],
    };
    const after = machine();
    const md = report({
      before,
      after,
      cfg,
      lengths,
      wasm1: wasm1 ?? none,
      wasmN: wasmN ?? none,
      gpu: gpu ?? none,
      visits: { wasm: visits.wasm ?? noVisit, webgpu: visits.webgpu ?? noVisit },
      chapter,
    });
    console.log(md);
    const out =
      args.out ||
      `bench/results/${new Date().toISOString().slice(0, 10)}-${before.host.replace(/[^\w-]/g, '')}.md`;
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(out, md);
    console.error(`wrote ${out}`);
  } finally {
    server.close();
  }
}

function report({ before, after, cfg, lengths, wasm1, wasmN, gpu, visits, chapter }) {
  const at = (run, n) => run.rows.find((r) => r.tokens === n);
  const lines = [];
  lines.push(`# Runtime benchmark: ${args.model}`, '');
  lines.push(`Run ${new Date().toISOString()} with \`node bench/run.mjs\` on:`, '');
  lines.push(`- machine: ${before.host}, ${before.cpu}, ${before.memory} RAM`);
  lines.push(`- browser: ${before.chromium} (headless, \`--enable-unsafe-webgpu\`)`);
  lines.push(`- Node ${before.node}; load average before ${before.load}, after ${after.load}`);
  lines.push(
    `- model: ${args.model} (d_model ${cfg.d_model}, ${cfg.n_layers} layers × ${cfg.n_heads} heads, d_vocab ${cfg.d_vocab}, n_ctx ${cfg.n_ctx})`,
  );
  lines.push('');
  lines.push(
    '## Forward latency, every hook read back: median (min) in ms of the runs after a warm-up run',
    '',
    'On a shared, loaded machine the minimum is the better estimate of what the runtime costs; the median shows what a reader on a busy machine gets.',
    '',
  );
  lines.push(
    `| tokens | WASM ${wasm1.threads} thread | WASM ${wasmN.threads} threads | WebGPU, software adapter | WebGPU / WASM ${wasm1.threads} thread (min) |`,
  );
  lines.push('|---:|---:|---:|---:|---:|');
  for (const n of lengths) {
    const a = at(wasm1, n);
    const b = at(wasmN, n);
    const g = at(gpu, n);
    lines.push(
      `| ${n}${n === cfg.n_ctx ? ' (n_ctx)' : ''} | ${ms(a.medianMs)} (${ms(a.minMs)}) | ${ms(b.medianMs)} (${ms(b.minMs)}) | ${ms(g.medianMs)} (${ms(g.minMs)}) | ${(g.minMs / a.minMs).toFixed(2)}× |`,
    );
  }
  lines.push('');
  lines.push(
    `Backends reported by the page: ${wasm1.backend} (${wasm1.threads} thread), ${wasmN.backend} (${wasmN.threads} threads), ${gpu.backend}. ` +
      'WebGPU here runs on SwiftShader (a CPU implementation of a GPU): its time says nothing about a real GPU, only the ratio is kept.',
  );
  lines.push('');
  lines.push(
    `## Head-ablation sweep at 128 tokens (${cfg.n_layers * cfg.n_heads} heads: one batch of ${1 + cfg.n_layers * cfg.n_heads} rows)`,
    '',
  );
  lines.push(
    '| backend | forward, logits (ms) | forward, all hooks (ms) | batched sweep, all logits (ms) | batched sweep, last position (ms) | sweep as a loop (ms) | batched (last pos.) / forward (all hooks) | loop / batched (all logits) |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [name, r] of [
    [`WASM ${wasm1.threads} thread`, wasm1],
    [`WASM ${wasmN.threads} threads`, wasmN],
    ['WebGPU (software)', gpu],
  ]) {
    const s = r.sweep;
    lines.push(
      `| ${name} | ${ms(s.forwardMs)} | ${ms(s.forwardAllHooksMs)} | ${ms(s.batchedMs)} | ${ms(s.batchedLastPositionMs)} | ${ms(s.loopMs)} | ${(s.batchedLastPositionMs / s.forwardAllHooksMs).toFixed(2)}× | ${(s.loopMs / s.batchedMs).toFixed(2)}× |`,
    );
  }
  lines.push('');
  lines.push(
    `"All logits": \`ablateEachHead\`, one batch of ${1 + cfg.n_layers * cfg.n_heads} rows reading back \`logits\` for every row and position. "Last position": \`ablationSweepAtLastPosition\`, the next-token logits under each ablation (what an ablation figure shows): one batch of the ${1 + (cfg.n_layers - 1) * cfg.n_heads} rows that need a run, reading back only the final residual stream (ORT then skips the unembedding); the last layer's heads follow exactly by linearity (attention-only, no LayerNorm), and the last position is unembedded in JS.`,
    '',
  );
  const table = (title, v, kinds) => {
    lines.push(title, '');
    lines.push('| part | files | raw (MB) | gzip (MB) | brotli (MB) |');
    lines.push('|---|---:|---:|---:|---:|');
    for (const kind of kinds) {
      const s = v.split[kind];
      lines.push(`| ${kind} | ${s.files} | ${mb(s.raw)} | ${mb(s.gzip)} | ${mb(s.brotli)} |`);
    }
    lines.push('');
  };
  const totals = {};
  for (const backend of ['webgpu', 'wasm']) {
    const v = visits[backend];
    table(
      `## First visit to \`chapters/${chapter}/?backend=${backend}\`, every figure loaded (compressed as a host would send it)`,
      v,
      ['page', 'runtime', 'model'],
    );
    const t = emptySplit();
    for (const kind of ['page', 'runtime', 'model']) {
      for (const k of Object.keys(t)) t[k] += v.split[kind][k];
    }
    totals[backend] = t;
    lines.push(
      `Total on ${backend}: ${mb(t.raw)} MB raw, **${mb(t.gzip)} MB gzip, ${mb(t.brotli)} MB brotli**.`,
      '',
    );
  }
  const total =
    totals.webgpu.gzip >= totals.wasm.gzip || Number.isNaN(totals.wasm.gzip)
      ? totals.webgpu
      : totals.wasm;
  const w128 = at(wasm1, 128).medianMs;
  const bestWasm128 = Math.min(w128, at(wasmN, 128).medianMs);
  const min128 = Math.min(at(wasm1, 128).minMs, at(wasmN, 128).minMs);
  const sweepRatio = wasm1.sweep.batchedLastPositionMs / wasm1.sweep.forwardAllHooksMs;
  const sweepRatioFull = wasm1.sweep.batchedMs / wasm1.sweep.forwardMs;
  lines.push('## Targets', '');
  lines.push(
    `- WASM ≤ 50 ms at 128 tokens: median ${ms(w128)} ms single-threaded, ${ms(bestWasm128)} ms best median, ${ms(min128)} ms minimum — ${bestWasm128 <= 50 ? 'met' : min128 <= 50 ? 'met on the minimum, MISSED on the median (machine under load)' : 'MISSED'}`,
  );
  lines.push(
    `- batched sweep ≤ 3× one forward (WASM, 1 thread): ${sweepRatio.toFixed(2)}× (last position vs a forward with all hooks), ${sweepRatioFull.toFixed(2)}× (all logits vs a forward with logits) — ${sweepRatio <= 3 ? 'met' : 'MISSED'}`,
  );
  lines.push(
    `- first visit ≤ 10 MB compressed (\`chapters/${chapter}/\`, the heavier backend): ${mb(total.gzip)} MB gzip, ${mb(total.brotli)} MB brotli — ${total.gzip <= 10e6 ? 'met' : total.brotli <= 10e6 ? 'met with brotli only' : 'MISSED'}`,
  );
  lines.push('');
  lines.push('<details><summary>Files of the first visit</summary>', '');
  lines.push('| file | part | raw | gzip | brotli |');
  lines.push('|---|---|---:|---:|---:|');
  const files = new Map();
  for (const f of [...visits.webgpu.files, ...visits.wasm.files]) files.set(f.path, f);
  for (const f of [...files.values()].sort((a, b) => b.raw - a.raw)) {
    lines.push(`| ${f.path} | ${f.kind} | ${f.raw} | ${f.gzip} | ${f.brotli} |`);
  }
  lines.push('', '</details>', '');
  return lines.join('\n');
}

await main();
// A phase given up on may leave its browser running; the results are written.
process.exit(0);
