/**
 * What the exercise tests share: the tokenizer, and the answers every
 * exercise must refuse unless its task says they are fine (issue 16 item 1).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { CheckResult } from '../../src/components/kit/Exercise';
import { NONSENSE } from '../../src/components/kit/exercise-answers';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { findModelsDir } from './paths';

/** The shipped tokenizer. */
export const tokenizer = tokenizerFromJson(
  JSON.parse(
    readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8'),
  ) as TokenizerJson,
);

/** Trivial answers: nothing, nonsense said five times, nonsense said twice, one token over and over. */
export const DEGENERATE: readonly string[] = [
  '',
  NONSENSE,
  'qx zv 7k blorp qx zv 7k blorp',
  ' the'.repeat(40),
  'Yes. No. Yes. No. Yes. No. Yes. No.',
];

/** Checks that `check` refuses each of `answers`, saying why in its message. */
export async function expectAllFail(
  check: (answer: string) => Promise<CheckResult>,
  answers: readonly string[],
): Promise<void> {
  for (const a of answers) {
    const r = await check(a);
    expect(r.ok, `${JSON.stringify(a.slice(0, 40))}: ${r.message}`).toBe(false);
    expect(r.message.length).toBeGreaterThan(0);
  }
}
