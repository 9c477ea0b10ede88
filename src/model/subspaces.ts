/**
 * The subspaces of the residual stream that components read and write
 * (Elhage et al., 2021, "Subspaces and residual stream bandwidth"), in
 * TransformerLens' row-vector convention: a head reads `x W_Q` with
 * `W_Q [d_model, d_head]`, so it reads the column space of `W_Q`; it writes
 * `z W_O` with `W_O [d_head, d_model]`, so it writes the row space of `W_O`.
 *
 * Overlaps are principal angles: the singular values of `U_a^T U_b` for
 * orthonormal bases U_a, U_b are the cosines of the angles between the subspaces.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { gaussian, gaussianMatrix, mulberry32 } from './random';
import type { ModelWeights } from './weights';

/** A subspace of R^n: an orthonormal basis (columns) and the singular values of the map that spans it. */
export interface Subspace {
  /** `[n, k]`, orthonormal columns, ordered by singular value descending. */
  basis: Matrix;
  /** The k singular values of the spanning matrix, descending: how strongly each direction is read or written. */
  singularValues: number[];
}

/** Which of a head's matrices reads the stream. */
export type ReadKind = 'Q' | 'K' | 'V';

/**
 * The column space of M `[n, k]` (k <= n) with M's singular values: the thin
 * SVD `M = U S V^T`, U `[n, k]`. `ml-matrix`'s SVD, never a hand-written one.
 */
export function columnSpace(M: Matrix): Subspace {
  if (M.columns > M.rows)
    throw new Error(`columnSpace: M is [${M.rows}, ${M.columns}], expected columns <= rows`);
  const svd = new SingularValueDecomposition(M, { autoTranspose: true });
  const k = M.columns;
  const U = svd.leftSingularVectors;
  const order = svd.diagonal.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s);
  const basis = new Matrix(M.rows, k);
  order.forEach(({ i }, c) => {
    for (let r = 0; r < M.rows; r++) basis.set(r, c, U.get(r, i));
  });
  return { basis, singularValues: order.map((o) => o.s) };
}

/** The subspace head `l.h` reads with `W_Q`, `W_K` or `W_V` `[d_model, d_head]`. */
export function readSubspace(w: ModelWeights, l: number, h: number, kind: ReadKind): Subspace {
  const M = kind === 'Q' ? w.W_Q(l, h) : kind === 'K' ? w.W_K(l, h) : w.W_V(l, h);
  return columnSpace(M);
}

/** The subspace head `l.h` writes: the row space of `W_O [d_head, d_model]`. */
export function writeSubspace(w: ModelWeights, l: number, h: number): Subspace {
  return columnSpace(w.W_O(l, h).transpose());
}

/**
 * The share of x's squared norm inside the subspace: `||x U||^2 / ||x||^2`
 * for an orthonormal basis U `[n, k]`. In [0, 1]; k/n on average for a random subspace.
 */
export function projectionFraction(x: ArrayLike<number>, U: Matrix): number {
  let total = 0;
  for (let i = 0; i < U.rows; i++) total += x[i] * x[i];
  if (total === 0) return 0;
  let inside = 0;
  for (let c = 0; c < U.columns; c++) {
    let p = 0;
    for (let i = 0; i < U.rows; i++) p += x[i] * U.get(i, c);
    inside += p * p;
  }
  return inside / total;
}

/**
 * Cosines of the principal angles between two subspaces, descending: the
 * singular values of `U_a^T U_b`. min(k_a, k_b) of them, each in [0, 1].
 */
export function principalCosines(Ua: Matrix, Ub: Matrix): number[] {
  if (Ua.rows !== Ub.rows)
    throw new Error(`principalCosines: bases in R^${Ua.rows} and R^${Ub.rows}`);
  const M = Ua.transpose().mmul(Ub);
  const s = new SingularValueDecomposition(M, { autoTranspose: true }).diagonal;
  return s
    .map((x) => Math.min(1, Math.max(0, x)))
    .sort((a, b) => b - a)
    .slice(0, Math.min(Ua.columns, Ub.columns));
}

/**
 * Overlap of two subspaces in one number: the mean squared principal cosine,
 * `||U_a^T U_b||_F^2 / min(k_a, k_b)`. 1 when one contains the other, 0 when
 * orthogonal, `max(k_a, k_b) / n` on average for random subspaces.
 */
export function subspaceOverlap(Ua: Matrix, Ub: Matrix): number {
  const M = Ua.transpose().mmul(Ub);
  let s = 0;
  for (let i = 0; i < M.rows; i++) for (let j = 0; j < M.columns; j++) s += M.get(i, j) ** 2;
  return s / Math.min(Ua.columns, Ub.columns);
}

/** An orthonormal basis of a uniformly random k-dimensional subspace of R^n. */
export function randomSubspace(n: number, k: number, normal: () => number): Matrix {
  return columnSpace(gaussianMatrix(n, k, normal)).basis;
}

/** What random subspaces of the same sizes give: mean and std of the overlap, mean sorted cosines. */
export interface OverlapBaseline {
  /** Mean of `subspaceOverlap` over the samples. */
  mean: number;
  std: number;
  /** The principal cosines, sorted descending, averaged position by position. */
  cosines: number[];
  samples: number;
}

/**
 * The overlap of random k_a- and k_b-dimensional subspaces of R^n (seeded):
 * the baseline against which a learned overlap means sharing (above) or
 * avoiding (below).
 */
export function randomOverlapBaseline(
  n: number,
  ka: number,
  kb: number,
  samples = 64,
  seed = 0,
): OverlapBaseline {
  const normal = gaussian(mulberry32(seed));
  const overlaps: number[] = [];
  const cos = new Array<number>(Math.min(ka, kb)).fill(0);
  for (let s = 0; s < samples; s++) {
    const a = randomSubspace(n, ka, normal);
    const b = randomSubspace(n, kb, normal);
    overlaps.push(subspaceOverlap(a, b));
    principalCosines(a, b).forEach((c, i) => (cos[i] += c / samples));
  }
  const mean = overlaps.reduce((x, y) => x + y, 0) / samples;
  const std = Math.sqrt(
    overlaps.reduce((x, y) => x + (y - mean) ** 2, 0) / Math.max(1, samples - 1),
  );
  return { mean, std, cosines: cos, samples };
}

/**
 * The singular values of several subspaces' bases side by side `[n, Σk]`,
 * descending: how many directions of R^n they span together. Values near
 * sqrt(#subspaces) mean a direction shared by all, near 0 a direction none adds.
 */
export function jointSpectrum(bases: readonly Matrix[]): number[] {
  const n = bases[0].rows;
  const total = bases.reduce((s, b) => s + b.columns, 0);
  const M = new Matrix(n, total);
  let c0 = 0;
  for (const b of bases) {
    for (let c = 0; c < b.columns; c++) for (let r = 0; r < n; r++) M.set(r, c0 + c, b.get(r, c));
    c0 += b.columns;
  }
  return new SingularValueDecomposition(M, { autoTranspose: true }).diagonal.sort((a, b) => b - a);
}

/**
 * The number of dimensions several subspaces span together: singular values
 * of the joint basis above `tol` (relative to the largest). At most n.
 */
export function spannedDimensions(bases: readonly Matrix[], tol = 1e-3): number {
  const s = jointSpectrum(bases);
  return s.filter((x) => x > tol * s[0]).length;
}

/**
 * Effective number of dimensions several subspaces span, `(Σσ²)² / Σσ⁴` over
 * the joint singular values: Σk for mutually orthogonal subspaces, less when
 * they share directions, even when every direction is technically spanned.
 */
export function effectiveDimensions(bases: readonly Matrix[]): number {
  const s = jointSpectrum(bases);
  let a = 0;
  let b = 0;
  for (const x of s) {
    a += x * x;
    b += x ** 4;
  }
  return b > 0 ? (a * a) / b : 0;
}
