import type { ComponentChildren } from 'preact';
import type { LogitComparison } from '../../model/predictions';
import { NumberField, RadioChoice, SeedField, seedField, Table, type Option } from '../kit';
import { field } from '../kit/url-state';

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
      {(['i', 'j'] as const).map((axis) => (
        <NumberField
          key={axis}
          label={`${noun} ${axis}`}
          value={axis === 'i' ? i : j}
          min={0}
          max={max}
          onChange={(v) => onChange(axis === 'i' ? { i: v } : { j: v })}
        />
      ))}
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

/** A rotation figure's state: the kind of change of basis, its seed, and the plane rotation's axes and angle. */
export interface RotationState<M extends string> {
  mode: M;
  seed: number;
  i: number;
  deg: number;
}

/**
 * The URL fields of a rotation figure's change of basis (`RotationState`):
 * its kind (one of `modes`, the first by default), the seed of a random one,
 * and the plane rotation's axes `i`, `j` in [0, axes) and angle (`deg` by default).
 */
export function rotationFields<M extends string>(modes: readonly M[], axes: number, deg: number) {
  return {
    mode: field.oneOf(modes, modes[0]),
    seed: seedField(),
    i: field.int(0, 0, axes - 1),
    j: field.int(1, 0, axes - 1),
    deg: field.int(deg, -180, 180),
  };
}

/** The changes of basis a rotation figure offers: the choice's legend and options, and what an axis is called. */
export interface BasisChoice<M extends string> {
  legend: string;
  options: readonly Option<M>[];
  /** What a direction is called: "Axis" or "Neuron". */
  noun: string;
}

/**
 * The controls row of a rotation figure: any controls of its own
 * (`children`), the kind of change of basis, then the plane rotation's
 * controls for mode `plane` or the seed of the random draw for the others.
 */
export function RotationControls<M extends string>({
  basis,
  max,
  state,
  j,
  onChange,
  children,
}: {
  basis: BasisChoice<M>;
  /** The largest axis index. */
  max: number;
  state: RotationState<M>;
  /** `j` as the figure uses it (never equal to `i`). */
  j: number;
  onChange: (change: Partial<RotationState<M>> & { j?: number }) => void;
  children?: ComponentChildren;
}) {
  return (
    <div class="kit-controls">
      {children}
      <RadioChoice
        legend={basis.legend}
        value={state.mode}
        options={basis.options}
        onChange={(mode) => onChange({ mode })}
      />
      {state.mode === 'plane' ? (
        <PlaneRotationControls
          noun={basis.noun}
          i={state.i}
          j={j}
          deg={state.deg}
          max={max}
          onChange={onChange}
        />
      ) : (
        <SeedField value={state.seed} onChange={(seed) => onChange({ seed })} />
      )}
    </div>
  );
}

type Top = LogitComparison['top'][number]['original'][number];

/** A token and its logit: the token's text in code, then the value to `digits` decimals. */
export function TokenLogit({
  text,
  value,
  digits,
}: {
  text: string;
  value: number;
  digits: number;
}) {
  return (
    <>
      <code>{text}</code> {value.toFixed(digits)}
    </>
  );
}

/**
 * The top predictions at one position, original model against changed one:
 * a table of `columns`, one row per rank, whose cells `cells` draws.
 */
export function TopComparison({
  testId,
  pos,
  top,
  columns,
  cells,
}: {
  testId: string;
  pos: number;
  top: LogitComparison['top'][number];
  columns: readonly ComponentChildren[];
  cells: (original: Top, changed: Top, rank: number) => ComponentChildren;
}) {
  return (
    <Table
      testId={testId}
      caption={<>Top predictions at position {pos}</>}
      captionHidden
      columns={columns}
    >
      {top.original.map((t, k) => (
        <tr key={k}>{cells(t, top.changed[k], k)}</tr>
      ))}
    </Table>
  );
}
