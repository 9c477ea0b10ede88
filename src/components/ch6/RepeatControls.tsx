import type { ComponentChildren } from 'preact';
import { NumberField, SeedField } from '../kit';
import { field } from '../kit/url-state';

/** The shortest and longest random block a figure repeats (twice the longest fits the context). */
const PERIOD = { min: 5, max: 63 };

/** The length of the random block, for a figure's URL schema: 40 tokens unless the link says. */
export function periodField() {
  return field.int(40, PERIOD.min, PERIOD.max);
}

/**
 * The controls row of a repeated-random-tokens figure: any controls of its
 * own (`children`), the seed of the random block, and its length when the
 * figure lets the reader set it (`state.period`).
 */
export function RepeatControls({
  state,
  onChange,
  seedLabel,
  children,
}: {
  state: { seed: number; period?: number };
  onChange: (change: { seed?: number; period?: number }) => void;
  /** The seed field's label; default "Seed". */
  seedLabel?: string;
  children?: ComponentChildren;
}) {
  return (
    <div class="ch6-row">
      {children}
      <SeedField label={seedLabel} value={state.seed} onChange={(seed) => onChange({ seed })} />
      {state.period !== undefined && (
        <NumberField
          label="Block length"
          value={state.period}
          min={PERIOD.min}
          max={PERIOD.max}
          onChange={(period) => onChange({ period })}
        />
      )}
    </div>
  );
}
