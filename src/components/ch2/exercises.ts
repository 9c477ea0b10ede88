/**
 * Chapter 2's exercise checks: pure functions of the model, the tokenizer and
 * the reader's answer, shared by the exercise figure and by the test that
 * every exercise has a solution the shipped model accepts.
 */
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import type { CheckResult } from '../kit/Exercise';
import { degenerateReason, refuseNoise } from '../kit/exercise-answers';
import { seedChoice } from '../kit/exercise-progress';
import { DEFAULT_PROMPT, headName } from '../kit/fields';
import { formatPercent, formatSigned } from '../kit/format';

/** Thrown by `prepare` for an answer the checks refuse; its message is the verdict. */
class Refused extends Error {}

/**
 * The answer's tokens, refused (as a failing verdict) when it is empty, one
 * token over and over, noise to the model, or the chapter's own example.
 */
async function prepare(model: HookedModel, tokenizer: Tokenizer, text: string) {
  const ids = tokenizer.encode(text).slice(0, model.config.n_ctx);
  const bad = degenerateReason(ids);
  if (bad) throw new Refused(bad);
  if (text.trim() === DEFAULT_PROMPT)
    throw new Refused('That is the chapter’s own example; find a prompt of your own.');
  const noise = await refuseNoise(model, ids);
  if (noise) throw new Refused(noise.message);
  return { ids, show: (id: number) => tokenizer.tokenStrings([id])[0] };
}

/** Runs a check, turning a refused answer into a failing verdict. */
async function guarded(run: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof Refused) return { ok: false, message: e.message };
    throw e;
  }
}

/** Exercise 1: at the last position some head's direct contribution to the top prediction exceeds the token embedding's. */
export async function checkBeat(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<CheckResult> {
  return guarded(async () => {
    const { ids, show } = await prepare(model, tokenizer, text);
    const hooks = [
      'hook_embed',
      'hook_pos_embed',
      ...Array.from({ length: model.config.n_layers }, (_, l) => `blocks.${l}.attn.hook_result`),
    ];
    const r = await model.run(ids, { hooks });
    const { directLogitAttribution } = await import('../../model/metrics');
    const { logitsAt, topPredictions } = await import('../../model/predictions');
    const pos = ids.length - 1;
    const [top] = topPredictions(logitsAt(r.logits!, pos), 1);
    const parts = directLogitAttribution(model.weights, { ...r.hooks }, pos, top.id);
    const embed = parts.find((p) => p.component === 'embed')!.value;
    const best = parts.filter((p) => /^\d/.test(p.component)).sort((a, b) => b.value - a.value)[0];
    const msg = `Top prediction “${show(top.id)}”: token embedding ${formatSigned(embed)}, best head ${best.component} ${formatSigned(best.value)}.`;
    return {
      ok: best.value > embed,
      message: best.value > embed ? msg : `${msg} The embedding still wins.`,
    };
  });
}

/** Exercise 2: switching `head` off changes the top prediction at the last position. */
export async function checkKnock(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
  head: { layer: number; head: number },
): Promise<CheckResult> {
  return guarded(async () => {
    const { ids, show } = await prepare(model, tokenizer, text);
    const { headMaskWithout } = await import('../../model/head-mask');
    const { logitsAt, topPredictions } = await import('../../model/predictions');
    const per = model.config.n_layers * model.config.n_heads;
    const mask = new Float32Array(2 * per).fill(1);
    mask.set(headMaskWithout(model.config, [head]), per);
    const r = await model.run([ids, ids], { headMask: mask });
    const pos = ids.length - 1;
    const [a] = topPredictions(logitsAt(r.logits!, pos, 0), 1);
    const [b] = topPredictions(logitsAt(r.logits!, pos, 1), 1);
    const msg = `With every head: “${show(a.id)}” (${formatPercent(a.prob)}); without ${headName(head)}: “${show(b.id)}” (${formatPercent(b.prob)}).`;
    return { ok: a.id !== b.id, message: a.id !== b.id ? msg : `${msg} Same answer.` };
  });
}

/** Exercise 3's bar: the final top prediction must rank below this many tokens in the lens after the embedding. */
export const LENS_RANK = 20;

/** Exercise 3: the final top prediction is outside the top LENS_RANK of the logit lens after the embedding. */
export async function checkLens(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<CheckResult> {
  return guarded(async () => {
    const { ids, show } = await prepare(model, tokenizer, text);
    const { n_layers } = model.config;
    const hooks = [
      'blocks.0.hook_resid_pre',
      ...Array.from({ length: n_layers }, (_, l) => `blocks.${l}.hook_resid_post`),
    ];
    const r = await model.run(ids, { hooks, logits: false });
    const { logitLens } = await import('../../model/metrics');
    const lens = logitLens(model.weights, r.hooks, ids.length - 1);
    const final = lens[n_layers];
    let top = 0;
    for (let i = 1; i < final.length; i++) if (final[i] > final[top]) top = i;
    const rank = (row: Float64Array) => row.reduce((n, v) => n + (v > row[top] ? 1 : 0), 0);
    const ranks = lens.map(rank);
    const msg = `The final top token “${show(top)}” is ranked #${ranks[0] + 1} after the embedding${n_layers > 1 ? `, #${ranks[1] + 1} after layer 0` : ''}.`;
    const ok = ranks[0] >= LENS_RANK;
    return {
      ok,
      message: ok ? msg : `${msg} The embedding alone already ranks it in the top ${LENS_RANK}.`,
    };
  });
}

/** Exercises 4 and 6's prompt: a verse cut off where the heads, not the last token, decide. */
export const SUM_PROMPT = 'And God said, Let there be light: and there was';
/** Exercise 4's hidden term: the reader computes this head's direct contribution. */
export const HIDDEN_HEAD = '1.1';

/** Exercise 4's hidden head for a student seed: any of the 16 heads ('' keeps HIDDEN_HEAD). */
export function sumVariant(seed: string, nLayers = 2, nHeads = 8): string {
  const i = seedChoice(seed, 'ch2.sum', nLayers * nHeads);
  return i === undefined ? HIDDEN_HEAD : `${Math.floor(i / nHeads)}.${i % nHeads}`;
}

/** One row of exercise 4's table: a component and its direct contribution to the top token's logit. */
export interface SumTerm {
  component: string;
  value: number;
}

/**
 * Exercise 4's numbers, from the live model: the top token after SUM_PROMPT,
 * its logit, and every component's direct contribution to it (they sum to the
 * logit exactly, the model having no LayerNorm).
 */
export async function sumTerms(
  model: HookedModel,
  tokenizer: Tokenizer,
): Promise<{ token: string; logit: number; terms: SumTerm[] }> {
  const ids = tokenizer.encode(SUM_PROMPT);
  const hooks = [
    'hook_embed',
    'hook_pos_embed',
    ...Array.from({ length: model.config.n_layers }, (_, l) => `blocks.${l}.attn.hook_result`),
  ];
  const r = await model.run(ids, { hooks });
  const { directLogitAttribution } = await import('../../model/metrics');
  const { logitsAt, topPredictions } = await import('../../model/predictions');
  const pos = ids.length - 1;
  const row = logitsAt(r.logits!, pos);
  const [top] = topPredictions(row, 1);
  return {
    token: tokenizer.tokenStrings([top.id])[0],
    logit: row[top.id],
    terms: directLogitAttribution(model.weights, { ...r.hooks }, pos, top.id),
  };
}

/** Exercise 4: the reader's value of HIDDEN_HEAD's direct contribution, to 0.02 (the table shows 3 decimals). */
export async function checkSum(
  model: HookedModel,
  tokenizer: Tokenizer,
  answer: string,
  hidden = HIDDEN_HEAD,
): Promise<CheckResult> {
  const { checkNumber } = await import('../kit/exercise-answers');
  const { terms } = await sumTerms(model, tokenizer);
  return checkNumber(answer, terms.find((t) => t.component === hidden)!.value, 0.02, false);
}

/** Exercise 5's prompt and head: does switching the head off change the top prediction? */
export const ABLATE_PROMPT = 'Thus saith the';
/** Exercise 5's head (the previous-token head of layer 0). */
export const ABLATE_HEAD = { layer: 0, head: 3 };
/** Exercise 5's options. */
export const ABLATE_OPTIONS = ['same', 'changes'] as const;

/** Exercise 5's truth, from the live model: the top prediction with every head and without ABLATE_HEAD. */
export async function ablateOutcome(
  model: HookedModel,
  tokenizer: Tokenizer,
): Promise<{ truth: (typeof ABLATE_OPTIONS)[number]; message: string }> {
  const { headMaskWithout } = await import('../../model/head-mask');
  const { logitsAt, topPredictions } = await import('../../model/predictions');
  const ids = tokenizer.encode(ABLATE_PROMPT);
  const per = model.config.n_layers * model.config.n_heads;
  const mask = new Float32Array(2 * per).fill(1);
  mask.set(headMaskWithout(model.config, [ABLATE_HEAD]), per);
  const r = await model.run([ids, ids], { headMask: mask });
  const pos = ids.length - 1;
  const [a] = topPredictions(logitsAt(r.logits!, pos, 0), 1);
  const [b] = topPredictions(logitsAt(r.logits!, pos, 1), 1);
  const [ta, tb] = tokenizer.tokenStrings([a.id, b.id]);
  return {
    truth: a.id === b.id ? 'same' : 'changes',
    message: `With every head the model gives “${ta}” ${formatPercent(a.prob)}; without head ${headName(ABLATE_HEAD)}, “${tb}” ${formatPercent(b.prob)}.`,
  };
}

/** Exercise 5: the reader's committed prediction of whether switching ABLATE_HEAD off changes the top prediction. */
export async function checkAblatePredict(
  model: HookedModel,
  tokenizer: Tokenizer,
  picked: string,
): Promise<CheckResult> {
  if (!ABLATE_OPTIONS.some((o) => o === picked))
    return { ok: false, message: 'Choose your prediction first.' };
  const { truth, message } = await ablateOutcome(model, tokenizer);
  return {
    ok: picked === truth,
    message: `You predicted it ${picked === 'same' ? 'stays the same' : 'changes'}. ${message}`,
  };
}

/** What notebook.py prints, computed here: the logit lens's top token before each layer and at the end, after SUM_PROMPT. */
export async function notebookExpected(model: HookedModel, tokenizer: Tokenizer): Promise<string> {
  const { logitLens } = await import('../../model/metrics');
  const { pyRepr } = await import('../kit/exercise-answers');
  const ids = tokenizer.encode(SUM_PROMPT);
  const { n_layers } = model.config;
  const hooks = [
    'blocks.0.hook_resid_pre',
    ...Array.from({ length: n_layers }, (_, l) => `blocks.${l}.hook_resid_post`),
  ];
  const r = await model.run(ids, { hooks, logits: false });
  const lens = logitLens(model.weights, r.hooks, ids.length - 1);
  const names = [
    ...Array.from({ length: n_layers }, (_, l) => `blocks.${l}.hook_resid_pre`),
    `blocks.${n_layers - 1}.hook_resid_post`,
  ];
  return names
    .map((name, i) => {
      let top = 0;
      for (let j = 1; j < lens[i].length; j++) if (lens[i][j] > lens[i][top]) top = j;
      return `${name} ${pyRepr(tokenizer.decode([top]))}`;
    })
    .join('\n');
}
