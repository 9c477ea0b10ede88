/**
 * Changes of basis for activations and the rotations a reader can pick:
 * a rotation in the plane of two coordinate axes (a Givens rotation), a
 * seeded permutation, and `x -> x R` applied to every row of an activation.
 * Pure functions; the weight side of a rotation is in rotation.ts.
 */
import { Matrix } from 'ml-matrix';
import { mulberry32 } from './random';

/**
 * The rotation by `angle` radians in the plane of coordinate axes i and j
 * of R^n, as a row-vector map `x -> x R`: `e_i -> cos e_i + sin e_j`,
 * `e_j -> -sin e_i + cos e_j`, every other axis fixed. Orthogonal by construction.
 */
export function planeRotation(n: number, i: number, j: number, angle: number): Matrix {
  if (i === j || i < 0 || j < 0 || i >= n || j >= n)
    throw new Error(`planeRotation: axes ${i} and ${j} are not two distinct axes of R^${n}`);
  const R = Matrix.eye(n, n);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  R.set(i, i, c);
  R.set(i, j, s);
  R.set(j, i, -s);
  R.set(j, j, c);
  return R;
}

/**
 * A seeded random permutation matrix `[n, n]` (row-vector convention:
 * `(x P)[perm[k]] = x[k]`). Permutations commute with elementwise functions,
 * so they are the changes of neuron basis that leave an MLP unchanged.
 */
export function randomPermutation(n: number, seed: number): Matrix {
  const rand = mulberry32(seed);
  const perm = Array.from({ length: n }, (_, k) => k);
  for (let k = n - 1; k > 0; k--) {
    const r = Math.floor(rand() * (k + 1));
    [perm[k], perm[r]] = [perm[r], perm[k]];
  }
  const P = Matrix.zeros(n, n);
  perm.forEach((to, from) => P.set(from, to, 1));
  return P;
}

/**
 * Every length-n row of `data` (row-major `[rows, n]`) times R: the same
 * vectors written in the basis whose axes are R's columns. Float64 accumulation.
 */
export function changeBasis(data: ArrayLike<number>, n: number, R: Matrix): Float64Array {
  if (R.rows !== n || R.columns !== n)
    throw new Error(`changeBasis: R is [${R.rows}, ${R.columns}], rows have ${n} values`);
  return matmul(data, Math.floor(data.length / n), n, R.to1DArray(), n);
}

/** `a @ b` for row-major `a: [n, k]` and `b: [k, m]`, accumulated in float64 (zeros of `a` skipped). */
export function matmul(
  a: ArrayLike<number>,
  n: number,
  k: number,
  b: ArrayLike<number>,
  m: number,
): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      const air = a[i * k + r];
      if (air === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] += air * b[r * m + j];
    }
  }
  return out;
}

/** `max_i |a_i - b_i|` (one definition for the whole runtime, in reference.ts). */
export { maxAbsDiff } from './reference';

/** `max_i |a_i|`. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** float32 machine epsilon, 2^-23: the relative precision of the numbers the model computes with. */
export const FLOAT32_EPSILON = 2 ** -23;

/**
 * Euclidean norm of each length-n row of `data` (row-major `[rows, n]`).
 * A rotation keeps every one of them.
 */
export function rowNorms(data: ArrayLike<number>, n: number): Float64Array {
  const rows = Math.floor(data.length / n);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += data[i * n + k] ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}
