/**
 * Chapter 5's exercise checks: pure functions of the model, the tokenizer and
 * the reader's answer, shared by the exercise figure and by the test that
 * every exercise has a solution the shipped models accept.
 */
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import type { CheckResult } from '../kit/Exercise';
import { seedChoice } from '../kit/exercise-progress';
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

/** Exercise 3's prompt: an invented name said once, and begun again. */
export const NAME_PROMPT = 'Our neighbour is called Quentin Zarkov. We like Quentin';
/** Exercise 3's options (the model's probability of each one's first token is compared). */
export const NAME_OPTIONS = [' Zarkov', ' and', '.', ' the'] as const;

/** Exercise 3: the reader's committed prediction of attn-only-1l's favourite among NAME_OPTIONS after NAME_PROMPT. */
export async function checkNamePredict(
  model: HookedModel,
  tokenizer: Tokenizer,
  picked: string,
): Promise<CheckResult> {
  const { judgePrediction, optionProbabilities } = await import('../kit/exercise-answers');
  const probs = await optionProbabilities(model, tokenizer, NAME_PROMPT, NAME_OPTIONS);
  return judgePrediction(picked, probs);
}

/** Exercise 4's head: attn-only-2l's head 1.2 (an induction head, chapter 6). */
export const EIGEN_HEAD = { layer: 1, head: 2 };

/** Exercise 4's head for a student seed: any of attn-only-2l's 16 heads ('' keeps EIGEN_HEAD). */
export function eigenVariant(seed: string, nLayers = 2, nHeads = 8): HeadId {
  const i = seedChoice(seed, 'ch5.eigen', nLayers * nHeads);
  return i === undefined ? EIGEN_HEAD : { layer: Math.floor(i / nHeads), head: i % nHeads };
}

/** Exercise 4's numbers, from the live weights: Σ Re λ and Σ |λ| over the eigenvalues of EIGEN_HEAD's full OV circuit, and their ratio. */
export async function eigenSums(
  model: HookedModel,
  head: HeadId = EIGEN_HEAD,
): Promise<{ re: number; abs: number; score: number }> {
  const { fullOvCircuit } = await import('../../model/circuits');
  let re = 0;
  let abs = 0;
  for (const l of fullOvCircuit(model.weights, head.layer, head.head).eigenvalues()) {
    re += l.re;
    abs += Math.hypot(l.re, l.im);
  }
  return { re, abs, score: re / abs };
}

/** Exercise 4: the reader's copying score from the two sums, to 0.005. */
export async function checkEigen(
  model: HookedModel,
  answer: string,
  head: HeadId = EIGEN_HEAD,
): Promise<CheckResult> {
  const { checkNumber } = await import('../kit/exercise-answers');
  return checkNumber(answer, (await eigenSums(model, head)).score, 0.005, false);
}

/** What notebook.py prints, computed here: every attn-only-1l head's copying score, to 3 decimals. */
export async function notebookExpected(model: HookedModel): Promise<string> {
  const { copyingScore } = await import('../../model/circuits');
  return Array.from(
    { length: model.config.n_heads },
    (_, h) => `${h} ${copyingScore(model.weights, 0, h).toFixed(3)}`,
  ).join('\n');
}
