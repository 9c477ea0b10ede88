/**
 * Next-token predictions read off logits: softmax probabilities and the top k
 * tokens at a position, for logits from a run (`[batch, pos, d_vocab]`) or a
 * single logit vector (e.g. one row of the logit lens), and how far two sets
 * of logits for the same prompt disagree (KL, changed top predictions).
 * Pure functions.
 */
import type { Activation } from './hooked-model';
import { logSumExp } from './metrics';
import { type Ranked, topK } from './top-k';

/** One predicted token: its id, logit and softmax probability. */
export interface TokenPrediction {
  id: number;
  logit: number;
  prob: number;
}

/** The logit vector `[d_vocab]` of batch row `row` at position `pos` (a view, not a copy). */
export function logitsAt(logits: Activation, pos: number, row = 0): Float32Array {
  const [, n, d_vocab] = logits.shape;
  if (pos < 0 || pos >= n) throw new Error(`logitsAt: position ${pos} outside [0, ${n})`);
  return logits.data.subarray((row * n + pos) * d_vocab, (row * n + pos + 1) * d_vocab);
}

/**
 * The `k` most likely tokens of one logit vector, most likely first, with
 * probabilities from a stable softmax over the whole vector.
 * Ties keep the lower id first (the order of `topK`).
 */
export function topPredictions(logits: ArrayLike<number>, k: number): TokenPrediction[] {
  const lse = logSumExp(logits, 0, logits.length);
  return topK(logits, k).map(({ index: id, value: logit }) => ({
    id,
    logit,
    prob: Math.exp(logit - lse),
  }));
}

/** Softmax probability of token `id` under one logit vector. */
export function probabilityOf(logits: ArrayLike<number>, id: number): number {
  return Math.exp(logits[id] - logSumExp(logits, 0, logits.length));
}

/** `softmax(x)` in float64, stable (the maximum is subtracted first); sums to 1. */
export function softmax(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, x[i]);
  const out = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += out[i] = Math.exp(x[i] - max);
  for (let i = 0; i < n; i++) out[i] /= s;
  return out;
}

/**
 * `KL(p || q) = Σ p_i log(p_i / q_i)` in nats for two distributions of the
 * same length; terms with `p_i = 0` are 0 and `q_i` is floored at 1e-300, so
 * the result is finite. 0 when p = q, positive otherwise.
 */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length)
    throw new Error(`klDivergence: p has ${p.length} entries, q has ${q.length}`);
  let s = 0;
  for (let i = 0; i < p.length; i++)
    if (p[i] > 0) s += p[i] * Math.log(p[i] / Math.max(q[i], 1e-300));
  return s;
}

/** Two sets of next-token logits for one prompt compared position by position (`compareLogits`). */
export interface LogitComparison {
  /** Positions compared. */
  length: number;
  /** `KL(softmax(original[p]) || softmax(changed[p]))` at each position p, nats. */
  kl: Float64Array;
  /** Positions whose top prediction (top-1 token, ties to the lower id) differs. */
  flips: number;
  /** The top `k` tokens (index = token id, value = logit) of each at every position. */
  top: { original: Ranked[]; changed: Ranked[] }[];
}

/**
 * How far `changed` moved a model's predictions from `original`: both are
 * `[pos, d_vocab]` logits (position-major, e.g. one batch row of a run's
 * logits) for the same prompt. Identical logits give KL 0 everywhere and no
 * flips; `top[p].original[0].index` is the argmax of `original[p]`.
 */
export function compareLogits(
  original: Float32Array | Float64Array,
  changed: Float32Array | Float64Array,
  d_vocab: number,
  k = 3,
): LogitComparison {
  if (original.length !== changed.length || original.length % d_vocab !== 0)
    throw new Error(
      `compareLogits: logits of ${original.length} and ${changed.length} values are not both [pos, ${d_vocab}]`,
    );
  const length = original.length / d_vocab;
  const row = (x: Float32Array | Float64Array, p: number) =>
    x.subarray(p * d_vocab, (p + 1) * d_vocab);
  const kl = new Float64Array(length);
  const top: LogitComparison['top'] = [];
  let flips = 0;
  for (let p = 0; p < length; p++) {
    const a = row(original, p);
    const b = row(changed, p);
    kl[p] = klDivergence(softmax(a), softmax(b));
    const t = { original: topK(a, k), changed: topK(b, k) };
    if (t.original[0]?.index !== t.changed[0]?.index) flips++;
    top.push(t);
  }
  return { length, kl, flips, top };
}
