import { NumberField } from '../kit';

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
