import { useCallback, useEffect, useState } from 'preact/hooks';
import type { FigureStatus } from './Figure';

/**
 * How long a load may go without any progress before the figure says so, ms:
 * it then shows an error with Retry (and still comes alive if the load ends
 * after all).
 */
export const LOAD_STALL_MS = 60_000;

/** What a loader tells the reader while it works. */
export interface LoadReport {
  /** What is being loaded, e.g. "the tokenizer" or "attn-only-2l/model.onnx". */
  what: string;
  /** Fraction done in [0, 1], when known. */
  fraction?: number;
}

/** A loaded value together with the figure status that describes the load. */
export interface Loaded<T> {
  status: FigureStatus;
  /** Set once the load has succeeded. */
  value: T | undefined;
  /** Starts the load again from scratch (the error state's Retry button). */
  retry: () => void;
}

/**
 * Runs `load` once the island is on screen, and turns its progress, result or
 * failure into a `FigureStatus` for `<Figure>`. A late result from a load that
 * was superseded (retry, unmount) is dropped.
 *
 * `load` should be a stable function (defined at module level or memoised).
 */
export function useLoader<T>(
  load: (report: (r: LoadReport) => void) => Promise<T>,
  initial: LoadReport,
): Loaded<T> {
  const [attempt, setAttempt] = useState(0);
  const [status, setStatus] = useState<FigureStatus>({ kind: 'loading', ...initial });
  const [value, setValue] = useState<T | undefined>(undefined);

  useEffect(() => {
    let current = true;
    let what = initial.what;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A figure never waits silently: no progress for LOAD_STALL_MS is an error with Retry.
    const watch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (current)
          setStatus({
            kind: 'error',
            message: `nothing arrived for ${LOAD_STALL_MS / 1000} s while loading ${what}; check the connection and retry`,
          });
      }, LOAD_STALL_MS);
    };
    setStatus({ kind: 'loading', ...initial });
    watch();
    load((r) => {
      if (!current) return;
      what = r.what;
      watch();
      setStatus({ kind: 'loading', ...r });
    }).then(
      (v) => {
        clearTimeout(timer);
        if (!current) return;
        setValue(() => v);
        setStatus({ kind: 'ready' });
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (!current) return;
        setStatus({
          kind: 'error',
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // `initial` is only the first message; a new object each render must not reload.
  }, [load, attempt]);

  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return { status, value, retry };
}
