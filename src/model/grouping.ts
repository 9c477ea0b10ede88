/**
 * One attention score matrix computed in two groupings (Elhage et al. 2021):
 *
 *   queries and keys first:  S = (X W_Q + b_Q)(X W_K + b_K)^T / sqrt(d_head)
 *   bilinear form first:     S = X~ (W~_Q W~_K^T) X~^T / sqrt(d_head)
 *
 * where X~ = [X, 1] and W~_Q = [W_Q; b_Q] carry the biases along. Matrix
 * products are associative, so both are the same matrix up to float
 * rounding; they differ in cost and in what they show (W~_Q W~_K^T is the
 * head's whole QK circuit as one object). Stored TransformerLens shapes:
 * X [pos, d_model], W_Q [d_model, d_head]. Everything is float64.
 */
import type { Activation } from './hooked-model';
import type { ModelWeights } from './weights';

/** A score matrix and what it cost. */
export interface GroupedScores {
  /** `[pos, pos]` row-major, every entry (the causal mask is not applied). */
  scores: Float64Array;
  /** Scalar multiply-adds of the matrix products (additions of biases not counted). */
  multiplyAdds: number;
  /** Wall time, ms (noisy; the count is the fair comparison). */
  ms: number;
}

/** X = the stream entering layer l, `[pos, d_model]` (float64), from `blocks.l.hook_resid_pre`. */
export function layerInput(cache: Record<string, Activation>, l: number, row = 0): Float64Array[] {
  const act = cache[`blocks.${l}.hook_resid_pre`];
  if (!act) throw new Error(`layerInput: blocks.${l}.hook_resid_pre was not read back`);
  const [, n, d] = act.shape;
  return Array.from({ length: n }, (_, p) =>
    Float64Array.from(act.data.subarray((row * n + p) * d, (row * n + p + 1) * d)),
  );
}

/** [d_model + 1, d_head]: W with its bias appended as a last row. */
function augmented(w: ModelWeights, name: 'W_Q' | 'W_K', l: number, h: number): Float64Array[] {
  const { d_model, d_head } = w.config;
  const W = w.get(`blocks.${l}.attn.${name}`).data;
  const b = w.get(`blocks.${l}.attn.${name === 'W_Q' ? 'b_Q' : 'b_K'}`).data;
  const rows: Float64Array[] = [];
  for (let i = 0; i < d_model; i++)
    rows.push(
      Float64Array.from(W.subarray((h * d_model + i) * d_head, (h * d_model + i + 1) * d_head)),
    );
  rows.push(Float64Array.from(b.subarray(h * d_head, (h + 1) * d_head)));
  return rows;
}

/** Scores by computing queries and keys first (what every implementation does). */
export function scoresQueriesFirst(
  w: ModelWeights,
  X: Float64Array[],
  l: number,
  h: number,
): GroupedScores {
  const t0 = performance.now();
  const { d_model, d_head } = w.config;
  const Wq = augmented(w, 'W_Q', l, h);
  const Wk = augmented(w, 'W_K', l, h);
  const n = X.length;
  const project = (W: Float64Array[]) =>
    X.map((x) => {
      const out = Float64Array.from(W[d_model]); // the bias row
      for (let i = 0; i < d_model; i++) {
        const xi = x[i];
        const Wi = W[i];
        for (let j = 0; j < d_head; j++) out[j] += xi * Wi[j];
      }
      return out;
    });
  const Q = project(Wq);
  const K = project(Wk);
  const scale = 1 / Math.sqrt(d_head);
  const scores = new Float64Array(n * n);
  for (let q = 0; q < n; q++)
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let j = 0; j < d_head; j++) s += Q[q][j] * K[k][j];
      scores[q * n + k] = s * scale;
    }
  return {
    scores,
    multiplyAdds: 2 * n * d_model * d_head + n * n * d_head,
    ms: performance.now() - t0,
  };
}

/** The head's bilinear QK matrix `W~_Q W~_K^T`, `[d_model + 1, d_model + 1]`. */
export function bilinearQK(w: ModelWeights, l: number, h: number): Float64Array[] {
  const { d_head } = w.config;
  const Wq = augmented(w, 'W_Q', l, h);
  const Wk = augmented(w, 'W_K', l, h);
  return Wq.map((qi) =>
    Float64Array.from(Wk, (kj) => {
      let s = 0;
      for (let c = 0; c < d_head; c++) s += qi[c] * kj[c];
      return s;
    }),
  );
}

/** Scores by forming the bilinear map first, then applying it to every pair of positions. */
export function scoresBilinearFirst(
  w: ModelWeights,
  X: Float64Array[],
  l: number,
  h: number,
): GroupedScores {
  const t0 = performance.now();
  const { d_model, d_head } = w.config;
  const D = d_model + 1;
  const M = bilinearQK(w, l, h);
  const n = X.length;
  // Y = X~ M, [pos, D]
  const Y = X.map((x) => {
    const y = Float64Array.from(M[d_model]); // the row of the constant 1
    for (let i = 0; i < d_model; i++) {
      const xi = x[i];
      const Mi = M[i];
      for (let j = 0; j < D; j++) y[j] += xi * Mi[j];
    }
    return y;
  });
  const scale = 1 / Math.sqrt(d_head);
  const scores = new Float64Array(n * n);
  for (let q = 0; q < n; q++)
    for (let k = 0; k < n; k++) {
      const y = Y[q];
      const x = X[k];
      let s = y[d_model];
      for (let i = 0; i < d_model; i++) s += y[i] * x[i];
      scores[q * n + k] = s * scale;
    }
  return {
    scores,
    multiplyAdds: D * D * d_head + n * D * D + n * n * D,
    ms: performance.now() - t0,
  };
}

/** max |a - b| over the causal entries (key <= query) of two `[pos, pos]` matrices. */
export function maxCausalDiff(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let m = 0;
  for (let q = 0; q < n; q++)
    for (let k = 0; k <= q; k++) m = Math.max(m, Math.abs(a[q * n + k] - b[q * n + k]));
  return m;
}

/** Head h's `[pos, pos]` slice of `blocks.l.attn.hook_attn_scores` (batch row `row`). */
export function modelScores(
  cache: Record<string, Activation>,
  l: number,
  h: number,
  row = 0,
): Float32Array {
  const act = cache[`blocks.${l}.attn.hook_attn_scores`];
  if (!act) throw new Error(`modelScores: blocks.${l}.attn.hook_attn_scores was not read back`);
  const [, H, n] = act.shape;
  return act.data.subarray((row * H + h) * n * n, (row * H + h + 1) * n * n);
}
