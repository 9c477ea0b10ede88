/**
 * Colour maps for every figure, written as CSS colours so that the theme
 * (light or dark) picks the ends from the variables in kit.css:
 *
 * - diverging, for signed values: blue for negative, orange for positive,
 *   the page background at exactly zero. Blue/orange stays distinguishable
 *   for the common colour-vision deficiencies (deutan, protan, tritan), unlike
 *   red/green.
 * - sequential, for magnitudes and probabilities: one hue whose lightness runs
 *   from the background to a strong ink, readable in greyscale too.
 *
 * Both are `color-mix()` in OKLab between CSS variables, so they need no
 * JavaScript to follow a theme switch.
 */

/** How a value maps to [0, 1] or [-1, 1] before colouring. */
export interface Scale {
  /** `signed`: diverging around zero; `unsigned`: sequential from `min`. */
  readonly kind: 'signed' | 'unsigned';
  /** Lower end of the legend (for signed scales, `-max`). */
  readonly min: number;
  /** Upper end of the legend. */
  readonly max: number;
}

/**
 * A diverging scale centred at zero, symmetric: `[-m, m]` with `m` the
 * largest |value| (or `limit` when given). A scale that is not centred at zero
 * would paint "no effect" in a colour, so there is no other signed option.
 */
export function signedScale(values: ArrayLike<number>, limit?: number): Scale {
  let m = limit ?? 0;
  if (limit === undefined)
    for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  if (!(m > 0) || !Number.isFinite(m)) m = 1;
  return { kind: 'signed', min: -m, max: m };
}

/** A sequential scale from `min` (default 0) to the largest value (or `max`). */
export function unsignedScale(values: ArrayLike<number>, max?: number, min = 0): Scale {
  let m = max ?? -Infinity;
  if (max === undefined)
    for (let i = 0; i < values.length; i++)
      if (Number.isFinite(values[i])) m = Math.max(m, values[i]);
  if (!(m > min)) m = min + 1;
  return { kind: 'unsigned', min, max: m };
}

/** A probability scale, always [0, 1], so two figures' shades compare. */
export const probabilityScale: Scale = { kind: 'unsigned', min: 0, max: 1 };

/** Position of `v` on the scale: [-1, 1] for signed, [0, 1] for unsigned; clamped; NaN -> 0. */
export function scaleT(scale: Scale, v: number): number {
  if (!Number.isFinite(v))
    return v === Infinity ? 1 : v === -Infinity && scale.kind === 'signed' ? -1 : 0;
  if (scale.kind === 'signed') return Math.max(-1, Math.min(1, v / scale.max));
  return Math.max(0, Math.min(1, (v - scale.min) / (scale.max - scale.min)));
}

/**
 * The CSS colour for `v` on `scale`. Strength is rounded to whole percent,
 * which is finer than the eye can tell and keeps style strings few.
 */
export function colourFor(scale: Scale, v: number): string {
  const t = scaleT(scale, v);
  if (scale.kind === 'signed') {
    const pct = Math.round(Math.abs(t) * 100);
    const end = t < 0 ? 'var(--map-neg)' : 'var(--map-pos)';
    return `color-mix(in oklab, ${end} ${pct}%, var(--map-zero))`;
  }
  return `color-mix(in oklab, var(--map-seq) ${Math.round(t * 100)}%, var(--map-zero))`;
}

/**
 * Text colour that stays readable on `colourFor(scale, v)`: the background
 * colour on strong cells, the text colour on pale ones.
 */
export function inkFor(scale: Scale, v: number): string {
  return Math.abs(scaleT(scale, v)) > 0.55 ? 'var(--map-ink-strong)' : 'var(--fg)';
}

/** The CSS gradient of a whole scale, for its legend bar. */
export function legendGradient(scale: Scale): string {
  if (scale.kind === 'signed')
    return 'linear-gradient(to right, var(--map-neg), var(--map-zero), var(--map-pos))';
  return 'linear-gradient(to right, var(--map-zero), var(--map-seq))';
}

/**
 * Inline style that shows `v` as a thick coloured underline (an inset
 * shadow) instead of a background, so text keeps the page's own contrast on
 * every shade: mid-tones of any map fail WCAG contrast with both black and
 * white text.
 */
export function shadeStyle(scale: Scale, v: number): { boxShadow: string; paddingBottom: string } {
  return { boxShadow: `inset 0 -0.45rem 0 ${colourFor(scale, v)}`, paddingBottom: '0.55rem' };
}
