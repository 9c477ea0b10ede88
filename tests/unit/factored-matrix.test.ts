import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { FactoredMatrix } from '../../src/model/factored-matrix';
import { gaussian, gaussianMatrix, mulberry32, randomOrthogonal } from '../../src/model/random';

const normal = gaussian(mulberry32(42));
const randomFactored = (m: number, k: number, n: number) =>
  new FactoredMatrix(gaussianMatrix(m, k, normal), gaussianMatrix(k, n, normal));

/** Sorts complex numbers by (re, im) so two eigen-solvers' outputs line up. */
const sortComplex = (zs: Array<{ re: number; im: number }>) =>
  [...zs].sort((a, b) => a.re - b.re || a.im - b.im);

describe('FactoredMatrix', () => {
  it('has the nonzero eigenvalues of the dense AB, computed through BA', () => {
    const fm = randomFactored(40, 6, 40);
    const dense = new EigenvalueDecomposition(fm.AB());
    const denseEigs = dense.realEigenvalues
      .map((re, i) => ({ re, im: dense.imaginaryEigenvalues[i] }))
      .filter((z) => Math.hypot(z.re, z.im) > 1e-8);
    expect(denseEigs).toHaveLength(6);
    const small = sortComplex(fm.eigenvalues());
    sortComplex(denseEigs).forEach((z, i) => {
      expect(small[i].re).toBeCloseTo(z.re, 8);
      expect(small[i].im).toBeCloseTo(z.im, 8);
    });
  });

  it('has the singular values and vectors of the dense AB through the small side', () => {
    const fm = randomFactored(50, 5, 30);
    const { U, S, V } = fm.svd();
    const dense = new SingularValueDecomposition(fm.AB()).diagonal.slice(0, 5);
    S.forEach((s, i) => expect(s).toBeCloseTo(dense[i], 8));
    // U diag(S) V^T rebuilds AB, and U, V have orthonormal columns.
    const rebuilt = U.mmul(Matrix.diag(S)).mmul(V.transpose());
    expect(rebuilt.sub(fm.AB()).norm('frobenius')).toBeLessThan(1e-9 * fm.norm());
    expect(U.transpose().mmul(U).sub(Matrix.eye(5)).norm('frobenius')).toBeLessThan(1e-10);
    expect(V.transpose().mmul(V).sub(Matrix.eye(5)).norm('frobenius')).toBeLessThan(1e-10);
  });

  it('has the Frobenius norm of the dense AB from k x k traces', () => {
    const fm = randomFactored(64, 8, 48);
    expect(fm.norm()).toBeCloseTo(fm.AB().norm('frobenius'), 9);
  });

  it('composes and transposes as the dense products do', () => {
    const a = randomFactored(30, 4, 30);
    const b = randomFactored(30, 7, 30);
    expect(a.compose(b).AB().sub(a.AB().mmul(b.AB())).norm('frobenius')).toBeLessThan(1e-9);
    expect(b.compose(a).AB().sub(b.AB().mmul(a.AB())).norm('frobenius')).toBeLessThan(1e-9);
    expect(a.transpose().AB().sub(a.AB().transpose()).norm('frobenius')).toBe(0);
  });

  it('gives single rows and columns equal to the dense ones', () => {
    const fm = randomFactored(20, 3, 25);
    const dense = fm.AB();
    fm.row(7).forEach((x, j) => expect(x).toBeCloseTo(dense.get(7, j), 10));
    fm.column(11).forEach((x, i) => expect(x).toBeCloseTo(dense.get(i, 11), 10));
  });

  it('rejects factors whose inner dimensions differ, naming both shapes', () => {
    expect(() => new FactoredMatrix(new Matrix(3, 4), new Matrix(5, 3))).toThrow(
      /\[3, 4\].*\[5, 3\]/,
    );
  });
});

describe('randomOrthogonal', () => {
  it('is orthogonal and the same for the same seed', () => {
    const q = randomOrthogonal(32, 7);
    expect(q.transpose().mmul(q).sub(Matrix.eye(32)).norm('frobenius')).toBeLessThan(1e-12);
    expect(randomOrthogonal(32, 7).sub(q).norm('frobenius')).toBe(0);
    expect(randomOrthogonal(32, 8).sub(q).norm('frobenius')).toBeGreaterThan(1);
  });
});
