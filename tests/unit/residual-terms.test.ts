import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HookedModel } from '../../src/model/hooked-model';
import { gaussian, mulberry32 } from '../../src/model/random';
import {
  norm,
  projectTerms,
  residualTerms,
  type StreamTerm,
  sumOfTerms,
} from '../../src/model/residual-terms';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { loadNodeModel } from './node-model';
import { findModelsDir } from './paths';

const tokenizer = tokenizerFromJson(
  JSON.parse(
    readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8'),
  ) as TokenizerJson,
);

/** Terms with random vectors, as `residualTerms` would return them. */
function randomTerms(n: number, d: number, seed: number): StreamTerm[] {
  const normal = gaussian(mulberry32(seed));
  return Array.from({ length: n }, (_, k) => {
    const vector = Float64Array.from({ length: d }, normal);
    return { component: `t${k}`, layer: k - 2, vector, norm: norm(vector) };
  });
}

/** The hooks `residualTerms` and the final stream need. */
function hooksFor(m: HookedModel): string[] {
  const out = ['hook_embed', 'hook_pos_embed'];
  for (let l = 0; l < m.config.n_layers; l++) {
    out.push(`blocks.${l}.attn.hook_result`, `blocks.${l}.hook_resid_post`);
    if (!m.config.attn_only) out.push(`blocks.${l}.hook_mlp_out`);
  }
  return out;
}

describe('sums and projections of residual-stream terms', () => {
  it('sumOfTerms adds the vectors coordinate by coordinate', () => {
    const terms = randomTerms(5, 16, 1);
    const sum = sumOfTerms(terms, 16);
    for (let i = 0; i < 16; i++)
      expect(sum[i]).toBeCloseTo(
        terms.reduce((s, t) => s + t.vector[i], 0),
        12,
      );
    expect(() => sumOfTerms(terms, 8)).toThrow(/t0 is \[16\], not \[8\]/);
  });

  it('the projections of the terms sum to the projection of their sum, along any direction', () => {
    const terms = randomTerms(12, 32, 2);
    const normal = gaussian(mulberry32(3));
    const direction = Float64Array.from({ length: 32 }, normal);
    const along = projectTerms(terms, direction);
    const sum = sumOfTerms(terms, 32);
    const unit = direction.map((v) => v / norm(direction));
    const sumAlong = sum.reduce((s, v, i) => s + v * unit[i], 0);
    expect(along.reduce((s, v) => s + v, 0)).toBeCloseTo(sumAlong, 12);
    // Each one is the dot product with the unit vector.
    along.forEach((v, k) =>
      expect(v).toBeCloseTo(
        terms[k].vector.reduce((s, x, i) => s + x * unit[i], 0),
        12,
      ),
    );
  });

  it('along the sum itself the projections add up to its norm, and along zero they are NaN', () => {
    const terms = randomTerms(6, 20, 4);
    const sum = sumOfTerms(terms, 20);
    const along = projectTerms(terms, sum);
    expect(along.reduce((s, v) => s + v, 0)).toBeCloseTo(norm(sum), 12);
    expect(Array.from(projectTerms(terms, new Float64Array(20))).every(Number.isNaN)).toBe(true);
    expect(() => projectTerms(terms, new Float64Array(3))).toThrow(/direction is \[3\]/);
  });

  for (const id of ['attn-only-2l', 'gelu-1l']) {
    it(`on ${id} the terms sum to the final stream hook, and their lengths along it add up to its norm`, async () => {
      const m = await loadNodeModel(id);
      const ids = tokenizer.encode(
        'Mary had a little lamb, its fleece was white as snow. Mary had a little lamb.',
      );
      const r = await m.run(ids, { hooks: hooksFor(m), logits: false });
      const d = m.config.d_model;
      const hook = r.hooks[`blocks.${m.config.n_layers - 1}.hook_resid_post`]; // [batch, pos, d_model]
      for (let p = 0; p < ids.length; p++) {
        const terms = residualTerms(m.weights, r.hooks, p);
        const final = Float64Array.from(hook.data.subarray(p * d, (p + 1) * d));
        const sum = sumOfTerms(terms, d);
        const scale = norm(final);
        for (let i = 0; i < d; i++) expect(Math.abs(sum[i] - final[i])).toBeLessThan(1e-4 * scale);
        // Along the stream read from the hook (not the sum): Σ lengths = |stream|.
        const along = projectTerms(terms, final);
        expect(Math.abs(along.reduce((s, v) => s + v, 0) - scale)).toBeLessThan(1e-4 * scale);
        // Along their own sum, as the figure draws them: exactly |Σ terms| up to float64 rounding.
        const own = projectTerms(terms, sum);
        expect(Math.abs(own.reduce((s, v) => s + v, 0) - norm(sum))).toBeLessThan(1e-9 * norm(sum));
      }
    });
  }
});
