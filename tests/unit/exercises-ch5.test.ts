/**
 * Chapter 5's exercises can be solved: each check the page runs
 * (src/components/ch5/exercises.ts), run on the shipped attn-only-2l and
 * attn-only-1l, accepts a known answer and rejects a wrong one. The passing
 * answers are the ones tests/e2e/ch5-6.spec.ts types into the page.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCopy, checkFullStop } from '../../src/components/ch5/exercises';
import { DEFAULT_PROMPT } from '../../src/components/kit/fields';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { loadNodeModel } from './node-model';
import { findModelsDir } from './paths';

const tokenizer = tokenizerFromJson(
  JSON.parse(
    readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8'),
  ) as TokenizerJson,
);

describe('chapter 5 exercises, checked by attn-only-2l and attn-only-1l as on the page', () => {
  it('exercise 1 (head 0.0, as the chapter asks) accepts a text dense in full stops ending in one, and rejects the figure’s starting text', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const head = { layer: 0, head: 0 };
    const pass = await checkFullStop(m, tokenizer, 'a.b.c.d.e.f.', head);
    expect(pass.ok, pass.message).toBe(true);
    expect(pass.mass).toBeGreaterThan(0.5);
    const fail = await checkFullStop(
      m,
      tokenizer,
      'It rained all day. We stayed in and read',
      head,
    );
    expect(fail.ok, fail.message).toBe(false);
    expect(fail.mass).toBeLessThan(0.5);
  });

  it('exercise 2 accepts a repeated sentence whose next token the one-layer model copies, and rejects the figure’s starting text', async () => {
    const m = await loadNodeModel('attn-only-1l');
    const pass = await checkCopy(m, tokenizer, DEFAULT_PROMPT);
    expect(pass.ok, pass.message).toBe(true);
    const fail = await checkCopy(m, tokenizer, 'The parrot sat on a branch. Everyone loved the');
    expect(fail.ok, fail.message).toBe(false);
  });
});
