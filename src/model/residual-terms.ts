/**
 * The residual stream as a sum (Elhage et al. 2021): with no LayerNorm, the
 * stream at a position after any layer is exactly the sum of the token
 * embedding, the position embedding and everything each earlier head (and
 * bias, and MLP) wrote there. These functions split a run's stream into
 * those terms, add them back up, check the sums against the hooks, and
 * measure each term along a direction (e.g. the final stream).
 */
import type { Activation } from './hooked-model';
import type { ModelWeights } from './weights';

/** One term of the residual stream at a position. */
export interface StreamTerm {
  /** `embed`, `pos_embed`, `L.H` (a head), `b_O L`, `mlp L`. */
  component: string;
  /** The layer that wrote it; -1 for the embeddings. */
  layer: number;
  /** The vector written, `[d_model]`, in float64. */
  vector: Float64Array;
  /** Its L2 norm. */
  norm: number;
}

/** The stream after one stage (embedding, or a layer), with the check that the terms sum to it. */
export interface StreamStage {
  /** The hook holding this stage's stream, e.g. `blocks.0.hook_resid_post`. */
  hook: string;
  /** `embedding` or `layer L`. */
  label: string;
  /** The last layer included; -1 for the embedding. */
  layer: number;
  /** L2 norm of the stream read from the hook. */
  norm: number;
  /** max_i |sum of terms so far - hook|_i: float error only. */
  maxError: number;
}

/** L2 norm. */
export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function vectorAt(act: Activation, pos: number, row: number, extra = 0, width = 1): Float64Array {
  // act is [batch, pos, d_model] or [batch, pos, head_index, d_model]; `extra` indexes the head axis.
  const d = act.shape[act.shape.length - 1];
  const n = act.shape[1];
  const at = ((row * n + pos) * width + extra) * d;
  return Float64Array.from(act.data.subarray(at, at + d));
}

function need(cache: Record<string, Activation>, name: string): Activation {
  const a = cache[name];
  if (!a) throw new Error(`residual terms: ${name} was not read back`);
  return a;
}

/**
 * The terms of the residual stream at `pos` in computation order: `embed`,
 * `pos_embed`, then per layer each head's `hook_result`, `b_O`, and (MLP
 * models) `hook_mlp_out`. `cache` needs `hook_embed`, `hook_pos_embed`, every
 * `attn.hook_result` and, for MLP models, every `hook_mlp_out`.
 */
export function residualTerms(
  w: ModelWeights,
  cache: Record<string, Activation>,
  pos: number,
  row = 0,
): StreamTerm[] {
  const { n_layers, n_heads } = w.config;
  const term = (component: string, layer: number, vector: Float64Array): StreamTerm => ({
    component,
    layer,
    vector,
    norm: norm(vector),
  });
  const out = [
    term('embed', -1, vectorAt(need(cache, 'hook_embed'), pos, row)),
    term('pos_embed', -1, vectorAt(need(cache, 'hook_pos_embed'), pos, row)),
  ];
  for (let l = 0; l < n_layers; l++) {
    const result = need(cache, `blocks.${l}.attn.hook_result`);
    for (let h = 0; h < n_heads; h++)
      out.push(term(`${l}.${h}`, l, vectorAt(result, pos, row, h, n_heads)));
    out.push(term(`b_O ${l}`, l, Float64Array.from(w.b_O(l))));
    if (!w.config.attn_only)
      out.push(term(`mlp ${l}`, l, vectorAt(need(cache, `blocks.${l}.hook_mlp_out`), pos, row)));
  }
  return out;
}

/** `Σ terms` `[d_model]` in float64, added in the order given: the stream the terms make up. */
export function sumOfTerms(terms: readonly StreamTerm[], d_model: number): Float64Array {
  const sum = new Float64Array(d_model);
  for (const t of terms) {
    if (t.vector.length !== d_model)
      throw new Error(`sumOfTerms: ${t.component} is [${t.vector.length}], not [${d_model}]`);
    for (let i = 0; i < d_model; i++) sum[i] += t.vector[i];
  }
  return sum;
}

/**
 * Each term's signed length along `direction`: `term · direction / |direction|`.
 * Projection is linear, so these add up to the signed length of `Σ terms`
 * along `direction`; along `Σ terms` itself they add up to `|Σ terms|`.
 * A zero direction has no unit vector: every entry is NaN.
 */
export function projectTerms(
  terms: readonly StreamTerm[],
  direction: ArrayLike<number>,
): Float64Array {
  const length = norm(direction);
  return Float64Array.from(terms, (t) => {
    if (t.vector.length !== direction.length)
      throw new Error(
        `projectTerms: ${t.component} is [${t.vector.length}], direction is [${direction.length}]`,
      );
    let dot = 0;
    for (let i = 0; i < direction.length; i++) dot += t.vector[i] * direction[i];
    return dot / length;
  });
}

/**
 * The stream after the embedding and after each layer, each compared with
 * the running sum of `terms` up to that layer. `cache` needs
 * `blocks.0.hook_resid_pre` and every `blocks.L.hook_resid_post`.
 */
export function streamStages(
  w: ModelWeights,
  cache: Record<string, Activation>,
  terms: readonly StreamTerm[],
  pos: number,
  row = 0,
): StreamStage[] {
  const { n_layers, d_model } = w.config;
  const stages: { hook: string; label: string; layer: number }[] = [
    { hook: 'blocks.0.hook_resid_pre', label: 'embedding', layer: -1 },
    ...Array.from({ length: n_layers }, (_, l) => ({
      hook: `blocks.${l}.hook_resid_post`,
      label: `layer ${l}`,
      layer: l,
    })),
  ];
  return stages.map((s) => {
    const stream = vectorAt(need(cache, s.hook), pos, row);
    const written = terms.filter((t) => t.layer <= s.layer);
    const sum = sumOfTerms(written, d_model);
    let maxError = 0;
    for (let i = 0; i < d_model; i++) maxError = Math.max(maxError, Math.abs(sum[i] - stream[i]));
    return { ...s, norm: norm(stream), maxError };
  });
}
