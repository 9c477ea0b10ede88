import { readFileSync } from 'node:fs';
import { STORAGE_TEXT } from '../../src/components/ch5/storage-default';
import { DEFAULT_PROMPT } from '../../src/components/kit/fields';
import { tokenizerFromJson, type TokenizerJson } from '../../src/model/tokenizer';
import { findModelsDir } from './paths';

/** The texts the claims tests measure on, shared so that no test keeps its own copy of a figure's default. */

/** The shipped tokenizer. */
export const tokenizer = tokenizerFromJson(
  JSON.parse(
    readFileSync(`${findModelsDir('tokenizer.json')}/tokenizer.json`, 'utf8'),
  ) as TokenizerJson,
);

/** The ablation figure's default prompt (src/components/ch2/HeadAblation.tsx): the kit's default. */
export const ABLATION_PROMPT = DEFAULT_PROMPT;

/** The storage figure's default text (src/components/ch5/StorageFigure.tsx). */
export { STORAGE_TEXT };

/** The texts the chapters' claims are measured on (the figures' default prompts and a few more). */
export const CLAIM_TEXTS = [
  DEFAULT_PROMPT,
  'In the beginning God created the heaven and the earth. And the earth was without form, and void; ' +
    'and darkness was upon the face of the deep. And the Spirit of God moved upon the face of the waters. ' +
    'And God said, Let there be light: and there was light. And God saw the light, that it was good: ' +
    'and God divided the light from the darkness.',
  'Mr and Mrs Dursley were proud to say that they were perfectly normal, Mr and Mrs',
  'def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n',
];

/** CLAIM_TEXTS as token ids, cut to the context of 128. */
export function claimTokens(): number[][] {
  return CLAIM_TEXTS.map((t) => tokenizer.encode(t).slice(0, 128));
}
