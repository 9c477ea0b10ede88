/**
 * Layout pieces figures share: a headline number (`Stat`), a width cap for
 * heatmaps (`Fit`) and a token-strip wrapper (`Strip`).
 */
import type { ComponentChildren } from 'preact';
import './kit.css';

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
