import { useId } from 'preact/hooks';
import { MAX_PROMPT_CHARS } from './fields';
import './kit.css';

/** Props of the prompt box. */
export interface PromptInputProps {
  /** The prompt (from the figure's URL state). */
  value: string;
  /** Called on every edit with the new text. */
  onInput: (text: string) => void;
  /** Visible label; default "Prompt". */
  label?: string;
  /** Tokens the prompt encodes to (before truncation), for the count and the notice. */
  tokenCount?: number;
  /** The model's context length; past it the notice says what is cut. */
  nCtx?: number;
  rows?: number;
  /** Extra hint under the box (e.g. "the figure reads the last token"). */
  hint?: string;
}

/**
 * A labelled prompt box for figures: counts tokens and, past the model's
 * context, says that only the first `nCtx` tokens are read. Pair it with
 * `promptField` in the figure's URL schema and `fitToContext` on the ids.
 */
export function PromptInput({
  value,
  onInput,
  label = 'Prompt',
  tokenCount,
  nCtx,
  rows = 2,
  hint,
}: PromptInputProps) {
  const id = useId();
  const noteId = useId();
  const over = tokenCount !== undefined && nCtx !== undefined && tokenCount > nCtx;
  return (
    <div class="kit-prompt">
      <label class="kit-label" for={id}>
        {label}
      </label>
      <textarea
        id={id}
        rows={rows}
        value={value}
        maxLength={MAX_PROMPT_CHARS}
        spellcheck={false}
        aria-describedby={noteId}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      <p id={noteId} class="kit-note" aria-live="polite">
        {tokenCount !== undefined && (
          <>
            {tokenCount} {tokenCount === 1 ? 'token' : 'tokens'}
            {nCtx !== undefined && ` (the model reads up to ${nCtx})`}.{' '}
          </>
        )}
        {tokenCount === 0 && 'Type something for the model to read. '}
        {hint}
      </p>
      {over && (
        <p class="kit-warning" role="status">
          Too long: the model's context is {nCtx} tokens, so only the first {nCtx} of your{' '}
          {tokenCount} tokens are used.
        </p>
      )}
    </div>
  );
}

/** The ids a model can read: the first `nCtx` of `ids` (see PromptInput's notice). */
export function fitToContext(ids: readonly number[], nCtx: number): number[] {
  return ids.slice(0, nCtx);
}
