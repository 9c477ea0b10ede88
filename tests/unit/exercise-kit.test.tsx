// @vitest-environment happy-dom
/**
 * The exercise kit (issue 16 items 2, 5 and 7): saved progress parses what it
 * wrote, ignores corrupt or foreign data with a note and never unsolves an
 * exercise; hints come one at a time after wrong checks and the solution only
 * on request after an attempt; numbers are checked to a tolerance without
 * giving the value away; the catalog and the chapter figures agree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { act, cleanup, fireEvent, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Exercise } from '../../src/components/kit/Exercise';
import { checkNumber, parseAnswerNumber } from '../../src/components/kit/exercise-answers';
import { EXERCISES } from '../../src/components/kit/exercise-catalog';
import {
  EMPTY_PROGRESS,
  exportProgress,
  hintStage,
  parseProgress,
  PROGRESS_KEY,
  recordAttempt,
  serializeProgress,
  withSeed,
} from '../../src/components/kit/exercise-progress';
import { root } from './paths';

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});

const T0 = new Date('2026-11-29T12:00:00Z');
const T1 = new Date('2026-11-29T13:00:00Z');

describe('saved progress', () => {
  it('round-trips what it writes, and records a pass with its answer and time', () => {
    let p = withSeed(EMPTY_PROGRESS, 'alice-7');
    p = recordAttempt(p, 'ch1.confident', 'hello', false, T0);
    p = recordAttempt(p, 'ch1.confident', 'Thus saith the', true, T1);
    expect(p.exercises['ch1.confident']).toEqual({
      solved: true,
      answer: 'Thus saith the',
      at: T1.toISOString(),
      attempts: 2,
      seed: 'alice-7',
    });
    const back = parseProgress(serializeProgress(p));
    expect(back).toEqual({ progress: p });
  });

  it('a later wrong check never unsolves an exercise nor replaces the passing answer', () => {
    let p = recordAttempt(EMPTY_PROGRESS, 'ch2.beat', 'right', true, T0);
    p = recordAttempt(p, 'ch2.beat', 'wrong', false, T1);
    expect(p.exercises['ch2.beat']).toMatchObject({ solved: true, answer: 'right', attempts: 2 });
  });

  it('ignores corrupt or foreign data with a note, and keeps the records it can read', () => {
    expect(parseProgress(null)).toEqual({ progress: EMPTY_PROGRESS });
    for (const raw of ['{not json', '[1,2]', '42', '"text"']) {
      const r = parseProgress(raw);
      expect(r.progress).toEqual(EMPTY_PROGRESS);
      expect(r.note).toMatch(/ignored/);
    }
    const good = { solved: true, answer: 'x', at: T0.toISOString(), attempts: 1, seed: '' };
    const r = parseProgress(
      JSON.stringify({
        seed: 'bob',
        exercises: {
          'ch1.confident': good,
          'ch9.future-exercise': good, // unknown to this version, still kept: keyed by id
          'not an id': good,
          'ch2.beat': { solved: 'yes' },
          'ch2.lens': { ...good, at: 'yesterday' },
        },
      }),
    );
    expect(Object.keys(r.progress.exercises).sort()).toEqual([
      'ch1.confident',
      'ch9.future-exercise',
    ]);
    expect(r.progress.seed).toBe('bob');
    expect(r.note).toBe('3 saved entries could not be read and were ignored.');
  });

  it('exports the book version, the seed and every record, sorted by id', () => {
    let p = withSeed(EMPTY_PROGRESS, 's1');
    p = recordAttempt(p, 'ch6.name', 'a', true, T0);
    p = recordAttempt(p, 'ch1.fluent', 'b', false, T0);
    const out = JSON.parse(exportProgress(p, '1.2.3', T1));
    expect(out).toMatchObject({ book: 'Circuits', bookVersion: '1.2.3', seed: 's1' });
    expect(Object.keys(out.exercises)).toEqual(['ch1.fluent', 'ch6.name']);
    expect(() => withSeed(p, 'no spaces allowed')).toThrow();
  });
});

describe('hints and solutions', () => {
  it('hint 1 after the first wrong check, hint 2 after the second, the solution offered only after an attempt', () => {
    expect(hintStage(0, 0)).toEqual({ hints: 0, solutionOffered: false });
    expect(hintStage(1, 1)).toEqual({ hints: 1, solutionOffered: true });
    expect(hintStage(2, 2)).toEqual({ hints: 2, solutionOffered: true });
    expect(hintStage(5, 5)).toEqual({ hints: 2, solutionOffered: true });
    expect(hintStage(1, 0)).toEqual({ hints: 0, solutionOffered: true });
  });

  it('the exercise frame shows them in that order, saves each check, and shows the solution only when asked', async () => {
    let ok = false;
    const { container, getByRole, queryByRole } = render(
      <Exercise
        n={1}
        id="ch1.confident"
        kind="prompt"
        task="Do it."
        answer="my answer"
        check={() => Promise.resolve({ ok, message: ok ? 'yes' : 'no' })}
        hints={['first hint', 'second hint']}
        solution="the solution"
      />,
    );
    const hints = () => [...container.querySelectorAll('[data-hint]')].map((h) => h.textContent);
    expect(queryByRole('button', { name: 'Show solution' })).toBeNull();
    expect(hints()).toEqual([]);
    const check = getByRole('button', { name: 'Check with the model' });
    await act(async () => {
      fireEvent.click(check);
    });
    expect(hints()).toEqual(['Hint. first hint']);
    expect(container.textContent).not.toContain('the solution');
    await act(async () => {
      fireEvent.click(check);
    });
    expect(hints()).toEqual(['Hint. first hint', 'A stronger hint. second hint']);
    await act(async () => {
      fireEvent.click(getByRole('button', { name: 'Show solution' }));
    });
    expect(container.querySelector('[data-testid="solution"]')?.textContent).toContain(
      'the solution',
    );
    ok = true;
    await act(async () => {
      fireEvent.click(check);
    });
    expect(hints()).toEqual([]);
    expect(container.querySelector('.kit-exercise-result')?.getAttribute('data-ok')).toBe('true');
  });

  it('inside a set, each check is saved in localStorage under the exercise id', async () => {
    const { ProgressContext, useExerciseProgress } =
      await import('../../src/components/kit/use-exercise-progress');
    function Set() {
      const h = useExerciseProgress();
      return (
        <ProgressContext.Provider value={h}>
          <Exercise
            n={1}
            id="ch2.lens"
            kind="prompt"
            task="t"
            answer="the answer"
            check={() => Promise.resolve({ ok: true, message: 'yes' })}
            hints={['a', 'b']}
            solution="s"
          />
        </ProgressContext.Provider>
      );
    }
    const { getByRole, findByTestId } = render(<Set />);
    await act(async () => {
      fireEvent.click(getByRole('button', { name: 'Check with the model' }));
    });
    const saved = parseProgress(window.localStorage.getItem(PROGRESS_KEY)).progress;
    expect(saved.exercises['ch2.lens']).toMatchObject({ solved: true, answer: 'the answer' });
    expect((await findByTestId('solved-mark')).textContent).toMatch(/solved \d{4}-\d\d-\d\d/);
  });
});

describe('numeric answers', () => {
  it('reads the ways people write numbers', () => {
    expect(parseAnswerNumber('1,234.5')).toBe(1234.5);
    expect(parseAnswerNumber(' −0.25 ')).toBe(-0.25);
    expect(parseAnswerNumber('3e-4')).toBe(3e-4);
    expect(parseAnswerNumber('12%')).toBeCloseTo(0.12);
    expect(parseAnswerNumber('about 3')).toBeUndefined();
    expect(parseAnswerNumber('')).toBeUndefined();
  });

  it('accepts within the tolerance and never states the true value on a miss', () => {
    expect(checkNumber('0.42', 0.4213, 0.01).ok).toBe(true);
    const miss = checkNumber('0.5', 0.4213, 0.01);
    expect(miss.ok).toBe(false);
    expect(miss.message).not.toContain('0.42');
    expect(checkNumber('', 1, 0.1).ok).toBe(false);
    expect(checkNumber('12', 12.4, 0.5, false).ok).toBe(true);
  });
});

describe('the catalog', () => {
  const sources = [1, 2, 3, 4, 5, 6].map((c) =>
    readFileSync(`${root}src/components/ch${c}/Exercises.tsx`, 'utf8'),
  );

  it('every exercise id is used by exactly one chapter figure, in its own chapter, and every figure’s id is in the catalog', () => {
    for (const e of EXERCISES) {
      const users = sources.filter((s) => s.includes(`id="${e.id}"`) || s.includes(`'${e.id}'`));
      expect(users.length, e.id).toBe(1);
      expect(sources[e.chapter - 1], e.id).toMatch(
        new RegExp(`["']${e.id.replace('.', '\\.')}["']`),
      );
    }
    const used = sources.flatMap((s) =>
      [...s.matchAll(/id="(ch\d+\.[a-z0-9-]+)"/g)].map((m) => m[1]),
    );
    for (const id of used) expect(EXERCISES.map((e) => e.id)).toContain(id);
    expect(new Set(EXERCISES.map((e) => e.id)).size).toBe(EXERCISES.length);
    expect(readdirSync(`${root}src/components`).filter((d) => /^ch\d$/.test(d))).toHaveLength(6);
  });
});

describe('student seeds', () => {
  it('seedChoice is undefined without a seed, deterministic with one, and in range', async () => {
    const { seedChoice } = await import('../../src/components/kit/exercise-progress');
    expect(seedChoice('', 'ch2.sum', 16)).toBeUndefined();
    expect(seedChoice('alice', 'ch2.sum', 16)).toBe(seedChoice('alice', 'ch2.sum', 16));
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const v = seedChoice(`s${i}`, 'ch2.sum', 16)!;
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(16);
      seen.add(v);
    }
    expect(seen.size).toBe(16);
  });
});
