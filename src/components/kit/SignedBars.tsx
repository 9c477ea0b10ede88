/**
 * Signed contributions as horizontal bars from a zero line, each with its
 * value printed (a sum's terms: logit attribution, score components).
 */
import { colourFor, signedScale } from './colour';
import { formatSigned } from './format';
import { useFigureData } from './FigureTools';
import './kit.css';

/** One signed bar. */
export interface Bar {
  label: string;
  value: number;
  /** Emphasise (e.g. the total). */
  strong?: boolean;
}

/**
 * Horizontal signed bars from a zero line (kit's diverging colours, centred
 * at zero), each with its value printed: a list a screen reader reads in order.
 */
export function SignedBars({
  bars,
  label,
  unit = '',
}: {
  bars: readonly Bar[];
  label: string;
  unit?: string;
}) {
  useFigureData(() => ({
    kind: 'series',
    label,
    unit: unit || undefined,
    items: bars.map((b) => ({ label: b.label, value: b.value })),
  }));
  const scale = signedScale(bars.map((b) => b.value));
  const maxAbs = scale.max;
  return (
    <div>
      <ul class="kit-bars" aria-label={label}>
        {bars.map((b) => {
          const w = (Math.abs(b.value) / maxAbs) * 50;
          return (
            <li key={b.label} class={b.strong ? 'kit-bar-strong' : undefined}>
              <span class="kit-bar-label">{b.label}</span>
              <span class="kit-bar-track" aria-hidden="true">
                <span
                  class="kit-bar-fill"
                  style={{
                    left: b.value >= 0 ? '50%' : `${50 - w}%`,
                    width: `${w}%`,
                    background: colourFor(scale, b.value >= 0 ? maxAbs : -maxAbs),
                  }}
                />
              </span>
              <span class="kit-bar-value">
                {formatSigned(b.value, 4)}
                {unit}
              </span>
            </li>
          );
        })}
      </ul>
      <p class="kit-note">
        Bars start at the zero line: orange to the right raises the value, blue to the left lowers
        it.
      </p>
    </div>
  );
}
