import { MODEL_IDS, type ModelId } from '../../model/config';
import './kit.css';

/** What the run-state line needs of a computation (a kit `Computation` has it). */
export interface RunLike {
  pending: boolean;
  error?: string;
  retry: () => void;
}

/** Props of the run-state line. */
export interface RunStateProps {
  /**
   * The figure's computation(s): pending while any is, the first error, and
   * Retry runs them all again. Or give `pending`, `error` and `onRetry` yourself.
   */
  run?: RunLike | readonly RunLike[];
  /** True while a newer result is being computed. */
  pending?: boolean;
  /** The latest run's error, if it failed. */
  error?: string;
  /** Runs the same input again (a `Computation`'s `retry`). */
  onRetry?: () => void;
  /** A way out of the error, e.g. resetting the figure to its defaults. */
  onReset?: () => void;
  /** Label of the reset button; default "Reset this figure". */
  resetLabel?: string;
}

/**
 * One line under a figure's controls: "Running the model…" while a run is
 * pending, or the error of the last run (role=alert) with Retry (for a run
 * that failed or took too long) and a button that resets the figure (for an
 * input the model cannot take), so the reader is never stuck.
 */
export function RunState({
  run,
  pending,
  error,
  onRetry,
  onReset,
  resetLabel = 'Reset this figure',
}: RunStateProps) {
  if (run) {
    const runs: readonly RunLike[] = Array.isArray(run) ? run : [run as RunLike];
    pending = runs.some((r) => r.pending);
    error = runs.find((r) => r.error)?.error;
    onRetry = () => runs.forEach((r) => r.retry());
  }
  if (error)
    return (
      <div class="kit-run-error" role="alert">
        <p class="kit-warning">The model could not run: {error}</p>
        {onRetry && (
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        )}
        {onReset && (
          <button type="button" onClick={onReset}>
            {resetLabel}
          </button>
        )}
      </div>
    );
  return (
    <p class="kit-note kit-run-state" aria-live="polite" data-pending={pending ? 'true' : 'false'}>
      {pending ? 'Running the model…' : '\u00a0'}
    </p>
  );
}

export { MODEL_IDS, type ModelId } from '../../model/config';

/** Props of the model chooser over models `M` (a figure may offer only some). */
export interface ModelSelectProps<M extends ModelId = ModelId> {
  value: M;
  onChange: (id: M) => void;
  /** Which models to offer (default all three). */
  models?: readonly M[];
}

/** A labelled select for the model a figure runs. */
export function ModelSelect<M extends ModelId>({ value, onChange, models }: ModelSelectProps<M>) {
  const offered: readonly ModelId[] = models ?? MODEL_IDS;
  return (
    <label class="kit-row">
      <span>Model</span>
      <select
        class="kit-select"
        value={value}
        onChange={(e) => onChange(e.currentTarget.value as M)}
      >
        {offered.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
    </label>
  );
}
