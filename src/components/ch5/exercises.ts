/**
 * Chapter 5's exercise checks: pure functions of the model, the tokenizer and
 * the reader's answer, shared by the exercise figure and by the test that
 * every exercise has a solution the shipped models accept.
 */
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import type { CheckResult } from '../kit/Exercise';
import { DEFAULT_PROMPT, type HeadId, headName } from '../kit/fields';
import { degenerateReason, refuseNoise } from '../kit/exercise-answers';
import { formatNumber } from '../kit/format';

/** A failing verdict for text the checks refuse (empty, one token over and over, noise), else undefined. */
async function refused(
  model: HookedModel,
  text: string,
  tokens: number[],
): Promise<CheckResult | undefined> {
  const bad = degenerateReason(tokens);
  if (bad) return { ok: false, message: bad };
  if (text.trim() === DEFAULT_PROMPT)
    return { ok: false, message: 'That is the book’s own example; write one of your own.' };
  return refuseNoise(model, tokens);
}

/** Exercise 1 asks for sentences: at least this many words of two or more letters. */
export const MIN_WORDS = 5;

/**
 * Exercise 1: in text of at least MIN_WORDS words, from the last token, `head` puts more than half of its
 * attention on tokens that contain a full stop; `mass` is how much it puts.
 */
export async function checkFullStop(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
  head: HeadId,
): Promise<CheckResult & { mass: number }> {
  const tokens = tokenizer.encode(text).slice(0, model.config.n_ctx);
  const no = await refused(model, text, tokens);
  if (no) return { ...no, mass: 0 };
  if ((text.match(/[A-Za-z]{2,}/g) ?? []).length < MIN_WORDS)
    return {
      ok: false,
      mass: 0,
      message: `Write at least ${MIN_WORDS} words: the point is where a head looks in real text.`,
    };
  const hook = `blocks.${head.layer}.attn.hook_pattern`;
  const r = await model.run(tokens, { hooks: [hook], logits: false });
  const n = r.length;
  const p = r.hooks[hook].data; // [batch, head_index, query_pos, key_pos]
  const strings = tokenizer.tokenStrings(tokens);
  let mass = 0;
  for (let k = 0; k < n; k++)
    if (strings[k].includes('.')) mass += p[(head.head * n + (n - 1)) * n + k];
  return {
    ok: mass > 0.5,
    mass,
    message: `From the last token “${strings[n - 1]}”, head ${headName(head)} puts ${formatNumber(mass)} of its attention on full stops.`,
  };
}

/**
 * Exercise 2: the one-layer model's top prediction at the end of `text` is a
 * token already in it that the direct path (bigrams) alone would not pick.
 */
export async function checkCopy(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<CheckResult> {
  const tokens = tokenizer.encode(text).slice(0, model.config.n_ctx);
  const no = await refused(model, text, tokens);
  if (no) return no;
  const { directPath } = await import('../../model/circuits');
  const { logitsAt, topPredictions } = await import('../../model/predictions');
  const r = await model.run(tokens);
  const top = topPredictions(logitsAt(r.logits!, r.length - 1), 1)[0].id;
  const bigramTop = topPredictions(directPath(model.weights).row(tokens[tokens.length - 1]), 1)[0]
    .id;
  const name = tokenizer.tokenStrings([top])[0];
  const earlier = tokens.slice(0, -1).includes(top);
  const ok = earlier && top !== bigramTop;
  const why = !earlier
    ? 'which does not appear earlier in your text'
    : top === bigramTop
      ? 'which appears earlier, but it is also what the direct path (bigrams) alone predicts: find a token the heads must copy'
      : 'which appears earlier in your text, and which the bigram table alone would not pick';
  return { ok, message: `The one-layer model's top prediction is “${name}”, ${why}.` };
}
