import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareLogits, klDivergence, softmax } from '../../src/model/predictions';
import { randomPermutation } from '../../src/model/basis';
import { mulberry32, randomOrthogonal } from '../../src/model/random';
import { rotateMlpNeurons, rotateResidualStream } from '../../src/model/rotation';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { loadNodeModel } from './node-model';
import { findModelsDir } from './paths';

const tokenizer = tokenizerFromJson(
  JSON.parse(
    readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8'),
  ) as TokenizerJson,
);
const PROMPT =
  'In the beginning God created the heaven and the earth. And the earth was without form, and void.';

/** `log Σ exp(x)` in float64, written out here rather than taken from the runtime. */
function lse(x: ArrayLike<number>): number {
  const m = Math.max(...Array.from(x));
  return m + Math.log(Array.from(x).reduce((s, v) => s + Math.exp(v - m), 0));
}

/** `KL(softmax(x) || softmax(y))` from log-probabilities: `Σ p (log p - log q)`. */
function klFromLogits(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const [lx, ly] = [lse(x), lse(y)];
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.exp(x[i] - lx) * (x[i] - lx - (y[i] - ly));
  return s;
}

/** Argmax by a full sort, ties to the lower index. */
const argmax = (x: ArrayLike<number>) =>
  Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[b] - x[a] || a - b)[0];

describe('softmax and KL divergence', () => {
  it('softmax sums to 1 and equals exp(x - logsumexp x)', () => {
    const uniform = mulberry32(5);
    const x = Float32Array.from({ length: 300 }, () => uniform() * 40 - 20);
    const p = softmax(x);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const z = lse(x);
    p.forEach((v, i) => expect(v).toBeCloseTo(Math.exp(x[i] - z), 14));
  });

  it('KL(p || p) is 0, KL of a known pair is its closed form, and KL is never negative', () => {
    const p = [0.5, 0.25, 0.25];
    expect(klDivergence(p, p)).toBe(0);
    // KL([1/2, 1/2] || [3/4, 1/4]) = ½ log(2/3) + ½ log 2 = ½ log(4/3).
    expect(klDivergence([0.5, 0.5], [0.75, 0.25])).toBeCloseTo(0.5 * Math.log(4 / 3), 15);
    // A zero in p contributes nothing; a zero in q where p > 0 stays finite.
    expect(klDivergence([1, 0], [0.5, 0.5])).toBeCloseTo(Math.log(2), 15);
    expect(Number.isFinite(klDivergence([0.5, 0.5], [1, 0]))).toBe(true);
    const uniform = mulberry32(9);
    for (let t = 0; t < 20; t++) {
      const a = softmax(Array.from({ length: 50 }, () => uniform() * 6));
      const b = softmax(Array.from({ length: 50 }, () => uniform() * 6));
      expect(klDivergence(a, b)).toBeGreaterThan(0);
    }
  });
});

describe('compareLogits: how far changed logits moved the predictions', () => {
  it('identical logits give KL 0 at every position and no flips', () => {
    const uniform = mulberry32(1);
    const logits = Float32Array.from({ length: 7 * 64 }, () => uniform() * 10 - 5);
    const c = compareLogits(logits, logits.slice(), 64);
    expect(c.length).toBe(7);
    expect(Array.from(c.kl)).toEqual(new Array(7).fill(0));
    expect(c.flips).toBe(0);
    for (const t of c.top) expect(t.changed).toEqual(t.original);
  });

  it('a hand-built pair of positions has its closed-form KL and one flip', () => {
    const L3 = Math.log(3);
    // Position 0: [½, ½] → [¾, ¼]; a tie in the original goes to token 0, which stays on top.
    // Position 1: [¼, ¾] → [¾, ¼]; the top token moves from 1 to 0.
    const original = Float64Array.from([0, 0, 0, L3]);
    const changed = Float64Array.from([L3, 0, L3, 0]);
    const c = compareLogits(original, changed, 2, 2);
    expect(c.kl[0]).toBeCloseTo(0.5 * Math.log(4 / 3), 14);
    expect(c.kl[1]).toBeCloseTo(0.25 * Math.log(1 / 3) + 0.75 * Math.log(3), 14);
    expect(c.flips).toBe(1);
    expect(c.top[0].original.map((r) => r.index)).toEqual([0, 1]);
    expect(c.top[1].original.map((r) => r.index)).toEqual([1, 0]);
    expect(c.top[1].changed).toEqual([
      { index: 0, value: L3 },
      { index: 1, value: 0 },
    ]);
  });

  it('refuses logits that are not both [pos, d_vocab]', () => {
    expect(() => compareLogits(new Float32Array(6), new Float32Array(4), 2)).toThrow(/\[pos, 2\]/);
    expect(() => compareLogits(new Float32Array(6), new Float32Array(6), 4)).toThrow(/\[pos, 4\]/);
  });

  it('on gelu-1l with its neurons rotated, KL equals Σ p (log p - log q) in float64 and flips equal the argmax changes', async () => {
    const m = await loadNodeModel('gelu-1l');
    const ids = tokenizer.encode(PROMPT);
    const V = m.config.d_vocab;
    const base = await m.run(ids);
    const rot = await m.run(ids, {
      weights: rotateMlpNeurons(m.weights, 0, randomOrthogonal(m.config.d_mlp!, 1)),
    });
    const a = base.logits!.data;
    const b = rot.logits!.data;
    const c = compareLogits(a, b, V);
    expect(c.length).toBe(ids.length);
    let flips = 0;
    for (let p = 0; p < ids.length; p++) {
      const x = a.subarray(p * V, (p + 1) * V);
      const y = b.subarray(p * V, (p + 1) * V);
      const want = klFromLogits(x, y);
      expect(Math.abs(c.kl[p] - want)).toBeLessThan(1e-10 + 1e-9 * want);
      if (argmax(x) !== argmax(y)) flips++;
      expect(c.top[p].original[0].index).toBe(argmax(x));
      expect(c.top[p].changed.length).toBe(3);
    }
    expect(c.flips).toBe(flips);
    // A rotation of the neurons is not a symmetry of the model: it moves the predictions.
    expect(c.kl.reduce((s, v) => s + v, 0)).toBeGreaterThan(0.01);
  });

  it('rotating the residual stream or permuting neurons moves no prediction (KL at float rounding)', async () => {
    const ids = tokenizer.encode(PROMPT);
    for (const [id, change] of [
      ['attn-only-2l', 'resid'],
      ['gelu-1l', 'permute'],
    ] as const) {
      const m = await loadNodeModel(id);
      const weights =
        change === 'resid'
          ? rotateResidualStream(m.weights, randomOrthogonal(m.config.d_model, 2))
          : rotateMlpNeurons(m.weights, 0, randomPermutation(m.config.d_mlp!, 2));
      const base = await m.run(ids);
      const rot = await m.run(ids, { weights });
      const c = compareLogits(base.logits!.data, rot.logits!.data, m.config.d_vocab);
      expect(Math.max(...c.kl)).toBeLessThan(1e-9);
      expect(c.flips).toBe(0);
    }
  });
});
