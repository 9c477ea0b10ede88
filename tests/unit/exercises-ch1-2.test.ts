/**
 * Chapters 1 and 2's exercises, checked as the page checks them on the
 * shipped attn-only-2l: a known solution passes; the starting state, the
 * trivial answers and the chapter's own example fail (issue 16 item 1).
 */
import { describe, expect, it } from 'vitest';
import { checkConfident, checkFluent, checkSizes } from '../../src/components/ch1/exercises';
import { checkBeat, checkKnock, checkLens } from '../../src/components/ch2/exercises';
import { DEFAULT_PROMPT } from '../../src/components/kit/fields';
import { DEGENERATE, expectAllFail, tokenizer } from './exercise-helpers';
import { loadNodeModel } from './node-model';

const model = () => loadNodeModel('attn-only-2l');

describe('chapter 1 exercises, checked by attn-only-2l as on the page', () => {
  it('exercise 1 accepts a set phrase of the King James Bible and refuses the empty start, nonsense, repetition and the chapter’s example', async () => {
    const m = await model();
    const pass = await checkConfident(m, tokenizer, 'Thus saith the');
    expect(pass.ok, pass.message).toBe(true);
    await expectAllFail((t) => checkConfident(m, tokenizer, t), [...DEGENERATE, DEFAULT_PROMPT]);
    // Copying a repeated span would make any text confident: refused, with the reason.
    const copy = await checkConfident(
      m,
      tokenizer,
      'The old man sat by the river. The old man sat by the',
    );
    expect(copy.ok).toBe(false);
    expect(copy.message).toMatch(/twice/);
  });

  it('exercise 2 accepts a verse that opens a speech to Moses and refuses the trivial answers, including nonsense said five times', async () => {
    const m = await model();
    const pass = await checkFluent(
      m,
      tokenizer,
      'And the LORD spake unto Moses, saying, Speak unto the children of Israel',
    );
    expect(pass.ok, pass.message).toBe(true);
    await expectAllFail((t) => checkFluent(m, tokenizer, t), [...DEGENERATE, DEFAULT_PROMPT]);
  });

  it('exercise 3 accepts exactly the shortest length, and says any text of that length is right', async () => {
    const m = await model();
    let params = 0;
    for (const n of m.config.weight_names)
      if (n.startsWith('blocks.0.attn.')) params += m.weights.get(n).data.length;
    const shortest = Math.floor(Math.sqrt(params / m.config.n_heads)) + 1;
    expect((await checkSizes(m, tokenizer, ' a'.repeat(shortest))).ok).toBe(true);
    // The task says only the length counts, so one token repeated is a fine answer here.
    await expectAllFail(
      (t) => checkSizes(m, tokenizer, t),
      ['', DEFAULT_PROMPT, ' a'.repeat(shortest - 1), ' a'.repeat(shortest + 1)],
    );
  });
});

describe('chapter 2 exercises, checked by attn-only-2l as on the page', () => {
  const answer = 'And God said, Let there be light: and there was';

  it('exercise 1 accepts a verse cut off mid-sentence and refuses the trivial answers and the chapter’s example', async () => {
    const m = await model();
    const pass = await checkBeat(m, tokenizer, answer);
    expect(pass.ok, pass.message).toBe(true);
    await expectAllFail((t) => checkBeat(m, tokenizer, t), [...DEGENERATE, DEFAULT_PROMPT]);
  });

  it('exercise 2 accepts head 1.3 on a verse about Moses, and refuses the starting state (head 1.0, no prompt), the trivial answers and the chapter’s example', async () => {
    const m = await model();
    const pass = await checkKnock(m, tokenizer, 'And the LORD spake unto Moses,', {
      layer: 1,
      head: 3,
    });
    expect(pass.ok, pass.message).toBe(true);
    await expectAllFail(
      (t) => checkKnock(m, tokenizer, t, { layer: 1, head: 0 }),
      [...DEGENERATE, DEFAULT_PROMPT],
    );
    await expectAllFail(
      (t) => checkKnock(m, tokenizer, t, { layer: 1, head: 3 }),
      [...DEGENERATE, DEFAULT_PROMPT],
    );
  });

  it('exercise 3 accepts a prompt the last token alone would not complete, and refuses the trivial answers', async () => {
    const m = await model();
    const pass = await checkLens(m, tokenizer, answer);
    expect(pass.ok, pass.message).toBe(true);
    await expectAllFail((t) => checkLens(m, tokenizer, t), [...DEGENERATE, DEFAULT_PROMPT]);
  });
});
