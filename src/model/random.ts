/**
 * Seeded randomness for reproducible figures: a link with a seed shows the
 * same rotation and the same baseline on every machine.
 */
import { Matrix, QrDecomposition } from 'ml-matrix';

/** A seeded PRNG (mulberry32): uniform floats in [0, 1). Same seed, same stream. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples from a uniform source (Box-Muller). */
export function gaussian(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - uniform(); // (0, 1]: log never sees 0
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** A `[rows, cols]` matrix of independent standard normals. */
export function gaussianMatrix(rows: number, cols: number, normal: () => number): Matrix {
  const m = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, normal());
  return m;
}

/**
 * A Haar-random orthogonal `[n, n]` matrix from a seed: QR of a Gaussian
 * matrix, with Q's columns signed by R's diagonal so the law is uniform.
 * Guarantees `Q^T Q = I` to float precision.
 */
export function randomOrthogonal(n: number, seed: number): Matrix {
  const qr = new QrDecomposition(gaussianMatrix(n, n, gaussian(mulberry32(seed))));
  const q = qr.orthogonalMatrix;
  const r = qr.upperTriangularMatrix;
  for (let j = 0; j < n; j++) {
    if (r.get(j, j) < 0) for (let i = 0; i < n; i++) q.set(i, j, -q.get(i, j));
  }
  return q;
}
