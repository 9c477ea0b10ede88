/**
 * Skip-trigrams `[A] … [B] → [C]` read from a one-layer head's weights
 * (Elhage et al., 2021): the token-level QK circuit says how much a query
 * token B wants to attend to an earlier token A, the token-level OV circuit
 * says which tokens C attending to A raises. Computed over a candidate set of
 * tokens the reader chooses, through the heads' factors only.
 */
import { topK } from './top-k';
import type { ModelWeights } from './weights';

/** One skip-trigram found in a head. */
export interface SkipTrigram {
  layer: number;
  head: number;
  /** The earlier (attended) token. */
  a: number;
  /** The current (query) token. */
  b: number;
  /** The predicted token. */
  c: number;
  /** Softmax over the candidate keys of B's token-level QK scores: share of attention A gets. */
  attention: number;
  /** `(W_E W_OV W_U)[A, C]` minus its mean over the vocabulary: how much attending to A raises C. */
  boost: number;
  /** `attention × boost`: the rule's strength among these candidates. */
  score: number;
}

/** `x [d_model] · W [d_model, d_head]` for one token's embedding row. */
function project(
  W_E: Float32Array,
  t: number,
  W: Float32Array,
  d_model: number,
  d_head: number,
  h: number,
): Float64Array {
  const out = new Float64Array(d_head);
  const base = h * d_model * d_head;
  for (let i = 0; i < d_model; i++) {
    const x = W_E[t * d_model + i];
    for (let e = 0; e < d_head; e++) out[e] += x * W[base + i * d_head + e];
  }
  return out;
}

/**
 * The strongest skip-trigrams of every head of layer `l` among `candidates`
 * (A and B both range over them; C over the whole vocabulary). For each head
 * and each B, A's attention is the softmax of `W_E[B] W_Q · W_E[A] W_K / √d_head`
 * over the candidates (token parts only; positions and biases left out), and C
 * is the token attending to A raises most. Returns the top `k` by score.
 */
export function skipTrigrams(
  w: ModelWeights,
  l: number,
  candidates: readonly number[],
  k = 20,
): SkipTrigram[] {
  const { d_model, d_head, n_heads, d_vocab } = w.config;
  const tokens = [...new Set(candidates)];
  const W_E = w.get('embed.W_E').data;
  const W_Q = w.get(`blocks.${l}.attn.W_Q`).data;
  const W_K = w.get(`blocks.${l}.attn.W_K`).data;
  const W_V = w.get(`blocks.${l}.attn.W_V`).data;
  const W_O = w.get(`blocks.${l}.attn.W_O`).data;
  const W_U = w.get('unembed.W_U').data;
  const out: SkipTrigram[] = [];
  for (let h = 0; h < n_heads; h++) {
    const q = tokens.map((t) => project(W_E, t, W_Q, d_model, d_head, h));
    const key = tokens.map((t) => project(W_E, t, W_K, d_model, d_head, h));
    // Best C for each A: argmax over the vocabulary of (W_E[A] W_V W_O W_U) minus its mean.
    const best = tokens.map((t) => {
      const v = project(W_E, t, W_V, d_model, d_head, h);
      const o = new Float64Array(d_model);
      for (let e = 0; e < d_head; e++)
        for (let d = 0; d < d_model; d++) o[d] += v[e] * W_O[(h * d_head + e) * d_model + d];
      const logits = new Float64Array(d_vocab);
      for (let d = 0; d < d_model; d++)
        for (let c = 0; c < d_vocab; c++) logits[c] += o[d] * W_U[d * d_vocab + c];
      let mean = 0;
      let arg = 0;
      for (let c = 0; c < d_vocab; c++) {
        mean += logits[c] / d_vocab;
        if (logits[c] > logits[arg]) arg = c;
      }
      return { c: arg, boost: logits[arg] - mean };
    });
    tokens.forEach((b, bi) => {
      const scores = key.map((kv) => {
        let s = 0;
        for (let e = 0; e < d_head; e++) s += q[bi][e] * kv[e];
        return s / Math.sqrt(d_head);
      });
      const max = Math.max(...scores);
      const exp = scores.map((s) => Math.exp(s - max));
      const z = exp.reduce((x, y) => x + y, 0);
      tokens.forEach((a, ai) => {
        const attention = exp[ai] / z;
        out.push({
          layer: l,
          head: h,
          a,
          b,
          c: best[ai].c,
          attention,
          boost: best[ai].boost,
          score: attention * best[ai].boost,
        });
      });
    });
  }
  const scores = out.map((t) => t.score);
  return topK(scores, k).map((r) => out[r.index]);
}
