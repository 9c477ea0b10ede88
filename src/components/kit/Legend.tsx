import { legendGradient, type Scale } from './colour';
import { formatNumber } from './format';
import './kit.css';

/** Props of a colour legend. */
export interface LegendProps {
  scale: Scale;
  /** What the colour means, e.g. "attention probability" or "logit change". */
  title: string;
  /** Number format for the ends; default 3 significant figures. */
  format?: (v: number) => string;
}

/**
 * The legend every coloured figure shows: a gradient bar with its two ends
 * (and zero, for signed scales, which sits in the middle by construction).
 */
export function Legend({ scale, title, format = (v) => formatNumber(v) }: LegendProps) {
  return (
    <div class="kit-legend" role="group" aria-label={`Colour legend: ${title}`}>
      <span class="kit-legend-title">{title}</span>
      <span>{format(scale.min)}</span>
      <span
        class="kit-legend-bar"
        style={{ background: legendGradient(scale) }}
        aria-hidden="true"
      />
      <span>{format(scale.max)}</span>
      {scale.kind === 'signed' && <span class="kit-legend-zero">0</span>}
    </div>
  );
}
