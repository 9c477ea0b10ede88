import type { HookedModel } from '../../model/hooked-model';
import { ablateEachHead, ablationSweepAtLastPosition } from '../../model/interventions';
import { repeatedTokens } from '../../model/metrics';
import { loadTokenizer, type Tokenizer } from '../../model/tokenizer';
import { modelRegistry } from '../kit/runtime';

/** Model `id` from the page's registry (the figures' own). */
async function loadModel(id: string): Promise<HookedModel> {
  return (await modelRegistry()).get(id);
}

/** Median of a sample. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Forward latency at one length, with every hook read back. */
export interface LatencyRow {
  tokens: number;
  medianMs: number;
  minMs: number;
  reps: number;
}

/**
 * Times full forwards (every hook read back, as a figure that shows
 * everything would) at each length, after one warm-up run per length so
 * shader compilation and first-run allocation are not counted.
 */
export async function forwardLatency(
  model: HookedModel,
  lengths: number[],
  reps: number,
): Promise<LatencyRow[]> {
  const hooks = model.config.hook_names.filter((h) => h !== 'logits');
  const rows: LatencyRow[] = [];
  for (const n of lengths) {
    const tokens = repeatedTokens(n, 1, model.config.d_vocab, n);
    await model.run(tokens, { hooks });
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await model.run(tokens, { hooks });
      times.push(performance.now() - t0);
    }
    rows.push({ tokens: n, medianMs: median(times), minMs: Math.min(...times), reps });
  }
  return rows;
}

/** The head-ablation sweep batched vs looped, and one plain forward, in ms (medians). */
export interface SweepTiming {
  tokens: number;
  /** One forward, logits read back. */
  forwardMs: number;
  /** One forward with every hook read back (what the latency table times). */
  forwardAllHooksMs: number;
  /** The sweep as one batched run, full logits of every row read back. */
  batchedMs: number;
  /**
   * `ablationSweepAtLastPosition`: the next-token logits under each ablation,
   * what an ablation figure shows (one batched run of the rows that need it,
   * final residual read back, last position unembedded in JS).
   */
  batchedLastPositionMs: number;
  /** The same sweep as a loop of single runs (logits read back). */
  loopMs: number;
}

/**
 * Times the sweep that ablates each head in turn: once as one batched run,
 * once as a loop of single runs, and one plain forward, all reading back
 * logits only, at `n` tokens.
 */
export async function ablationSweepTiming(
  model: HookedModel,
  n: number,
  reps: number,
): Promise<SweepTiming> {
  const { n_layers, n_heads, d_vocab } = model.config;
  const tokens = repeatedTokens(n, 1, d_vocab, 99);
  const time = async (job: () => Promise<unknown>) => {
    await job();
    const ts: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await job();
      ts.push(performance.now() - t0);
    }
    return median(ts);
  };
  const allHooks = model.config.hook_names.filter((h) => h !== 'logits');
  const forwardMs = await time(() => model.run(tokens));
  const forwardAllHooksMs = await time(() => model.run(tokens, { hooks: allHooks }));
  const batchedMs = await time(() => ablateEachHead(model, tokens));
  const batchedLastPositionMs = await time(() => ablationSweepAtLastPosition(model, tokens));
  const loopMs = await time(async () => {
    for (let i = 0; i < n_layers * n_heads; i++) {
      const mask = new Float32Array(n_layers * n_heads).fill(1);
      mask[i] = 0;
      await model.run(tokens, { headMask: mask });
    }
  });
  return { tokens: n, forwardMs, forwardAllHooksMs, batchedMs, batchedLastPositionMs, loopMs };
}

/**
 * What the diagnostics page puts on `window.circuitsDiagnostics` for the
 * e2e tests and the benchmark to drive (nothing else on the site has it).
 */
export interface DiagnosticsApi {
  model(id: string): Promise<HookedModel>;
  tokenizer(): Promise<Tokenizer>;
  /** Runs `n` full forwards (every hook) on varied prompts; returns live tensors after. */
  runMany(id: string, n: number): Promise<{ liveTensors: number; runs: number }>;
  forwardLatency(id: string, lengths: number[], reps: number): Promise<LatencyRow[]>;
  ablationSweepTiming(id: string, n: number, reps: number): Promise<SweepTiming>;
  /** ORT's WASM thread count as configured on this page. */
  wasmThreads(): Promise<number>;
}

/** Builds the diagnostics API over the page's registry. */
export function diagnosticsApi(tokenizerUrl: string): DiagnosticsApi {
  let tok: Promise<Tokenizer> | undefined;
  return {
    model: (id) => loadModel(id),
    tokenizer: () => (tok ??= loadTokenizer(tokenizerUrl)),
    async runMany(id, n) {
      const model = await loadModel(id);
      const hooks = model.config.hook_names.filter((h) => h !== 'logits');
      for (let i = 0; i < n; i++) {
        await model.run(repeatedTokens(1 + (i % 60), 1, model.config.d_vocab, i), { hooks });
      }
      return { liveTensors: model.liveTensors, runs: model.runCount };
    },
    async forwardLatency(id, lengths, reps) {
      return forwardLatency(await loadModel(id), lengths, reps);
    },
    async ablationSweepTiming(id, n, reps) {
      return ablationSweepTiming(await loadModel(id), n, reps);
    },
    async wasmThreads() {
      const { backend } = await (await modelRegistry()).chosenBackend();
      const { loadBrowserOrt } = await import('../../model/ort');
      const ort = await loadBrowserOrt(backend);
      return Number(ort.env.wasm.numThreads ?? 1);
    },
  };
}
