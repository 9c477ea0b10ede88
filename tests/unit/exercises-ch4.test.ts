/**
 * Chapter 4's exercises, checked as the page checks them on the shipped
 * attn-only-2l: a known solution passes; the starting state, the trivial
 * answers and the chapter's own example fail; a wrong guess is not told the
 * right head (issue 16 items 1 and 2).
 */
import { describe, expect, it } from 'vitest';
import { checkComposition, checkRead, checkShare } from '../../src/components/ch4/exercises';
import { DEFAULT_PROMPT } from '../../src/components/kit/fields';
import { DEGENERATE, expectAllFail, tokenizer } from './exercise-helpers';
import { loadNodeModel } from './node-model';

describe('chapter 4 exercises, checked by attn-only-2l as on the page', () => {
  it('exercise 1 accepts head 0.3 as what head 1.2’s keys read most (the pair chapter 6 names); every wrong guess hears its own rank, never the winner', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const pass = await checkComposition(m, tokenizer, 2, 3);
    expect(pass.ok, pass.message).toBe(true);
    for (const guess of [0, 1, 2, 4, 5, 6, 7]) {
      const fail = await checkComposition(m, tokenizer, 2, guess);
      expect(fail.ok, fail.message).toBe(false);
      expect(fail.message).not.toContain('0.3');
      expect(fail.message).toMatch(new RegExp(`^Head 0\\.${guess} scores .* rank [2-8] of 8`));
    }
  });

  it('exercise 2 accepts head 0.2 on “Thus saith the”, and refuses the starting state (head 1.0, no prompt), the trivial answers and the chapter’s example', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const pass = await checkRead(m, tokenizer, 'Thus saith the', { layer: 0, head: 2 });
    expect(pass.ok, pass.message).toBe(true);
    for (const head of [
      { layer: 1, head: 0 },
      { layer: 0, head: 2 },
    ])
      await expectAllFail((t) => checkRead(m, tokenizer, t, head), [...DEGENERATE, DEFAULT_PROMPT]);
  });

  it('exercise 3 accepts writer 0.3 into reader 1.2’s key on a sentence of one’s own, and refuses the starting state (0.0 into 1.0, no prompt) and the trivial answers', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const text = 'It rained all day, so we stayed in and read.';
    const pass = await checkShare(m, tokenizer, text, 3, 2);
    expect(pass.ok, pass.message).toBe(true);
    expect((await checkShare(m, tokenizer, text, 0, 2)).ok).toBe(false);
    await expectAllFail((t) => checkShare(m, tokenizer, t, 0, 0), [...DEGENERATE, DEFAULT_PROMPT]);
    await expectAllFail((t) => checkShare(m, tokenizer, t, 3, 2), [...DEGENERATE, DEFAULT_PROMPT]);
  });
});
