import type { JSX } from 'preact';
import { useRef } from 'preact/hooks';
import { shadeStyle, type Scale } from './colour';
import './kit.css';

/** Props of a token strip. */
export interface TokenStripProps {
  /** Display strings (`tokenizer.tokenStrings(ids)`: spaces as ·, newlines as ↵). */
  tokens: readonly string[];
  /** Ids shown under each token, when given. */
  ids?: readonly number[];
  /** Accessible name of the strip, e.g. "Prompt tokens; choose a position". */
  label: string;
  /** A value per token for shading (same length as tokens; NaN = unshaded). */
  values?: ArrayLike<number>;
  scale?: Scale;
  /** Selected position; with `onSelect` the strip is a radio group. */
  selected?: number;
  onSelect?: (pos: number) => void;
  /** Text for a token's tooltip and accessible name, e.g. `loss 2.3 nats`. */
  describe?: (pos: number) => string;
}

/**
 * The prompt as a row of tokens (text, optionally id and a shade for a
 * per-token value). When `onSelect` is given it is one radio group: Tab
 * enters it at the selected token, arrows / Home / End move, so a long
 * prompt costs one tab stop.
 */
export function TokenStrip({
  tokens,
  ids,
  label,
  values,
  scale,
  selected,
  onSelect,
  describe,
}: TokenStripProps) {
  const list = useRef<HTMLOListElement>(null);
  const selectable = onSelect !== undefined;
  const move = (to: number) => {
    if (!onSelect || tokens.length === 0) return;
    const p = Math.max(0, Math.min(tokens.length - 1, to));
    onSelect(p);
    const el = list.current?.querySelectorAll<HTMLElement>('[role="radio"]')[p];
    el?.focus();
  };
  const onKeyDown = (e: JSX.TargetedKeyboardEvent<HTMLElement>, i: number) => {
    const k = e.key;
    if (k === 'ArrowRight' || k === 'ArrowDown') move(i + 1);
    else if (k === 'ArrowLeft' || k === 'ArrowUp') move(i - 1);
    else if (k === 'Home') move(0);
    else if (k === 'End') move(tokens.length - 1);
    else return;
    e.preventDefault();
  };
  return (
    <ol ref={list} class="kit-tokens" role={selectable ? 'radiogroup' : 'list'} aria-label={label}>
      {tokens.map((t, i) => {
        const v = values?.[i];
        const shaded = scale && v !== undefined && !Number.isNaN(v);
        const style = shaded ? shadeStyle(scale, v) : undefined;
        const title = describe?.(i);
        const body = (
          <>
            <span class="kit-token-text">{t}</span>
            {ids && <span class="kit-token-id">{ids[i]}</span>}
          </>
        );
        return selectable ? (
          <li key={i} role="none">
            <button
              type="button"
              role="radio"
              class="kit-token"
              aria-checked={selected === i}
              aria-label={`${i}: ${t}${title ? `, ${title}` : ''}`}
              title={title}
              tabIndex={selected === i || (selected === undefined && i === 0) ? 0 : -1}
              style={style}
              onClick={() => onSelect(i)}
              onKeyDown={(e) => onKeyDown(e, i)}
            >
              {body}
            </button>
          </li>
        ) : (
          <li
            key={i}
            class={`kit-token${selected === i ? ' kit-selected' : ''}`}
            style={style}
            title={title}
            aria-label={title ? `${t}, ${title}` : undefined}
          >
            {body}
          </li>
        );
      })}
    </ol>
  );
}
