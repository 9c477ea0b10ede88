/**
 * Chapter 3's exercises can be solved: each check the page runs
 * (src/components/ch3/exercises.ts), run on the shipped gelu-1l, accepts a
 * known answer and rejects a wrong one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHANGES, checkInvariances, checkRotation } from '../../src/components/ch3/exercises';
import { DEFAULT_PROMPT } from '../../src/components/kit/fields';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { loadNodeModel } from './node-model';
import { findModelsDir } from './paths';

const tokenizer = tokenizerFromJson(
  JSON.parse(
    readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8'),
  ) as TokenizerJson,
);

describe('chapter 3 exercises, checked by gelu-1l as on the page', () => {
  it('exercise 1 accepts a prompt where rotating the neurons changes the top prediction, and rejects one where it does not', async () => {
    const m = await loadNodeModel('gelu-1l');
    const pass = await checkRotation(m, tokenizer, DEFAULT_PROMPT);
    expect(pass.ok, pass.message).toBe(true);
    const fail = await checkRotation(m, tokenizer, 'It rained all day. We stayed in and read');
    expect(fail.ok, fail.message).toBe(false);
    expect(fail.message).toContain('Both predict');
  });

  it('exercise 2 accepts exactly the changes that keep the function (the residual rotation and the permutation), and rejects any other choice', async () => {
    const m = await loadNodeModel('gelu-1l');
    const pass = await checkInvariances(m, tokenizer, new Set(['resid', 'permute']));
    expect(pass.ok, pass.message).toBe(true);
    expect(pass.message).toMatch(/^4 of 4 right/);
    const all = await checkInvariances(m, tokenizer, new Set(CHANGES.map((c) => c.id)));
    expect(all.ok, all.message).toBe(false);
    expect(all.message).toMatch(/^2 of 4 right/);
    const none = await checkInvariances(m, tokenizer, new Set());
    expect(none.ok, none.message).toBe(false);
  });
});
