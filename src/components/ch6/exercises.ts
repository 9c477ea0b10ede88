/**
 * Chapter 6's exercise checks: pure functions of the models, the tokenizer
 * and the reader's answer, shared by the exercise figure and by the test that
 * every exercise has a solution the shipped models accept.
 */
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import type { CheckResult } from '../kit/Exercise';
import { degenerateReason, refuseNoise } from '../kit/exercise-answers';
import { seedChoice } from '../kit/exercise-progress';
import { formatNumber } from '../kit/format';
import { OWN_TEXT } from './own-text-default';

/** Exercise 1: no span of three tokens may occur more often than this ("use it twice", with one slip allowed). */
export const MAX_USES = 3;

/** How often the most frequent span of three tokens occurs in `tokens`. */
export function mostUsedTrigram(tokens: readonly number[]): number {
  const counts = new Map<string, number>();
  let most = 0;
  for (let i = 0; i + 2 < tokens.length; i++) {
    const k = `${tokens[i]},${tokens[i + 1]},${tokens[i + 2]}`;
    const c = (counts.get(k) ?? 0) + 1;
    counts.set(k, c);
    most = Math.max(most, c);
  }
  return most;
}

/** A failing verdict for text the checks refuse (empty, one token over and over, noise, the chapter's example), else undefined. */
async function refused(
  model: HookedModel,
  text: string,
  tokens: number[],
): Promise<CheckResult | undefined> {
  const bad = degenerateReason(tokens);
  if (bad) return { ok: false, message: bad };
  if (text.trim() === OWN_TEXT)
    return { ok: false, message: 'That is the chapter’s own example; write one of your own.' };
  return refuseNoise(model, tokens);
}

/**
 * Positions i whose next token induction could supply: token i occurred
 * before, and was followed then by the token that follows it now.
 */
export async function inductivePositions(tokens: readonly number[]): Promise<number[]> {
  const { prefixMatches } = await import('../../model/attention-stats');
  const out: number[] = [];
  for (let i = 0; i + 1 < tokens.length; i++)
    if (prefixMatches(tokens, i).some((k) => tokens[k] === tokens[i + 1])) out.push(i);
  return out;
}

/** Mean loss (nats) and mean probability of the true next token at `positions`. */
export async function lossOn(model: HookedModel, tokens: number[], positions: number[]) {
  const { perPositionLoss } = await import('../../model/metrics');
  const r = await model.run(tokens);
  const loss = perPositionLoss(r.logits!, tokens);
  const ls = positions.map((p) => loss[p]);
  return {
    loss: ls.reduce((a, b) => a + b, 0) / ls.length,
    prob: ls.reduce((a, b) => a + Math.exp(-b), 0) / ls.length,
  };
}

/** Exercise 1: natural text where a span of 3+ tokens repeats (no span more than MAX_USES times), and the model gives its repeated tokens mean probability > 0.5. */
export async function checkName(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<CheckResult> {
  const tokens = tokenizer.encode(text).slice(0, model.config.n_ctx);
  const no = await refused(model, text, tokens);
  if (no) return no;
  if (mostUsedTrigram(tokens) > MAX_USES)
    return {
      ok: false,
      message: `Some span of your text occurs more than ${MAX_USES} times. Use the name twice, in sentences, as a story would.`,
    };
  const pos = await inductivePositions(tokens);
  // Consecutive inductive positions: a repeated span of (run length + 1) tokens.
  let longest = 0;
  let run = 0;
  for (let k = 0; k < pos.length; k++) {
    run = k > 0 && pos[k] === pos[k - 1] + 1 ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  if (longest < 2)
    return { ok: false, message: 'No span of three or more tokens appears twice yet.' };
  const { prob } = await lossOn(model, tokens, pos);
  return {
    ok: prob > 0.5,
    message: `On the ${pos.length} tokens that repeat what followed an earlier occurrence, the model gives the right token a mean probability of ${formatNumber(prob)}.`,
  };
}

/** Exercise 2: on natural text other than the chapter's example, on the repeated tokens, the two-layer model's loss is more than 1 nat below the one-layer model's. */
export async function checkGap(
  one: HookedModel,
  two: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<CheckResult> {
  const tokens = tokenizer.encode(text).slice(0, two.config.n_ctx);
  const no = await refused(two, text, tokens);
  if (no) return no;
  const pos = await inductivePositions(tokens);
  if (pos.length === 0) return { ok: false, message: 'Nothing in your text repeats yet.' };
  const a = await lossOn(one, tokens, pos);
  const b = await lossOn(two, tokens, pos);
  return {
    ok: a.loss - b.loss > 1,
    message: `On the ${pos.length} repeated tokens: one layer ${formatNumber(a.loss)} nats, two layers ${formatNumber(b.loss)} nats (gap ${formatNumber(a.loss - b.loss)}).`,
  };
}

/** Exercise 3's sequence: this many seeded random tokens (seed 1), said twice. */
export const RANDOM_PERIOD = 50;
/** Exercise 3's options: how the one-layer model's loss on the second copy compares with the first. */
export const DROP_OPTIONS = ['much', 'little', 'higher'] as const;

/** Exercise 3's truth: attn-only-1l's mean loss on the first and the second copy of a random sequence. */
export async function dropOutcome(
  one: HookedModel,
): Promise<{ truth: (typeof DROP_OPTIONS)[number]; first: number; second: number }> {
  const { perPositionLoss, repeatedTokens } = await import('../../model/metrics');
  const L = RANDOM_PERIOD;
  const tokens = repeatedTokens(L, 2, one.config.d_vocab, 1);
  const r = await one.run(tokens);
  const loss = perPositionLoss(r.logits!, tokens); // [2L - 1]: loss of token p + 1 at p
  const mean = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0) / a.length;
  const first = mean(loss.slice(0, L - 1));
  const second = mean(loss.slice(L, 2 * L - 1));
  const truth = second > first ? 'higher' : first - second >= 2 ? 'much' : 'little';
  return { truth, first, second };
}

/** Exercise 3: the reader's committed prediction of how much a one-layer model gains on a repeat. */
export async function checkDropPredict(one: HookedModel, picked: string): Promise<CheckResult> {
  if (!DROP_OPTIONS.some((o) => o === picked))
    return { ok: false, message: 'Choose your prediction first.' };
  const { truth, first, second } = await dropOutcome(one);
  const said = { much: 'much lower', little: 'a little lower', higher: 'higher' };
  return {
    ok: picked === truth,
    message: `You predicted ${said[picked as (typeof DROP_OPTIONS)[number]]}. attn-only-1l: ${formatNumber(first)} nats a token on the first copy, ${formatNumber(second)} on the second.`,
  };
}

/** Exercise 4's sequence: 8 seeded random tokens (seed 2), said twice, and the head whose stripe is shown. */
export const STRIPE = { period: 8, seed: 2, head: 2 };

/** Exercise 4's sequence and head for a student seed: another random sequence, any layer-1 head ('' keeps STRIPE). */
export function stripeVariant(seed: string, nHeads = 8): typeof STRIPE {
  const i = seedChoice(seed, 'ch6.stripe', nHeads * 1000);
  return i === undefined
    ? STRIPE
    : { period: STRIPE.period, seed: 10 + Math.floor(i / nHeads), head: i % nHeads };
}

/** Exercise 4's numbers: head 1.h's attention from each token of the second copy to the token after its first occurrence. */
export async function stripeValues(two: HookedModel, v = STRIPE): Promise<number[]> {
  const { repeatedTokens } = await import('../../model/metrics');
  const L = v.period;
  const tokens = repeatedTokens(L, 2, two.config.d_vocab, v.seed);
  const hook = 'blocks.1.attn.hook_pattern';
  const r = await two.run(tokens, { hooks: [hook], logits: false });
  const n = r.length;
  const p = r.hooks[hook].data; // [batch, head_index, query_pos, key_pos]
  return Array.from({ length: L }, (_, k) => p[(v.head * n + (L + k)) * n + (k + 1)]);
}

/** Exercise 4: the reader's induction score (the mean of the stripe), to 0.002. */
export async function checkStripe(
  two: HookedModel,
  answer: string,
  variant = STRIPE,
): Promise<CheckResult> {
  const { checkNumber } = await import('../kit/exercise-answers');
  const v = await stripeValues(two, variant);
  return checkNumber(answer, v.reduce((a, b) => a + b, 0) / v.length, 0.002, false);
}

/** What notebook.py prints, computed here: the layer-1 heads' induction scores on tokens 200-249 said twice. */
export async function notebookExpected(two: HookedModel): Promise<string> {
  const L = 50;
  const tokens = Array.from({ length: 2 * L }, (_, i) => 200 + (i % L));
  const hook = 'blocks.1.attn.hook_pattern';
  const r = await two.run(tokens, { hooks: [hook], logits: false });
  const n = r.length;
  const p = r.hooks[hook].data; // [batch, head_index, query_pos, key_pos]
  return Array.from({ length: two.config.n_heads }, (_, h) => {
    let s = 0;
    for (let k = 0; k < L; k++) s += p[(h * n + (L + k)) * n + (k + 1)];
    return `1.${h} ${(s / L).toFixed(3)}`;
  }).join('\n');
}
