/**
 * Chapter 1's exercise checks: pure functions of the model, the tokenizer and
 * the reader's answer, shared by the exercise figure and by the test that
 * every exercise has a solution the shipped model accepts.
 */
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import type { CheckResult } from '../kit/Exercise';
import { formatCount, formatNumber, formatPercent } from '../kit/format';

/** Exercise 2's target mean loss, in nats; claims-ch1-2.test.ts checks that the shipped model can reach it. */
export const FLUENT_LOSS = 3;
/** Least number of tokens for exercise 2, so a two-token prompt cannot win. */
export const FLUENT_MIN_TOKENS = 12;

function prepare(model: HookedModel, tokenizer: Tokenizer, text: string) {
  const ids = tokenizer.encode(text).slice(0, model.config.n_ctx);
  if (ids.length === 0) throw new Error('type a prompt first');
  return ids;
}

/** Exercise 1: the top next-token probability after the prompt exceeds 1/2. */
export async function checkConfident(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<CheckResult> {
  const ids = prepare(model, tokenizer, text);
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

/** Exercise 2: at least FLUENT_MIN_TOKENS tokens with mean loss below FLUENT_LOSS. */
export async function checkFluent(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<CheckResult> {
  const ids = prepare(model, tokenizer, text);
  if (ids.length < FLUENT_MIN_TOKENS)
    return {
      ok: false,
      message: `Only ${ids.length} tokens; write at least ${FLUENT_MIN_TOKENS}.`,
    };
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

/** Exercise 3: the shortest prompt whose layer-0 patterns outnumber layer 0's parameters. */
export async function checkSizes(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<CheckResult> {
  const ids = prepare(model, tokenizer, text);
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
