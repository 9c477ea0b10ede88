import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelParts, parameterCount } from '../../src/model/anatomy';
import {
  layerInput,
  maxCausalDiff,
  modelScores,
  scoresBilinearFirst,
  scoresQueriesFirst,
} from '../../src/model/grouping';
import { headMaskWithout } from '../../src/model/head-mask';
import { ablateEachHead, ablatedRow } from '../../src/model/interventions';
import { directLogitAttribution, logSumExp, logitLens } from '../../src/model/metrics';
import { logitsAt, probabilityOf, topPredictions } from '../../src/model/predictions';
import { residualTerms, streamStages } from '../../src/model/residual-terms';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { loadNodeModel } from './node-model';
import { findModelsDir } from './paths';

/**
 * The computations behind the chapter 1-2 figures, each checked against an
 * independent computation on a real run of a shipped model.
 */
const tokenizer = tokenizerFromJson(
  JSON.parse(
    readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8'),
  ) as TokenizerJson,
);
const prompt = 'The cat sat on the mat. The cat sat on the';
const ids = tokenizer.encode(prompt);

describe('predictions read off logits', () => {
  it('top-k equals a full sort of the logits, with softmax probabilities', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const r = await m.run(ids);
    const row = logitsAt(r.logits!, ids.length - 1);
    const sorted = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b);
    const top = topPredictions(row, 10);
    expect(top.map((t) => t.id)).toEqual(sorted.slice(0, 10));
    const lse = logSumExp(row, 0, row.length);
    for (const t of top) expect(t.prob).toBeCloseTo(Math.exp(row[t.id] - lse), 12);
    let total = 0;
    for (let i = 0; i < row.length; i++) total += probabilityOf(row, i);
    expect(total).toBeCloseTo(1, 9);
  });
});

describe('the residual stream as a sum', () => {
  it('embeddings, every head and every b_O sum to the stream after each layer, at every position', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const { n_layers } = m.config;
    const hooks = [
      'hook_embed',
      'hook_pos_embed',
      'blocks.0.hook_resid_pre',
      ...Array.from({ length: n_layers }, (_, l) => [
        `blocks.${l}.attn.hook_result`,
        `blocks.${l}.hook_resid_post`,
      ]).flat(),
    ];
    const r = await m.run(ids, { hooks });
    for (let pos = 0; pos < ids.length; pos++) {
      const terms = residualTerms(m.weights, r.hooks, pos);
      expect(terms.length).toBe(2 + n_layers * (m.config.n_heads + 1));
      const stages = streamStages(m.weights, r.hooks, terms, pos);
      expect(stages.map((s) => s.label)).toEqual(['embedding', 'layer 0', 'layer 1']);
      for (const s of stages) expect(s.maxError, `${s.label} at ${pos}`).toBeLessThan(1e-4);
    }
  });

  it('the logit lens after the last layer is the model’s logits, and DLA sums to the logit', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const { n_layers } = m.config;
    const hooks = [
      'hook_embed',
      'hook_pos_embed',
      'blocks.0.hook_resid_pre',
      ...Array.from({ length: n_layers }, (_, l) => [
        `blocks.${l}.attn.hook_result`,
        `blocks.${l}.hook_resid_post`,
      ]).flat(),
    ];
    const r = await m.run(ids, { hooks });
    const pos = ids.length - 1;
    const logits = logitsAt(r.logits!, pos);
    const lens = logitLens(m.weights, r.hooks, pos);
    let d = 0;
    for (let i = 0; i < logits.length; i++)
      d = Math.max(d, Math.abs(lens[n_layers][i] - logits[i]));
    expect(d).toBeLessThan(1e-3);
    const target = topPredictions(logits, 1)[0].id;
    const parts = directLogitAttribution(m.weights, r.hooks, pos, target);
    const sum = parts.reduce((s, p) => s + p.value, 0);
    expect(Math.abs(sum - logits[target])).toBeLessThan(1e-3);
  });
});

describe('one score matrix in two groupings', () => {
  it('queries-first and bilinear-first agree to float64 rounding and match the model’s hook_attn_scores', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const hooks = [
      'blocks.0.hook_resid_pre',
      'blocks.1.hook_resid_pre',
      'blocks.0.attn.hook_attn_scores',
      'blocks.1.attn.hook_attn_scores',
    ];
    const r = await m.run(ids, { hooks });
    const n = ids.length;
    for (const [l, h] of [
      [0, 0],
      [1, 5],
    ]) {
      const X = layerInput(r.hooks, l);
      const a = scoresQueriesFirst(m.weights, X, l, h);
      const b = scoresBilinearFirst(m.weights, X, l, h);
      let scale = 0;
      for (const v of a.scores) scale = Math.max(scale, Math.abs(v));
      expect(maxCausalDiff(a.scores, b.scores, n) / scale).toBeLessThan(1e-12);
      expect(maxCausalDiff(a.scores, modelScores(r.hooks, l, h), n)).toBeLessThan(1e-3);
      // The bilinear grouping does more arithmetic at this length (d_model >> d_head).
      expect(b.multiplyAdds).toBeGreaterThan(a.multiplyAdds);
    }
  });
});

describe('the model’s anatomy', () => {
  for (const id of ['attn-only-2l']) {
    it(`${id}: every weight belongs to exactly one part, and every hook named is an output`, async () => {
      const m = await loadNodeModel(id);
      const parts = modelParts(m.weights);
      const names = parts.flatMap((p) => p.parameters.map((q) => q.name));
      expect([...names].sort()).toEqual([...m.config.weight_names].sort());
      for (const p of parts)
        for (const hook of p.hooks) expect(m.config.hook_names).toContain(hook);
      const total = parts.reduce((s, p) => s + p.parameters.reduce((t, q) => t + q.count, 0), 0);
      expect(parameterCount(m.weights)).toBe(total);
      const { d_vocab, d_model } = m.config;
      expect(parts[0].parameters[0]).toEqual({
        name: 'embed.W_E',
        shape: [d_vocab, d_model],
        count: d_vocab * d_model,
      });
    });
  }
});

describe('switching heads off', () => {
  it('a mask with one head off gives the same logits as that row of the batched sweep', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const sweep = await ablateEachHead(m, ids);
    const ref = { layer: 1, head: 2 };
    const single = await m.run(ids, { headMask: headMaskWithout(m.config, [ref]) });
    const row = ablatedRow(m, ref);
    const per = single.logits!.data.length;
    const fromSweep = sweep.logits!.data.subarray(row * per, (row + 1) * per);
    let d = 0;
    for (let i = 0; i < per; i++) d = Math.max(d, Math.abs(fromSweep[i] - single.logits!.data[i]));
    expect(d).toBeLessThan(1e-4);
    expect(() => headMaskWithout(m.config, [{ layer: 9, head: 0 }])).toThrow(/no head 9.0/);
  });
});
