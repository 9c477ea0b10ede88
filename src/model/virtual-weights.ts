/**
 * Virtual weights (Elhage et al., 2021): the product of one component's
 * writing matrix and a later component's reading matrix, which connects the
 * two directly across the residual stream. TransformerLens' row-vector
 * convention throughout: a writer maps its input into the stream by
 * `W_E`, `W_pos` or `W_OV = W_V W_O`; a reader reads the stream with
 * `W_Q`, `W_K` or `W_V` `[d_model, d_head]`.
 *
 * Also, on a prompt: how much of what a reader reads at each position each
 * writer put there. With no LayerNorm the shares sum to exactly 1.
 */
import { Matrix } from 'ml-matrix';
import { compositionScoreOf, ovCircuit, qkCircuit, type Baseline } from './circuits';
import { FactoredMatrix } from './factored-matrix';
import type { Activation } from './hooked-model';
import { gaussian, gaussianMatrix, mulberry32 } from './random';
import type { ReadKind } from './subspaces';
import type { ModelWeights } from './weights';

/** A component that writes to the residual stream. */
export type Writer =
  { kind: 'embed' } | { kind: 'pos' } | { kind: 'head'; layer: number; head: number };

/** One input (Q, K or V) of one head, which reads the residual stream. */
export interface Reader {
  layer: number;
  head: number;
  input: ReadKind;
}

/** `embed`, `pos` or `L.H`, as in the text. */
export function writerName(w: Writer): string {
  return w.kind === 'head' ? `${w.layer}.${w.head}` : w.kind;
}

/** The reading matrix `[d_model, d_head]` of a reader. */
export function readMatrix(w: ModelWeights, r: Reader): Matrix {
  return r.input === 'Q'
    ? w.W_Q(r.layer, r.head)
    : r.input === 'K'
      ? w.W_K(r.layer, r.head)
      : w.W_V(r.layer, r.head);
}

/**
 * The writer's map into the stream as a factored matrix `[n_in, d_model]`:
 * `W_E` `[d_vocab, d_model]`, `W_pos` `[n_ctx, d_model]` or the head's
 * `W_OV = W_V W_O` `[d_model, d_model]` (rank d_head).
 */
export function writerMap(w: ModelWeights, writer: Writer): FactoredMatrix {
  if (writer.kind === 'head') return ovCircuit(w, writer.layer, writer.head);
  const M = writer.kind === 'embed' ? w.W_E : w.W_pos;
  return new FactoredMatrix(M, Matrix.eye(w.config.d_model, w.config.d_model));
}

/**
 * The reader's whole circuit on the stream, as composition scores use it
 * (TransformerLens' `all_composition_scores`): `W_QK` for Q, `W_QK^T` for K,
 * `W_OV` for V, each `[d_model, d_model]` of rank d_head.
 */
export function readerCircuit(w: ModelWeights, r: Reader): FactoredMatrix {
  if (r.input === 'V') return ovCircuit(w, r.layer, r.head);
  const qk = qkCircuit(w, r.layer, r.head);
  return r.input === 'Q' ? qk : qk.transpose();
}

/**
 * The virtual weights from a writer to a reader, restricted to some rows of
 * the writer's input: for a head, `W_O^{writer} W_read` `[d_head, d_head]`
 * (from the writer's z to the reader's q, k or v; `rows` is ignored); for
 * the embeddings, `W_E[rows] W_read` or `W_pos[rows] W_read` `[rows, d_head]`.
 */
export function virtualWeights(
  w: ModelWeights,
  writer: Writer,
  reader: Reader,
  rows: readonly number[] = [],
): Matrix {
  checkOrder(writer, reader);
  const R = readMatrix(w, reader);
  if (writer.kind === 'head') return w.W_O(writer.layer, writer.head).mmul(R);
  const M = writer.kind === 'embed' ? w.W_E : w.W_pos;
  const out = new Matrix(rows.length, R.columns);
  rows.forEach((row, i) => {
    for (let c = 0; c < R.columns; c++) {
      let s = 0;
      for (let k = 0; k < R.rows; k++) s += M.get(row, k) * R.get(k, c);
      out.set(i, c, s);
    }
  });
  return out;
}

/**
 * The composition score of a writer into a reader,
 * `||W_w C_r||_F / (||W_w||_F ||C_r||_F)` with W_w the writer's map and C_r
 * the reader's circuit: for two heads exactly Elhage et al.'s (and
 * TransformerLens') Q-, K- or V-composition score.
 */
export function writerCompositionScore(w: ModelWeights, writer: Writer, reader: Reader): number {
  checkOrder(writer, reader);
  return compositionScoreOf(writerMap(w, writer), readerCircuit(w, reader));
}

/**
 * The same score for Gaussian matrices of the same shapes and ranks as the
 * writer's map and the reader's circuit (seeded): what chance alone gives.
 */
export function writerCompositionBaseline(
  w: ModelWeights,
  writer: Writer,
  reader: Reader,
  samples = 32,
  seed = 0,
): Baseline {
  const { d_model, d_head } = w.config;
  const normal = gaussian(mulberry32(seed));
  const lowRank = () =>
    new FactoredMatrix(
      gaussianMatrix(d_model, d_head, normal),
      gaussianMatrix(d_head, d_model, normal),
    );
  const n_in = writer.kind === 'embed' ? w.config.d_vocab : w.config.n_ctx;
  const scores: number[] = [];
  for (let s = 0; s < samples; s++) {
    const left =
      writer.kind === 'head'
        ? lowRank()
        : new FactoredMatrix(gaussianMatrix(n_in, d_model, normal), Matrix.eye(d_model, d_model));
    scores.push(compositionScoreOf(left, lowRank()));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / samples;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, samples - 1));
  return { mean, std, samples };
}

/** Every writer before layer `layer`: embed, pos, then each head of each earlier layer. */
export function writersBefore(w: ModelWeights, layer: number): Writer[] {
  const out: Writer[] = [{ kind: 'embed' }, { kind: 'pos' }];
  for (let l = 0; l < layer; l++)
    for (let h = 0; h < w.config.n_heads; h++) out.push({ kind: 'head', layer: l, head: h });
  return out;
}

/** One writer's share of what a reader reads, at each position. */
export interface ReadShare {
  /** `embed`, `pos`, `L.H`, `b_O L` or `mlp L`. */
  writer: string;
  /** `[pos]`: `<out_w W_r, x W_r> / ||x W_r||^2`; the shares at a position sum to 1. */
  share: Float64Array;
}

/**
 * On one run, how much of what `reader` reads at each position each earlier
 * component wrote: the stream entering the reader's layer is exactly the sum
 * of the embeddings, every earlier head's `hook_result`, the `b_O`s (and MLP
 * outputs), so `x W_r` splits into their images and each share is the
 * projection of that image on `x W_r`. Shares sum to 1 at every position
 * (up to float error); a negative share means the writer cancels part of it.
 *
 * `cache` needs `hook_embed`, `hook_pos_embed`, `blocks.{L}.hook_resid_pre`,
 * every earlier `attn.hook_result` (and `hook_mlp_out` for MLP models).
 */
export function readShares(
  w: ModelWeights,
  cache: Record<string, Activation>,
  reader: Reader,
  row = 0,
): ReadShare[] {
  const { d_model, n_heads, d_head } = w.config;
  const R = readMatrix(w, reader).to1DArray(); // [d_model * d_head], row-major
  const need = (name: string) => {
    const a = cache[name];
    if (!a) throw new Error(`readShares: ${name} was not read back`);
    return a;
  };
  const resid = need(`blocks.${reader.layer}.hook_resid_pre`); // [batch, pos, d_model]
  const pos = resid.shape[1];
  const read = (v: ArrayLike<number>, at: number) => {
    const out = new Float64Array(d_head);
    for (let k = 0; k < d_model; k++) {
      const x = v[at + k];
      if (x === 0) continue;
      for (let c = 0; c < d_head; c++) out[c] += x * R[k * d_head + c];
    }
    return out;
  };
  const total = Array.from({ length: pos }, (_, p) => read(resid.data, (row * pos + p) * d_model));
  const totalSq = total.map((t) => t.reduce((s, x) => s + x * x, 0));
  const share = (at: (p: number) => [ArrayLike<number>, number]) =>
    Float64Array.from({ length: pos }, (_, p) => {
      const [v, offset] = at(p);
      const r = read(v, offset);
      let dot = 0;
      for (let c = 0; c < d_head; c++) dot += r[c] * total[p][c];
      return totalSq[p] > 0 ? dot / totalSq[p] : 0;
    });
  const streamAt = (a: Activation) => (p: number) =>
    [a.data, (row * a.shape[1] + p) * d_model] as [ArrayLike<number>, number];
  const out: ReadShare[] = [
    { writer: 'embed', share: share(streamAt(need('hook_embed'))) },
    { writer: 'pos', share: share(streamAt(need('hook_pos_embed'))) },
  ];
  for (let l = 0; l < reader.layer; l++) {
    const result = need(`blocks.${l}.attn.hook_result`); // [batch, pos, head_index, d_model]
    for (let h = 0; h < n_heads; h++) {
      out.push({
        writer: `${l}.${h}`,
        share: share((p) => [result.data, ((row * pos + p) * n_heads + h) * d_model]),
      });
    }
    const bO = w.b_O(l);
    out.push({ writer: `b_O ${l}`, share: share(() => [bO, 0]) });
    if (!w.config.attn_only)
      out.push({ writer: `mlp ${l}`, share: share(streamAt(need(`blocks.${l}.hook_mlp_out`))) });
  }
  return out;
}

function checkOrder(writer: Writer, reader: Reader): void {
  if (writer.kind === 'head' && writer.layer >= reader.layer)
    throw new Error(
      `virtual weights: head ${writer.layer}.${writer.head} does not write before layer ${reader.layer} reads`,
    );
}
