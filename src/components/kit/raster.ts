/**
 * Large heatmaps as one image instead of thousands of SVG rects (a 128 x 128
 * attention pattern is 16k elements; restyling them cost chapter 5 ~200 ms a
 * keystroke). The colours are exactly `colourFor`'s: it rounds strength to
 * whole percent, so a scale has at most 201 colours, which are resolved once
 * per theme through the page's own CSS (the `--map-*` variables) and then
 * looked up per cell.
 */
import { colourFor, scaleT, type Scale } from './colour';

/** `[r, g, b, a]` bytes for every whole percent of a scale kind. */
type Table = Uint8ClampedArray;

const tables = new Map<string, Table>();

/** Which theme the page shows now; colour tables are kept per theme. */
export function themeKey(): string {
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  return `${document.documentElement.dataset.theme ?? 'auto'}:${dark}`;
}

/** Resolves `colourFor` for every percent of `kind`, in the context of `where`. */
function colourTable(kind: Scale['kind'], where: Element): Table {
  // `where`'s own colour scheme too: a saved picture is drawn in the light
  // scheme (figure-picture.ts) whatever the page shows.
  const key = `${kind}|${themeKey()}|${getComputedStyle(where).colorScheme}`;
  const cached = tables.get(key);
  if (cached) return cached;
  const unit: Scale = kind === 'signed' ? { kind, min: -1, max: 1 } : { kind, min: 0, max: 1 };
  const n = kind === 'signed' ? 201 : 101;
  const probe = document.createElement('span');
  probe.style.display = 'none';
  where.append(probe);
  const pixel = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
  const table = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const v = kind === 'signed' ? (i - 100) / 100 : i / 100;
    probe.style.color = colourFor(unit, v);
    pixel.clearRect(0, 0, 1, 1);
    pixel.fillStyle = getComputedStyle(probe).color;
    pixel.fillRect(0, 0, 1, 1);
    table.set(pixel.getImageData(0, 0, 1, 1).data, i * 4);
  }
  probe.remove();
  tables.set(key, table);
  return table;
}

/** The table index of `v`: the same rounding as `colourFor`. */
export function colourIndex(scale: Scale, v: number): number {
  const t = scaleT(scale, v);
  if (scale.kind === 'signed') {
    const pct = Math.round(Math.abs(t) * 100);
    return 100 + (t < 0 ? -pct : pct);
  }
  return Math.round(t * 100);
}

/**
 * A PNG data URL of the matrix, one pixel per cell (masked cells
 * transparent), coloured as `colourFor` colours it in the theme shown now.
 * `where` is an element inside the page, for the CSS variables.
 */
export function rasterise(
  where: Element,
  rows: number,
  cols: number,
  values: ArrayLike<number>,
  scale: Scale,
  isMasked?: (row: number, col: number) => boolean,
): string {
  const table = colourTable(scale.kind, where);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, cols);
  canvas.height = Math.max(1, rows);
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(canvas.width, canvas.height);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      if (isMasked?.(r, c)) continue;
      const i = colourIndex(scale, values[r * cols + c]) * 4;
      image.data.set(table.subarray(i, i + 4), (r * cols + c) * 4);
    }
  ctx.putImageData(image, 0, 0);
  return canvas.toDataURL('image/png');
}

/** How each raster image on the page was drawn, so a saved picture can draw it again. */
const redraws = new WeakMap<Element, () => string>();

/**
 * Remembers how `image` (an SVG `<image>` of `rasterise`'s output) is drawn:
 * `draw` rasterises it again in the colour scheme its place has then.
 */
export function setRedraw(image: Element, draw: () => string): void {
  redraws.set(image, draw);
}

/** `image` drawn again now (a PNG data URL), or `undefined` if it is not a kit raster. */
export function redraw(image: Element): string | undefined {
  return redraws.get(image)?.();
}
