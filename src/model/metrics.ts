/**
 * Measurements of a run: attention-head scores (induction, previous-token,
 * duplicate-token), per-position loss, the in-context-learning score, direct
 * logit attribution and the logit lens. Pure functions of activations and
 * weights; no ORT here.
 */
import type { Activation } from './hooked-model';
import { mulberry32 } from './random';
import type { ModelWeights } from './weights';

/**
 * Mean attention along a diagonal of each head's pattern: for every head, the
 * average over queries q in [from, to) of `pattern[q, q - offset]`.
 * `pattern` is `hook_pattern` [batch, head_index, query_pos, key_pos]; `row`
 * picks the batch row. Returns `[head_index]`.
 */
export function diagonalScore(
  pattern: Activation,
  offset: number,
  from: number,
  row = 0,
  to = pattern.shape[2],
): Float64Array {
  const [, n_heads, pos] = pattern.shape;
  const out = new Float64Array(n_heads);
  const start = Math.max(from, offset);
  const end = Math.min(to, pos);
  if (start >= end)
    throw new Error(`diagonalScore: no query in [${start}, ${end}) for offset ${offset}`);
  for (let h = 0; h < n_heads; h++) {
    let s = 0;
    for (let q = start; q < end; q++)
      s += pattern.data[((row * n_heads + h) * pos + q) * pos + (q - offset)];
    out[h] = s / (end - start);
  }
  return out;
}

/**
 * Previous-token score per head: mean attention from each query in
 * [from, to) (default every position but the first) to the position before.
 */
export function prevTokenScores(
  pattern: Activation,
  row = 0,
  from = 1,
  to = pattern.shape[2],
): Float64Array {
  return diagonalScore(pattern, 1, from, row, to);
}

/**
 * Induction score per head on a sequence made of a random block of `period`
 * tokens repeated (see `repeatedTokens`): mean attention from each token of the
 * second copy to the token just after its earlier occurrence (offset period - 1).
 * `firstQuery` is the first query of the second copy (later if the sequence
 * starts with extra tokens, as the model cards' test sequences do).
 */
export function inductionScores(
  pattern: Activation,
  period: number,
  row = 0,
  firstQuery = period,
): Float64Array {
  return diagonalScore(pattern, period - 1, firstQuery, row);
}

/** Duplicate-token score per head on a repeated sequence: attention to the earlier copy of the same token. */
export function duplicateTokenScores(pattern: Activation, period: number, row = 0): Float64Array {
  return diagonalScore(pattern, period, period, row);
}

/**
 * A block of `period` seeded random tokens, repeated `repeats` times, for
 * induction and duplicate-token scores. Ids are drawn from [minId, d_vocab).
 */
export function repeatedTokens(
  period: number,
  repeats: number,
  d_vocab: number,
  seed = 0,
  minId = 1,
): number[] {
  const rand = mulberry32(seed);
  const block = Array.from(
    { length: period },
    () => minId + Math.floor(rand() * (d_vocab - minId)),
  );
  return Array.from({ length: period * repeats }, (_, i) => block[i % period]);
}

/**
 * Per-position next-token loss: `loss[p] = -log softmax(logits[p])[tokens[p + 1]]`,
 * length `pos - 1`, in nats.
 */
export function perPositionLoss(
  logits: Activation,
  tokens: readonly number[],
  row = 0,
): Float64Array {
  const [, pos, d_vocab] = logits.shape;
  const out = new Float64Array(Math.min(pos, tokens.length) - 1);
  for (let p = 0; p < out.length; p++) {
    const at = (row * pos + p) * d_vocab;
    out[p] = logSumExp(logits.data, at, d_vocab) - logits.data[at + tokens[p + 1]];
  }
  return out;
}

/** `log Σ exp(x)` over `n` values from `at`, stable. */
export function logSumExp(x: ArrayLike<number>, at: number, n: number): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, x[at + i]);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(x[at + i] - max);
  return max + Math.log(s);
}

/** Token indices whose losses the in-context-learning score compares (as training/measure.mjs). */
export const ICL_EARLY: readonly [number, number] = [5, 15];
export const ICL_LATE: readonly [number, number] = [95, 105];

/**
 * In-context-learning score (Olsson et al.): the mean loss of predicting token
 * indices 95-105 minus that of indices 5-15, averaged over prompts, with its
 * standard error over prompts (more negative = more use of context). `losses`
 * are `perPositionLoss` arrays (entry p predicts token index p + 1). Olsson et
 * al. compare tokens 500 and 50; our context is 128, and single indices are
 * too noisy, hence bands. The model cards and checkpoints/index.json use this.
 */
export function iclScore(losses: readonly Float64Array[]): { score: number; stderr: number } {
  const mean = (l: Float64Array, [a, b]: readonly [number, number]) => {
    let s = 0;
    for (let t = a; t <= b; t++) s += l[t - 1];
    return s / (b - a + 1);
  };
  const diffs = losses.map((l) => {
    if (l.length < ICL_LATE[1])
      throw new Error(`iclScore: ${l.length} losses, need ${ICL_LATE[1]}`);
    return mean(l, ICL_LATE) - mean(l, ICL_EARLY);
  });
  const n = diffs.length;
  const score = diffs.reduce((a, d) => a + d, 0) / n;
  const variance = diffs.reduce((a, d) => a + (d - score) ** 2, 0) / Math.max(1, n - 1);
  return { score, stderr: Math.sqrt(variance / n) };
}

/** One component's direct contribution to a logit. */
export interface Attribution {
  /** `embed`, `pos_embed`, `L.H` (a head), `b_O L`, `mlp L`, `b_U`. */
  component: string;
  value: number;
}

/**
 * Direct logit attribution at position `pos` for the direction `W_U[:, a] -
 * W_U[:, b]` (or just `W_U[:, a]` when `b` is undefined): each component's
 * residual-stream output dotted with it. With no LayerNorm the values sum
 * exactly to `logit[a] - logit[b]` (b_U included as its own term).
 * `cache` needs `hook_embed`, `hook_pos_embed`, every `attn.hook_result` and,
 * for MLP models, every `hook_mlp_out`.
 */
export function directLogitAttribution(
  w: ModelWeights,
  cache: Record<string, Activation>,
  pos: number,
  a: number,
  b?: number,
  row = 0,
): Attribution[] {
  const { d_model, n_layers, n_heads, d_vocab } = w.config;
  const W_U = w.get('unembed.W_U').data;
  const dir = new Float64Array(d_model);
  for (let i = 0; i < d_model; i++)
    dir[i] = W_U[i * d_vocab + a] - (b === undefined ? 0 : W_U[i * d_vocab + b]);
  const dot = (act: Activation, offset: number) => {
    let s = 0;
    for (let i = 0; i < d_model; i++) s += act.data[offset + i] * dir[i];
    return s;
  };
  const need = (name: string) => {
    const act = cache[name];
    if (!act) throw new Error(`directLogitAttribution: ${name} was not read back`);
    return act;
  };
  const at = (act: Activation) => (row * act.shape[1] + pos) * d_model;
  const out: Attribution[] = [
    { component: 'embed', value: dot(need('hook_embed'), at(need('hook_embed'))) },
    { component: 'pos_embed', value: dot(need('hook_pos_embed'), at(need('hook_pos_embed'))) },
  ];
  for (let l = 0; l < n_layers; l++) {
    const result = need(`blocks.${l}.attn.hook_result`); // [batch, pos, head_index, d_model]
    for (let h = 0; h < n_heads; h++) {
      out.push({
        component: `${l}.${h}`,
        value: dot(result, ((row * result.shape[1] + pos) * n_heads + h) * d_model),
      });
    }
    out.push({ component: `b_O ${l}`, value: dotVec(w.b_O(l), dir) });
    if (!w.config.attn_only)
      out.push({
        component: `mlp ${l}`,
        value: dot(need(`blocks.${l}.hook_mlp_out`), at(need(`blocks.${l}.hook_mlp_out`))),
      });
  }
  const b_U = w.b_U;
  out.push({ component: 'b_U', value: b_U[a] - (b === undefined ? 0 : b_U[b]) });
  return out;
}

function dotVec(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

/**
 * Logit lens: the logits the unembedding would give at position `pos` from the
 * residual stream after each layer (`blocks.{l}.hook_resid_post` @ W_U + b_U);
 * with no final LayerNorm the last one equals the model's logits. Returns one
 * `[d_vocab]` array per layer, plus the embedding (`hook_resid_pre` of layer 0) first.
 */
export function logitLens(
  w: ModelWeights,
  cache: Record<string, Activation>,
  pos: number,
  row = 0,
): Float64Array[] {
  const { n_layers } = w.config;
  const names = [
    'blocks.0.hook_resid_pre',
    ...Array.from({ length: n_layers }, (_, l) => `blocks.${l}.hook_resid_post`),
  ];
  return names.map((name) => {
    const act = cache[name];
    if (!act) throw new Error(`logitLens: ${name} was not read back`);
    return unembed(
      w,
      act.data.subarray(
        (row * act.shape[1] + pos) * w.config.d_model,
        (row * act.shape[1] + pos + 1) * w.config.d_model,
      ),
    );
  });
}

/** `x W_U + b_U` for one residual vector x [d_model] -> [d_vocab], accumulated in float64. */
export function unembed(w: ModelWeights, x: ArrayLike<number>): Float64Array {
  const { d_model, d_vocab } = w.config;
  const W_U = w.get('unembed.W_U').data;
  const out = Float64Array.from(w.b_U);
  for (let i = 0; i < d_model; i++) {
    const xi = x[i];
    for (let j = 0; j < d_vocab; j++) out[j] += xi * W_U[i * d_vocab + j];
  }
  return out;
}
