/**
 * Chapter 4's exercise checks: pure functions of the model, the tokenizer and
 * the reader's answer, shared by the exercise figure and by the test that
 * every exercise has a solution the shipped model accepts.
 */
import type { HookedModel } from '../../model/hooked-model';
import type { Tokenizer } from '../../model/tokenizer';
import type { CheckResult } from '../kit/Exercise';
import { type HeadId, headName } from '../kit/fields';
import { degenerateReason, refuseNoise } from '../kit/exercise-answers';
import { seedChoice } from '../kit/exercise-progress';
import { DEFAULT_PROMPT } from '../kit/fields';
import { formatNumber, formatPercent } from '../kit/format';

/** A failing verdict for an answer the prompt exercises refuse (empty, repetitive, noise, the chapter's example). */
async function refused(
  model: HookedModel,
  text: string,
  t: number[],
): Promise<CheckResult | undefined> {
  const bad = degenerateReason(t, 2);
  if (bad) return { ok: false, message: bad };
  if (text.trim() === DEFAULT_PROMPT)
    return { ok: false, message: 'That is the chapter’s own example; find a prompt of your own.' };
  return refuseNoise(model, t);
}

/** Exercise 2's bar: three times what a random 16-dimensional subspace of R^128 holds (12.5%). */
export const READ_TARGET = 0.375;

/** Exercise 3's bar: the writer's least share of what the reader's key reads. */
export const SHARE_TARGET = 0.5;

/**
 * Exercise 1: layer-0 head `guess` is the one whose output layer-1 head
 * `reader`'s keys read most, by K-composition score (a property of the
 * weights alone; the tokenizer is not needed).
 */
export async function checkComposition(
  model: HookedModel,
  _tokenizer: Tokenizer,
  reader: number,
  guess: number,
): Promise<CheckResult> {
  const { compositionScores } = await import('../../model/circuits');
  const n = model.config.n_heads;
  const scores = compositionScores(model.weights, 0, 1, 'K'); // [n_heads (layer 0), n_heads (layer 1)]
  const column = Array.from({ length: n }, (_, a) => scores[a * n + reader]);
  const best = column.indexOf(Math.max(...column));
  const ranked = [...column].sort((a, b) => b - a);
  const rank = ranked.indexOf(column[guess]) + 1;
  // A wrong guess learns its own score and rank, never which head is first.
  return best === guess
    ? {
        ok: true,
        message: `Yes: head 1.${reader}'s keys compose most with head 0.${guess} (score ${formatNumber(column[guess])}; the next best scores ${formatNumber(ranked[1])}).`,
      }
    : {
        ok: false,
        message: `Head 0.${guess} scores ${formatNumber(column[guess])} with 1.${reader}'s keys, rank ${rank} of ${n}.`,
      };
}

/** Exercise 2: at the prompt's last token, `head`'s query subspace holds at least READ_TARGET of the stream's squared norm. */
export async function checkRead(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
  head: HeadId,
): Promise<CheckResult> {
  const t = tokenizer.encode(text).slice(0, model.config.n_ctx);
  const no = await refused(model, text, t);
  if (no) return no;
  const { projectionFraction, readSubspace } = await import('../../model/subspaces');
  const U = readSubspace(model.weights, head.layer, head.head, 'Q').basis;
  const hook = `blocks.${head.layer}.hook_resid_pre`;
  const r = await model.run(t, { hooks: [hook], logits: false });
  const d = model.config.d_model;
  const x = r.hooks[hook].data.subarray((t.length - 1) * d, t.length * d);
  const f = projectionFraction(x, U);
  return {
    ok: f >= READ_TARGET,
    message: `At the last token head ${headName(head)}'s query reads ${formatPercent(f)} of the stream (target ${formatPercent(READ_TARGET)}; a random subspace gets 12.5%).`,
  };
}

/**
 * Exercise 3: at some position after the first, layer-0 head `writer`
 * supplies at least SHARE_TARGET of what layer-1 head `reader`'s key reads.
 */
export async function checkShare(
  model: HookedModel,
  tokenizer: Tokenizer,
  text: string,
  writer: number,
  reader: number,
): Promise<CheckResult> {
  const t = tokenizer.encode(text).slice(0, model.config.n_ctx);
  const no = await refused(model, text, t);
  if (no) return no;
  const { readShares } = await import('../../model/virtual-weights');
  const r = await model.run(t, {
    hooks: ['hook_embed', 'hook_pos_embed', 'blocks.0.attn.hook_result', 'blocks.1.hook_resid_pre'],
    logits: false,
  });
  const shares = readShares(model.weights, r.hooks, { layer: 1, head: reader, input: 'K' });
  const mine = shares.find((s) => s.writer === `0.${writer}`)!.share; // [pos]
  let best = 1;
  for (let p = 1; p < mine.length; p++) if (mine[p] > mine[best]) best = p;
  const v = mine[best] ?? mine[0];
  const token = tokenizer.tokenStrings([t[best]])[0];
  return {
    ok: v >= SHARE_TARGET,
    message: `Largest share after position 0: ${formatPercent(v)} of what 1.${reader}'s key reads at position ${best} (“${token}”) comes from head 0.${writer} (target ${formatPercent(SHARE_TARGET)}).`,
  };
}

/** Exercise 4's pair: head 0.3's output into head 1.5's keys. */
export const HAND_PAIR = { writer: 3, reader: 5 };

/** Exercise 4's pair for a student seed: any layer-0 writer and layer-1 reader ('' keeps HAND_PAIR). */
export function handVariant(seed: string, nHeads = 8): { writer: number; reader: number } {
  const i = seedChoice(seed, 'ch4.hand', nHeads * nHeads);
  return i === undefined ? HAND_PAIR : { writer: Math.floor(i / nHeads), reader: i % nHeads };
}

/**
 * Exercise 4's numbers, from the live weights: the Frobenius norms of
 * W_OV (0.w), W_QK (1.r) and their product W_OV W_QKᵀ, and the K-composition
 * score they give (the same as the composition grid's).
 */
export async function handNorms(
  model: HookedModel,
  pair = HAND_PAIR,
): Promise<{ product: number; ov: number; qk: number; score: number }> {
  const { ovCircuit, qkCircuit } = await import('../../model/circuits');
  const ov = ovCircuit(model.weights, 0, pair.writer);
  const qkT = qkCircuit(model.weights, 1, pair.reader).transpose();
  const product = ov.compose(qkT).norm();
  return { product, ov: ov.norm(), qk: qkT.norm(), score: product / (ov.norm() * qkT.norm()) };
}

/** Exercise 4: the reader's K-composition score from the three norms, to 1%. */
export async function checkHandScore(
  model: HookedModel,
  answer: string,
  pair = HAND_PAIR,
): Promise<CheckResult> {
  const { checkNumber } = await import('../kit/exercise-answers');
  return checkNumber(answer, (await handNorms(model, pair)).score, 0.01);
}

/** What notebook.py prints, computed here: the K-composition score of head 0.3 into head 1.2, to 4 decimals. */
export async function notebookExpected(model: HookedModel): Promise<string> {
  const { compositionScore } = await import('../../model/circuits');
  const s = compositionScore(model.weights, { layer: 0, head: 3 }, { layer: 1, head: 2 }, 'K');
  return s.toFixed(4);
}
