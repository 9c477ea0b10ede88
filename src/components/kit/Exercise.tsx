import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import Figure from './Figure';
import { PromptInput } from './PromptInput';
import type { FigureModels } from './use-models';
import { EXERCISES } from './exercise-catalog';
import { hintStage, solvedCount } from './exercise-progress';
import { ProgressContext, useExerciseProgress, useProgressContext } from './use-exercise-progress';
import { siteUrl } from '../../lib/site-root';
import './kit.css';
import './exercise.css';

/** The verdict of an exercise check. */
export interface CheckResult {
  ok: boolean;
  /** What the model did, in a sentence ("head 0.3 puts 71% on the full stop"). */
  message: string;
}

/** The kinds of exercise the book sets, shown on each one. */
export type ExerciseKind = 'prompt' | 'predict' | 'numeric' | 'notebook' | 'choice';

const KIND_LABEL: Record<ExerciseKind, string> = {
  prompt: 'find a prompt',
  predict: 'predict, then check',
  numeric: 'compute',
  notebook: 'notebook',
  choice: 'choose',
};

/** Props of one exercise. */
export interface ExerciseProps {
  /** Its number in the chapter, "Exercise 2". */
  n: number;
  /** Its stable id, `ch<chapter>.<name>`, the key of its saved progress (see exercise-catalog.ts). */
  id: string;
  /** What sort of exercise it is. */
  kind: ExerciseKind;
  /** The task, as prose. */
  task: ComponentChildren;
  /** The reader's inputs (a prompt box, a head picker...). */
  children?: ComponentChildren;
  /** Runs the live model on the reader's answer and judges it. */
  check: () => Promise<CheckResult>;
  /** The reader's current answer as text, saved with their progress. */
  answer: string;
  /** Hint 1 (about the concept) after the first wrong check, hint 2 (stronger) after the second. */
  hints: readonly [ComponentChildren, ComponentChildren];
  /** A worked solution, offered only after a first attempt. */
  solution: ComponentChildren;
  /** True while the model is not ready. */
  disabled?: boolean;
}

/**
 * An end-of-chapter exercise that the live model checks on the spot: the
 * task, the reader's inputs, a Check button, and the verdict in a live
 * region. Wrong checks unlock a hint about the concept, then a stronger one;
 * the solution is there on request once the reader has tried. Every check is
 * saved with the reader's progress (in this browser only).
 */
export function Exercise({
  n,
  id,
  kind,
  task,
  children,
  check,
  answer,
  hints,
  solution,
  disabled,
}: ExerciseProps) {
  const [result, setResult] = useState<CheckResult | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [tries, setTries] = useState({ attempts: 0, wrong: 0 });
  const [showSolution, setShowSolution] = useState(false);
  const progress = useProgressContext();
  const saved = progress?.progress.exercises[id];
  const stage = hintStage(tries.attempts, tries.wrong);
  const run = () => {
    setBusy(true);
    const asked = answer;
    check().then(
      (r) => {
        setResult(r);
        setBusy(false);
        setTries((t) => ({ attempts: t.attempts + 1, wrong: t.wrong + (r.ok ? 0 : 1) }));
        progress?.record(id, asked, r.ok);
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
    <section
      class="kit-exercise"
      aria-label={`Exercise ${n}`}
      data-exercise={n}
      data-exercise-id={id}
      data-kind={kind}
    >
      <p>
        <strong>Exercise {n}</strong> <span class="kit-exercise-kind">({KIND_LABEL[kind]})</span>
        {saved?.solved && (
          <span class="kit-exercise-solved" data-testid="solved-mark">
            {' '}
            ✓ solved {saved.at.slice(0, 10)}
          </span>
        )}
        . {task}
      </p>
      {children}
      <p class="kit-row">
        <button type="button" onClick={run} disabled={disabled || busy}>
          {busy ? 'Checking…' : 'Check with the model'}
        </button>
        {stage.solutionOffered && !showSolution && (
          <button type="button" onClick={() => setShowSolution(true)}>
            Show solution
          </button>
        )}
      </p>
      <p
        class="kit-exercise-result"
        aria-live="polite"
        data-ok={result ? String(result.ok) : undefined}
      >
        {result && (result.ok ? '✓ ' : '✗ ') + result.message}
      </p>
      {stage.hints >= 1 && !result?.ok && (
        <p class="kit-exercise-hint" data-hint="1">
          <strong>Hint.</strong> {hints[0]}
        </p>
      )}
      {stage.hints >= 2 && !result?.ok && (
        <p class="kit-exercise-hint" data-hint="2">
          <strong>A stronger hint.</strong> {hints[1]}
        </p>
      )}
      {showSolution && (
        <div class="kit-exercise-solution" data-testid="solution">
          <strong>Solution.</strong> {solution}
        </div>
      )}
    </section>
  );
}

/** Props of a chapter's set of exercises. */
export interface ExerciseSetProps {
  /** The figure's `data-widget` name, e.g. `ch1-exercises`. */
  name: string;
  /** The chapter's number: its exercises' progress is counted from the catalog. */
  chapter: number;
  /** The model (or models) that check the answers, from the kit's `useModels`. */
  model: FigureModels;
  /** Its id, or the ids of the several models the checks use, named in the caption. */
  modelId: string | readonly string[];
  children: ComponentChildren;
}

/**
 * A chapter's exercises in one figure frame: the models' loading state and
 * backend badge, a caption saying the checks run here, in the browser, and
 * the reader's progress on this chapter (saved in this browser only), with a
 * link to the page that exports or clears it.
 */
export function ExerciseSet({ name, chapter, model: m, modelId, children }: ExerciseSetProps) {
  const ids = typeof modelId === 'string' ? [modelId] : modelId;
  const progress = useExerciseProgress();
  const mine = EXERCISES.filter((e) => e.chapter === chapter).map((e) => e.id);
  const solved = solvedCount(progress.progress, mine);
  // The book's root is known only in the browser (the server render has no page URL).
  const [progressHref, setProgressHref] = useState('../../progress/');
  useEffect(() => setProgressHref(siteUrl('progress/')), []);
  return (
    <ProgressContext.Provider value={progress}>
      <Figure
        name={name}
        title={
          ids.length > 1 ? 'Exercises, checked by the models' : 'Exercises, checked by the model'
        }
        status={m.status}
        onRetry={m.retry}
        backend={m.badge}
        caption={
          <>
            {ids.length > 1 ? (
              <>The checks run {ids.join(' and ')} on your answers, here in your browser. </>
            ) : (
              <>Each check runs {ids[0]} on your answer, here in your browser. </>
            )}
            <span data-testid="chapter-progress">
              Solved {solved} of {mine.length} in this chapter
            </span>
            {progress.progress.seed && <> (student seed {progress.progress.seed})</>}; saved in this
            browser only (<a href={progressHref}>your progress: export or clear</a>).
            {progress.note && <> {progress.note}</>}
          </>
        }
      >
        {children}
      </Figure>
    </ProgressContext.Provider>
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
