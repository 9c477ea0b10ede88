/**
 * The instructor notes (issue 16 item 6) cover every exercise, and what they
 * state about the models' answers is what the shipped models do; the Node
 * command prints the solutions for a list of student seeds.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import * as ch2 from '../../src/components/ch2/exercises';
import * as ch3 from '../../src/components/ch3/exercises';
import * as ch4 from '../../src/components/ch4/exercises';
import * as ch5 from '../../src/components/ch5/exercises';
import { EXERCISES } from '../../src/components/kit/exercise-catalog';
import { optionProbabilities } from '../../src/components/kit/exercise-answers';
import { EXERCISE_NOTES } from '../../src/lib/exercise-notes';
import { compositionScore } from '../../src/model/circuits';
import { tokenizer } from './exercise-helpers';
import { loadNodeModel } from './node-model';
import { root } from './paths';

describe('instructor notes', () => {
  it('every exercise has a note with what it tests, a solution, wrong answers and a time; seeded ones say what the seed changes', () => {
    expect(Object.keys(EXERCISE_NOTES).sort()).toEqual(EXERCISES.map((e) => e.id).sort());
    for (const [id, n] of Object.entries(EXERCISE_NOTES)) {
      expect(n.tests.length, id).toBeGreaterThan(10);
      expect(n.solution.length, id).toBeGreaterThan(3);
      expect(n.wrong.length, id).toBeGreaterThan(0);
      expect(n.minutes, id).toBeGreaterThan(0);
    }
    const seeded = Object.keys(EXERCISE_NOTES).filter((id) => EXERCISE_NOTES[id].variant);
    expect(seeded.sort()).toEqual(['ch2.sum', 'ch3.flip', 'ch4.hand', 'ch5.eigen', 'ch6.stripe']);
  });

  it('the answers the notes state are the shipped models’', async () => {
    const two = await loadNodeModel('attn-only-2l');
    // ch4.composition: head 0.3 for each induction head
    for (const reader of [2, 5, 7]) {
      const scores = Array.from({ length: 8 }, (_, w) =>
        compositionScore(two.weights, { layer: 0, head: w }, { layer: 1, head: reader }, 'K'),
      );
      expect(scores.indexOf(Math.max(...scores)), `reader 1.${reader}`).toBe(3);
    }
    expect((await ch2.ablateOutcome(two, tokenizer)).truth).toBe('same');
    expect((await ch3.smallRotationOutcome(await loadNodeModel('gelu-1l'), tokenizer)).truth).toBe(
      'same',
    );
    const probs = await optionProbabilities(
      await loadNodeModel('attn-only-1l'),
      tokenizer,
      ch5.NAME_PROMPT,
      ch5.NAME_OPTIONS,
    );
    expect(probs.reduce((a, b) => (b.prob > a.prob ? b : a)).option).toBe('.');
    expect(ch4.HAND_PAIR).toEqual({ writer: 3, reader: 5 });
  });

  it('`npm run solutions -- <seeds>` prints every exercise and each seed’s variants with their answers', () => {
    const out = execFileSync(
      process.execPath,
      [`${root}scripts/exercise-solutions.mjs`, 'alice', 'S1'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    for (const e of EXERCISES) expect(out).toContain(e.id);
    expect(out).toContain('Student seed "alice"');
    expect(out).toContain('Student seed "S1"');
    const alice = out.slice(out.indexOf('Student seed "alice"'));
    expect(alice).toContain(`ch2.sum     head ${ch2.sumVariant('alice')}:`);
    expect(alice).toMatch(/ch6\.stripe {2}sequence seed \d+, head 1\.\d: \d\.\d{3}/);
  }, 150_000);
});
