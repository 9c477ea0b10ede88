/**
 * Path-specific ablation for the last layer of an attention-only model. With
 * no LayerNorm, a layer's query, key and value inputs are the same stream
 * `blocks.{l}.hook_resid_pre`, and that stream is an exact sum of what earlier
 * components wrote. So an earlier head's output can be removed from one input
 * path only (say the layer-1 heads' queries) while the others still read it,
 * and the layer recomputed in float64 from the run's activations. Removing it
 * from every path and from the direct path to the unembedding is the ordinary
 * ablation that `headMask` does.
 */
import type { Activation } from './hooked-model';
import type { ModelWeights } from './weights';

/** An input of the reading layer, or the direct path from the writer to the unembedding. */
export type ReadPath = 'Q' | 'K' | 'V' | 'direct';

/** What to put in place of the writer's output: nothing, or its mean over the prompt's positions. */
export type AblationMode = 'zero' | 'mean';

/** Layer `l` recomputed from its three inputs. */
export interface RecomputedLayer {
  /** `[head_index, query_pos, key_pos]`, causal softmax of `q·k / √d_head`. */
  pattern: Float64Array;
  /** `[pos, head_index, d_model]`: each head's `z W_O`, as `hook_result`. */
  result: Float64Array;
  pos: number;
}

/** `[pos, d_model]` of one batch row of a `[batch, pos, d_model]` activation, in float64. */
export function rowOf(act: Activation, row = 0): Float64Array {
  const [, pos, d] = act.shape;
  return Float64Array.from(act.data.subarray(row * pos * d, (row + 1) * pos * d));
}

/** `[pos, d_model]`: head `head`'s output from `blocks.L.attn.hook_result [batch, pos, head_index, d_model]`. */
export function headOutput(result: Activation, head: number, row = 0): Float64Array {
  const [, pos, n_heads, d] = result.shape;
  const out = new Float64Array(pos * d);
  for (let p = 0; p < pos; p++)
    out.set(
      result.data.subarray(
        ((row * pos + p) * n_heads + head) * d,
        ((row * pos + p) * n_heads + head + 1) * d,
      ),
      p * d,
    );
  return out;
}

/**
 * The stream `x` `[pos, d_model]` with a writer's output `y` `[pos, d_model]`
 * replaced: `x - y` ('zero'), or `x - y + mean_p y` ('mean').
 */
export function withoutWriter(
  x: Float64Array,
  y: Float64Array,
  d_model: number,
  mode: AblationMode,
): Float64Array {
  const pos = x.length / d_model;
  const mean = new Float64Array(d_model);
  if (mode === 'mean')
    for (let p = 0; p < pos; p++)
      for (let i = 0; i < d_model; i++) mean[i] += y[p * d_model + i] / pos;
  return Float64Array.from(x, (v, j) => v - y[j] + mean[j % d_model]);
}

function project(
  x: Float64Array,
  W: Float64Array,
  b: Float32Array,
  pos: number,
  d_model: number,
  d_head: number,
): Float64Array {
  const out = new Float64Array(pos * d_head);
  for (let p = 0; p < pos; p++)
    for (let e = 0; e < d_head; e++) {
      let s = b[e];
      for (let i = 0; i < d_model; i++) s += x[p * d_model + i] * W[i * d_head + e];
      out[p * d_head + e] = s;
    }
  return out;
}

/**
 * Layer `l`'s attention recomputed from separate query, key and value inputs
 * (each `[pos, d_model]`). Keeps the identity: with all three equal to
 * `blocks.{l}.hook_resid_pre`, `pattern` is `hook_pattern` and `result` is
 * `hook_result`, to float precision.
 */
export function recomputeLayer(
  w: ModelWeights,
  l: number,
  xQ: Float64Array,
  xK: Float64Array,
  xV: Float64Array,
): RecomputedLayer {
  const { n_heads, d_head, d_model } = w.config;
  const pos = xQ.length / d_model;
  if (xK.length !== xQ.length || xV.length !== xQ.length)
    throw new Error(`recomputeLayer: inputs are [${xQ.length}], [${xK.length}], [${xV.length}]`);
  const pattern = new Float64Array(n_heads * pos * pos);
  const result = new Float64Array(pos * n_heads * d_model);
  const scale = 1 / Math.sqrt(d_head);
  for (let h = 0; h < n_heads; h++) {
    const f = (m: { to1DArray(): number[] }) => Float64Array.from(m.to1DArray());
    const q = project(
      xQ,
      f(w.W_Q(l, h)),
      w.get(`blocks.${l}.attn.b_Q`).data.subarray(h * d_head, (h + 1) * d_head),
      pos,
      d_model,
      d_head,
    );
    const k = project(
      xK,
      f(w.W_K(l, h)),
      w.get(`blocks.${l}.attn.b_K`).data.subarray(h * d_head, (h + 1) * d_head),
      pos,
      d_model,
      d_head,
    );
    const v = project(xV, f(w.W_V(l, h)), w.b_V(l, h), pos, d_model, d_head);
    const W_O = w.W_O(l, h).to1DArray(); // [d_head, d_model]
    for (let i = 0; i < pos; i++) {
      const row = pattern.subarray((h * pos + i) * pos, (h * pos + i + 1) * pos);
      let max = -Infinity;
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let e = 0; e < d_head; e++) s += q[i * d_head + e] * k[j * d_head + e];
        row[j] = s * scale;
        max = Math.max(max, row[j]);
      }
      let sum = 0;
      for (let j = 0; j <= i; j++) sum += row[j] = Math.exp(row[j] - max);
      for (let j = 0; j <= i; j++) row[j] /= sum;
      const z = new Float64Array(d_head);
      for (let j = 0; j <= i; j++)
        for (let e = 0; e < d_head; e++) z[e] += row[j] * v[j * d_head + e];
      const out = result.subarray((i * n_heads + h) * d_model, (i * n_heads + h + 1) * d_model);
      for (let e = 0; e < d_head; e++)
        for (let d = 0; d < d_model; d++) out[d] += z[e] * W_O[e * d_model + d];
    }
  }
  return { pattern, result, pos };
}

/** Result of a path-specific ablation of one earlier head. */
export interface PathAblation extends RecomputedLayer {
  /** `[pos, d_vocab]`: the logits with the ablation. */
  logits: Float64Array;
}

/**
 * Ablates head `writer` (of a layer before the last) on the paths `paths`
 * only, recomputes the last layer `l = n_layers - 1` and the logits. `cache`
 * needs `blocks.{l}.hook_resid_pre` and `blocks.{writer.layer}.attn.hook_result`.
 * Keeps the identities: with no path, the logits are the run's logits; with
 * every path (Q, K, V, direct) and mode 'zero', they are the logits of a run
 * with the writer's `headMask` entry 0.
 */
export function ablateOnPaths(
  w: ModelWeights,
  cache: Record<string, Activation>,
  writer: { layer: number; head: number },
  paths: readonly ReadPath[],
  mode: AblationMode = 'zero',
  row = 0,
): PathAblation {
  const { n_layers, n_heads, d_model, d_vocab } = w.config;
  const l = n_layers - 1;
  if (!w.config.attn_only) throw new Error('ablateOnPaths: attention-only models only');
  if (writer.layer >= l)
    throw new Error(`ablateOnPaths: head ${writer.layer}.${writer.head} is not before layer ${l}`);
  const pre = cache[`blocks.${l}.hook_resid_pre`];
  const res = cache[`blocks.${writer.layer}.attn.hook_result`];
  if (!pre || !res)
    throw new Error(
      "ablateOnPaths: needs hook_resid_pre of the last layer and the writer's hook_result",
    );
  const x = rowOf(pre, row);
  const cut = withoutWriter(x, headOutput(res, writer.head, row), d_model, mode);
  const pick = (p: ReadPath) => (paths.includes(p) ? cut : x);
  const layer = recomputeLayer(w, l, pick('Q'), pick('K'), pick('V'));
  const pos = layer.pos;
  const b_O = w.b_O(l);
  const W_U = w.get('unembed.W_U').data;
  const logits = new Float64Array(pos * d_vocab);
  const base = pick('direct');
  for (let p = 0; p < pos; p++) {
    const final = new Float64Array(d_model);
    for (let i = 0; i < d_model; i++) {
      let s = base[p * d_model + i] + b_O[i];
      for (let h = 0; h < n_heads; h++) s += layer.result[(p * n_heads + h) * d_model + i];
      final[i] = s;
    }
    const out = logits.subarray(p * d_vocab, (p + 1) * d_vocab);
    out.set(w.b_U);
    for (let i = 0; i < d_model; i++) {
      const fi = final[i];
      for (let j = 0; j < d_vocab; j++) out[j] += fi * W_U[i * d_vocab + j];
    }
  }
  return { ...layer, logits };
}

/** Mean next-token loss over `tokens` from `[pos, d_vocab]` logits, in nats. */
export function meanLoss(logits: Float64Array, tokens: readonly number[], d_vocab: number): number {
  let s = 0;
  const n = tokens.length - 1;
  for (let p = 0; p < n; p++) {
    const row = logits.subarray(p * d_vocab, (p + 1) * d_vocab);
    let max = -Infinity;
    for (const v of row) max = Math.max(max, v);
    let z = 0;
    for (const v of row) z += Math.exp(v - max);
    s += max + Math.log(z) - row[tokens[p + 1]];
  }
  return s / n;
}
