/**
 * Interventions as batched runs: ablating every head in turn is one batch
 * (row 0 the unchanged model, row 1 + l * n_heads + h with head l.h
 * zero-ablated), and activation patching moves a head's `hook_z` (per head,
 * optionally per position) from a corrupted prompt into a clean one.
 */
import type { HeadRef } from './circuits';
import type { Activation, HookedModel, RunOptions, RunResult } from './hooked-model';

/** A metric of one batch row's run, e.g. the logit difference at the last position. */
export type RowMetric = (result: RunResult, row: number) => number;

/** `[batch, n_layers, n_heads]` of ones with head `(l, h)` zeroed in row `1 + l * n_heads + h`. */
export function eachHeadAblatedMask(n_layers: number, n_heads: number): Float32Array {
  const batch = 1 + n_layers * n_heads;
  const mask = new Float32Array(batch * n_layers * n_heads).fill(1);
  for (let i = 0; i < n_layers * n_heads; i++) mask[(1 + i) * n_layers * n_heads + i] = 0;
  return mask;
}

/**
 * Ablates each head in turn in one batched run. Row 0 is the clean run;
 * row `1 + l * n_heads + h` has head l.h zero-ablated. Returns the raw result
 * (hooks as asked) so figures can read whatever they need.
 */
export function ablateEachHead(
  model: HookedModel,
  tokens: readonly number[],
  options: Omit<RunOptions, 'headMask' | 'patch'> = {},
): Promise<RunResult> {
  const { n_layers, n_heads } = model.config;
  const rows = Array.from({ length: 1 + n_layers * n_heads }, () => tokens);
  return model.run(rows, { ...options, headMask: eachHeadAblatedMask(n_layers, n_heads) });
}

/** The batch row holding the run with head `ref` ablated, in `ablateEachHead`'s result. */
export function ablatedRow(model: HookedModel, ref: HeadRef): number {
  return 1 + ref.layer * model.config.n_heads + ref.head;
}

/** Where to patch: every head as a whole, or every (head, position) pair. */
export type PatchGranularity = 'head' | 'head-position';

/** Results of a patching sweep. */
export interface PatchingResult {
  /** The metric on the clean run and the corrupted run (the two ends of the scale). */
  clean: number;
  corrupted: number;
  /**
   * The metric with each patch: `[n_layers, n_heads]` for 'head',
   * `[n_layers, pos, n_heads]` for 'head-position', row-major.
   */
  patched: Float64Array;
  shape: number[];
}

/**
 * Activation patching: runs the corrupted prompt, then the clean prompt with
 * `hook_z` of each head (or each head at each position) replaced by its
 * corrupted value, in batches of `chunk` rows. Both prompts must have the same
 * length (patching is position by position).
 */
export async function patchHeads(
  model: HookedModel,
  clean: readonly number[],
  corrupted: readonly number[],
  metric: RowMetric,
  granularity: PatchGranularity = 'head',
  chunk = 32,
): Promise<PatchingResult> {
  if (clean.length !== corrupted.length) {
    throw new Error(
      `patchHeads: clean has ${clean.length} tokens, corrupted ${corrupted.length}; they must match`,
    );
  }
  const { n_layers, n_heads, d_head } = model.config;
  const pos = clean.length;
  const zHooks = Array.from({ length: n_layers }, (_, l) => `blocks.${l}.attn.hook_z`);
  const base = await model.run([clean, corrupted], { hooks: zHooks });
  const cleanValue = metric(base, 0);
  const corruptedValue = metric(base, 1);
  // Corrupted z, stacked by layer: [n_layers, pos, n_heads, d_head].
  const zc = new Float32Array(n_layers * pos * n_heads * d_head);
  zHooks.forEach((name, l) => {
    const z = base.hooks[name] as Activation; // [batch=2, pos, n_heads, d_head]
    const per = pos * n_heads * d_head;
    zc.set(z.data.subarray(per, 2 * per), l * per);
  });

  const cells: Array<{ l: number; p: number | null; h: number }> = [];
  for (let l = 0; l < n_layers; l++) {
    if (granularity === 'head') for (let h = 0; h < n_heads; h++) cells.push({ l, p: null, h });
    else for (let p = 0; p < pos; p++) for (let h = 0; h < n_heads; h++) cells.push({ l, p, h });
  }
  const patched = new Float64Array(cells.length);
  const perRowMask = n_layers * pos * n_heads;
  for (let start = 0; start < cells.length; start += chunk) {
    const batch = cells.slice(start, start + chunk);
    const mask = new Float32Array(batch.length * perRowMask);
    const z = new Float32Array(batch.length * zc.length);
    batch.forEach(({ l, p, h }, b) => {
      z.set(zc, b * zc.length);
      for (let q = 0; q < pos; q++)
        if (p === null || p === q) mask[b * perRowMask + (l * pos + q) * n_heads + h] = 1;
    });
    const r = await model.run(
      batch.map(() => clean),
      { patch: { mask, z } },
    );
    batch.forEach((_, b) => (patched[start + b] = metric(r, b)));
  }
  return {
    clean: cleanValue,
    corrupted: corruptedValue,
    patched,
    shape: granularity === 'head' ? [n_layers, n_heads] : [n_layers, pos, n_heads],
  };
}

/**
 * A common metric: `logit[correct] - logit[wrong]` at the last position of
 * row `row` (needs `logits` in the result).
 */
export function logitDifference(correct: number, wrong: number): RowMetric {
  return (r, row) => {
    const logits = r.logits;
    if (!logits) throw new Error('logitDifference: the run did not read back logits');
    const [, pos, d_vocab] = logits.shape;
    const at = (row * pos + (pos - 1)) * d_vocab;
    return logits.data[at + correct] - logits.data[at + wrong];
  };
}

/** Next-token logits at the last position with each head ablated in turn. */
export interface LastPositionSweep {
  /** `[1 + n_layers * n_heads, d_vocab]`: row 0 clean, row `1 + l * n_heads + h` with head l.h ablated. */
  logits: Float64Array;
  d_vocab: number;
  /** Rows the model actually ran (the rest followed exactly by linearity). */
  rowsRun: number;
}

/**
 * The logits at the last position with each head zero-ablated in turn, the
 * question most ablation figures ask, computed with as little work as is exact:
 * one batched run reads back only the final residual stream (ORT then skips the
 * unembedding for every position), and the last position is unembedded in JS.
 *
 * In an attention-only model without LayerNorm the last layer's heads write
 * straight into the final residual stream, so ablating one of them subtracts
 * exactly its `hook_result` there: those rows need no run of their own, and
 * the batch shrinks from 1 + n_layers n_heads rows to 1 + (n_layers - 1) n_heads.
 */
export async function ablationSweepAtLastPosition(
  model: HookedModel,
  tokens: readonly number[],
): Promise<LastPositionSweep> {
  const { n_layers, n_heads, d_model, attn_only } = model.config;
  const W_U = model.weights.get('unembed.W_U').data;
  const b_U = model.weights.b_U;
  const d_vocab = b_U.length;
  const last = n_layers - 1;
  const finalResid = `blocks.${last}.hook_resid_post`;
  const lastResult = `blocks.${last}.attn.hook_result`;
  // Rows to run: clean, then every head the shortcut does not cover.
  const linearLast = attn_only;
  const runHeads = linearLast ? last * n_heads : n_layers * n_heads;
  const mask = new Float32Array((1 + runHeads) * n_layers * n_heads).fill(1);
  for (let i = 0; i < runHeads; i++) mask[(1 + i) * n_layers * n_heads + i] = 0;
  const r = await model.run(
    Array.from({ length: 1 + runHeads }, () => tokens),
    { headMask: mask, logits: false, hooks: linearLast ? [finalResid, lastResult] : [finalResid] },
  );
  const pos = r.length;
  const resid = r.hooks[finalResid]; // [batch, pos, d_model]
  const rows = 1 + n_layers * n_heads;
  const x = new Float64Array(d_model);
  const logits = new Float64Array(rows * d_vocab);
  for (let row = 0; row < rows; row++) {
    const ran = row <= runHeads;
    const src = ran ? row : 0; // shortcut rows start from the clean run
    const at = (src * pos + pos - 1) * d_model;
    for (let i = 0; i < d_model; i++) x[i] = resid.data[at + i];
    if (!ran) {
      const h = row - 1 - runHeads; // a head of the last layer
      const result = r.hooks[lastResult]; // [batch, pos, head_index, d_model], clean row 0
      const ra = ((0 * pos + pos - 1) * n_heads + h) * d_model;
      for (let i = 0; i < d_model; i++) x[i] -= result.data[ra + i];
    }
    const out = logits.subarray(row * d_vocab, (row + 1) * d_vocab);
    out.set(b_U);
    for (let i = 0; i < d_model; i++) {
      const xi = x[i];
      for (let j = 0; j < d_vocab; j++) out[j] += xi * W_U[i * d_vocab + j];
    }
  }
  return { logits, d_vocab, rowsRun: 1 + runHeads };
}
