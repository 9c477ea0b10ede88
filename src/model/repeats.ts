/**
 * The repeated-random-tokens experiment (Elhage et al., 2021; Olsson et al.,
 * 2022) as one call: a seeded block of `period` random tokens and its repeat,
 * run through a model (any weights, any head mask), measured per head
 * (previous-token, duplicate-token and induction scores) and per position
 * (loss), with the mean loss on each copy.
 */
import type { HookedModel, RunResult } from './hooked-model';
import type { ModelWeights } from './weights';
import {
  duplicateTokenScores,
  inductionScores,
  perPositionLoss,
  prevTokenScores,
  repeatedTokens,
} from './metrics';

/** What one row of a repeated-tokens run shows. */
export interface RepeatMeasures {
  /** `[n_layers][n_heads]` scores. */
  induction: Float64Array[];
  prevToken: Float64Array[];
  duplicate: Float64Array[];
  /** Next-token loss at each position (length 2 * period - 1), nats. */
  loss: Float64Array;
  /** Mean loss predicting tokens 1 .. period - 1 (first copy). */
  firstCopyLoss: number;
  /** Mean loss predicting tokens period + 1 .. 2 period - 1 (second copy, after its first token). */
  secondCopyLoss: number;
}

/** Options of a repeated-tokens run. */
export interface RepeatOptions {
  weights?: ModelWeights;
  /** `[batch, n_layers, n_heads]`; the batch is one row per mask row. */
  headMask?: Float32Array;
  /** Batch rows (default 1; with a head mask, its batch). */
  batch?: number;
  /** Run on this latest-wins channel (see `HookedModel.runLatest`); a stale run resolves to null. */
  channel?: string;
}

/** The tokens of a repeated random sequence: `period` seeded tokens, twice. */
export function repeatSequence(period: number, d_vocab: number, seed: number): number[] {
  return repeatedTokens(period, 2, d_vocab, seed);
}

/** Measures one batch row of a run on a repeated sequence. */
export function measureRepeat(
  r: RunResult,
  tokens: readonly number[],
  period: number,
  n_layers: number,
  row = 0,
): RepeatMeasures {
  const layers = Array.from(
    { length: n_layers },
    (_, l) => r.hooks[`blocks.${l}.attn.hook_pattern`],
  );
  if (!r.logits) throw new Error('measureRepeat: the run did not read back logits');
  const loss = perPositionLoss(r.logits, tokens, row);
  const mean = (from: number, to: number) => {
    let s = 0;
    for (let i = from; i < to; i++) s += loss[i];
    return s / (to - from);
  };
  return {
    induction: layers.map((p) => inductionScores(p, period, row)),
    prevToken: layers.map((p) => prevTokenScores(p, row)),
    duplicate: layers.map((p) => duplicateTokenScores(p, period, row)),
    loss,
    // loss[p] predicts token p + 1: the first copy's predictions are p in [0, period - 1),
    // the second copy's (from its second token on) p in [period, 2 period - 1).
    firstCopyLoss: mean(0, period - 1),
    secondCopyLoss: mean(period, 2 * period - 1),
  };
}

/**
 * Runs the repeated sequence (every batch row the same tokens, one per head
 * mask row) and measures each row.
 */
export async function runRepeat(
  model: HookedModel,
  period: number,
  seed: number,
  options: RepeatOptions = {},
): Promise<{ tokens: number[]; result: RunResult; rows: RepeatMeasures[] } | null> {
  const { n_layers, n_heads, d_vocab } = model.config;
  const tokens = repeatSequence(period, d_vocab, seed);
  const batch = options.headMask
    ? options.headMask.length / (n_layers * n_heads)
    : (options.batch ?? 1);
  const rowsIn = Array.from({ length: batch }, () => tokens);
  const runOptions = {
    hooks: Array.from({ length: n_layers }, (_, l) => `blocks.${l}.attn.hook_pattern`),
    headMask: options.headMask,
    weights: options.weights,
  };
  const result = options.channel
    ? await model.runLatest(options.channel, rowsIn, runOptions)
    : await model.run(rowsIn, runOptions);
  if (!result) return null;
  const rows = Array.from({ length: batch }, (_, b) =>
    measureRepeat(result, tokens, period, n_layers, b),
  );
  return { tokens, result, rows };
}

/** The head with the largest score in a layer-by-head table. */
export function bestHead(
  scores: readonly Float64Array[],
  layer?: number,
): { layer: number; head: number; score: number } {
  let best = { layer: 0, head: 0, score: -Infinity };
  scores.forEach((row, l) => {
    if (layer !== undefined && l !== layer) return;
    row.forEach((s, h) => {
      if (s > best.score) best = { layer: l, head: h, score: s };
    });
  });
  return best;
}
