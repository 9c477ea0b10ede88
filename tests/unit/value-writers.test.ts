/**
 * What a head moves, split by the writer of its value input
 * (src/model/value-writers.ts): the parts sum to the head's own output as the
 * model computed it, and the shares sum to one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { storageQueries, storageStats } from '../../src/model/attention-stats';
import { repeatedTokens } from '../../src/model/metrics';
import { tokenizerFromJson } from '../../src/model/tokenizer';
import { movedByWriter, sharesByKind } from '../../src/model/value-writers';
import { loadNodeModel } from './node-model';
import { findModelsDir } from './paths';

const HOOKS = [
  'hook_embed',
  'hook_pos_embed',
  'blocks.0.attn.hook_result',
  'blocks.0.attn.hook_pattern',
  'blocks.1.attn.hook_pattern',
  'blocks.1.attn.hook_v',
  'blocks.1.attn.hook_result',
];

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('a head’s output split by the writer of its value input', () => {
  it('with every key, the parts sum to the mean of blocks.1.attn.hook_result over the queries', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const { n_heads, d_model } = m.config;
    const tokens = repeatedTokens(20, 2, m.config.d_vocab, 3);
    const r = await m.run(tokens, { hooks: HOOKS, logits: false });
    const n = tokens.length;
    const queries = [3, 10, 25, 39];
    const res = r.hooks['blocks.1.attn.hook_result'].data; // [batch, pos, head_index, d_model]
    for (const h of [2, 3, 6]) {
      const s = movedByWriter(
        m.weights,
        r.hooks,
        1,
        h,
        queries,
        tokens.map(() => true),
      );
      const expected = new Float64Array(d_model);
      for (const q of queries)
        for (let d = 0; d < d_model; d++)
          expected[d] += res[(q * n_heads + h) * d_model + d] / queries.length;
      const sum = new Float64Array(d_model);
      for (const p of s.parts) for (let d = 0; d < d_model; d++) sum[d] += p.vector[d];
      expect(maxDiff(s.total, expected)).toBeLessThan(1e-4);
      expect(maxDiff(sum, s.total)).toBeLessThan(1e-9);
      expect(s.parts.reduce((a, p) => a + p.share, 0)).toBeCloseTo(1, 9);
      // embed, pos_embed, eight layer-0 heads, b_O 0, b_V of the reader
      expect(s.parts.map((p) => p.writer)).toEqual([
        'embed',
        'pos_embed',
        ...Array.from({ length: n_heads }, (_, g) => `0.${g}`),
        'b_O 0',
        `b_V 1.${h}`,
      ]);
    }
    expect(n).toBe(40);
  });

  it('from punctuation keys, the total is storageStats’ moved vector and the kinds’ shares sum to one', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const tok = tokenizerFromJson(
      JSON.parse(readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8')),
    );
    const ids = tok.encode(
      'He sat down. Then, he ate; she ran! Why? He left. She stayed, and read.',
    );
    const isT = tok.tokenStrings(ids).map((s) => /[.,;:!?]/.test(s));
    const r = await m.run(ids, { hooks: HOOKS, logits: false });
    const st = storageStats(
      m.weights,
      1,
      r.hooks['blocks.1.attn.hook_pattern'],
      r.hooks['blocks.1.attn.hook_v'],
      isT,
    );
    for (let h = 0; h < m.config.n_heads; h++) {
      const s = movedByWriter(m.weights, r.hooks, 1, h, storageQueries(isT), isT);
      expect(s.queries).toBe(st.queries);
      expect(maxDiff(s.total, st.movedVector[h])).toBeLessThan(1e-5);
      const kinds = sharesByKind(s);
      expect(kinds.map((k) => k.kind)).toEqual(['embed', 'pos_embed', 'heads 0', 'biases']);
      expect(kinds.reduce((a, k) => a + k.share, 0)).toBeCloseTo(1, 9);
    }
  });

  it('in a one-layer model the writers are the embeddings and the head’s own b_V', async () => {
    const m = await loadNodeModel('attn-only-1l');
    const tokens = repeatedTokens(12, 2, m.config.d_vocab, 5);
    const r = await m.run(tokens, {
      hooks: [
        'hook_embed',
        'hook_pos_embed',
        'blocks.0.attn.hook_pattern',
        'blocks.0.attn.hook_result',
      ],
      logits: false,
    });
    const s = movedByWriter(
      m.weights,
      r.hooks,
      0,
      1,
      [23],
      tokens.map(() => true),
    );
    expect(s.parts.map((p) => p.writer)).toEqual(['embed', 'pos_embed', 'b_V 0.1']);
    const res = r.hooks['blocks.0.attn.hook_result'].data;
    const { n_heads, d_model } = m.config;
    expect(
      maxDiff(s.total, res.subarray((23 * n_heads + 1) * d_model, (23 * n_heads + 2) * d_model)),
    ).toBeLessThan(1e-4);
  });
});
