/**
 * The path expansion of a 1- or 2-layer attention-only transformer (Elhage et
 * al., 2021), computed from the weights and the attention patterns only.
 *
 * With x0 = W_E[t] + W_pos (no LayerNorm), each head's output is
 * `r_h = A_h (x W_V_h + b_V_h) W_O_h` (rows of A sum to 1), so
 *
 *   logits = ( x0                                    direct path
 *            + Σ_h  A0_h (x0 W_V0_h + b_V0_h) W_O0_h   layer-0 heads
 *            + Σ_h' A1_h' x0 W_V1_h' W_O1_h'            layer-1 heads on the direct path
 *            + Σ_h Σ_h' A1_h' r0_h W_V1_h' W_O1_h'      virtual heads h -> h'
 *            + b_O0 + b_O1 + Σ_h' (b_O0 W_V1_h' + b_V1_h') W_O1_h'   biases
 *            ) W_U + b_U
 *
 * exactly (to float precision). Terms are returned in the residual stream
 * [pos, d_model] so a figure projects only the positions and tokens it shows.
 */
import { matmul } from './basis';
import type { HeadRef } from './circuits';
import type { Activation } from './hooked-model';
import type { ModelWeights } from './weights';

/** One term of the expansion, as a residual-stream contribution `[pos, d_model]`. */
export interface PathTerm {
  kind: 'direct' | 'head' | 'virtual' | 'bias';
  /** `direct`, `0.3`, `1.4`, `0.3 → 1.4` (virtual), `bias`. */
  name: string;
  /** The heads on the path, earliest first (empty for direct and bias). */
  heads: HeadRef[];
  /** `[pos, d_model]` row-major, float64. */
  resid: Float64Array;
}

/**
 * Expands one prompt (batch row `row`) of an attention-only model with 1 or 2
 * layers. Needs `hook_embed`, `hook_pos_embed` and `blocks.{l}.attn.hook_pattern`
 * for every layer. Throws for MLP models or more layers.
 */
export function pathExpansion(
  w: ModelWeights,
  cache: Record<string, Activation>,
  row = 0,
): PathTerm[] {
  const { n_layers, n_heads, d_model, d_head } = w.config;
  if (!w.config.attn_only || n_layers > 2) {
    throw new Error(
      `pathExpansion: defined for 1- and 2-layer attention-only models, not ${w.config.model_name}`,
    );
  }
  const need = (name: string) => {
    const a = cache[name];
    if (!a) throw new Error(`pathExpansion: ${name} was not read back`);
    return a;
  };
  const embed = need('hook_embed');
  const pos = embed.shape[1];
  const x0 = new Float64Array(pos * d_model);
  const posEmbed = need('hook_pos_embed');
  for (let i = 0; i < pos * d_model; i++)
    x0[i] = embed.data[row * pos * d_model + i] + posEmbed.data[row * pos * d_model + i];
  const pattern = (l: number, h: number) => {
    const p = need(`blocks.${l}.attn.hook_pattern`); // [batch, head_index, query_pos, key_pos]
    return p.data.subarray((row * n_heads + h) * pos * pos, (row * n_heads + h + 1) * pos * pos);
  };

  /** `A (x W_V + 1 b_V) W_O` for one head: [pos, d_model]. */
  const headThrough = (l: number, h: number, x: Float64Array, withBias: boolean): Float64Array => {
    const v = matmul(x, pos, d_model, w.W_V(l, h).to1DArray(), d_head);
    if (withBias) {
      const b = w.b_V(l, h);
      for (let p = 0; p < pos; p++) for (let e = 0; e < d_head; e++) v[p * d_head + e] += b[e];
    }
    const z = matmul(Float64Array.from(pattern(l, h)), pos, pos, v, d_head);
    return matmul(z, pos, d_head, w.W_O(l, h).to1DArray(), d_model);
  };

  const terms: PathTerm[] = [{ kind: 'direct', name: 'direct', heads: [], resid: x0 }];
  const layer0: Float64Array[] = [];
  for (let h = 0; h < n_heads; h++) {
    const r = headThrough(0, h, x0, true);
    layer0.push(r);
    terms.push({ kind: 'head', name: `0.${h}`, heads: [{ layer: 0, head: h }], resid: r });
  }
  const bias = new Float64Array(d_model);
  addInto(bias, w.b_O(0));
  if (n_layers === 2) {
    for (let h2 = 0; h2 < n_heads; h2++) {
      terms.push({
        kind: 'head',
        name: `1.${h2}`,
        heads: [{ layer: 1, head: h2 }],
        resid: headThrough(1, h2, x0, false),
      });
    }
    for (let h = 0; h < n_heads; h++) {
      for (let h2 = 0; h2 < n_heads; h2++) {
        terms.push({
          kind: 'virtual',
          name: `0.${h} → 1.${h2}`,
          heads: [
            { layer: 0, head: h },
            { layer: 1, head: h2 },
          ],
          resid: headThrough(1, h2, layer0[h], false),
        });
      }
    }
    addInto(bias, w.b_O(1));
    for (let h2 = 0; h2 < n_heads; h2++) {
      // Rows of A sum to 1, so a constant b_O0 in the stream reaches the output as b_O0 W_V1 W_O1.
      const v = matmul(Float64Array.from(w.b_O(0)), 1, d_model, w.W_V(1, h2).to1DArray(), d_head);
      const b = w.b_V(1, h2);
      for (let e = 0; e < d_head; e++) v[e] += b[e];
      addInto(bias, matmul(v, 1, d_head, w.W_O(1, h2).to1DArray(), d_model));
    }
  }
  const biasResid = new Float64Array(pos * d_model);
  for (let p = 0; p < pos; p++) biasResid.set(bias, p * d_model);
  terms.push({ kind: 'bias', name: 'bias', heads: [], resid: biasResid });
  return terms;
}

/** Sum of terms in the residual stream, `[pos, d_model]`. */
export function sumTerms(terms: readonly PathTerm[]): Float64Array {
  const out = new Float64Array(terms[0].resid.length);
  for (const t of terms) addInto(out, t.resid);
  return out;
}

/**
 * A term's contribution to the logits at one position, `resid[pos] W_U`
 * ([d_vocab], b_U not included: it belongs to no path). Σ over terms + b_U = logits.
 */
export function termLogits(w: ModelWeights, term: PathTerm, pos: number): Float64Array {
  const { d_model, d_vocab } = w.config;
  const W_U = w.get('unembed.W_U').data;
  const out = new Float64Array(d_vocab);
  for (let i = 0; i < d_model; i++) {
    const x = term.resid[pos * d_model + i];
    for (let j = 0; j < d_vocab; j++) out[j] += x * W_U[i * d_vocab + j];
  }
  return out;
}

/**
 * Each term's contribution to the logit of one token at one position,
 * `resid[pos] · W_U[:, token]` (b_U not included): `[terms.length]`. The same
 * numbers as `termLogits(w, term, pos)[token]`, without the other d_vocab - 1.
 */
export function termLogitsAt(
  w: ModelWeights,
  terms: readonly PathTerm[],
  pos: number,
  token: number,
): Float64Array {
  const { d_model, d_vocab } = w.config;
  const W_U = w.get('unembed.W_U').data;
  return Float64Array.from(terms, (t) => {
    let s = 0;
    for (let i = 0; i < d_model; i++) s += t.resid[pos * d_model + i] * W_U[i * d_vocab + token];
    return s;
  });
}

function addInto(acc: Float64Array, x: ArrayLike<number>): void {
  for (let i = 0; i < acc.length; i++) acc[i] += x[i];
}
