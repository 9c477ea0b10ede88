/**
 * Statistics of attention patterns on any prompt (not just repeated random
 * tokens): prefix-matching (induction) and duplicate-token scores computed
 * from the prompt's own tokens, how much attention lands on a set of
 * positions (e.g. punctuation), and how much of a head's output actually comes
 * from there. Pure functions of activations and weights.
 */
import type { Activation } from './hooked-model';
import type { ModelWeights } from './weights';

/** `pattern [batch, head_index, query_pos, key_pos]` entry for one row. */
function at(pattern: Activation, row: number, h: number, q: number, k: number): number {
  const [, n_heads, pos] = pattern.shape;
  return pattern.data[((row * n_heads + h) * pos + q) * pos + k];
}

/**
 * Mean, over the queries that have at least one target key, of the attention
 * each head pays to its targets. `targets(q)` lists the key positions of query q.
 * Returns `[head_index]` and the number of queries averaged (0 → scores are 0).
 */
export function targetedAttention(
  pattern: Activation,
  targets: (q: number) => readonly number[],
  row = 0,
): { scores: Float64Array; queries: number } {
  const [, n_heads, pos] = pattern.shape;
  const scores = new Float64Array(n_heads);
  let queries = 0;
  for (let q = 0; q < pos; q++) {
    const keys = targets(q);
    if (keys.length === 0) continue;
    queries++;
    for (let h = 0; h < n_heads; h++) for (const k of keys) scores[h] += at(pattern, row, h, q, k);
  }
  if (queries > 0) for (let h = 0; h < n_heads; h++) scores[h] /= queries;
  return { scores, queries };
}

/**
 * Induction (prefix-matching) score on a prompt's own tokens: at each query q,
 * the attention paid to positions k ≤ q whose previous token equals the token
 * at q (`tokens[k - 1] === tokens[q]`, k - 1 < q), averaged over queries that
 * have such a position. On a repeated random sequence this is the usual
 * induction score (up to accidental repeats).
 */
export function prefixMatchingScores(
  pattern: Activation,
  tokens: readonly number[],
  row = 0,
): { scores: Float64Array; queries: number } {
  return targetedAttention(pattern, (q) => prefixMatches(tokens, q), row);
}

/** Key positions k ≤ q with `tokens[k - 1] === tokens[q]` and k - 1 < q. */
export function prefixMatches(tokens: readonly number[], q: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= q; k++) if (k - 1 < q && tokens[k - 1] === tokens[q]) out.push(k);
  return out;
}

/** Duplicate-token score on a prompt: attention from q to earlier positions k < q holding the same token. */
export function duplicateScoresOn(
  pattern: Activation,
  tokens: readonly number[],
  row = 0,
): { scores: Float64Array; queries: number } {
  return targetedAttention(
    pattern,
    (q) => {
      const out: number[] = [];
      for (let k = 0; k < q; k++) if (tokens[k] === tokens[q]) out.push(k);
      return out;
    },
    row,
  );
}

/** Per head: where attention goes, and where the output comes from. */
export interface StorageStats {
  /** Mean attention mass on target keys, over queries after the first target. `[head_index]` */
  attention: Float64Array;
  /** The same mass if each query attended uniformly to the keys it can see. */
  uniform: number;
  /**
   * Share of the head's output norm that comes from target keys:
   * `Σ_q Σ_{k∈T} A_qk ‖v_k W_O‖ / Σ_q Σ_k A_qk ‖v_k W_O‖`. `[head_index]`
   */
  moved: Float64Array;
  /** Queries averaged (non-target positions after the first target). */
  queries: number;
  /** `[head_index, d_model]`: the mean vector written from target keys (attention-weighted, per query). */
  movedVector: Float64Array[];
}

/**
 * The queries storage is measured at: positions that are not targets and
 * come after at least one target.
 */
export function storageQueries(isTarget: readonly boolean[]): number[] {
  const out: number[] = [];
  let seen = false;
  isTarget.forEach((t, q) => {
    if (t) seen = true;
    else if (seen) out.push(q);
  });
  return out;
}

/**
 * Measures, for every head of layer `l`, how much later positions attend to
 * the target positions (e.g. punctuation) and how much of what the head
 * writes comes from them. Queries are positions that are not targets and come
 * after at least one target. `v` is `blocks.{l}.attn.hook_v [batch, pos, head_index, d_head]`
 * (b_V included), so `v_k W_O` is exactly what key k contributes per unit of attention.
 */
export function storageStats(
  w: ModelWeights,
  l: number,
  pattern: Activation,
  v: Activation,
  isTarget: readonly boolean[],
  row = 0,
): StorageStats {
  const { n_heads, d_head, d_model } = w.config;
  const pos = pattern.shape[2];
  const attention = new Float64Array(n_heads);
  const moved = new Float64Array(n_heads);
  const movedVector = Array.from({ length: n_heads }, () => new Float64Array(d_model));
  const queryList = storageQueries(isTarget.slice(0, pos));
  let uniform = 0;
  for (const q of queryList) {
    let seen = 0;
    for (let k = 0; k < q; k++) if (isTarget[k]) seen++;
    uniform += seen / (q + 1);
  }
  const queries = queryList.length;
  for (let h = 0; h < n_heads; h++) {
    const W_O = w.W_O(l, h).to1DArray(); // [d_head, d_model]
    // u_k = v_k W_O [pos, d_model] and its norm.
    const u = new Float64Array(pos * d_model);
    const norm = new Float64Array(pos);
    for (let k = 0; k < pos; k++) {
      const vOff = ((row * pos + k) * n_heads + h) * d_head;
      for (let e = 0; e < d_head; e++) {
        const ve = v.data[vOff + e];
        for (let d = 0; d < d_model; d++) u[k * d_model + d] += ve * W_O[e * d_model + d];
      }
      let s = 0;
      for (let d = 0; d < d_model; d++) s += u[k * d_model + d] ** 2;
      norm[k] = Math.sqrt(s);
    }
    let fromTargets = 0;
    let total = 0;
    for (const q of queryList) {
      for (let k = 0; k <= q; k++) {
        const a = at(pattern, row, h, q, k);
        total += a * norm[k];
        if (!isTarget[k]) continue;
        attention[h] += a;
        fromTargets += a * norm[k];
        for (let d = 0; d < d_model; d++) movedVector[h][d] += (a * u[k * d_model + d]) / queries;
      }
    }
    if (queries > 0) attention[h] /= queries;
    moved[h] = total > 0 ? fromTargets / total : 0;
  }
  return { attention, uniform: queries > 0 ? uniform / queries : 0, moved, queries, movedVector };
}
