/**
 * The diagonal of a square token x token circuit kept factored (`M = A B`,
 * inner k small), which is where copying and induction show: top-1 diagonal
 * accuracy (how often the largest entry of row i, or of column i, is the
 * diagonal entry `M[i, i]`), how far the diagonal stands from the mean entry,
 * and the few entries a figure displays. For the full OV circuit
 * `W_E W_OV W_U` a row's argmax is the token a head's output raises most when
 * it attends to token i, so the row accuracy says how often the head copies
 * exactly; the TransformerLens/ARENA induction-head tutorial calls this
 * `top_1_acc`. Chance is 1/n.
 *
 * The whole matrix is computed once, a block of rows at a time (never more
 * than `chunk x n` numbers held), with both argmaxes kept on the way:
 * O(m n k) time, O(n) memory beyond the block.
 */
import { type FactoredMatrix, matVec, vecMat } from './factored-matrix';

/** Row and column argmaxes of a square matrix and how often they hit the diagonal. */
export interface DiagonalArgmax {
  /** n (rows = columns). */
  n: number;
  /** `rowArgmax[i]`: the column j with the largest `M[i, j]` (the first on a tie). */
  rowArgmax: Int32Array;
  /** `columnArgmax[j]`: the row i with the largest `M[i, j]` (the first on a tie). */
  columnArgmax: Int32Array;
  /** Share of rows i whose argmax is i. */
  rowAccuracy: number;
  /** Share of columns j whose argmax is j. */
  columnAccuracy: number;
}

/** Rows computed at a time: 256 x 2048 float64 is 4 MB. */
export const ARGMAX_CHUNK = 256;

/**
 * Row and column argmaxes of the square factored matrix `m`, computed a block
 * of `chunk` rows at a time. Throws, with the shape, for a non-square matrix.
 */
export function diagonalArgmax(m: FactoredMatrix, chunk = ARGMAX_CHUNK): DiagonalArgmax {
  const n = m.rows;
  if (m.columns !== n)
    throw new Error(`diagonalArgmax: M is [${m.rows}, ${m.columns}], not square`);
  const k = m.inner;
  const A = m.A.to1DArray(); // [n, k]
  const B = m.B.to1DArray(); // [k, n]
  const rowArgmax = new Int32Array(n);
  const columnArgmax = new Int32Array(n);
  const columnMax = new Float64Array(n).fill(-Infinity);
  const block = new Float64Array(Math.min(chunk, n) * n);
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const rows = Math.min(chunk, n - i0);
    block.fill(0, 0, rows * n);
    for (let i = 0; i < rows; i++) {
      const off = i * n;
      for (let r = 0; r < k; r++) {
        const a = A[(i0 + i) * k + r];
        const br = r * n;
        for (let j = 0; j < n; j++) block[off + j] += a * B[br + j];
      }
      let best = 0;
      for (let j = 0; j < n; j++) {
        const v = block[off + j];
        if (v > block[off + best]) best = j;
        // Rows arrive in order, so a strict > keeps the first row on a tie.
        if (v > columnMax[j]) {
          columnMax[j] = v;
          columnArgmax[j] = i0 + i;
        }
      }
      rowArgmax[i0 + i] = best;
    }
  }
  let rowHits = 0;
  let columnHits = 0;
  for (let i = 0; i < n; i++) {
    if (rowArgmax[i] === i) rowHits++;
    if (columnArgmax[i] === i) columnHits++;
  }
  return {
    n,
    rowArgmax,
    columnArgmax,
    rowAccuracy: rowHits / n,
    columnAccuracy: columnHits / n,
  };
}

/** The entries `M[rows[i], cols[j]]` only: `[rows.length, cols.length]` row-major, O(|rows| |cols| k). */
export function submatrix(
  m: FactoredMatrix,
  rows: readonly number[],
  cols: readonly number[],
): Float64Array {
  const out = new Float64Array(rows.length * cols.length);
  const k = m.inner;
  rows.forEach((i, a) => {
    cols.forEach((j, b) => {
      let s = 0;
      for (let r = 0; r < k; r++) s += m.A.get(i, r) * m.B.get(r, j);
      out[a * cols.length + b] = s;
    });
  });
  return out;
}

/**
 * Mean diagonal entry minus mean entry of a square factored matrix,
 * `tr(M)/n - 1ᵀ M 1 / n²`, both through the inner dimension: positive when
 * token i prefers token i more than an average pair, negative when it avoids it.
 */
export function diagonalContrast(m: FactoredMatrix): number {
  const n = m.rows;
  if (m.columns !== n)
    throw new Error(`diagonalContrast: M is [${m.rows}, ${m.columns}], not square`);
  let trace = 0;
  for (let i = 0; i < n; i++)
    for (let r = 0; r < m.inner; r++) trace += m.A.get(i, r) * m.B.get(r, i);
  const ones = new Float64Array(n).fill(1);
  const left = vecMat(ones, m.A); // 1ᵀ A [k]
  const right = matVec(m.B, ones); // B 1 [k]
  let total = 0;
  for (let r = 0; r < m.inner; r++) total += left[r] * right[r];
  return trace / n - total / (n * n);
}
