import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import './ch3.css';

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
    <div class="ch3-stat" data-testid={testId}>
      <span class="ch3-stat-label">{label}</span>
      <span class="ch3-stat-value">{value}</span>
      {note && <span class="ch3-stat-note">{note}</span>}
    </div>
  );
}

/** A labelled integer input, clamped to `[min, max]` (seeds, axes, angles). */
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
    <label for={id}>
      {label}
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
          if (Number.isFinite(v)) onChange(Math.max(min, Math.min(max, v)));
        }}
      />
    </label>
  );
}

/** A radio group as a fieldset (one tab stop, arrow keys move). */
export function Choice<T extends string>({
  legend,
  value,
  options,
  onChange,
}: {
  legend: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (v: T) => void;
}) {
  const name = useId();
  return (
    <fieldset>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} class="ch3-radio">
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

/** A labelled select over string options. */
export function Select<T extends string>({
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
    <label for={id}>
      {label}
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
    </label>
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
    <div class="ch3-fit" style={{ maxWidth: `${Math.round(cols * cell + 110)}px` }}>
      {children}
    </div>
  );
}

/** Wraps a kit token strip so that its unshaded tokens get the page background (see ch3.css). */
export function Strip({ children }: { children: ComponentChildren }) {
  return <div class="ch3-strip">{children}</div>;
}

/**
 * The controls of a rotation in the plane of two basis directions: the two
 * directions (`i`, `j` in 0..max) and the angle in degrees. Shared by the
 * residual-stream and neuron rotation figures.
 */
export function PlaneRotationControls({
  noun,
  i,
  j,
  deg,
  max,
  onChange,
}: {
  /** What a direction is called: "Axis" or "Neuron". */
  noun: string;
  i: number;
  j: number;
  deg: number;
  max: number;
  onChange: (change: { i?: number; j?: number; deg?: number }) => void;
}) {
  return (
    <>
      <NumberField
        label={`${noun} i`}
        value={i}
        min={0}
        max={max}
        onChange={(v) => onChange({ i: v })}
      />
      <NumberField
        label={`${noun} j`}
        value={j}
        min={0}
        max={max}
        onChange={(v) => onChange({ j: v })}
      />
      <label>
        Angle: {deg}°
        <input
          type="range"
          min={-180}
          max={180}
          step={1}
          value={deg}
          aria-label="Angle in degrees"
          onInput={(e) => onChange({ deg: Number(e.currentTarget.value) })}
        />
      </label>
    </>
  );
}
