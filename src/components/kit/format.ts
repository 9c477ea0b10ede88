/**
 * Number formatting shared by figures, so a value reads the same in a cell,
 * a tooltip and a screen reader announcement.
 */

/** A signed number with a real minus sign and `digits` significant figures (default 3). */
export function formatNumber(v: number, digits = 3): string {
  if (Number.isNaN(v)) return 'n/a';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  let s: string;
  if (a >= 1e5 || a < 1e-3) s = a.toExponential(digits - 1);
  else s = Number(a.toPrecision(digits)).toString();
  return (v < 0 ? '−' : '') + s;
}

/** A signed number that always shows its sign (`+0.12`, `−0.12`), for contributions. */
export function formatSigned(v: number, digits = 3): string {
  const s = formatNumber(v, digits);
  return v > 0 ? `+${s}` : s;
}

/** A probability as a percentage: `42%`, `0.3%`, `<0.1%`. */
export function formatPercent(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  const pct = p * 100;
  if (pct > 0 && pct < 0.1) return '<0.1%';
  return `${pct >= 10 ? Math.round(pct) : Number(pct.toFixed(1))}%`;
}

/** An integer with thin-space thousands separators: `262 144`. */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

/** A tensor shape as the book writes it: `[2048, 128]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
