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
