/**
 * Chapter 6's exercises can be solved: each check the page runs
 * (src/components/ch6/exercises.ts), run on the shipped attn-only-2l and
 * attn-only-1l, accepts a known answer and rejects a wrong one. The passing
 * answer to exercise 1 is the one tests/e2e/ch5-6.spec.ts types into the page.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkGap, checkName } from '../../src/components/ch6/exercises';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { loadNodeModel } from './node-model';
import { findModelsDir } from './paths';

const tokenizer = tokenizerFromJson(
  JSON.parse(
    readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8'),
  ) as TokenizerJson,
);

describe('chapter 6 exercises, checked by attn-only-2l and attn-only-1l as on the page', () => {
  it('exercise 1 accepts a four-token name used twenty times or a name used twice, and rejects a name used once and the figure’s starting text', async () => {
    const m = await loadNodeModel('attn-only-2l');
    // A name of three or more tokens (Q|u|im|by). With the models of 2026-11-29 a name used
    // only twice, as the task words it, can pass too ('Zorblat Quimby Zorblat Quimby': 0.53).
    expect(tokenizer.encode('Quimby').length).toBeGreaterThanOrEqual(3);
    const pass = await checkName(m, tokenizer, 'Quimby '.repeat(20));
    expect(pass.ok, pass.message).toBe(true);
    const twice = await checkName(m, tokenizer, 'Zorblat Quimby Zorblat Quimby');
    expect(twice.ok, twice.message).toBe(true);
    const once = await checkName(m, tokenizer, 'Zorblat Quimby keeps bees.');
    expect(once.ok, once.message).toBe(false);
    // The figure's starting text, which the e2e test checks first: no name repeats yet.
    const start = await checkName(
      m,
      tokenizer,
      "The ship's cat was called Brindlewick Oskarsson. Nobody knew where",
    );
    expect(start.ok).toBe(false);
    expect(start.message).toBe('No span of three or more tokens appears twice yet.');
  });

  it('exercise 2 accepts a repeated list of colours (a gap above 1 nat), and rejects text with nothing repeated', async () => {
    const two = await loadNodeModel('attn-only-2l');
    const one = await loadNodeModel('attn-only-1l');
    const pass = await checkGap(one, two, tokenizer, 'red green blue red green blue');
    expect(pass.ok, pass.message).toBe(true);
    // text with nothing repeated (the book's default prompt now passes: its repeat gives a gap of 1.2)
    const fail = await checkGap(
      one,
      two,
      tokenizer,
      'It rained all day, so we stayed in and read.',
    );
    expect(fail.ok, fail.message).toBe(false);
  });
});
