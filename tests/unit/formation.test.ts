/**
 * The formation of attn-only-2l's induction heads as the checkpoints resolve
 * it: the runtime's `formation()` (what chapter 6's figure shades) agrees with
 * what training/export.py wrote into checkpoints/index.json, and the shipped
 * checkpoints resolve it (the models issue: >= 8 inside the formation, >= 3
 * after it has settled).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CheckpointInfo } from '../../src/model/loader';
import { iclScore } from '../../src/model/metrics';
import { formation, SETTLED_DELTA } from '../../src/model/phase-change';
import { findModelDir } from './paths';

function index() {
  const dir = findModelDir('attn-only-2l');
  return JSON.parse(readFileSync(`${dir}/checkpoints/index.json`, 'utf8')) as {
    checkpoints: CheckpointInfo[];
    formation: { final_induction: number; in_band: number[]; settled_tail: number[] };
  };
}

describe('formation', () => {
  it('finds the checkpoints inside the formation and the settled tail', () => {
    const c = (step: number, induction_score: number) =>
      ({ step, tokens: 0, file: '', induction_score }) as CheckpointInfo;
    const f = formation([
      c(0, 0),
      c(1, 0.05),
      c(2, 0.3),
      c(3, 0.6),
      c(4, 0.79),
      c(5, 0.795),
      c(6, 0.8),
    ]);
    expect(f.final).toBe(0.8);
    expect(f.inBand).toEqual([2, 3]);
    expect(f.settledTail).toEqual([4, 5, 6]);
    // a tail that still moves is not settled
    expect(formation([c(0, 0), c(1, 0.5), c(2, 0.9), c(3, 1)]).settledTail).toEqual([3]);
    expect(() => formation([{ step: 0, tokens: 0, file: '' }])).toThrow(/induction_score/);
  });

  it('agrees with the formation training/export.py recorded for the shipped checkpoints', () => {
    const { checkpoints, formation: stored } = index();
    const f = formation(checkpoints);
    expect(f.final).toBe(stored.final_induction);
    expect(f.inBand).toEqual(stored.in_band);
    expect(f.settledTail).toEqual(stored.settled_tail);
  });

  it('the shipped checkpoints resolve the formation: >= 8 inside it, >= 3 settled after it', () => {
    const { checkpoints } = index();
    const f = formation(checkpoints);
    expect(f.inBand.length).toBeGreaterThanOrEqual(8);
    expect(f.settledTail.length).toBeGreaterThanOrEqual(3);
    const byStep = new Map(checkpoints.map((c) => [c.step, c.induction_score!]));
    for (let i = 1; i < f.settledTail.length; i++)
      expect(
        Math.abs(byStep.get(f.settledTail[i])! - byStep.get(f.settledTail[i - 1])!),
      ).toBeLessThan(SETTLED_DELTA);
  });
});

describe('iclScore', () => {
  it('is the mean over prompts of (mean loss at indices 95-105) - (mean loss at 5-15), with its standard error', () => {
    // entry p predicts token index p + 1: a loss of 5 before index 50 and 3 from it on
    const prompt = (late: number) =>
      Float64Array.from({ length: 127 }, (_, p) => (p + 1 < 50 ? 5 : late));
    const r = iclScore([prompt(3), prompt(4)]);
    expect(r.score).toBeCloseTo(-1.5, 12);
    expect(r.stderr).toBeCloseTo(Math.sqrt(0.5 / 2), 12);
    expect(() => iclScore([new Float64Array(50)])).toThrow(/need 105/);
  });
});
