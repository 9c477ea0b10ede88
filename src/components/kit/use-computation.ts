import { useEffect, useState } from 'preact/hooks';

/** The latest result of an async computation, and its failure if the latest one failed. */
export interface Computation<T> {
  /** The last successful result (kept while a newer one runs, so figures do not flicker). */
  value: T | undefined;
  /** The latest computation's error message, if it failed; cleared by the next success. */
  error: string | undefined;
  /** True while a computation newer than `value` is running. */
  pending: boolean;
}

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
  const [state, setState] = useState<Computation<T>>({
    value: undefined,
    error: undefined,
    pending: false,
  });
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
    setState((s) => (s.pending ? s : { ...s, pending: true }));
    p.then(
      (v) => {
        if (!current) return;
        if (v === null) return;
        setState({ value: v, error: undefined, pending: false });
      },
      (e: unknown) => {
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
    };
    // The caller lists what the computation depends on, as for useEffect.
  }, deps);
  return state;
}
