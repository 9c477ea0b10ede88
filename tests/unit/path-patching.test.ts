/**
 * Path-specific ablation (src/model/path-patching.ts): recomputing the last
 * layer from its inputs reproduces the model's own run, and removing a
 * layer-0 head from every path reproduces the model's head-mask ablation.
 */
import { describe, expect, it } from 'vitest';
import { repeatedTokens } from '../../src/model/metrics';
import {
  ablateOnPaths,
  meanLoss,
  recomputeLayer,
  rowOf,
  withoutWriter,
} from '../../src/model/path-patching';
import { loadNodeModel } from './node-model';

const HOOKS = [
  'blocks.0.attn.hook_result',
  'blocks.1.hook_resid_pre',
  'blocks.1.attn.hook_pattern',
  'blocks.1.attn.hook_result',
];

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('path-specific ablation of a layer-0 head', () => {
  it('layer 1 recomputed from hook_resid_pre is the run’s hook_pattern and hook_result', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const tokens = repeatedTokens(16, 2, m.config.d_vocab, 7);
    const r = await m.run(tokens, { hooks: HOOKS });
    const x = rowOf(r.hooks['blocks.1.hook_resid_pre']);
    const l = recomputeLayer(m.weights, 1, x, x, x);
    expect(maxDiff(l.pattern, r.hooks['blocks.1.attn.hook_pattern'].data)).toBeLessThan(1e-5);
    expect(maxDiff(l.result, r.hooks['blocks.1.attn.hook_result'].data)).toBeLessThan(1e-4);
    const none = ablateOnPaths(m.weights, r.hooks, { layer: 0, head: 3 }, []);
    expect(maxDiff(none.logits, r.logits!.data)).toBeLessThan(1e-3);
  });

  it('removed from every path, a head gives the logits of the head-mask ablation', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const tokens = repeatedTokens(16, 2, m.config.d_vocab, 8);
    const r = await m.run(tokens, { hooks: HOOKS });
    for (const head of [3, 6]) {
      const headMask = new Float32Array(2 * 8).fill(1);
      headMask[head] = 0;
      const masked = await m.run(tokens, { headMask });
      const ab = ablateOnPaths(m.weights, r.hooks, { layer: 0, head }, ['Q', 'K', 'V', 'direct']);
      expect(maxDiff(ab.logits, masked.logits!.data)).toBeLessThan(1e-3);
      const lossOf = (x: ArrayLike<number>) =>
        meanLoss(Float64Array.from(x), tokens, m.config.d_vocab);
      expect(lossOf(ab.logits)).toBeCloseTo(lossOf(masked.logits!.data), 4);
    }
  });

  it('a head removed from the queries only changes the patterns but not the values layer 1 moves', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const tokens = repeatedTokens(16, 2, m.config.d_vocab, 9);
    const r = await m.run(tokens, { hooks: HOOKS });
    const x = rowOf(r.hooks['blocks.1.hook_resid_pre']);
    const y = new Float64Array(x.length);
    const res = r.hooks['blocks.0.attn.hook_result'].data;
    const { d_model, n_heads } = m.config;
    for (let p = 0; p < tokens.length; p++)
      for (let d = 0; d < d_model; d++) y[p * d_model + d] = res[(p * n_heads + 3) * d_model + d];
    const cut = withoutWriter(x, y, d_model, 'zero');
    const byHand = recomputeLayer(m.weights, 1, cut, x, x);
    const ab = ablateOnPaths(m.weights, r.hooks, { layer: 0, head: 3 }, ['Q']);
    expect(maxDiff(ab.pattern, byHand.pattern)).toBe(0);
    // 'mean' keeps the writer's average: the ablated stream averages to the same vector.
    const mean = withoutWriter(x, y, d_model, 'mean');
    for (let d = 0; d < d_model; d++) {
      let a = 0;
      let b = 0;
      for (let p = 0; p < tokens.length; p++) {
        a += mean[p * d_model + d];
        b += x[p * d_model + d];
      }
      expect(a).toBeCloseTo(b, 6);
    }
  });
});
