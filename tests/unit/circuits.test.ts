import { readFileSync } from 'node:fs';
import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import {
  compositionBaseline,
  compositionScore,
  compositionScores,
  copyingScore,
  diagonal,
  directPath,
  fullOvCircuit,
  fullQkCircuit,
  ovCircuit,
  qkCircuit,
  topKInColumn,
  topKInRow,
} from '../../src/model/circuits';
import {
  directLogitAttribution,
  inductionScores,
  logitLens,
  perPositionLoss,
  prevTokenScores,
  repeatedTokens,
} from '../../src/model/metrics';
import { pathExpansion, sumTerms, termLogits } from '../../src/model/path-expansion';
import { randomOrthogonal } from '../../src/model/random';
import { rotateMlpNeurons, rotateResidualStream } from '../../src/model/rotation';
import { loadNodeModel } from './node-model';
import { findModelDir } from './paths';

/** Relative error `max|a - b| / max|b|`. */
const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
};

const denseFrob = (m: Matrix) => m.norm('frobenius');

describe('circuits from the weights of attn-only-2l', () => {
  it('gives Q-, K- and V-composition scores equal to a dense computation', async () => {
    const { weights: w } = await loadNodeModel('attn-only-2l');
    for (const [h1, h2] of [
      [0, 0],
      [3, 5],
      [7, 1],
    ]) {
      const OV = w.W_V(0, h1).mmul(w.W_O(0, h1)); // [d_model, d_model], dense
      const QK = w.W_Q(1, h2).mmul(w.W_K(1, h2).transpose());
      const OV2 = w.W_V(1, h2).mmul(w.W_O(1, h2));
      const dense = {
        Q: denseFrob(OV.mmul(QK)) / (denseFrob(OV) * denseFrob(QK)),
        K: denseFrob(OV.mmul(QK.transpose())) / (denseFrob(OV) * denseFrob(QK)),
        V: denseFrob(OV.mmul(OV2)) / (denseFrob(OV) * denseFrob(OV2)),
      };
      for (const kind of ['Q', 'K', 'V'] as const) {
        const s = compositionScore(w, { layer: 0, head: h1 }, { layer: 1, head: h2 }, kind);
        expect(s, `${kind} ${h1}->${h2}`).toBeCloseTo(dense[kind], 10);
        expect(compositionScores(w, 0, 1, kind)[h1 * 8 + h2]).toBe(s);
      }
    }
  });

  it('puts the random-matrix baseline near the known 1/sqrt(d_model)-scale value', () => {
    const b = compositionBaseline(128, 16, 'K', 32, 1);
    // For independent random rank-16 maps in 128 dims the score is small but not
    // zero (about 1/sqrt(d_model) in scale); a learned composition sits well above it.
    expect(b.mean).toBeGreaterThan(0.03);
    expect(b.mean).toBeLessThan(0.3);
    expect(b.std).toBeLessThan(b.mean);
  });

  it('reads full OV and QK circuit rows and columns without forming d_vocab x d_vocab, equal to dense', async () => {
    const { weights: w } = await loadNodeModel('attn-only-2l');
    const ov = fullOvCircuit(w, 1, 4);
    expect([ov.rows, ov.columns, ov.inner]).toEqual([2048, 2048, 16]);
    const denseRow = w.W_E.getRowVector(17)
      .mmul(w.W_V(1, 4))
      .mmul(w.W_O(1, 4))
      .mmul(w.W_U)
      .to1DArray();
    const top = topKInRow(ov, 17, 5);
    const want = denseRow
      .map((value, index) => ({ index, value }))
      .sort((a, b) => b.value - a.value)
      .slice(0, 5);
    top.forEach((t, i) => {
      expect(t.index).toBe(want[i].index);
      expect(t.value).toBeCloseTo(want[i].value, 9);
    });
    const qk = fullQkCircuit(w, 0, 2);
    const denseCol = w.W_E.mmul(w.W_Q(0, 2))
      .mmul(w.W_K(0, 2).transpose())
      .mmul(w.W_E.getRowVector(99).transpose())
      .to1DArray();
    expect(topKInColumn(qk, 99, 1)[0].value).toBeCloseTo(Math.max(...denseCol), 9);
    const dp = directPath(w);
    expect(diagonal(dp)[5]).toBeCloseTo(w.W_E.getRowVector(5).mmul(w.W_U).get(0, 5), 9);
  });

  it('computes the copying score Σ Re λ / Σ |λ| through d_head, equal to the dense eigenvalues', async () => {
    const { weights: w } = await loadNodeModel('attn-only-1l');
    // Dense eigenvalues of the full OV circuit restricted to its d_head-dim image: the same as W_O W_U W_E W_V.
    const small = w.W_O(0, 3).mmul(w.W_U).mmul(w.W_E).mmul(w.W_V(0, 3));
    const { EigenvalueDecomposition } = await import('ml-matrix');
    const e = new EigenvalueDecomposition(small);
    const re = e.realEigenvalues.reduce((a, b) => a + b, 0);
    const abs = e.realEigenvalues.reduce(
      (a, r, i) => a + Math.hypot(r, e.imaginaryEigenvalues[i]),
      0,
    );
    const s = copyingScore(w, 0, 3);
    expect(s).toBeCloseTo(re / abs, 9);
    expect(Math.abs(s)).toBeLessThanOrEqual(1);
    // QK and OV circuits are [d_model, d_model] with rank d_head.
    expect(qkCircuit(w, 0, 0).svd().S).toHaveLength(16);
    expect(ovCircuit(w, 0, 0).norm()).toBeCloseTo(denseFrob(w.W_V(0, 0).mmul(w.W_O(0, 0))), 9);
  });
});

describe('path expansion', () => {
  for (const id of ['attn-only-1l', 'attn-only-2l']) {
    it(`sums back to the logits of ${id} (≤ 1e-4 relative)`, async () => {
      const m = await loadNodeModel(id);
      const tokens = repeatedTokens(12, 2, m.config.d_vocab, 7);
      const hooks = [
        'hook_embed',
        'hook_pos_embed',
        ...Array.from({ length: m.config.n_layers }, (_, l) => `blocks.${l}.attn.hook_pattern`),
      ];
      const r = await m.run(tokens, { hooks: [...hooks, 'blocks.0.attn.hook_result'] });
      const terms = pathExpansion(m.weights, r.hooks);
      const n = m.config.n_heads;
      expect(terms).toHaveLength(m.config.n_layers === 1 ? 2 + n : 2 + 2 * n + n * n);
      const { d_vocab } = m.config;
      for (const pos of [0, 5, tokens.length - 1]) {
        const logits = new Float64Array(d_vocab).map((_, j) => m.weights.b_U[j]);
        for (const t of terms) termLogits(m.weights, t, pos).forEach((x, j) => (logits[j] += x));
        const real = r.logits!.data.subarray(pos * d_vocab, (pos + 1) * d_vocab);
        expect(relErr(logits, real)).toBeLessThan(1e-4);
      }
      // Each layer-0 head term is that head's hook_result.
      const res = r.hooks['blocks.0.attn.hook_result']; // [1, pos, head_index, d_model]
      const d = m.config.d_model;
      const head2 = terms.find((t) => t.name === '0.2')!;
      const fromHook = Float64Array.from(
        { length: tokens.length * d },
        (_, i) => res.data[(Math.floor(i / d) * n + 2) * d + (i % d)],
      );
      expect(relErr(head2.resid, fromHook)).toBeLessThan(1e-4);
      expect(sumTerms(terms)).toHaveLength(tokens.length * d);
    });
  }
});

describe('rotations, run through the same graph', () => {
  for (const id of ['attn-only-2l', 'gelu-1l']) {
    it(`leaves the logits of ${id} unchanged when the residual stream is rotated (≤ 1e-4)`, async () => {
      const m = await loadNodeModel(id);
      const tokens = repeatedTokens(15, 2, m.config.d_vocab, 2);
      const rotated = rotateResidualStream(m.weights, randomOrthogonal(m.config.d_model, 123));
      const a = await m.run(tokens, { hooks: ['hook_embed'] });
      const b = await m.run(tokens, { weights: rotated, hooks: ['hook_embed'] });
      expect(relErr(b.logits!.data, a.logits!.data)).toBeLessThan(1e-4);
      // ... while the residual stream itself is genuinely in another basis.
      expect(relErr(b.hooks.hook_embed.data, a.hooks.hook_embed.data)).toBeGreaterThan(0.1);
    });
  }

  it('changes the logits when MLP neurons are rotated, but not when they are permuted', async () => {
    const m = await loadNodeModel('gelu-1l');
    const tokens = repeatedTokens(15, 2, m.config.d_vocab, 2);
    const d_mlp = m.config.d_mlp!;
    const a = await m.run(tokens);
    const rotated = await m.run(tokens, {
      weights: rotateMlpNeurons(m.weights, 0, randomOrthogonal(d_mlp, 9)),
    });
    expect(relErr(rotated.logits!.data, a.logits!.data)).toBeGreaterThan(1e-2);
    const perm = new Matrix(d_mlp, d_mlp);
    for (let i = 0; i < d_mlp; i++) perm.set(i, (i * 7 + 3) % d_mlp, 1);
    const permuted = await m.run(tokens, { weights: rotateMlpNeurons(m.weights, 0, perm) });
    expect(relErr(permuted.logits!.data, a.logits!.data)).toBeLessThan(1e-5);
  });
});

describe('metrics', () => {
  it('attributes the logit difference to components that sum to it exactly', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const tokens = repeatedTokens(10, 2, m.config.d_vocab, 4);
    const hooks = [
      'hook_embed',
      'hook_pos_embed',
      'blocks.0.attn.hook_result',
      'blocks.1.attn.hook_result',
      'blocks.0.hook_resid_pre',
      'blocks.0.hook_resid_post',
      'blocks.1.hook_resid_post',
    ];
    const r = await m.run(tokens, { hooks });
    const pos = 15;
    const [a, b] = [tokens[pos + 1], 42];
    const parts = directLogitAttribution(m.weights, r.hooks, pos, a, b);
    const total = parts.reduce((s, p) => s + p.value, 0);
    const d_vocab = m.config.d_vocab;
    const real = r.logits!.data[pos * d_vocab + a] - r.logits!.data[pos * d_vocab + b];
    expect(Math.abs(total - real)).toBeLessThan(1e-4 * Math.max(1, Math.abs(real)));
    expect(parts.map((p) => p.component)).toContain('1.7');
    // The logit lens after the last layer is the model's logits (no final LayerNorm).
    const lens = logitLens(m.weights, r.hooks, pos);
    expect(lens).toHaveLength(3);
    expect(
      relErr(lens[2], r.logits!.data.subarray(pos * d_vocab, (pos + 1) * d_vocab)),
    ).toBeLessThan(1e-4);
    const loss = perPositionLoss(r.logits!, tokens);
    expect(loss).toHaveLength(tokens.length - 1);
    expect(loss.every((x) => x > 0 && Number.isFinite(x))).toBe(true);
  });

  it('gives the induction, previous-token and copying scores the model card measured independently', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const card = JSON.parse(readFileSync(`${findModelDir('attn-only-2l')}/card.json`, 'utf8')) as {
      induction_score: number[][];
      prev_token_score: number[][];
      copying_score: number[][];
    };
    // The card's test sequences (training/measure.mjs): 16 rows of one token, n random
    // ids from an LCG (seed 1), then the same n again.
    const n = 50;
    const nSeqs = 16;
    let state = 1n;
    const rows = Array.from({ length: nSeqs }, () => {
      const row: number[] = [];
      for (let i = 0; i <= n; i++) {
        state = (state * 1103515245n + 12345n) % 2147483648n;
        row.push(Number(state % BigInt(m.config.d_vocab - 1)));
      }
      return row.concat(row.slice(1));
    });
    const { n_layers, n_heads } = m.config;
    const hooks = Array.from({ length: n_layers }, (_, l) => `blocks.${l}.attn.hook_pattern`);
    const r = await m.run(rows, { hooks });
    for (let l = 0; l < n_layers; l++) {
      const ind = new Float64Array(n_heads);
      const prev = new Float64Array(n_heads);
      for (let b = 0; b < nSeqs; b++) {
        inductionScores(r.hooks[hooks[l]], n, b, n + 1).forEach((x, h) => (ind[h] += x / nSeqs));
        // The card averages previous-token attention over the first copy (queries 1..n).
        prevTokenScores(r.hooks[hooks[l]], b, 1, n + 1).forEach((x, h) => (prev[h] += x / nSeqs));
      }
      for (let h = 0; h < n_heads; h++) {
        expect(ind[h], `induction ${l}.${h}`).toBeCloseTo(card.induction_score[l][h], 5);
        expect(prev[h], `prev-token ${l}.${h}`).toBeCloseTo(card.prev_token_score[l][h], 5);
        expect(copyingScore(m.weights, l, h), `copying ${l}.${h}`).toBeCloseTo(
          card.copying_score[l][h],
          5,
        );
      }
    }
  });
});
