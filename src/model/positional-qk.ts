/**
 * A head's QK circuit over positions (Elhage et al., 2021): the score a
 * query at position q gives a key at position k from the position embeddings
 * alone, `W_pos W_QK W_pos^T` [n_ctx (query), n_ctx (key)] with
 * `W_QK = W_Q W_K^T` (row vectors, as in circuits.ts). For a previous-token
 * head, the strongest allowed key of almost every query is the one just
 * before it. Biases and the token part of the stream are left out, as the
 * paper leaves them out.
 */
import { FactoredMatrix } from './factored-matrix';
import type { ModelWeights } from './weights';

/** `W_pos W_Q W_K^T W_pos^T` [n_ctx, n_ctx], kept factored through d_head. */
export function positionalQkCircuit(w: ModelWeights, l: number, h: number): FactoredMatrix {
  const W_pos = w.W_pos;
  return new FactoredMatrix(
    W_pos.mmul(w.W_Q(l, h)),
    w.W_K(l, h).transpose().mmul(W_pos.transpose()),
  );
}

/** What the positional QK circuit of one head says, with the causal mask applied. */
export interface PositionalQk {
  /** Positions (n_ctx). */
  n: number;
  /** `[query_pos, key_pos]` row-major scores (before the 1/sqrt(d_head) scaling); keys after the query included. */
  scores: Float64Array;
  /** `softmax(scores / sqrt(d_head))` over the keys k <= q of each query; 0 for k > q. */
  pattern: Float64Array;
  /** For each query q, the key k <= q with the largest score (the first on a tie). */
  argmaxKey: Int32Array;
  /** Share of queries q in [1, n) whose strongest allowed key is q - 1 (query 0 has one key only). */
  previousShare: number;
  /** Share of queries q in [1, n) whose strongest allowed key is q itself. */
  selfShare: number;
  /** Mean of `pattern[q, q - 1]` over queries q in [1, n). */
  previousAttention: number;
  /** The same mean for a head that attends uniformly, `mean 1/(q + 1)`: the chance level. */
  uniformAttention: number;
}

/**
 * The positional QK circuit of head `l.h`, read with the causal mask: which
 * key each query prefers and how much of a softmax over positions alone it
 * would put on the position before.
 */
export function positionalQk(w: ModelWeights, l: number, h: number): PositionalQk {
  const n = w.config.n_ctx;
  const fm = positionalQkCircuit(w, l, h);
  const scores = Float64Array.from(fm.AB().to1DArray());
  const pattern = causalSoftmax(scores, n, 1 / Math.sqrt(w.config.d_head));
  const argmaxKey = causalArgmax(scores, n);
  let previous = 0;
  let self = 0;
  let attention = 0;
  let uniform = 0;
  for (let q = 1; q < n; q++) {
    if (argmaxKey[q] === q - 1) previous++;
    if (argmaxKey[q] === q) self++;
    attention += pattern[q * n + q - 1];
    uniform += 1 / (q + 1);
  }
  const queries = Math.max(1, n - 1);
  return {
    n,
    scores,
    pattern,
    argmaxKey,
    previousShare: previous / queries,
    selfShare: self / queries,
    previousAttention: attention / queries,
    uniformAttention: uniform / queries,
  };
}

/** For each query q of a `[n, n]` score matrix, the key k <= q with the largest score (first on a tie). */
export function causalArgmax(scores: ArrayLike<number>, n: number): Int32Array {
  if (scores.length !== n * n)
    throw new Error(`causalArgmax: ${scores.length} scores are not [${n}, ${n}]`);
  const out = new Int32Array(n);
  for (let q = 0; q < n; q++) {
    let best = 0;
    for (let k = 1; k <= q; k++) if (scores[q * n + k] > scores[q * n + best]) best = k;
    out[q] = best;
  }
  return out;
}

/** `softmax(scale * scores[q, :q+1])` per query, zeros after the query: `[n, n]`. */
export function causalSoftmax(scores: ArrayLike<number>, n: number, scale = 1): Float64Array {
  if (scores.length !== n * n)
    throw new Error(`causalSoftmax: ${scores.length} scores are not [${n}, ${n}]`);
  const out = new Float64Array(n * n);
  for (let q = 0; q < n; q++) {
    let max = -Infinity;
    for (let k = 0; k <= q; k++) max = Math.max(max, scale * scores[q * n + k]);
    let sum = 0;
    for (let k = 0; k <= q; k++) {
      const e = Math.exp(scale * scores[q * n + k] - max);
      out[q * n + k] = e;
      sum += e;
    }
    for (let k = 0; k <= q; k++) out[q * n + k] /= sum;
  }
  return out;
}
