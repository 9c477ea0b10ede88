/**
 * Chapter 4's exercises can be solved: each check the page runs
 * (src/components/ch4/exercises.ts), run on the shipped attn-only-2l,
 * accepts a known answer and rejects a wrong one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkComposition, checkRead, checkShare } from '../../src/components/ch4/exercises';
import { DEFAULT_PROMPT } from '../../src/components/kit/fields';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { loadNodeModel } from './node-model';
import { findModelsDir } from './paths';

const tokenizer = tokenizerFromJson(
  JSON.parse(
    readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8'),
  ) as TokenizerJson,
);

describe('chapter 4 exercises, checked by attn-only-2l as on the page', () => {
  it('exercise 1 accepts head 0.3 as what head 1.2’s keys read most (the pair chapter 6 names), and rejects head 0.0', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const pass = await checkComposition(m, tokenizer, 2, 3);
    expect(pass.ok, pass.message).toBe(true);
    const fail = await checkComposition(m, tokenizer, 2, 0);
    expect(fail.ok, fail.message).toBe(false);
  });

  it('exercise 2 accepts head 1.3 on the default prompt (its query reads at least 25% of the stream), and rejects head 1.0 there', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const pass = await checkRead(m, tokenizer, DEFAULT_PROMPT, { layer: 1, head: 3 });
    expect(pass.ok, pass.message).toBe(true);
    const fail = await checkRead(m, tokenizer, DEFAULT_PROMPT, { layer: 1, head: 0 });
    expect(fail.ok, fail.message).toBe(false);
  });

  it('exercise 3 accepts writer 0.3 into reader 1.2’s key on the default prompt, and rejects writer 0.0', async () => {
    const m = await loadNodeModel('attn-only-2l');
    const pass = await checkShare(m, tokenizer, DEFAULT_PROMPT, 3, 2);
    expect(pass.ok, pass.message).toBe(true);
    const fail = await checkShare(m, tokenizer, DEFAULT_PROMPT, 0, 2);
    expect(fail.ok, fail.message).toBe(false);
  });
});
