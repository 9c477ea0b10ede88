import { useCallback, useEffect, useState } from 'preact/hooks';
import type { FigureStatus } from './Figure';

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
    setStatus({ kind: 'loading', ...initial });
    load((r) => current && setStatus({ kind: 'loading', ...r })).then(
      (v) => {
        if (!current) return;
        setValue(() => v);
        setStatus({ kind: 'ready' });
      },
      (error: unknown) => {
        if (!current) return;
        setStatus({
          kind: 'error',
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
    return () => {
      current = false;
    };
    // `initial` is only the first message; a new object each render must not reload.
  }, [load, attempt]);

  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  return { status, value, retry };
}
