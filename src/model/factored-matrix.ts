/**
 * A low-rank matrix kept as two factors, `M = A B` with `A [m, k]` and
 * `B [k, n]`, as TransformerLens' `FactoredMatrix`. Everything is computed
 * through the small inner dimension k (d_head in a transformer), so a
 * `d_vocab x d_vocab` circuit is never materialised.
 *
 * Linear algebra comes from `ml-matrix` (a kept library), never hand-written
 * eigen or SVD solvers.
 */
import {
  EigenvalueDecomposition,
  Matrix,
  QrDecomposition,
  SingularValueDecomposition,
} from 'ml-matrix';

/** A complex eigenvalue. */
export interface Complex {
  re: number;
  im: number;
}

/** The thin SVD of a factored matrix: `M = U diag(S) V^T`, U [m, r], V [n, r]. */
export interface ThinSvd {
  U: Matrix;
  S: number[];
  V: Matrix;
}

/** `M = A B`, A [m, k], B [k, n]. */
export class FactoredMatrix {
  /** Left factor, [m, k]. */
  readonly A: Matrix;
  /** Right factor, [k, n]. */
  readonly B: Matrix;

  /** Throws, printing both shapes, when the inner dimensions differ. */
  constructor(A: Matrix, B: Matrix) {
    if (A.columns !== B.rows) {
      throw new Error(
        `FactoredMatrix: A [${A.rows}, ${A.columns}] and B [${B.rows}, ${B.columns}] do not chain`,
      );
    }
    this.A = A;
    this.B = B;
  }

  /** Rows of M (m). */
  get rows(): number {
    return this.A.rows;
  }
  /** Columns of M (n). */
  get columns(): number {
    return this.B.columns;
  }
  /** Inner (low-rank) dimension k. */
  get inner(): number {
    return this.A.columns;
  }

  /** The dense product `A B` [m, n]. Only for small m and n. */
  AB(): Matrix {
    return this.A.mmul(this.B);
  }

  /** The small product `B A` [k, k] (needs m = n); shares AB's nonzero eigenvalues. */
  BA(): Matrix {
    if (this.rows !== this.columns) {
      throw new Error(`FactoredMatrix.BA: M is [${this.rows}, ${this.columns}], not square`);
    }
    return this.B.mmul(this.A);
  }

  /** The transpose `B^T A^T`, still factored. */
  transpose(): FactoredMatrix {
    return new FactoredMatrix(this.B.transpose(), this.A.transpose());
  }

  /** `M N` for a dense N [n, p]: `A (B N)`, still factored with inner k. */
  mmulRight(N: Matrix): FactoredMatrix {
    return new FactoredMatrix(this.A, this.B.mmul(N));
  }

  /** `N M` for a dense N [p, m]: `(N A) B`, still factored with inner k. */
  mmulLeft(N: Matrix): FactoredMatrix {
    return new FactoredMatrix(N.mmul(this.A), this.B);
  }

  /**
   * `this · other` for another factored matrix, keeping the smaller inner
   * dimension: `A (B A' B')` or `(A B A') B'`.
   */
  compose(other: FactoredMatrix): FactoredMatrix {
    if (this.columns !== other.rows) {
      throw new Error(
        `FactoredMatrix.compose: [${this.rows}, ${this.columns}] · [${other.rows}, ${other.columns}]`,
      );
    }
    return this.inner <= other.inner
      ? new FactoredMatrix(this.A, this.B.mmul(other.A).mmul(other.B))
      : new FactoredMatrix(this.A.mmul(this.B).mmul(other.A), other.B);
  }

  /**
   * Eigenvalues of the square M through the small side: the k eigenvalues of
   * `B A`, which are M's nonzero eigenvalues (M's other m - k are zero).
   */
  eigenvalues(): Complex[] {
    const evd = new EigenvalueDecomposition(this.BA());
    return evd.realEigenvalues.map((re, i) => ({ re, im: evd.imaginaryEigenvalues[i] }));
  }

  /**
   * Thin SVD through the small side: `A = Q_A R_A`, `B^T = Q_B R_B`, then the
   * k x k core `R_A R_B^T = U' S V'^T` gives `U = Q_A U'`, `V = Q_B V'`.
   * Singular values are sorted descending.
   */
  svd(): ThinSvd {
    const qa = new QrDecomposition(this.A);
    const qb = new QrDecomposition(this.B.transpose());
    const core = qa.upperTriangularMatrix.mmul(qb.upperTriangularMatrix.transpose());
    const s = new SingularValueDecomposition(core, { autoTranspose: true });
    return {
      U: qa.orthogonalMatrix.mmul(s.leftSingularVectors),
      S: s.diagonal,
      V: qb.orthogonalMatrix.mmul(s.rightSingularVectors),
    };
  }

  /** Squared Frobenius norm, `tr((A^T A)(B B^T))`, from two k x k matrices. */
  frobeniusSquared(): number {
    const ata = this.A.transpose().mmul(this.A);
    const bbt = this.B.mmul(this.B.transpose());
    let tr = 0;
    for (let i = 0; i < this.inner; i++)
      for (let j = 0; j < this.inner; j++) tr += ata.get(i, j) * bbt.get(j, i);
    return tr;
  }

  /** Frobenius norm `||A B||_F`. */
  norm(): number {
    return Math.sqrt(Math.max(0, this.frobeniusSquared()));
  }

  /** Row i of M, `A[i, :] B` (length n). */
  row(i: number): Float64Array {
    return vecMat(this.A.getRow(i), this.B);
  }

  /** Column j of M, `A B[:, j]` (length m). */
  column(j: number): Float64Array {
    return matVec(this.A, this.B.getColumn(j));
  }
}

/** `v M` for a row vector v [rows(M)]. */
export function vecMat(v: ArrayLike<number>, M: Matrix): Float64Array {
  const out = new Float64Array(M.columns);
  for (let i = 0; i < M.rows; i++) {
    const vi = v[i];
    if (vi === 0) continue;
    for (let j = 0; j < M.columns; j++) out[j] += vi * M.get(i, j);
  }
  return out;
}

/** `M v` for a column vector v [columns(M)]. */
export function matVec(M: Matrix, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(M.rows);
  for (let i = 0; i < M.rows; i++) {
    let s = 0;
    for (let j = 0; j < M.columns; j++) s += M.get(i, j) * v[j];
    out[i] = s;
  }
  return out;
}
