/**
 * Who wrote what a head moves. With no LayerNorm, a head's value input at a
 * key position is the sum of everything written there before its layer (token
 * embedding, position embedding, each earlier head's `hook_result`, each
 * earlier `b_O`), and its value adds its own `b_V`. Because the OV map is
 * linear, what the head moves from a set of key positions splits exactly into
 * one part per writer. Pure functions of weights and a run's activations.
 */
import type { Activation } from './hooked-model';
import type { ModelWeights } from './weights';

/** One writer's part of what a head moved. */
export interface WriterPart {
  /** `embed`, `pos_embed`, `L.H` (an earlier head), `b_O L`, or `b_V L.H` (the reader's own value bias). */
  writer: string;
  /** `[d_model]`: the part of the moved vector that comes from this writer. */
  vector: Float64Array;
  /**
   * Its share of the moved vector: `part · total / ‖total‖²`. Projection is
   * linear, so the shares of all writers sum to 1; a negative share points
   * against the total.
   */
  share: number;
}

/** What a head moved from some key positions, split by writer. */
export interface MovedByWriter {
  /** `[d_model]`: `(1/|queries|) Σ_q Σ_{k ≤ q, isKey[k]} A_qk v_k W_O` (b_V included in v). */
  total: Float64Array;
  /** One part per writer, in stream order (embed, pos_embed, layer 0's heads, b_O 0, …, b_V). */
  parts: WriterPart[];
  /** Number of queries averaged. */
  queries: number;
}

function need(cache: Record<string, Activation>, name: string): Activation {
  const a = cache[name];
  if (!a) throw new Error(`value writers: ${name} was not read back`);
  return a;
}

/**
 * Splits what head `h` of layer `l` moves from the key positions with
 * `isKey[k]` into the queries `queries` (averaged over them) by the writer of
 * its value input. Keeps the identity `Σ_w parts[w].vector = total`, and with
 * every key included, `total = mean over queries of blocks.{l}.attn.hook_result[q, h]`.
 *
 * `cache` needs `hook_embed`, `hook_pos_embed`, `blocks.{l}.attn.hook_pattern`
 * and `blocks.{j}.attn.hook_result` for every earlier layer j < l (attention-only models).
 */
export function movedByWriter(
  w: ModelWeights,
  cache: Record<string, Activation>,
  l: number,
  h: number,
  queries: readonly number[],
  isKey: readonly boolean[],
  row = 0,
): MovedByWriter {
  const { n_heads, d_head, d_model } = w.config;
  if (!w.config.attn_only) throw new Error('movedByWriter: attention-only models only');
  const pattern = need(cache, `blocks.${l}.attn.hook_pattern`); // [batch, head_index, query_pos, key_pos]
  const pos = pattern.shape[2];
  // a_k = (1/|Q|) Σ_q A_qk over the chosen keys: the weight each key's value gets.
  const a = new Float64Array(pos);
  for (const q of queries)
    for (let k = 0; k <= q; k++)
      if (isKey[k])
        a[k] += pattern.data[((row * n_heads + h) * pos + q) * pos + k] / queries.length;
  let aSum = 0;
  for (let k = 0; k < pos; k++) aSum += a[k];

  // W_OV = W_V W_O [d_model, d_model], and b_V W_O [d_model].
  const W_V = w.W_V(l, h).to1DArray(); // [d_model, d_head]
  const W_O = w.W_O(l, h).to1DArray(); // [d_head, d_model]
  const ov = new Float64Array(d_model * d_model);
  for (let i = 0; i < d_model; i++)
    for (let e = 0; e < d_head; e++) {
      const v = W_V[i * d_head + e];
      for (let j = 0; j < d_model; j++) ov[i * d_model + j] += v * W_O[e * d_model + j];
    }
  const through = (x: Float64Array): Float64Array => {
    const out = new Float64Array(d_model);
    for (let i = 0; i < d_model; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      for (let j = 0; j < d_model; j++) out[j] += xi * ov[i * d_model + j];
    }
    return out;
  };
  // Σ_k a_k x_k for a writer whose output at k is `at(k)` [d_model].
  const weighted = (at: (k: number) => ArrayLike<number>): Float64Array => {
    const x = new Float64Array(d_model);
    for (let k = 0; k < pos; k++) {
      if (a[k] === 0) continue;
      const v = at(k);
      for (let i = 0; i < d_model; i++) x[i] += a[k] * v[i];
    }
    return x;
  };
  const slice = (act: Activation, k: number, head = 0, width = 1) => {
    const at = ((row * act.shape[1] + k) * width + head) * d_model;
    return act.data.subarray(at, at + d_model);
  };

  const raw: { writer: string; vector: Float64Array }[] = [];
  const embed = need(cache, 'hook_embed');
  const posEmbed = need(cache, 'hook_pos_embed');
  raw.push({ writer: 'embed', vector: through(weighted((k) => slice(embed, k))) });
  raw.push({ writer: 'pos_embed', vector: through(weighted((k) => slice(posEmbed, k))) });
  for (let j = 0; j < l; j++) {
    const result = need(cache, `blocks.${j}.attn.hook_result`); // [batch, pos, head_index, d_model]
    for (let g = 0; g < n_heads; g++)
      raw.push({
        writer: `${j}.${g}`,
        vector: through(weighted((k) => slice(result, k, g, n_heads))),
      });
    const b_O = w.b_O(j);
    raw.push({ writer: `b_O ${j}`, vector: through(Float64Array.from(b_O, (b) => b * aSum)) });
  }
  const b_V = w.b_V(l, h);
  const bv = new Float64Array(d_model);
  for (let e = 0; e < d_head; e++)
    for (let j = 0; j < d_model; j++) bv[j] += aSum * b_V[e] * W_O[e * d_model + j];
  raw.push({ writer: `b_V ${l}.${h}`, vector: bv });

  const total = new Float64Array(d_model);
  for (const p of raw) for (let i = 0; i < d_model; i++) total[i] += p.vector[i];
  let tt = 0;
  for (let i = 0; i < d_model; i++) tt += total[i] * total[i];
  const parts = raw.map((p) => {
    let dot = 0;
    for (let i = 0; i < d_model; i++) dot += p.vector[i] * total[i];
    return { ...p, share: tt > 0 ? dot / tt : 0 };
  });
  return { total, parts, queries: queries.length };
}

/**
 * Shares grouped into the stream's kinds of writer: `embed`, `pos_embed`,
 * `heads L` (all heads of layer L together), `biases` (every b_O and the
 * reader's b_V). Sums of shares, so they too add up to 1.
 */
export function sharesByKind(split: MovedByWriter): { kind: string; share: number }[] {
  const out = new Map<string, number>();
  for (const p of split.parts) {
    const kind = /^\d+\.\d+$/.test(p.writer)
      ? `heads ${p.writer.split('.')[0]}`
      : p.writer.startsWith('b_')
        ? 'biases'
        : p.writer;
    out.set(kind, (out.get(kind) ?? 0) + p.share);
  }
  return [...out].map(([kind, share]) => ({ kind, share }));
}
