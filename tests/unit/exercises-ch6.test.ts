/**
 * Chapter 6's exercises, checked as the page checks them on the shipped
 * attn-only-2l and attn-only-1l: a known solution passes; the starting
 * state, the trivial answers and the chapter's own example fail (issue 16
 * item 1). The passing answer to exercise 1 is the one
 * tests/e2e/ch5-6.spec.ts types into the page.
 */
import { describe, expect, it } from 'vitest';
import { checkGap, checkName } from '../../src/components/ch6/exercises';
import { OWN_TEXT } from '../../src/components/ch6/own-text-default';
import { DEGENERATE, expectAllFail, tokenizer } from './exercise-helpers';
import { loadNodeModel } from './node-model';

const NAME = 'Our neighbour is called Quentin Zarkov. We like Quentin Zarkov';

describe('chapter 6 exercises, checked by attn-only-2l and attn-only-1l as on the page', () => {
  it('exercise 1 accepts a name of several tokens used twice in sentences, and refuses the starting text, a name said twenty times, the bare name twice, the trivial answers and the chapter’s example', async () => {
    const m = await loadNodeModel('attn-only-2l');
    expect(tokenizer.encode(' Quentin Zarkov').length).toBeGreaterThanOrEqual(3);
    const pass = await checkName(m, tokenizer, NAME);
    expect(pass.ok, pass.message).toBe(true);
    await expectAllFail(
      (t) => checkName(m, tokenizer, t),
      [
        ...DEGENERATE,
        "The ship's cat was called Brindlewick Oskarsson. Nobody knew where",
        'Quimby '.repeat(20),
        'Zorblat Quimby Zorblat Quimby',
        OWN_TEXT,
      ],
    );
  });

  it('exercise 2 accepts an invented name said twice (a gap of several nats), and refuses the empty start, text with nothing repeated, the trivial answers and the chapter’s example', async () => {
    const two = await loadNodeModel('attn-only-2l');
    const one = await loadNodeModel('attn-only-1l');
    const pass = await checkGap(one, two, tokenizer, NAME);
    expect(pass.ok, pass.message).toBe(true);
    await expectAllFail(
      (t) => checkGap(one, two, tokenizer, t),
      [...DEGENERATE, 'It rained all day, so we stayed in and read.', OWN_TEXT],
    );
  });
});
