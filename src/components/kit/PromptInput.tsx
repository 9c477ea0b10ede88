import { useEffect, useId, useState } from 'preact/hooks';
import type { Tokenizer } from '../../model/tokenizer';
import { MAX_PROMPT_CHARS } from './fields';
import { formatCount } from './format';
import { loadTokenizer } from './runtime';
import { ModelSelect, type ModelId } from './RunState';
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
 * context, says that only the first `nCtx` tokens are read and quotes where
 * the model stops reading (with the tokenizer every model shares). At the
 * box's character limit it says so too, so nothing is cut silently. Pair it
 * with `promptField` in the figure's URL schema and `fitToContext` on the ids.
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
  const [tokenizer, setTokenizer] = useState<Tokenizer | undefined>(undefined);
  useEffect(() => {
    // Only a prompt past the context needs it; figures have loaded it already.
    if (over && !tokenizer) loadTokenizer().then(setTokenizer, () => undefined);
  }, [over, tokenizer]);
  const cut = over && tokenizer ? contextCut(tokenizer, value, nCtx) : undefined;
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
          {cut && (
            <>
              {' '}
              It reads up to <q class="kit-cut">…{cut.keptTail}</q> and leaves out the rest, from{' '}
              <q class="kit-cut">{cut.droppedHead}…</q>
            </>
          )}
        </p>
      )}
      {value.length >= MAX_PROMPT_CHARS && (
        <p class="kit-warning" role="status">
          The box holds at most {formatCount(MAX_PROMPT_CHARS)} characters; text past that was not
          kept.
        </p>
      )}
    </div>
  );
}

/** Props of the model chooser over the prompt box. */
export interface ModelPromptInputProps extends PromptInputProps {
  /** The model the figure runs (from its URL state). */
  model: ModelId;
  /** Called with the model the reader chooses. */
  onModel: (id: ModelId) => void;
}

/** The model chooser on a row of its own, then the prompt box: how most prompt figures open. */
export function ModelPromptInput({ model, onModel, ...prompt }: ModelPromptInputProps) {
  return (
    <>
      <div class="kit-row">
        <ModelSelect value={model} onChange={onModel} />
      </div>
      <PromptInput {...prompt} />
    </>
  );
}

/** The ids a model can read: the first `nCtx` of `ids` (see PromptInput's notice). */
export function fitToContext(ids: readonly number[], nCtx: number): number[] {
  return ids.slice(0, nCtx);
}

/** Where a prompt past the context is cut: the end of what is read and the start of what is not. */
export interface ContextCut {
  /** The last characters the model reads (whitespace collapsed). */
  keptTail: string;
  /** The first characters it does not read. */
  droppedHead: string;
}

/**
 * Where `fitToContext` cuts `text`: the tail of the first `nCtx` tokens'
 * text and the head of the rest, `chars` characters each (whole code points,
 * whitespace collapsed, invisible characters as `U+XXXX`), for the notice.
 * Undefined when the prompt fits.
 */
export function contextCut(
  tokenizer: Pick<Tokenizer, 'encode' | 'decode'>,
  text: string,
  nCtx: number,
  chars = 32,
): ContextCut | undefined {
  const ids = tokenizer.encode(text);
  if (ids.length <= nCtx) return undefined;
  const kept = tokenizer.decode(ids.slice(0, nCtx));
  // decode(encode(text)) === text, so the kept text is a prefix unless the cut splits a character.
  const dropped = text.startsWith(kept)
    ? text.slice(kept.length)
    : tokenizer.decode(ids.slice(nCtx));
  return {
    keptTail: quotable(Array.from(kept).slice(-chars).join('')),
    droppedHead: quotable(Array.from(dropped).slice(0, chars).join('')),
  };
}

/** Text for a one-line quote: whitespace runs as one space, invisible characters by code point. */
function quotable(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(
      /[\p{Cc}\p{Cf}]/gu,
      (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`,
    );
}
