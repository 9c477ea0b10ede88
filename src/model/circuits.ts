/**
 * Circuits read straight from the weights (Elhage et al., 2021), in
 * TransformerLens' row-vector convention (`x W`): the QK and OV circuits of a
 * head, their token-level versions through `W_E` and `W_U`, the direct path,
 * copying scores and composition scores.
 *
 * The paper writes the full OV circuit as `W_U W_OV W_E` (column vectors);
 * here it is the same map as `W_E W_OV W_U` [d_vocab (source), d_vocab (out)].
 */
import { Matrix } from 'ml-matrix';
import { diagonalArgmax } from './token-diagonal';
import { FactoredMatrix } from './factored-matrix';
import { gaussian, gaussianMatrix, mulberry32 } from './random';
import { type Ranked, topK } from './top-k';
import type { ModelWeights } from './weights';

/** One attention head, by layer and head index (`L.H` in the text). */
export interface HeadRef {
  layer: number;
  head: number;
}

/** `W_QK = W_Q W_K^T` [d_model, d_model]: `x_q W_QK x_k^T` is the attention score (before scaling). */
export function qkCircuit(w: ModelWeights, l: number, h: number): FactoredMatrix {
  return new FactoredMatrix(w.W_Q(l, h), w.W_K(l, h).transpose());
}

/** `W_OV = W_V W_O` [d_model, d_model]: what a head writes, `x W_OV`, for each attended vector x. */
export function ovCircuit(w: ModelWeights, l: number, h: number): FactoredMatrix {
  return new FactoredMatrix(w.W_V(l, h), w.W_O(l, h));
}

/**
 * The full OV circuit over tokens, `W_E W_OV W_U` [d_vocab, d_vocab]: row s is
 * how attending to token s moves each output logit. Kept factored (inner d_head).
 */
export function fullOvCircuit(w: ModelWeights, l: number, h: number): FactoredMatrix {
  return new FactoredMatrix(w.W_E.mmul(w.W_V(l, h)), w.W_O(l, h).mmul(w.W_U));
}

/**
 * The QK circuit over tokens, `W_E W_QK W_E^T` [d_vocab (query), d_vocab (key)]:
 * the score a query token gives a key token from embeddings alone.
 */
export function fullQkCircuit(w: ModelWeights, l: number, h: number): FactoredMatrix {
  const W_E = w.W_E;
  return new FactoredMatrix(W_E.mmul(w.W_Q(l, h)), w.W_K(l, h).transpose().mmul(W_E.transpose()));
}

/**
 * The direct path `W_E W_U` [d_vocab, d_vocab] (bigram statistics), factored
 * through d_model.
 */
export function directPath(w: ModelWeights): FactoredMatrix {
  return new FactoredMatrix(w.W_E, w.W_U);
}

/**
 * Top-k entries of row i of a factored matrix (e.g. the output tokens most
 * boosted by attending to token i), computing only that row: O(k_inner n).
 */
export function topKInRow(m: FactoredMatrix, i: number, k: number): Ranked[] {
  return topK(m.row(i), k);
}

/** Top-k entries of column j of a factored matrix, computing only that column. */
export function topKInColumn(m: FactoredMatrix, j: number, k: number): Ranked[] {
  return topK(m.column(j), k);
}

/** The diagonal of a square factored matrix, `A[i, :] · B[:, i]`, without forming it. */
export function diagonal(m: FactoredMatrix): Float64Array {
  const n = Math.min(m.rows, m.columns);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let r = 0; r < m.inner; r++) s += m.A.get(i, r) * m.B.get(r, i);
    out[i] = s;
  }
  return out;
}

/**
 * The copying score of a head: `Σ Re λ / Σ |λ|` over the eigenvalues of its
 * full OV circuit (computed through the d_head x d_head side). Near 1 for a
 * head that copies the tokens it attends to, near -1 for one that suppresses them.
 */
export function copyingScore(w: ModelWeights, l: number, h: number): number {
  return copyingScoreOf(fullOvCircuit(w, l, h));
}

/** `Σ Re λ / Σ |λ|` of a square factored matrix. */
export function copyingScoreOf(m: FactoredMatrix): number {
  let re = 0;
  let abs = 0;
  for (const { re: r, im } of m.eigenvalues()) {
    re += r;
    abs += Math.hypot(r, im);
  }
  return abs === 0 ? 0 : re / abs;
}

/**
 * Top-1 copying accuracy of a head: the share of tokens s whose full OV row
 * `W_E[s] W_OV W_U` is largest at s itself (attending to s raises s above
 * every other token). Computes the whole d_vocab x d_vocab circuit once, a
 * block of rows at a time (see `diagonalArgmax`); chance is 1/d_vocab.
 */
export function copyingAccuracy(w: ModelWeights, l: number, h: number): number {
  return diagonalArgmax(fullOvCircuit(w, l, h)).rowAccuracy;
}

/**
 * The K-composition term of an induction circuit over tokens,
 * `W_E W_QK^{ind} (W_OV^{prev})^T W_E^T` [d_vocab (query token a), d_vocab (token b)]:
 * the score a query on token a of the later head `ind` gives a key position
 * whose previous token was b, through what the earlier head `prev` (a
 * previous-token head) wrote there. An induction head wants it large on the
 * diagonal (a = b). Factored with inner d_head: `(W_E W_Q) (W_E W_V W_O W_K)^T`.
 */
export function kCompositionCircuit(w: ModelWeights, prev: HeadRef, ind: HeadRef): FactoredMatrix {
  if (prev.layer >= ind.layer) {
    throw new Error(
      `kCompositionCircuit: head ${prev.layer}.${prev.head} is not before ${ind.layer}.${ind.head}`,
    );
  }
  const W_E = w.W_E;
  const query = W_E.mmul(w.W_Q(ind.layer, ind.head)); // [d_vocab, d_head]
  const key = W_E.mmul(w.W_V(prev.layer, prev.head)) // [d_vocab, d_head (prev)]
    .mmul(w.W_O(prev.layer, prev.head)) // [d_vocab, d_model]
    .mmul(w.W_K(ind.layer, ind.head)); // [d_vocab, d_head]
  return new FactoredMatrix(query, key.transpose());
}

/** Which input of the later head reads the earlier head's output. */
export type CompositionKind = 'Q' | 'K' | 'V';

/**
 * Composition score (Elhage et al.): `||L R||_F / (||L||_F ||R||_F)` with
 * L = the earlier head's `W_OV` and R = the later head's `W_QK` (Q-composition),
 * `W_QK^T` (K-composition) or `W_OV` (V-composition), as TransformerLens'
 * `all_composition_scores`.
 */
export function compositionScoreOf(earlierOv: FactoredMatrix, later: FactoredMatrix): number {
  const product = earlierOv.compose(later);
  return product.norm() / (earlierOv.norm() * later.norm());
}

/** The right-hand matrix that `kind` composition multiplies into. */
function laterMatrix(w: ModelWeights, later: HeadRef, kind: CompositionKind): FactoredMatrix {
  if (kind === 'V') return ovCircuit(w, later.layer, later.head);
  const qk = qkCircuit(w, later.layer, later.head);
  return kind === 'Q' ? qk : qk.transpose();
}

/** The composition score of one earlier head into one later head. */
export function compositionScore(
  w: ModelWeights,
  earlier: HeadRef,
  later: HeadRef,
  kind: CompositionKind,
): number {
  if (earlier.layer >= later.layer) {
    throw new Error(
      `composition: head ${earlier.layer}.${earlier.head} is not before ${later.layer}.${later.head}`,
    );
  }
  return compositionScoreOf(ovCircuit(w, earlier.layer, earlier.head), laterMatrix(w, later, kind));
}

/**
 * Composition scores of every head in layer `l1` into every head of a later
 * layer `l2`: `[n_heads (earlier), n_heads (later)]` row-major.
 */
export function compositionScores(
  w: ModelWeights,
  l1: number,
  l2: number,
  kind: CompositionKind,
): Float64Array {
  const { n_heads } = w.config;
  const out = new Float64Array(n_heads * n_heads);
  const lefts = Array.from({ length: n_heads }, (_, h) => ovCircuit(w, l1, h));
  const rights = Array.from({ length: n_heads }, (_, h) =>
    laterMatrix(w, { layer: l2, head: h }, kind),
  );
  for (let i = 0; i < n_heads; i++) {
    for (let j = 0; j < n_heads; j++)
      out[i * n_heads + j] = compositionScoreOf(lefts[i], rights[j]);
  }
  return out;
}

/** Mean and standard deviation of a sample. */
export interface Baseline {
  mean: number;
  std: number;
  samples: number;
}

/**
 * The random-matrix baseline for composition scores: the score between
 * Gaussian matrices of the same shapes (W_V, W_O [and W_Q, W_K] with inner
 * d_head in d_model). Composition well above it is structure, not chance.
 * The score is scale-free, so the Gaussians' variance does not matter.
 */
export function compositionBaseline(
  d_model: number,
  d_head: number,
  kind: CompositionKind,
  samples = 64,
  seed = 0,
): Baseline {
  const normal = gaussian(mulberry32(seed));
  const pair = () =>
    new FactoredMatrix(
      gaussianMatrix(d_model, d_head, normal),
      gaussianMatrix(d_head, d_model, normal),
    );
  const scores: number[] = [];
  for (let s = 0; s < samples; s++) {
    const left = pair();
    let right = pair();
    if (kind === 'K') right = right.transpose();
    scores.push(compositionScoreOf(left, right));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / samples;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, samples - 1));
  return { mean, std, samples };
}

/** `W_U` columns for a set of tokens as a `[d_model, tokens.length]` Matrix. */
export function unembedColumns(w: ModelWeights, tokens: readonly number[]): Matrix {
  const W_U = w.get('unembed.W_U');
  const d_vocab = W_U.shape[1];
  const m = new Matrix(w.config.d_model, tokens.length);
  for (let i = 0; i < w.config.d_model; i++) {
    tokens.forEach((t, j) => m.set(i, j, W_U.data[i * d_vocab + t]));
  }
  return m;
}
