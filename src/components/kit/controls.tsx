/**
 * The labelled inputs figures share: an integer field, a select and a radio
 * group. Each is one control with its own label, styled by kit.css.
 */
import { useId } from 'preact/hooks';
import { MAX_SEED } from './fields';
import './kit.css';

/** One option of a select or radio group. */
export interface Option<T extends string> {
  value: T;
  label: string;
}

/** A labelled integer input; a typed value outside `[min, max]` is clamped to it. */
export function NumberField({
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
    <span class="kit-control">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        value={value}
        onChange={(e) => {
          const v = Math.round(Number(e.currentTarget.value));
          if (e.currentTarget.value !== '' && Number.isFinite(v))
            onChange(Math.max(min, Math.min(max, v)));
        }}
      />
    </span>
  );
}

/** A seed for a figure's random draw (a random sequence, basis or baseline): an integer in [0, MAX_SEED]. */
export function SeedField({
  label = 'Seed',
  value,
  onChange,
}: {
  label?: string;
  value: number;
  onChange: (v: number) => void;
}) {
  return <NumberField label={label} value={value} min={0} max={MAX_SEED} onChange={onChange} />;
}

/** Props of a choice among fixed options (a select or a radio group). */
export interface ChoiceProps<T extends string> {
  value: T;
  options: readonly Option<T>[];
  onChange: (v: T) => void;
}

/** A labelled select over fixed options. */
export function Select<T extends string>({
  label,
  value,
  options,
  onChange,
}: ChoiceProps<T> & { label: string }) {
  const id = useId();
  return (
    <span class="kit-control">
      <label for={id}>{label}</label>
      <select
        id={id}
        class="kit-select"
        value={value}
        onChange={(e) => onChange(e.currentTarget.value as T)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

/** A radio group as a fieldset (one tab stop, arrow keys move). */
export function RadioChoice<T extends string>({
  legend,
  value,
  options,
  onChange,
}: ChoiceProps<T> & { legend: string }) {
  const name = useId();
  return (
    <fieldset class="kit-radios">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value}>
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={value === o.value}
            onChange={() => onChange(o.value)}
          />{' '}
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}
