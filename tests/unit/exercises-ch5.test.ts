/**
 * Chapter 5's exercises, checked as the page checks them on the shipped
 * attn-only-2l and attn-only-1l: a known solution passes; the starting
 * state, the trivial answers and the book's own example fail (issue 16 item 1).
 * The passing answers are the ones tests/e2e/ch5-6.spec.ts types into the page.
 */
import { describe, expect, it } from 'vitest';
import { checkCopy, checkFullStop } from '../../src/components/ch5/exercises';
import { DEFAULT_PROMPT } from '../../src/components/kit/fields';
import { DEGENERATE, expectAllFail, tokenizer } from './exercise-helpers';
import { loadNodeModel } from './node-model';

/** The answers the e2e test types, shared so both prove the same thing. */
export const CH5_SOLUTIONS = {
  fullStop: 'And God said, Let there be light: and there was light.',
  copy: 'The parrot sat on a branch. Everyone loved the parrot. The parrot sat on a',
};

describe('chapter 5 exercises, checked by attn-only-2l and attn-only-1l as on the page', () => {
  it('exercise 1 (head 0.0, as the chapter asks) accepts a verse ending on a full stop, and refuses the starting text, the trivial answers (“Yes. No.” and “a.b.c.” among them) and the book’s example', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const head = { layer: 0, head: 0 };
    const pass = await checkFullStop(m, tokenizer, CH5_SOLUTIONS.fullStop, head);
    expect(pass.ok, pass.message).toBe(true);
    expect(pass.mass).toBeGreaterThan(0.5);
    await expectAllFail(
      (t) => checkFullStop(m, tokenizer, t, head),
      [...DEGENERATE, 'It rained all day. We stayed in and read', 'a.b.c.d.e.f.', DEFAULT_PROMPT],
    );
  });

  it('exercise 2 accepts a sentence retold up to a word the heads must copy, and refuses the starting text, the trivial answers and the book’s example', async () => {
    const m = await loadNodeModel('attn-only-1l');
    const pass = await checkCopy(m, tokenizer, CH5_SOLUTIONS.copy);
    expect(pass.ok, pass.message).toBe(true);
    await expectAllFail(
      (t) => checkCopy(m, tokenizer, t),
      [...DEGENERATE, 'The parrot sat on a branch. Everyone loved the', DEFAULT_PROMPT],
    );
  });
});
