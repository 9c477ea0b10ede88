/**
 * A reader's exercise progress, kept in the browser only (localStorage) and
 * keyed by each exercise's stable id (`ch1.confident`), so it survives a new
 * version of the book: exercises that still exist keep their record, ones
 * that are gone are simply not shown. Nothing here is ever sent anywhere.
 *
 * Pure functions: parse (tolerant of corrupt or foreign data, which is
 * dropped with a note), record an attempt, summarise, export. The hook that
 * binds them to localStorage is in use-exercise-progress.ts.
 *
 * Identity kept: `parseProgress(serializeProgress(p)).progress` equals `p`
 * for every progress `p` this module builds.
 */

/** The localStorage key; the `v1` names the record format, not the book's version. */
export const PROGRESS_KEY = 'circuits.exercises.v1';

/** One exercise's record: the last answer checked and whether it was ever solved. */
export interface ExerciseRecord {
  /** True once any check of this exercise passed. */
  solved: boolean;
  /** The answer (as text) of the first passing check, or of the last attempt while unsolved. */
  answer: string;
  /** ISO time of that check. */
  at: string;
  /** How many checks were run. */
  attempts: number;
  /** The student seed the answer was checked under ('' for none). */
  seed: string;
}

/** Everything saved: the student seed and one record per exercise id. */
export interface Progress {
  /** The student seed entered once for per-student variants ('' for none). */
  seed: string;
  exercises: Record<string, ExerciseRecord>;
}

/** A progress with nothing in it. */
export const EMPTY_PROGRESS: Progress = Object.freeze({ seed: '', exercises: Object.freeze({}) });

/** What parsing saved data gave: the usable part, and a note if anything was dropped. */
export interface ParsedProgress {
  progress: Progress;
  /** Says what was ignored and why, for the reader; absent when all was read. */
  note?: string;
}

const ID = /^ch\d+\.[a-z0-9-]+$/;
const SEED = /^[A-Za-z0-9_-]{0,40}$/;

function isRecord(v: unknown): v is ExerciseRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.solved === 'boolean' &&
    typeof r.answer === 'string' &&
    r.answer.length <= 4000 &&
    typeof r.at === 'string' &&
    !Number.isNaN(Date.parse(r.at)) &&
    typeof r.attempts === 'number' &&
    Number.isInteger(r.attempts) &&
    r.attempts >= 0 &&
    (r.seed === undefined || (typeof r.seed === 'string' && SEED.test(r.seed)))
  );
}

/**
 * Reads saved progress. Missing data is empty progress; text that is not
 * JSON, or not our format, is ignored with a note; single records that are
 * malformed or have unknown ids are dropped with a note, the rest kept.
 */
export function parseProgress(raw: string | null): ParsedProgress {
  if (raw === null || raw === '') return { progress: EMPTY_PROGRESS };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { progress: EMPTY_PROGRESS, note: 'Saved progress could not be read and was ignored.' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return {
      progress: EMPTY_PROGRESS,
      note: 'Saved progress was not in a known format and was ignored.',
    };
  const d = data as Record<string, unknown>;
  const seed = typeof d.seed === 'string' && SEED.test(d.seed) ? d.seed : '';
  const exercises: Record<string, ExerciseRecord> = {};
  let dropped = 0;
  const ex = d.exercises;
  if (typeof ex === 'object' && ex !== null && !Array.isArray(ex)) {
    for (const [id, rec] of Object.entries(ex as Record<string, unknown>)) {
      if (ID.test(id) && isRecord(rec)) exercises[id] = { ...rec, seed: rec.seed ?? '' };
      else dropped++;
    }
  } else if (ex !== undefined) dropped++;
  const note =
    dropped > 0
      ? `${dropped} saved ${dropped === 1 ? 'entry' : 'entries'} could not be read and ${dropped === 1 ? 'was' : 'were'} ignored.`
      : undefined;
  return { progress: { seed, exercises }, note };
}

/** The text stored under PROGRESS_KEY. */
export function serializeProgress(p: Progress): string {
  return JSON.stringify({ seed: p.seed, exercises: p.exercises });
}

/**
 * `p` after one check of exercise `id`: attempts counted; a pass marks it
 * solved with this answer and time, and a later failure never unsolves it
 * (nor overwrites the passing answer).
 */
export function recordAttempt(
  p: Progress,
  id: string,
  answer: string,
  ok: boolean,
  now: Date,
): Progress {
  const old = p.exercises[id];
  const attempts = (old?.attempts ?? 0) + 1;
  const rec: ExerciseRecord =
    old?.solved && !ok
      ? { ...old, attempts }
      : {
          solved: ok || Boolean(old?.solved),
          answer,
          at: now.toISOString(),
          attempts,
          seed: p.seed,
        };
  return { ...p, exercises: { ...p.exercises, [id]: rec } };
}

/** `p` with a new student seed (records kept; each says which seed it was checked under). */
export function withSeed(p: Progress, seed: string): Progress {
  if (!SEED.test(seed))
    throw new Error(`a student seed is up to 40 letters, digits, - or _ (saw ${seed})`);
  return { ...p, seed };
}

/** How many of `ids` are solved. */
export function solvedCount(p: Progress, ids: readonly string[]): number {
  return ids.filter((id) => p.exercises[id]?.solved).length;
}

/** Solved exercises of chapter `chapter` (ids `ch<chapter>.…`). */
export function chapterSolved(p: Progress, chapter: number): string[] {
  return Object.keys(p.exercises).filter(
    (id) => id.startsWith(`ch${chapter}.`) && p.exercises[id].solved,
  );
}

/** The exported file: the book's version, the student seed and every record, sorted by id. */
export function exportProgress(p: Progress, bookVersion: string, now: Date): string {
  const ids = Object.keys(p.exercises).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return JSON.stringify(
    {
      book: 'Circuits',
      bookVersion,
      exportedAt: now.toISOString(),
      seed: p.seed,
      exercises: Object.fromEntries(ids.map((id) => [id, p.exercises[id]])),
    },
    null,
    2,
  );
}

/**
 * What the exercise frame shows after `attempts` checks of which `wrong`
 * failed: hint 1 after the first wrong check, hint 2 after the second, and
 * the "Show solution" button only once there has been an attempt.
 */
export function hintStage(
  attempts: number,
  wrong: number,
): { hints: 0 | 1 | 2; solutionOffered: boolean } {
  return { hints: wrong >= 2 ? 2 : wrong === 1 ? 1 : 0, solutionOffered: attempts >= 1 };
}

/**
 * A student's variant of exercise `id`: an index in [0, n) drawn from the
 * student seed (FNV-1a of `seed:id`), or undefined without a seed, where the
 * book keeps its one default. The same seed always gives the same variant, so
 * the check, the solution and the instructor's command agree.
 */
export function seedChoice(seed: string, id: string, n: number): number | undefined {
  if (!seed) return undefined;
  let h = 0x811c9dc5;
  for (const ch of `${seed}:${id}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % n;
}
