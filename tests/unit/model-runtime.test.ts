import { describe, expect, it } from 'vitest';
import {
  ablateEachHead,
  ablatedRow,
  ablationSweepAtLastPosition,
  logitDifference,
  patchHeads,
} from '../../src/model/interventions';
import type { Activation } from '../../src/model/hooked-model';
import { repeatedTokens } from '../../src/model/metrics';
import { loadNodeModel } from './node-model';

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  // Equal values (masked scores are -inf in both) differ by 0; NaN anywhere else fails.
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i]) m = Math.max(m, Math.abs(a[i] - b[i]) || Infinity);
  return m;
};

/** Row `row` of a [batch, ...] activation. */
const rowOf = (a: Activation, row: number) => {
  const per = a.data.length / a.shape[0];
  return a.data.subarray(row * per, (row + 1) * per);
};

describe('hooked runs on attn-only-2l', () => {
  it('pads to a bucket without changing any real position, in every hook', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const tokens = repeatedTokens(10, 2, m.config.d_vocab, 3); // 20 tokens -> bucket 32
    const hooks = m.config.hook_names.filter((n) => n !== 'logits');
    const padded = await m.run(tokens, { hooks });
    expect(padded.bucket).toBe(32);
    // The same prompt at its exact length: a one-bucket model pads nothing.
    const exact = await loadNodeModel('attn-only-2l', [20, m.config.n_ctx]);
    const unpadded = await exact.run(tokens, { hooks });
    expect(unpadded.bucket).toBe(20);
    for (const name of hooks) {
      expect(padded.hooks[name].shape, name).toEqual(unpadded.hooks[name].shape);
      expect(maxAbsDiff(padded.hooks[name].data, unpadded.hooks[name].data), name).toBeLessThan(
        1e-5,
      );
    }
    expect(maxAbsDiff(padded.logits!.data, unpadded.logits!.data)).toBeLessThan(1e-4);
  });

  it('ablates each head in one batched run, matching one run per head', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const { n_layers, n_heads, d_vocab } = m.config;
    const tokens = repeatedTokens(8, 2, d_vocab, 5);
    const sweep = await ablateEachHead(m, tokens);
    expect(sweep.batch).toBe(1 + n_layers * n_heads);
    for (const ref of [
      { layer: 0, head: 3 },
      { layer: 1, head: 6 },
    ]) {
      const mask = new Float32Array(n_layers * n_heads).fill(1);
      mask[ref.layer * n_heads + ref.head] = 0;
      const single = await m.run(tokens, { headMask: mask });
      expect(
        maxAbsDiff(rowOf(sweep.logits!, ablatedRow(m, ref)), single.logits!.data),
      ).toBeLessThan(1e-4);
    }
    const clean = await m.run(tokens);
    expect(maxAbsDiff(rowOf(sweep.logits!, 0), clean.logits!.data)).toBeLessThan(1e-4);
  });

  it('patches a head from a corrupted prompt exactly as a hand-built patch_mask and patch_z do', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const { n_layers, n_heads, d_head, d_vocab } = m.config;
    const clean = repeatedTokens(6, 2, d_vocab, 11);
    const corrupted = [...clean];
    corrupted[7] = (corrupted[7] + 1) % d_vocab;
    const metric = logitDifference(clean[clean.length - 1], corrupted[corrupted.length - 1]);
    const res = await patchHeads(m, clean, corrupted, metric, 'head');
    expect(res.shape).toEqual([n_layers, n_heads]);
    expect(res.patched.every(Number.isFinite)).toBe(true);
    // Patching one layer-1 head alone equals a run with that head's z set by hand.
    const pos = clean.length;
    const zc = await m.run(corrupted, { hooks: ['blocks.1.attn.hook_z'] });
    const mask = new Float32Array(n_layers * pos * n_heads);
    const z = new Float32Array(n_layers * pos * n_heads * d_head);
    z.set(zc.hooks['blocks.1.attn.hook_z'].data, pos * n_heads * d_head);
    for (let p = 0; p < pos; p++) mask[(1 * pos + p) * n_heads + 2] = 1;
    const byHand = await m.run(clean, { patch: { mask, z } });
    expect(res.patched[1 * n_heads + 2]).toBeCloseTo(metric(byHand, 0), 4);
  });

  it('lets the latest of 200 rapid requests win and leaves no live tensors', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const prompts = Array.from({ length: 200 }, (_, i) =>
      repeatedTokens(1 + (i % 40), 1, m.config.d_vocab, i),
    );
    const before = m.runCount;
    const results = await Promise.all(prompts.map((p) => m.runLatest('typing', p)));
    expect(results[199]).not.toBeNull();
    expect(results[199]!.length).toBe(prompts[199].length);
    expect(results.slice(0, 199).filter((r) => r !== null)).toEqual([]);
    expect(m.runCount - before).toBeLessThanOrEqual(2);
    const direct = await m.run(prompts[199]);
    expect(maxAbsDiff(results[199]!.logits!.data, direct.logits!.data)).toBe(0);
    expect(m.liveTensors).toBe(0);
  });

  it('rejects unknown hooks and out-of-vocabulary tokens with a clear message', async () => {
    const m = await loadNodeModel('attn-only-2l');
    await expect(m.run([1, 2], { hooks: ['blocks.7.attn.hook_z'] })).rejects.toThrow(
      /not an output/,
    );
    await expect(m.run([1, m.config.d_vocab])).rejects.toThrow(/outside \[0, 2048\)/);
    expect(m.liveTensors).toBe(0);
  });

  it('warms up every length bucket once, on a channel of its own', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const before = m.runCount;
    await m.warmUp();
    expect(m.runCount - before).toBe(m.buckets.length);
    expect(m.buckets).toEqual([16, 32, 64, 128]);
    expect(m.liveTensors).toBe(0);
  });

  it('gives the last-position logits of every ablation exactly, running only the rows linearity does not cover', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const { n_layers, n_heads, d_vocab } = m.config;
    const tokens = repeatedTokens(9, 2, d_vocab, 8);
    const full = await ablateEachHead(m, tokens);
    const sweep = await ablationSweepAtLastPosition(m, tokens);
    expect(sweep.rowsRun).toBe(1 + (n_layers - 1) * n_heads);
    const pos = tokens.length;
    for (let row = 0; row < 1 + n_layers * n_heads; row++) {
      const want = full.logits!.data.subarray(
        (row * pos + pos - 1) * d_vocab,
        (row * pos + pos) * d_vocab,
      );
      const got = sweep.logits.subarray(row * d_vocab, (row + 1) * d_vocab);
      expect(maxAbsDiff(got, want), `row ${row}`).toBeLessThan(1e-4);
    }
  });
});
