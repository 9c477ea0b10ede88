import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { RadioChoice } from './controls';
import type { CheckResult } from './Exercise';
import { parseAnswerNumber } from './exercise-answers';
import './exercise.css';

/** A labelled box for a numeric answer (typed as text, so `3e-4` and `12%` work). */
export function NumberAnswer({
  label = 'Your answer',
  value,
  onInput,
}: {
  label?: string;
  value: string;
  onInput: (v: string) => void;
}) {
  const id = useId();
  return (
    <p class="kit-control">
      <label for={id}>{label}</label>{' '}
      <input
        id={id}
        type="text"
        inputMode="decimal"
        autocomplete="off"
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    </p>
  );
}

/** The reader's prediction among fixed options, committed before the model runs. */
export function PredictChoice<T extends string>({
  legend = 'Your prediction',
  value,
  options,
  onChange,
}: {
  legend?: string;
  value: T | '';
  options: readonly { value: T; label: string }[];
  onChange: (v: T) => void;
}) {
  return (
    <RadioChoice
      legend={legend}
      value={value as T}
      options={options}
      onChange={(v) => onChange(v)}
    />
  );
}

/**
 * A notebook exercise's code, to run on the downloadable transformer_lens.pt,
 * and the output it should print, computed here from the same model (so it
 * stays true when the model is retrained).
 */
export function NotebookCode({
  code,
  expected,
  modelId,
  children,
}: {
  code: string;
  expected: string | undefined;
  modelId: string;
  children?: ComponentChildren;
}) {
  return (
    <div class="kit-notebook">
      <p>
        Download <code>transformer_lens.pt</code>, <code>transformer_lens_config.json</code> (from{' '}
        {modelId}’s model page) and <code>tokenizer.json</code> into one folder, and run:
      </p>
      {/* Focusable, so a keyboard can scroll code wider than a phone. */}
      <pre tabIndex={0} aria-label="Notebook code">
        <code>{code}</code>
      </pre>
      {children}
      <details>
        <summary>Expected output (computed now from the same model, in your browser)</summary>
        <pre data-testid="notebook-expected" tabIndex={0} aria-label="Expected output">
          <code>{expected ?? 'computing…'}</code>
        </pre>
      </details>
    </div>
  );
}

/**
 * Whether the output a reader pasted matches the expected output: the same
 * words, and numbers within `tol` (absolute) of the expected ones, so float
 * rounding between PyTorch and the browser never fails a right answer.
 */
export function checkNotebookOutput(pasted: string, expected: string, tol = 2e-3): CheckResult {
  const split = (s: string) => s.trim().split(/\s+/).filter(Boolean);
  const a = split(pasted);
  const b = split(expected);
  if (a.length === 0) return { ok: false, message: 'Paste what your notebook printed.' };
  const same =
    a.length === b.length &&
    a.every((x, i) => {
      const nx = parseAnswerNumber(x);
      const ny = parseAnswerNumber(b[i]);
      return nx !== undefined && ny !== undefined ? Math.abs(nx - ny) <= tol : x === b[i];
    });
  return same
    ? { ok: true, message: 'Your output matches the model’s.' }
    : {
        ok: false,
        message:
          'Your output differs from the expected output (open it below the code to compare line by line).',
      };
}
