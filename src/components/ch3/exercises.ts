/**
 * Chapter 3's exercise checks: pure functions of the model, the tokenizer and
 * the reader's answer, shared by the exercise figure and by the test that
 * every exercise has a solution the shipped model accepts.
 */
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import type { CheckResult } from '../kit/Exercise';
import { DEFAULT_PROMPT } from '../kit/fields';
import { degenerateReason, refuseNoise } from '../kit/exercise-answers';
import { seedChoice } from '../kit/exercise-progress';
import { formatNumber, formatPercent } from '../kit/format';

/** The changes of basis exercise 2 offers, and how each is built. */
export const CHANGES = [
  { id: 'resid', label: 'rotate the residual stream (random rotation, seed 3)' },
  { id: 'permute', label: 'permute the 512 neurons (seed 3)' },
  { id: 'small', label: 'rotate neurons 0 and 1 by just 1°' },
  { id: 'sign', label: 'flip the sign of neuron 0 (and of its output weights)' },
] as const;

/** Exercise 1's bar: the unrotated model's top prediction must get at least this probability. */
export const CONFIDENT = 0.3;

/** Exercise 1: on natural text other than the chapter's example, rotating the MLP neurons (random rotation, seed 1) changes a top prediction the unrotated model gives at least CONFIDENT. */
export async function checkRotation(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
): Promise<CheckResult> {
  const ids = tokenizer.encode(text).slice(0, model.config.n_ctx);
  const bad = degenerateReason(ids);
  if (bad) return { ok: false, message: bad };
  if (text.trim() === DEFAULT_PROMPT)
    return { ok: false, message: 'That is the chapter’s own example; find a prompt of your own.' };
  const noise = await refuseNoise(model, ids);
  if (noise) return noise;
  const { randomOrthogonal } = await import('../../model/random');
  const { rotateMlpNeurons } = await import('../../model/rotation');
  const { logitsAt, topPredictions } = await import('../../model/predictions');
  const P = randomOrthogonal(model.config.d_mlp ?? 512, 1);
  const base = await model.run(ids);
  const rot = await model.run(ids, { weights: rotateMlpNeurons(model.weights, 0, P) });
  const pos = ids.length - 1;
  const a = topPredictions(logitsAt(base.logits!, pos), 1)[0].id;
  const b = topPredictions(logitsAt(rot.logits!, pos), 1)[0].id;
  const [ta, tb] = tokenizer.tokenStrings([a, b]);
  const sure = topPredictions(logitsAt(base.logits!, pos), 1)[0].prob;
  if (sure < CONFIDENT)
    return {
      ok: false,
      message: `The model gives its favourite “${ta}” only ${formatPercent(sure)}; a prediction that unsure changes at any nudge. Find one it gives at least ${formatPercent(CONFIDENT)}.`,
    };
  return a !== b
    ? {
        ok: true,
        message: `The model predicts “${ta}”; with its neurons rotated it predicts “${tb}”.`,
      }
    : {
        ok: false,
        message: `Both predict “${ta}”. Mixing the neurons moved the logits, but not enough to change the winner here: try another prompt.`,
      };
}

/**
 * Exercise 2: `picked` holds exactly the changes of basis that leave the
 * logits on the book's default prompt unchanged (to 1e-5 of their largest
 * value).
 */
export async function checkInvariances(
  model: HookedModel,
  tokenizer: Tokenizer,
  picked: ReadonlySet<string>,
): Promise<CheckResult> {
  const { Matrix } = await import('ml-matrix');
  const { randomOrthogonal } = await import('../../model/random');
  const { rotateMlpNeurons, rotateResidualStream } = await import('../../model/rotation');
  const { maxAbs, maxAbsDiff, planeRotation, randomPermutation } =
    await import('../../model/basis');
  const d = model.config.d_mlp ?? 512;
  const ids = tokenizer.encode(DEFAULT_PROMPT);
  const base = await model.run(ids);
  const scale = maxAbs(base.logits!.data);
  const flip = Matrix.eye(d, d);
  flip.set(0, 0, -1);
  const weights = {
    resid: rotateResidualStream(model.weights, randomOrthogonal(model.config.d_model, 3)),
    permute: rotateMlpNeurons(model.weights, 0, randomPermutation(d, 3)),
    small: rotateMlpNeurons(model.weights, 0, planeRotation(d, 0, 1, Math.PI / 180)),
    sign: rotateMlpNeurons(model.weights, 0, flip),
  };
  const verdicts = [];
  let right = 0;
  for (const c of CHANGES) {
    const r = await model.run(ids, { weights: weights[c.id] });
    const diff = maxAbsDiff(r.logits!.data, base.logits!.data);
    const unchanged = diff < 1e-5 * scale;
    if (unchanged === picked.has(c.id)) right++;
    verdicts.push(
      `${c.label}: largest logit change ${formatNumber(diff)} (${unchanged ? 'unchanged' : 'changed'})`,
    );
  }
  // A wrong choice learns only that it is wrong: the verdict for each option
  // would give the others away.
  return right === CHANGES.length
    ? { ok: true, message: `All ${CHANGES.length} right. ${verdicts.join('; ')}.` }
    : {
        ok: false,
        message: `Not yet: at least one of your ${picked.size === 0 ? 'choices (you ticked none)' : 'choices'} is wrong.`,
      };
}

/** Exercises 3 and 4's prompt: one gelu-1l is sure of (“ God”). */
export const SURE_PROMPT = 'I am the LORD your';
/** Exercise 3's options. */
export const SMALL_OPTIONS = ['same', 'changes'] as const;

/** Exercise 3's truth: the top prediction after SURE_PROMPT before and after rotating neurons 0 and 1 by 1°, and the largest logit change. */
export async function smallRotationOutcome(
  model: HookedModel,
  tokenizer: Tokenizer,
): Promise<{ truth: (typeof SMALL_OPTIONS)[number]; message: string }> {
  const { planeRotation } = await import('../../model/basis');
  const { rotateMlpNeurons } = await import('../../model/rotation');
  const { logitsAt, topPredictions } = await import('../../model/predictions');
  const ids = tokenizer.encode(SURE_PROMPT);
  const pos = ids.length - 1;
  const base = await model.run(ids);
  const R = planeRotation(model.config.d_mlp ?? 512, 0, 1, Math.PI / 180);
  const rot = await model.run(ids, { weights: rotateMlpNeurons(model.weights, 0, R) });
  const a = logitsAt(base.logits!, pos);
  const b = logitsAt(rot.logits!, pos);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  const [ta, tb] = [topPredictions(a, 1)[0].id, topPredictions(b, 1)[0].id];
  const [sa, sb] = tokenizer.tokenStrings([ta, tb]);
  return {
    truth: ta === tb ? 'same' : 'changes',
    message: `The model predicts “${sa}”; rotated by 1°, “${sb}”. The largest logit change is ${formatNumber(diff)}.`,
  };
}

/** Exercise 3: the reader's committed prediction of whether a 1° rotation of two neurons changes a sure prediction. */
export async function checkSmallPredict(
  model: HookedModel,
  tokenizer: Tokenizer,
  picked: string,
): Promise<CheckResult> {
  if (!SMALL_OPTIONS.some((o) => o === picked))
    return { ok: false, message: 'Choose your prediction first.' };
  const { truth, message } = await smallRotationOutcome(model, tokenizer);
  return {
    ok: picked === truth,
    message: `You predicted it ${picked === 'same' ? 'stays the same' : 'changes'}. ${message}`,
  };
}

/** The error function, to 1.5e-7 (Abramowitz and Stegun 7.1.26): GELU(x) = x Φ(x) = x (1 + erf(x/√2)) / 2. */
export function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** GELU as TransformerLens's 'gelu' computes it (the exact, erf form). */
export function gelu(x: number): number {
  return (x * (1 + erf(x / Math.SQRT2))) / 2;
}

/** Exercise 4's neuron for a student seed: any of the d_mlp neurons ('' keeps neuron 0). */
export function flipVariant(seed: string, dMlp = 512): number {
  return seedChoice(seed, 'ch3.flip', dMlp) ?? 0;
}

/** Exercise 4's number, from the live model: neuron 0's pre-activation at the last token of SURE_PROMPT. */
export async function neuronPre(
  model: HookedModel,
  tokenizer: Tokenizer,
  neuron = 0,
): Promise<number> {
  const ids = tokenizer.encode(SURE_PROMPT);
  const hook = 'blocks.0.mlp.hook_pre';
  const r = await model.run(ids, { hooks: [hook], logits: false });
  const d = model.config.d_mlp ?? 512;
  return r.hooks[hook].data[(ids.length - 1) * d + neuron]; // [batch, pos, d_mlp]
}

/** Exercise 4: GELU(x) + GELU(−x) for the neuron’s x, what flipping its sign changes its output coefficient by; to 1% or 2e-4 (so 0, the answer for an odd function, fails unless x is near 0). */
export async function checkFlip(
  model: HookedModel,
  tokenizer: Tokenizer,
  answer: string,
  neuron = 0,
): Promise<CheckResult> {
  const { checkNumber } = await import('../kit/exercise-answers');
  const x = await neuronPre(model, tokenizer, neuron);
  const truth = gelu(x) + gelu(-x);
  return checkNumber(answer, truth, Math.max(2e-4, 0.01 * Math.abs(truth)), false);
}

/** What notebook.py prints, computed here: `True` (permuting the neurons keeps every logit) and the top token after SURE_PROMPT. */
export async function notebookExpected(model: HookedModel, tokenizer: Tokenizer): Promise<string> {
  const { logitsAt, topPredictions } = await import('../../model/predictions');
  const { pyRepr } = await import('../kit/exercise-answers');
  const { randomPermutation, maxAbsDiff } = await import('../../model/basis');
  const { rotateMlpNeurons } = await import('../../model/rotation');
  const ids = tokenizer.encode(SURE_PROMPT);
  const base = await model.run(ids);
  const perm = await model.run(ids, {
    weights: rotateMlpNeurons(model.weights, 0, randomPermutation(model.config.d_mlp ?? 512, 0)),
  });
  const same = maxAbsDiff(perm.logits!.data, base.logits!.data) < 1e-4;
  const [top] = topPredictions(logitsAt(perm.logits!, ids.length - 1), 1);
  return `${same ? 'True' : 'False'}\n${pyRepr(tokenizer.decode([top.id]))}`;
}
