/**
 * Chapter 3's exercises, checked as the page checks them on the shipped
 * gelu-1l: a known solution passes; the starting state, the trivial answers
 * and the chapter's own example fail; a wrong choice learns nothing about
 * the other options (issue 16 items 1 and 2).
 */
import { describe, expect, it } from 'vitest';
import { CHANGES, checkInvariances, checkRotation } from '../../src/components/ch3/exercises';
import { DEFAULT_PROMPT } from '../../src/components/kit/fields';
import { DEGENERATE, expectAllFail, tokenizer } from './exercise-helpers';
import { loadNodeModel } from './node-model';

describe('chapter 3 exercises, checked by gelu-1l as on the page', () => {
  it('exercise 1 accepts a confident verse whose prediction the rotation changes, and refuses the trivial answers, the chapter’s example and an unsure prediction', async () => {
    const m = await loadNodeModel('gelu-1l');
    const pass = await checkRotation(m, tokenizer, 'I am the LORD your');
    expect(pass.ok, pass.message).toBe(true);
    await expectAllFail((t) => checkRotation(m, tokenizer, t), [...DEGENERATE, DEFAULT_PROMPT]);
    const unsure = await checkRotation(m, tokenizer, 'It was a dark and stormy night, and the');
    expect(unsure.ok).toBe(false);
    expect(unsure.message).toMatch(/only/);
  });

  it('exercise 2 accepts exactly the residual rotation and the permutation; a wrong choice (the empty start among them) is told only that it is wrong', async () => {
    const m = await loadNodeModel('gelu-1l');
    const pass = await checkInvariances(m, tokenizer, new Set(['resid', 'permute']));
    expect(pass.ok, pass.message).toBe(true);
    expect(pass.message).toMatch(/^All 4 right/);
    for (const wrong of [[], ['resid'], ['permute'], CHANGES.map((c) => c.id), ['small', 'sign']]) {
      const r = await checkInvariances(m, tokenizer, new Set(wrong));
      expect(r.ok, r.message).toBe(false);
      for (const c of CHANGES) expect(r.message).not.toContain(c.label);
      expect(r.message).not.toMatch(/unchanged|changed|\d of \d/);
    }
  });
});
