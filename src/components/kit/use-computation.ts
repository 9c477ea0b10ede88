import { useCallback, useEffect, useState } from 'preact/hooks';

/**
 * How long a figure waits for a result before it says so, ms: it then shows
 * an error with Retry, and still shows the result if it arrives after all.
 */
export const RUN_WAIT_MS = 60_000;

/** The latest result of an async computation, and its failure if the latest one failed. */
export interface Computation<T> {
  /** The last successful result (kept while a newer one runs, so figures do not flicker). */
  value: T | undefined;
  /** The latest computation's error message, if it failed; cleared by the next success. */
  error: string | undefined;
  /** True while a computation newer than `value` is running. */
  pending: boolean;
  /** Computes again with the same inputs (the run error's Retry button). */
  retry: () => void;
}

type State<T> = Omit<Computation<T>, 'retry'>;

/**
 * Runs `compute` whenever `deps` change, latest wins: a result (or error) of
 * a computation that a newer one superseded is dropped, and `compute`
 * resolving to `null` (a `runLatest` overtaken inside the model's queue)
 * leaves the current value in place. `compute` returning `undefined`
 * (nothing to compute for these inputs: model not loaded, empty prompt)
 * clears the value, so a figure never shows a result for a prompt that is
 * no longer in its box.
 *
 * ```ts
 * const r = useComputation(
 *   () => model && ids.length ? model.runLatest('fig', ids, { hooks }) : undefined,
 *   [model, ids.join(','), backendVersion],
 * );
 * ```
 */
export function useComputation<T>(
  compute: () => Promise<T | null> | undefined,
  deps: readonly unknown[],
): Computation<T> {
  const [state, setState] = useState<State<T>>({
    value: undefined,
    error: undefined,
    pending: false,
  });
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  useEffect(() => {
    let current = true;
    const p = compute();
    if (!p) {
      setState((s) =>
        s.value === undefined && s.error === undefined && !s.pending
          ? s
          : { value: undefined, error: undefined, pending: false },
      );
      return;
    }
    setState((s) => (s.pending && !s.error ? s : { ...s, error: undefined, pending: true }));
    // A figure never waits silently: past RUN_WAIT_MS it says so and offers Retry.
    const timer = setTimeout(() => {
      if (!current) return;
      setState((s) => ({
        value: s.value,
        error: `no result after ${RUN_WAIT_MS / 1000} s; the runtime may be stuck`,
        pending: false,
      }));
    }, RUN_WAIT_MS);
    p.then(
      (v) => {
        clearTimeout(timer);
        if (!current) return;
        if (v === null) return;
        setState({ value: v, error: undefined, pending: false });
      },
      (e: unknown) => {
        clearTimeout(timer);
        if (!current) return;
        setState((s) => ({
          value: s.value,
          error: e instanceof Error ? e.message : String(e),
          pending: false,
        }));
      },
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // The caller lists what the computation depends on, as for useEffect.
  }, [...deps, attempt]);
  return { ...state, retry };
}
