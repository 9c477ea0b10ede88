/**
 * The arithmetic of the appendix's static line charts (rendered at build
 * time): round tick values and SVG paths. No DOM, so it is unit-tested.
 */

/** A data point of a line chart. */
export interface Point {
  x: number;
  y: number;
}

/** The plotting box in SVG user units: x grows right, y grows down. */
export interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The data range a chart shows. */
export interface Domain {
  x: [number, number];
  y: [number, number];
}

/**
 * About `count` round tick values (1, 2 or 5 times a power of ten apart)
 * covering [lo, hi]: the first is <= lo, the last >= hi.
 */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let t = first; t < hi + step - 1e-9 * step; t += step) {
    // round away float noise (0.30000000000000004)
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

/** Maps a data value in [d0, d1] linearly onto [r0, r1]. */
export function scale(v: number, [d0, d1]: [number, number], r0: number, r1: number): number {
  return d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/**
 * The SVG path (`M x y L x y ...`, two decimals) through `points` placed in
 * `box` by `domain`; points whose y is not finite are left out.
 */
export function linePath(points: readonly Point[], box: Box, domain: Domain): string {
  return points
    .filter((p) => Number.isFinite(p.y))
    .map((p, i) => {
      const x = scale(p.x, domain.x, box.left, box.right);
      const y = scale(p.y, domain.y, box.bottom, box.top);
      return `${i === 0 ? 'M' : 'L'}${x.toFixed(2)} ${y.toFixed(2)}`;
    })
    .join(' ');
}
