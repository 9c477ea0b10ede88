/** How the appendix writes numbers, shared by the pages and their tests. */

/** A file size: `2.7 MB`, `388 bytes` (decimal units, as download dialogs show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A measured value with a fixed number of decimals (default 3); `—` when missing. */
export function formatNumber(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

/** A count with thousands separators: `12,288,000`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
