/**
 * Chapter 1's exercise checks: pure functions of the model, the tokenizer and
 * the reader's answer, shared by the exercise figure and by the test that
 * every exercise has a solution the shipped model accepts.
 */
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import type { CheckResult } from '../kit/Exercise';
import { degenerateReason, longestRepeatedSpan, refuseNoise } from '../kit/exercise-answers';
import { formatCount, formatNumber, formatPercent } from '../kit/format';

/** Exercises 1 and 2 refuse text that repeats a span this long: the model would copy it (chapter 6), not read it. */
export const MAX_REPEAT = 3;

/** Exercise 2's target mean loss, in nats; claims-ch1-2.test.ts checks that the shipped model can reach it. */
export const FLUENT_LOSS = 3;
/** Least number of tokens for exercise 2, so a two-token prompt cannot win. */
export const FLUENT_MIN_TOKENS = 12;

/**
 * Why `ids` is not fair text for exercises 1 and 2 (empty, one token over and
 * over, a span said twice that the model could copy, noise), or undefined.
 */
async function unfair(model: HookedModel, ids: number[]): Promise<CheckResult | undefined> {
  const bad = degenerateReason(ids);
  if (bad) return { ok: false, message: bad };
  if (longestRepeatedSpan(ids) >= MAX_REPEAT)
    return {
      ok: false,
      message: `Your text says a span of ${MAX_REPEAT} or more tokens twice, so the model can copy it. Find text it predicts without copying itself.`,
    };
  return refuseNoise(model, ids);
}

/** Exercise 1: natural text, no span said twice, and the top next-token probability after it exceeds 1/2. */
export async function checkConfident(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<CheckResult> {
  const ids = tokenizer.encode(text).slice(0, model.config.n_ctx);
  const refused = await unfair(model, ids);
  if (refused) return refused;
  const r = await model.run(ids);
  const { logitsAt, topPredictions } = await import('../../model/predictions');
  const [top] = topPredictions(logitsAt(r.logits!, ids.length - 1), 1);
  const tok = tokenizer.tokenStrings([top.id])[0];
  return top.prob > 0.5
    ? { ok: true, message: `The model gives “${tok}” ${formatPercent(top.prob)}.` }
    : {
        ok: false,
        message: `Its favourite, “${tok}”, gets only ${formatPercent(top.prob)}. Keep going.`,
      };
}

/** Exercise 2: at least FLUENT_MIN_TOKENS tokens of natural text, no span said twice, with mean loss below FLUENT_LOSS. */
export async function checkFluent(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<CheckResult> {
  const ids = tokenizer.encode(text).slice(0, model.config.n_ctx);
  if (ids.length < FLUENT_MIN_TOKENS)
    return {
      ok: false,
      message: `Only ${ids.length} tokens; write at least ${FLUENT_MIN_TOKENS}.`,
    };
  const refused = await unfair(model, ids);
  if (refused) return refused;
  const r = await model.run(ids);
  const { perPositionLoss } = await import('../../model/metrics');
  const loss = perPositionLoss(r.logits!, ids);
  const mean = loss.reduce((a, b) => a + b, 0) / loss.length;
  return mean < FLUENT_LOSS
    ? { ok: true, message: `Mean loss ${formatNumber(mean)} nats over ${ids.length} tokens.` }
    : {
        ok: false,
        message: `Mean loss ${formatNumber(mean)} nats; the target is below ${FLUENT_LOSS}.`,
      };
}

/**
 * Exercise 3: the shortest prompt whose layer-0 patterns outnumber layer 0's
 * parameters. Only the prompt's length counts, as the task says: any text of
 * the right number of tokens is a right answer.
 */
export async function checkSizes(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<CheckResult> {
  const ids = tokenizer.encode(text).slice(0, model.config.n_ctx);
  if (ids.length === 0) return { ok: false, message: 'Type a prompt first.' };
  const hook = 'blocks.0.attn.hook_pattern';
  const r = await model.run(ids, { hooks: [hook], logits: false });
  const patterns = r.hooks[hook].shape.reduce((a, b) => a * b, 1);
  let params = 0;
  for (const name of model.config.weight_names)
    if (name.startsWith('blocks.0.attn.')) params += model.weights.get(name).data.length;
  // One token fewer: n_heads * (n - 1)^2 values.
  const fewer = model.config.n_heads * (ids.length - 1) ** 2;
  const msg = `${ids.length} tokens: layer 0's patterns hold ${formatCount(patterns)} numbers; its parameters ${formatCount(params)}.`;
  if (patterns <= params) return { ok: false, message: `${msg} Not yet more.` };
  if (fewer > params)
    return { ok: false, message: `${msg} More, but a shorter prompt would do too.` };
  return { ok: true, message: `${msg} The shortest such prompt.` };
}

/** Exercise 4's prompt and the continuations the reader chooses among. */
export const PREDICT_PROMPT = 'And God said, Let there be light: and there was';
/** Exercise 4's options; the model's favourite among them is computed live. */
export const PREDICT_OPTIONS = [' light', ' no', ' darkness', ' a'] as const;

/** Exercise 4: the reader's committed prediction of the model's favourite among PREDICT_OPTIONS. */
export async function checkPredict(
  model: HookedModel,
  tokenizer: Tokenizer,
  picked: string,
): Promise<CheckResult> {
  const { judgePrediction, optionProbabilities } = await import('../kit/exercise-answers');
  const probs = await optionProbabilities(model, tokenizer, PREDICT_PROMPT, PREDICT_OPTIONS);
  return judgePrediction(picked, probs);
}

/** Every parameter of the model: the sum of its weight tensors' sizes (exercise 5's answer). */
export function parameterCount(model: HookedModel): number {
  let n = 0;
  for (const name of model.config.weight_names) n += model.weights.get(name).data.length;
  return n;
}

/** Exercise 5: the reader's count of all the model's parameters, exactly. */
export async function checkParams(model: HookedModel, answer: string): Promise<CheckResult> {
  const { checkNumber } = await import('../kit/exercise-answers');
  return checkNumber(answer, parameterCount(model), 0, false);
}

/** What notebook.py prints, computed here from the same model: the top token after “Thus saith the” and its probability. */
export async function notebookExpected(model: HookedModel, tokenizer: Tokenizer): Promise<string> {
  const { logitsAt, topPredictions } = await import('../../model/predictions');
  const ids = tokenizer.encode('Thus saith the');
  const r = await model.run(ids);
  const [top] = topPredictions(logitsAt(r.logits!, ids.length - 1), 1);
  const { pyRepr } = await import('../kit/exercise-answers');
  return `${pyRepr(tokenizer.decode([top.id]))} ${top.prob.toFixed(3)}`;
}
