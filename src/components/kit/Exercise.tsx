import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import Figure from './Figure';
import { PromptInput } from './PromptInput';
import type { FigureModels } from './use-models';
import './kit.css';

/** The verdict of an exercise check. */
export interface CheckResult {
  ok: boolean;
  /** What the model did, in a sentence ("head 0.3 puts 71% on the full stop"). */
  message: string;
}

/** Props of one exercise. */
export interface ExerciseProps {
  /** Its number in the chapter, "Exercise 2". */
  n: number;
  /** The task, as prose. */
  task: ComponentChildren;
  /** The reader's inputs (a prompt box, a head picker...). */
  children?: ComponentChildren;
  /** Runs the live model on the reader's answer and judges it. */
  check: () => Promise<CheckResult>;
  /** True while the model is not ready. */
  disabled?: boolean;
}

/**
 * An end-of-chapter exercise that the live model checks on the spot: the
 * task, the reader's inputs, a Check button, and the verdict in a live region.
 */
export function Exercise({ n, task, children, check, disabled }: ExerciseProps) {
  const [result, setResult] = useState<CheckResult | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const run = () => {
    setBusy(true);
    check().then(
      (r) => {
        setResult(r);
        setBusy(false);
      },
      (e: unknown) => {
        setResult({
          ok: false,
          message: `The check failed: ${e instanceof Error ? e.message : String(e)}`,
        });
        setBusy(false);
      },
    );
  };
  return (
    <section class="kit-exercise" aria-label={`Exercise ${n}`} data-exercise={n}>
      <p>
        <strong>Exercise {n}.</strong> {task}
      </p>
      {children}
      <p class="kit-row">
        <button type="button" onClick={run} disabled={disabled || busy}>
          {busy ? 'Checking…' : 'Check with the model'}
        </button>
      </p>
      <p
        class="kit-exercise-result"
        aria-live="polite"
        data-ok={result ? String(result.ok) : undefined}
      >
        {result && (result.ok ? '✓ ' : '✗ ') + result.message}
      </p>
    </section>
  );
}

/** Props of a chapter's set of exercises. */
export interface ExerciseSetProps {
  /** The figure's `data-widget` name, e.g. `ch1-exercises`. */
  name: string;
  /** The model (or models) that check the answers, from the kit's `useModels`. */
  model: FigureModels;
  /** Its id, or the ids of the several models the checks use, named in the caption. */
  modelId: string | readonly string[];
  children: ComponentChildren;
}

/**
 * A chapter's exercises in one figure frame: the models' loading state and
 * backend badge, and a caption saying the checks run here, in the browser.
 */
export function ExerciseSet({ name, model: m, modelId, children }: ExerciseSetProps) {
  const ids = typeof modelId === 'string' ? [modelId] : modelId;
  return (
    <Figure
      name={name}
      title={
        ids.length > 1 ? 'Exercises, checked by the models' : 'Exercises, checked by the model'
      }
      status={m.status}
      onRetry={m.retry}
      backend={m.badge}
      caption={
        ids.length > 1 ? (
          <>The checks run {ids.join(' and ')} on your answers, here in your browser.</>
        ) : (
          <>Each check runs {ids[0]} on your answer, here in your browser.</>
        )
      }
    >
      {children}
    </Figure>
  );
}

/** Props of an exercise's prompt box. */
export interface ExercisePromptProps {
  model: FigureModels;
  value: string;
  onInput: (text: string) => void;
  label?: string;
  rows?: number;
}

/** A prompt box for an answer, counting its tokens against the checking model's context. */
export function ExercisePrompt({
  model: m,
  value,
  onInput,
  label = 'Your prompt',
  rows,
}: ExercisePromptProps) {
  return (
    <PromptInput
      label={label}
      value={value}
      onInput={onInput}
      tokenCount={m.tokenizer?.encode(value).length}
      nCtx={m.model?.config.n_ctx}
      rows={rows}
    />
  );
}
