/**
 * Layout pieces figures share: a figure's result block (`LiveResult`), a
 * headline number (`Stat`), a width cap for heatmaps (`Fit`), a token-strip
 * wrapper (`Strip`) and the strip that chooses the position a figure
 * inspects (`PositionStrip`).
 */
import type { ComponentChildren } from 'preact';
import { TokenStrip, type TokenStripProps } from './TokenStrip';
import './kit.css';

/** `data-` attributes to put on an element a component draws (a figure's `data-key`, `data-head`...). */
export type DataAttributes = { [name: `data-${string}`]: string | undefined };

/** What a figure's result records of the run behind it. */
export interface RunInfo {
  /** Positions the model ran on. */
  length: number;
  /** The backend that ran it. */
  backend: string;
}

/**
 * A figure's result, marked with the prompt it was computed from and the
 * backend that ran it (`data-prompt`, `data-backend`), so that a test can
 * wait for the result of the prompt now in the box.
 */
export function LiveResult({
  testId,
  prompt,
  backend,
  children,
  ...data
}: {
  testId: string;
  prompt: string;
  backend: string;
  children: ComponentChildren;
} & DataAttributes) {
  return (
    <div data-testid={testId} data-prompt={prompt} data-backend={backend} {...data}>
      {children}
    </div>
  );
}

/** One headline number with its label and a note (e.g. a baseline). */
export function Stat({
  label,
  value,
  note,
  testId,
}: {
  label: string;
  value: ComponentChildren;
  note?: ComponentChildren;
  testId?: string;
}) {
  return (
    <div class="kit-stat" data-testid={testId}>
      <span class="kit-stat-label">{label}</span>
      <span class="kit-stat-value">{value}</span>
      {note && <span class="kit-stat-note">{note}</span>}
    </div>
  );
}

/**
 * Caps a kit heatmap's width near its natural size (`cols` cells of about
 * `cell` px plus labels): the heatmap's SVG fills its container, and a 16 x 16
 * matrix stretched to the page width is too loud to read. Still shrinks on narrow screens.
 */
export function Fit({
  cols,
  cell = 24,
  children,
}: {
  cols: number;
  cell?: number;
  children: ComponentChildren;
}) {
  return (
    <div class="kit-fit" style={{ maxWidth: `${Math.round(cols * cell + 110)}px` }}>
      {children}
    </div>
  );
}

/** Wraps a kit token strip so that its unshaded tokens get the page background (see kit.css). */
export function Strip({ children }: { children: ComponentChildren }) {
  return <div class="kit-strip">{children}</div>;
}

/** The prompt's tokens, one to choose: the position the figure inspects (on the page background). */
export function PositionStrip({
  tokens,
  selected,
  onSelect,
  describe,
}: Pick<TokenStripProps, 'tokens' | 'describe'> & {
  selected: number;
  onSelect: (pos: number) => void;
}) {
  return (
    <Strip>
      <TokenStrip
        tokens={tokens}
        label="Position to inspect"
        selected={selected}
        onSelect={onSelect}
        describe={describe}
      />
    </Strip>
  );
}
