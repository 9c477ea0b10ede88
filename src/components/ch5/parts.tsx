/**
 * Parts the chapter 5–6 figures need beyond the shared kit: signed bars for
 * a sum of contributions, a labelled number input and a labelled select.
 */
import { useId } from 'preact/hooks';
import { colourFor, formatSigned, signedScale } from '../kit';
import './ch5.css';

/** A labelled select over fixed options. */
export function Choice<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (v: T) => void;
}) {
  const id = useId();
  return (
    <span class="c5-control">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

/** A labelled integer input that only reports values in `[min, max]`. */
export function NumberInput({
  label,
  value,
  min,
  max,
  onChange,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange: (v: number) => void;
}) {
  const id = useId();
  return (
    <span class="c5-control">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="number"
        value={value}
        min={min}
        max={max}
        onChange={(e) => {
          const n = Number(e.currentTarget.value);
          if (Number.isInteger(n) && n >= min && n <= max) onChange(n);
        }}
      />
    </span>
  );
}

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
  const scale = signedScale(bars.map((b) => b.value));
  const maxAbs = scale.max;
  return (
    <div>
      <ul class="c5-bars" aria-label={label}>
        {bars.map((b) => {
          const w = (Math.abs(b.value) / maxAbs) * 50;
          return (
            <li key={b.label} class={b.strong ? 'c5-bar-strong' : undefined}>
              <span class="c5-bar-label">{b.label}</span>
              <span class="c5-bar-track" aria-hidden="true">
                <span
                  class="c5-bar-fill"
                  style={{
                    left: b.value >= 0 ? '50%' : `${50 - w}%`,
                    width: `${w}%`,
                    background: colourFor(scale, b.value >= 0 ? maxAbs : -maxAbs),
                  }}
                />
              </span>
              <span class="c5-bar-value">
                {formatSigned(b.value, 4)}
                {unit}
              </span>
            </li>
          );
        })}
      </ul>
      <p class="c5-note">
        Bars start at the zero line: orange to the right raises the value, blue to the left lowers
        it.
      </p>
    </div>
  );
}
