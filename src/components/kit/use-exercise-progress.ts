import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import {
  EMPTY_PROGRESS,
  parseProgress,
  PROGRESS_KEY,
  recordAttempt,
  serializeProgress,
  withSeed,
  type Progress,
} from './exercise-progress';

/** Sent on window when this page changes the saved progress, so every set on it re-reads. */
const CHANGED = 'circuits:exercise-progress';

/** The reader's saved exercise progress and the ways to change it. */
export interface ProgressHandle {
  progress: Progress;
  /** Says what saved data was ignored (corrupt or unknown), if any. */
  note?: string;
  /** Saves one check of exercise `id`. */
  record(id: string, answer: string, ok: boolean): void;
  /** Sets the student seed ('' for none). */
  setSeed(seed: string): void;
  /** Forgets every record and the seed. */
  clear(): void;
}

function read(): { progress: Progress; note?: string } {
  try {
    return parseProgress(window.localStorage.getItem(PROGRESS_KEY));
  } catch {
    // Storage disabled (private mode, a sandboxed iframe): nothing is remembered.
    return { progress: EMPTY_PROGRESS, note: 'This browser does not let the book save progress.' };
  }
}

function write(p: Progress | null): void {
  try {
    if (p) window.localStorage.setItem(PROGRESS_KEY, serializeProgress(p));
    else window.localStorage.removeItem(PROGRESS_KEY);
  } catch {
    // Not saved; the page still works.
  }
  window.dispatchEvent(new Event(CHANGED));
}

/**
 * The saved progress, in this browser only: read after hydration (the server
 * render shows none), kept in step with other tabs and other sets on the
 * page. Nothing is sent anywhere.
 */
export function useExerciseProgress(): ProgressHandle {
  const [state, setState] = useState<{ progress: Progress; note?: string }>({
    progress: EMPTY_PROGRESS,
  });
  useEffect(() => {
    const reread = () => setState(read());
    reread();
    const onStorage = (e: StorageEvent) => {
      if (e.key === null || e.key === PROGRESS_KEY) reread();
    };
    window.addEventListener(CHANGED, reread);
    window.addEventListener('storage', onStorage);
    return () => {
      window.removeEventListener(CHANGED, reread);
      window.removeEventListener('storage', onStorage);
    };
  }, []);
  const record = useCallback((id: string, answer: string, ok: boolean) => {
    write(recordAttempt(read().progress, id, answer, ok, new Date()));
  }, []);
  const setSeed = useCallback((seed: string) => write(withSeed(read().progress, seed)), []);
  const clear = useCallback(() => write(null), []);
  return { ...state, record, setSeed, clear };
}

/** The progress of the exercise set an exercise sits in (none outside a set). */
export const ProgressContext = createContext<ProgressHandle | null>(null);

/** The enclosing set's progress handle, or null. */
export function useProgressContext(): ProgressHandle | null {
  return useContext(ProgressContext);
}

/** The student seed saved in this browser ('' for none), for exercises with per-student variants. */
export function useStudentSeed(): string {
  return useExerciseProgress().progress.seed;
}
