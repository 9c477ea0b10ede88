/**
 * A model's top predictions as bars of their probability: the token, a bar
 * from zero and the percentage, best first.
 */
import type { ComponentChildren } from 'preact';
import { formatPercent } from './format';
import { useFigureData } from './FigureTools';
import './kit.css';

/** A list of predictions, in the order given, as probability bars. */
export function PredictionBars({
  label,
  predictions,
  show,
  tag,
}: {
  /** Accessible name of the list. */
  label: string;
  predictions: readonly { id: number; prob: number }[];
  /** A token's text. */
  show: (id: number) => string;
  /** What to add after a token's text (e.g. that it is the real next token). */
  tag?: (id: number) => ComponentChildren;
}) {
  useFigureData(() => ({
    kind: 'series',
    label,
    unit: 'probability',
    items: predictions.map((t) => ({ label: show(t.id), value: t.prob })),
  }));
  return (
    <ol class="kit-bars" aria-label={label}>
      {predictions.map((t) => (
        <li key={t.id}>
          <span class="kit-bar-label">
            <code>{show(t.id)}</code>
            {tag?.(t.id)}
          </span>
          <span class="kit-bar-track">
            <span class="kit-bar" style={{ width: `${Math.max(0.5, t.prob * 100)}%` }} />
          </span>
          <span class="kit-bar-value">{formatPercent(t.prob)}</span>
        </li>
      ))}
    </ol>
  );
}
