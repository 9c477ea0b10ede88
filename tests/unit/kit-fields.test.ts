import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROMPT,
  headIn,
  MAX_SEED,
  modelPromptFields,
  seedField,
} from '../../src/components/kit/fields';
import { decodeState, encodeState } from '../../src/components/kit/url-state';

describe('kit field helpers', () => {
  const twoLayers = { n_layers: 2, n_heads: 8 };

  it('keeps a head the model has and falls back for one it lacks, or for no model yet', () => {
    const fallback = { layer: 0, head: 0 };
    for (let layer = 0; layer < 3; layer++)
      for (let head = 0; head < 10; head++) {
        const has = layer < twoLayers.n_layers && head < twoLayers.n_heads;
        expect(headIn(twoLayers, { layer, head }, fallback)).toEqual(
          has ? { layer, head } : fallback,
        );
      }
    expect(headIn(undefined, { layer: 0, head: 0 }, fallback)).toBe(fallback);
    expect(headIn(twoLayers, undefined, undefined)).toBeUndefined();
  });

  it('reads a seed in [0, MAX_SEED] from the URL and nothing outside it', () => {
    const f = seedField();
    expect(f.default).toBe(1);
    expect(seedField(0).default).toBe(0);
    expect(f.parse('0')).toBe(0);
    expect(f.parse(String(MAX_SEED))).toBe(MAX_SEED);
    expect(f.parse(String(MAX_SEED + 1))).toBeUndefined();
    expect(f.parse('-1')).toBeUndefined();
  });

  it('gives a prompt figure its prompt and model fields, which round-trip through the URL', () => {
    const schema = modelPromptFields();
    const defaults = decodeState(schema, new URLSearchParams(), 'f');
    expect(defaults).toEqual({ prompt: DEFAULT_PROMPT, model: 'attn-only-2l' });
    const state = { prompt: 'a b c', model: 'gelu-1l' as const };
    const params = new URLSearchParams(
      encodeState(schema, state, new URLSearchParams(), 'f').toString(),
    );
    expect(decodeState(schema, params, 'f')).toEqual(state);
    expect(decodeState(modelPromptFields('x', 'attn-only-1l'), new URLSearchParams(), 'f')).toEqual(
      {
        prompt: 'x',
        model: 'attn-only-1l',
      },
    );
  });
});
