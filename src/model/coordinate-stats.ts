/**
 * Statistics of activations coordinate by coordinate: the kurtosis of each
 * coordinate over samples (is this axis heavy-tailed, as a basis-aligned
 * sparse feature would make it?), histograms, and PCA (a basis found after
 * the fact from the data). Samples are the rows of a row-major `[rows, n]` array.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/**
 * Pearson kurtosis `E[(x - μ)^4] / σ^4` of each of the n coordinates over the
 * rows (3 for a Gaussian, larger for heavy tails, 1 at least). A coordinate
 * with zero variance gets NaN.
 */
export function coordinateKurtosis(data: ArrayLike<number>, n: number): Float64Array {
  const rows = Math.floor(data.length / n);
  if (rows < 2) throw new Error(`coordinateKurtosis: ${rows} sample(s), need at least 2`);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * n + k];
    mean /= rows;
    let m2 = 0;
    let m4 = 0;
    for (let i = 0; i < rows; i++) {
      const d = data[i * n + k] - mean;
      m2 += d * d;
      m4 += d * d * d * d;
    }
    m2 /= rows;
    m4 /= rows;
    out[k] = m2 > 0 ? m4 / (m2 * m2) : NaN;
  }
  return out;
}

/** Mean of the finite values of an array (NaNs skipped). */
export function finiteMean(x: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i])) {
      s += x[i];
      c++;
    }
  }
  return c ? s / c : NaN;
}

/** Median of the finite values of an array. */
export function finiteMedian(x: ArrayLike<number>): number {
  const v = Array.from(x)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** One column of samples: coordinate k of every row. */
export function coordinateColumn(data: ArrayLike<number>, n: number, k: number): Float64Array {
  const rows = Math.floor(data.length / n);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = data[i * n + k];
  return out;
}

/**
 * Every value standardised by its own coordinate's mean and standard
 * deviation, so coordinates of different scale can share one histogram.
 */
export function standardiseColumns(data: ArrayLike<number>, n: number): Float64Array {
  const rows = Math.floor(data.length / n);
  const out = new Float64Array(rows * n);
  for (let k = 0; k < n; k++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += data[i * n + k];
    mean /= rows;
    let v = 0;
    for (let i = 0; i < rows; i++) v += (data[i * n + k] - mean) ** 2;
    const sd = Math.sqrt(v / rows) || 1;
    for (let i = 0; i < rows; i++) out[i * n + k] = (data[i * n + k] - mean) / sd;
  }
  return out;
}

/** A histogram: `counts[b]` values fell in `[edges[b], edges[b + 1])` (the last bin is closed). */
export interface Histogram {
  edges: Float64Array;
  counts: Uint32Array;
  /** Values outside `[lo, hi]`, not counted in any bin. */
  outside: number;
}

/** Histogram of `values` in `bins` equal bins over `[lo, hi]`. */
export function histogram(
  values: ArrayLike<number>,
  bins: number,
  lo: number,
  hi: number,
): Histogram {
  if (!(hi > lo) || bins < 1)
    throw new Error(`histogram: bad range [${lo}, ${hi}] or bins ${bins}`);
  const edges = Float64Array.from({ length: bins + 1 }, (_, b) => lo + ((hi - lo) * b) / bins);
  const counts = new Uint32Array(bins);
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!(x >= lo && x <= hi)) {
      outside++;
      continue;
    }
    counts[Math.min(bins - 1, Math.floor(((x - lo) / (hi - lo)) * bins))]++;
  }
  return { edges, counts, outside };
}

/** Principal components of a sample. */
export interface Pca {
  /** `[n, n]`: column c is the c-th principal direction (unit length), by variance descending. */
  components: Matrix;
  /** Variance along each principal direction, descending. */
  variances: Float64Array;
  /** Mean of the sample, `[n]`. */
  mean: Float64Array;
}

/**
 * PCA of the rows of `data` (`[rows, n]`): eigenvectors of the sample
 * covariance (symmetric, so `ml-matrix`'s symmetric eigen solver), sorted by
 * variance. `x -> (x - mean) components` writes samples in the PCA basis.
 */
export function pca(data: ArrayLike<number>, n: number): Pca {
  const rows = Math.floor(data.length / n);
  if (rows < 2) throw new Error(`pca: ${rows} sample(s), need at least 2`);
  const mean = new Float64Array(n);
  for (let i = 0; i < rows; i++) for (let k = 0; k < n; k++) mean[k] += data[i * n + k] / rows;
  const cov = new Matrix(n, n);
  const c = new Float64Array(n * n);
  const d = new Float64Array(n);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < n; k++) d[k] = data[i * n + k] - mean[k];
    for (let a = 0; a < n; a++) {
      const da = d[a];
      if (da === 0) continue;
      for (let b = a; b < n; b++) c[a * n + b] += da * d[b];
    }
  }
  for (let a = 0; a < n; a++)
    for (let b = a; b < n; b++) {
      const v = c[a * n + b] / (rows - 1);
      cov.set(a, b, v);
      cov.set(b, a, v);
    }
  const evd = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const order = evd.realEigenvalues
    .map((v, i) => ({ v, i }))
    .sort((x, y) => y.v - x.v)
    .map((e) => e.i);
  const V = evd.eigenvectorMatrix;
  const components = new Matrix(n, n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) components.set(k, dst, V.get(k, src));
  });
  return {
    components,
    variances: Float64Array.from(order, (i) => Math.max(0, evd.realEigenvalues[i])),
    mean,
  };
}

/**
 * Participation ratio `(Σ λ)^2 / Σ λ^2` of a spectrum: how many directions
 * share the variance (n for an isotropic cloud, 1 for a line).
 */
export function participationRatio(variances: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < variances.length; i++) {
    s += variances[i];
    s2 += variances[i] ** 2;
  }
  return s2 > 0 ? (s * s) / s2 : 0;
}
