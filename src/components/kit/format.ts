/**
 * Number formatting for the whole site (figures and the model pages), so a
 * value reads the same in a cell, a tooltip, a screen reader announcement
 * and the appendix.
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

/** An integer with thousands separators, as the prose writes them: `262,144`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A measured value with a fixed number of decimals (default 3), as the model cards give them; `—` when missing. */
export function formatFixed(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

/** A file size: `2.7 MB`, `388 bytes` (decimal units, as download dialogs show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A tensor shape as the book writes it: `[2048, 128]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
