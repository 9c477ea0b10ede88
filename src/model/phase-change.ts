/**
 * Where the induction-head phase change sits in a model's training
 * checkpoints (Olsson et al., 2022), from the numbers `checkpoints/index.json`
 * holds for each checkpoint.
 */
import type { CheckpointInfo } from './loader';

/** The interval of consecutive checkpoints where the induction score rises most. */
export interface PhaseChange {
  /** Index (into the checkpoints, sorted by step) of the checkpoint before the jump. */
  before: number;
  /** Index of the checkpoint after it (`before + 1`). */
  after: number;
  /** Rise of the best induction score across the interval. */
  rise: number;
  /** Change of the in-context-learning score across the same interval (negative = more use of context). */
  iclChange: number;
}

/**
 * The interval of consecutive checkpoints over which the induction score rises
 * most: the phase change, at the resolution the checkpoints allow. Throws for
 * fewer than two checkpoints or when the index lacks induction scores.
 */
export function phaseChange(checkpoints: readonly CheckpointInfo[]): PhaseChange {
  if (checkpoints.length < 2) throw new Error('phaseChange: needs at least two checkpoints');
  const score = (i: number) => {
    const s = checkpoints[i].induction_score;
    if (s === undefined)
      throw new Error(`phaseChange: checkpoint ${checkpoints[i].step} has no induction_score`);
    return s;
  };
  let best: PhaseChange | undefined;
  for (let i = 0; i + 1 < checkpoints.length; i++) {
    const rise = score(i + 1) - score(i);
    if (!best || rise > best.rise)
      best = {
        before: i,
        after: i + 1,
        rise,
        iclChange: (checkpoints[i + 1].icl_score ?? NaN) - (checkpoints[i].icl_score ?? NaN),
      };
  }
  return best as PhaseChange;
}

/** Share of the final induction score that bounds the formation (as in training/export.py). */
export const FORMATION_BAND = [0.1, 0.9] as const;
/** "Settled": the induction score moves by less than this between checkpoints. */
export const SETTLED_DELTA = 0.02;

/** When the induction heads form, read from the checkpoints. */
export interface Formation {
  /** Best induction score of the last checkpoint. */
  final: number;
  /** Steps of the checkpoints whose score is strictly between 10% and 90% of `final`. */
  inBand: number[];
  /** Steps of the last checkpoints after the formation between which the score moves by < SETTLED_DELTA. */
  settledTail: number[];
}

/**
 * The formation of the induction heads at the resolution of the checkpoints:
 * which checkpoints lie inside it (score strictly between 10% and 90% of the
 * final one) and which, at the end, have settled. Throws when the index lacks
 * induction scores.
 */
export function formation(checkpoints: readonly CheckpointInfo[]): Formation {
  const score = checkpoints.map((c) => {
    if (c.induction_score === undefined)
      throw new Error(`formation: checkpoint ${c.step} has no induction_score`);
    return c.induction_score;
  });
  const final = score[score.length - 1];
  const inBand = checkpoints
    .filter((_, i) => FORMATION_BAND[0] * final < score[i] && score[i] < FORMATION_BAND[1] * final)
    .map((c) => c.step);
  const tail = [checkpoints.length - 1];
  for (let i = checkpoints.length - 2; i >= 0; i--) {
    const inside = inBand.includes(checkpoints[i].step);
    if (inside || Math.abs(score[i] - score[tail[tail.length - 1]]) >= SETTLED_DELTA) break;
    tail.push(i);
  }
  return { final, inBand, settledTail: tail.reverse().map((i) => checkpoints[i].step) };
}
