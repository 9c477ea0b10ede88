/**
 * Chapter 2's exercise checks: pure functions of the model, the tokenizer and
 * the reader's answer, shared by the exercise figure and by the test that
 * every exercise has a solution the shipped model accepts.
 */
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import type { CheckResult } from '../kit/Exercise';
import { degenerateReason, refuseNoise } from '../kit/exercise-answers';
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
