import { describe, expect, it } from 'vitest';
import { topKInColumn, topKInRow } from '../../src/model/circuits';
import { FactoredMatrix } from '../../src/model/factored-matrix';
import { topPredictions } from '../../src/model/predictions';
import { gaussian, gaussianMatrix, mulberry32 } from '../../src/model/random';
import { skipTrigrams } from '../../src/model/skip-trigrams';
import { topK } from '../../src/model/top-k';
import { loadNodeModel } from './node-model';

/** The reference: every index, stably sorted by value descending (NaN last), first k kept. */
function fullSortTop(values: ArrayLike<number>, k: number) {
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => {
      const [va, vb] = [values[a], values[b]];
      if (Number.isNaN(va) !== Number.isNaN(vb)) return Number.isNaN(va) ? 1 : -1;
      return vb > va ? 1 : vb < va ? -1 : 0; // Array.prototype.sort is stable: ties keep index order
    })
    .slice(0, Math.max(0, k))
    .map((index) => ({ index, value: values[index] }));
}

describe('topK, the one top-k primitive', () => {
  it('equals the first k of a stable full sort, ties in index order, for every k', () => {
    const uniform = mulberry32(7);
    for (const n of [0, 1, 2, 5, 17, 100, 1000]) {
      // Few distinct values, so ties are everywhere; and a continuous vector.
      const ties = Float64Array.from({ length: n }, () => Math.floor(uniform() * 6));
      const smooth = Float32Array.from({ length: n }, () => uniform() * 20 - 10);
      for (const values of [ties, smooth])
        for (const k of [0, 1, 2, 3, 8, n - 1, n, n + 3])
          expect(topK(values, k)).toEqual(fullSortTop(values, k));
    }
  });

  it('ranks NaN below everything, -Infinity included, and handles infinities', () => {
    const values = [NaN, 1, -Infinity, Infinity, NaN, 1, -0, 0];
    expect(topK(values, values.length).map((r) => r.index)).toEqual([3, 1, 5, 6, 7, 2, 0, 4]);
    expect(topK(values, values.length)).toEqual(fullSortTop(values, values.length));
  });

  it('floors k and clamps it to [0, n]', () => {
    const values = [3, 1, 2];
    expect(topK(values, 2.7).map((r) => r.index)).toEqual([0, 2]);
    expect(topK(values, -1)).toEqual([]);
    expect(topK(values, NaN)).toEqual([]);
    expect(topK(values, Infinity).map((r) => r.index)).toEqual([0, 2, 1]);
  });

  it('topPredictions is topK of the logits with softmax probabilities over the whole vector', () => {
    const uniform = mulberry32(11);
    const logits = Float32Array.from({ length: 2048 }, () => uniform() * 16 - 8);
    let z = 0;
    for (const x of logits) z += Math.exp(x);
    const top = topPredictions(logits, 10);
    expect(top.map((t) => ({ index: t.id, value: t.logit }))).toEqual(fullSortTop(logits, 10));
    for (const t of top) expect(t.prob).toBeCloseTo(Math.exp(logits[t.id]) / z, 12);
  });

  it('topKInRow and topKInColumn are topK of the dense row and column', () => {
    const normal = gaussian(mulberry32(3));
    const A = gaussianMatrix(40, 4, normal);
    const B = gaussianMatrix(4, 30, normal);
    const dense = A.mmul(B);
    const m = new FactoredMatrix(A, B);
    const close = (got: { index: number; value: number }[], want: ArrayLike<number>) => {
      const ref = fullSortTop(want, 5);
      expect(got.map((r) => r.index)).toEqual(ref.map((r) => r.index));
      got.forEach((r, i) => expect(r.value).toBeCloseTo(ref[i].value, 10));
    };
    close(topKInRow(m, 7, 5), dense.getRow(7));
    close(topKInColumn(m, 12, 5), dense.getColumn(12));
  });

  it("skipTrigrams' best k are the first k of all of them, strongest first", async () => {
    const { weights: w } = await loadNodeModel('attn-only-1l');
    const cands = [17, 250, 999, 1500, 77, 300];
    const all = skipTrigrams(w, 0, cands, Infinity);
    expect(all.length).toBe(w.config.n_heads * cands.length * cands.length);
    for (let i = 1; i < all.length; i++)
      expect(all[i - 1].score).toBeGreaterThanOrEqual(all[i].score);
    expect(skipTrigrams(w, 0, cands, 7)).toEqual(all.slice(0, 7));
  });
});
