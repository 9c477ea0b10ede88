import { Component, type JSX } from 'preact';
import { useEffect, useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { colourFor, inkFor, type Scale } from './colour';
import { formatNumber } from './format';
import { Legend } from './Legend';
import { rasterise, setRedraw, themeKey } from './raster';
import { useFigureData } from './FigureTools';
import './kit.css';

/** Props of a heatmap. */
export interface HeatmapProps {
  /** Accessible name, e.g. "Attention pattern of head 1.4". */
  label: string;
  rows: number;
  cols: number;
  /** Row-major `[rows, cols]`. */
  values: ArrayLike<number>;
  /** From `signedScale` (diverging, centred at zero) or `unsignedScale` / `probabilityScale`. */
  scale: Scale;
  /** What the colour means, for the legend ("attention probability"). */
  legendTitle: string;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  /** Axis names, e.g. "query position" / "key position". */
  rowTitle?: string;
  colTitle?: string;
  /** Number format for the readout and cell text. */
  format?: (v: number) => string;
  /** Cells not drawn (e.g. future keys under a causal mask), announced with `maskedText`. */
  isMasked?: (row: number, col: number) => boolean;
  maskedText?: string;
  /** Write each value in its cell (for small matrices). */
  showValues?: boolean;
  /** Side of one cell at natural size, in CSS px (default: fits ~640 px wide, 6 to 28). */
  cellSize?: number;
  /** Called on click or Enter/Space with the cell under the cursor. */
  onSelect?: (row: number, col: number) => void;
  /** A cell to outline (e.g. the selected one). */
  highlight?: { row: number; col: number };
}

interface CellsProps {
  rows: number;
  cols: number;
  values: ArrayLike<number>;
  scale: Scale;
  cell: number;
  x0: number;
  y0: number;
  isMasked?: (row: number, col: number) => boolean;
  showValues: boolean;
  format: (v: number) => string;
}

/**
 * The cells, redrawn only when the data changes (not when the cursor moves):
 * a 128 x 128 pattern is 16k rects.
 */
class Cells extends Component<CellsProps> {
  shouldComponentUpdate(next: CellsProps): boolean {
    const p = this.props;
    return (
      next.values !== p.values ||
      next.scale.min !== p.scale.min ||
      next.scale.max !== p.scale.max ||
      next.scale.kind !== p.scale.kind ||
      next.rows !== p.rows ||
      next.cols !== p.cols ||
      next.cell !== p.cell ||
      next.x0 !== p.x0 ||
      next.y0 !== p.y0 ||
      next.showValues !== p.showValues
    );
  }
  render({ rows, cols, values, scale, cell, x0, y0, isMasked, showValues, format }: CellsProps) {
    const out: JSX.Element[] = [];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        if (isMasked?.(r, c)) continue;
        const v = values[r * cols + c];
        out.push(
          <rect
            key={r * cols + c}
            data-r={r}
            data-c={c}
            x={x0 + c * cell}
            y={y0 + r * cell}
            width={cell + 0.02}
            height={cell + 0.02}
            style={{ fill: colourFor(scale, v) }}
          />,
        );
        if (showValues)
          out.push(
            <text
              key={`t${r * cols + c}`}
              x={x0 + (c + 0.5) * cell}
              y={y0 + (r + 0.5) * cell}
              text-anchor="middle"
              dominant-baseline="central"
              font-size={Math.min(11, cell * 0.32)}
              style={{ fill: inkFor(scale, v), pointerEvents: 'none' }}
            >
              {format(v)}
            </text>,
          );
      }
    }
    return <g>{out}</g>;
  }
}

/** Matrices with more cells than this (and no values written in) are drawn as one image. */
const RASTER_CELLS = 1024;

/** Bumps when the page's theme changes (the toggle or the system setting). */
function useThemeKey(): string {
  const [key, setKey] = useState(() => (typeof window === 'undefined' ? '' : themeKey()));
  useEffect(() => {
    const update = () => setKey(themeKey());
    const observer = new MutationObserver(update);
    observer.observe(document.documentElement, { attributeFilter: ['data-theme'] });
    const media = window.matchMedia?.('(prefers-color-scheme: dark)');
    media?.addEventListener('change', update);
    return () => {
      observer.disconnect();
      media?.removeEventListener('change', update);
    };
  }, []);
  return key;
}

/**
 * The cells of a large heatmap as one pixelated image: the same colours as
 * the rects (raster.ts), at a fraction of the cost to update. Hover and click
 * read the cell from the pointer position instead of from a rect.
 */
function RasterCells({ rows, cols, values, scale, cell, x0, y0, isMasked }: CellsProps) {
  const ref = useRef<SVGImageElement>(null);
  const theme = useThemeKey();
  const masked = useRef(isMasked);
  masked.current = isMasked;
  useLayoutEffect(() => {
    const image = ref.current;
    if (!image) return;
    const draw = () => rasterise(image.parentElement!, rows, cols, values, scale, masked.current);
    image.setAttribute('href', draw());
    setRedraw(image, draw);
    // The scale's fields, not its identity: callers build a new object each render.
  }, [values, rows, cols, scale.kind, scale.min, scale.max, theme]);
  return (
    <image
      ref={ref}
      class="kit-heatmap-raster"
      x={x0}
      y={y0}
      width={cols * cell}
      height={rows * cell}
      preserveAspectRatio="none"
    />
  );
}

/** Every `step`-th label index, so at most ~`max` labels show on an axis. */
function labelStep(n: number, max: number): number {
  return Math.max(1, Math.ceil(n / max));
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/**
 * A heatmap of a `[rows, cols]` matrix with a legend, values on hover and on
 * keyboard focus (Tab to it, then arrows / Home / End / PageUp / PageDown;
 * the readout under it is a live region), and optional selection
 * (click / Enter). Colours come from `scale`: diverging and centred at zero
 * for signed values, sequential for magnitudes.
 */
export function Heatmap({
  label,
  rows,
  cols,
  values,
  scale,
  legendTitle,
  rowLabels,
  colLabels,
  rowTitle,
  colTitle,
  format = (v) => formatNumber(v),
  isMasked,
  maskedText = 'masked',
  showValues = false,
  cellSize,
  onSelect,
  highlight,
}: HeatmapProps) {
  const readoutId = useId();
  // What "Save data" writes for this heatmap (kit/FigureTools.tsx): the
  // numbers it draws, masked cells as null.
  useFigureData(() => ({
    kind: 'matrix',
    label,
    rows,
    cols,
    rowLabels,
    colLabels,
    rowTitle,
    colTitle,
    values: Array.from({ length: rows * cols }, (_, i) =>
      isMasked?.(Math.floor(i / cols), i % cols) ? null : values[i],
    ),
  }));
  const [cursor, setCursor] = useState<{ row: number; col: number } | undefined>(undefined);
  const cell = cellSize ?? Math.max(6, Math.min(28, Math.floor(640 / Math.max(cols, 1))));
  const labelFont = Math.max(7, Math.min(12, cell * 0.8));
  const rowStep = labelStep(rows, 32);
  const colStep = labelStep(cols, 32);
  const charW = labelFont * 0.62;
  const maxRowChars = rowLabels ? Math.min(10, Math.max(...rowLabels.map((s) => s.length), 1)) : 0;
  const maxColChars = colLabels ? Math.min(10, Math.max(...colLabels.map((s) => s.length), 1)) : 0;
  const x0 = (rowTitle ? labelFont * 1.6 : 0) + (rowLabels ? maxRowChars * charW + 6 : 0);
  // Column labels are drawn rotated 60 degrees; their height is about their length.
  const y0 = (colTitle ? labelFont * 1.6 : 0) + (colLabels ? maxColChars * charW * 0.87 + 8 : 0);
  const width = x0 + cols * cell + 2;
  const height = y0 + rows * cell + 2;

  const clamp = (r: number, c: number) => ({
    row: Math.max(0, Math.min(rows - 1, r)),
    col: Math.max(0, Math.min(cols - 1, c)),
  });
  const onKeyDown = (e: JSX.TargetedKeyboardEvent<HTMLDivElement>) => {
    const at = cursor ?? highlight ?? { row: 0, col: 0 };
    const page = Math.max(1, Math.round(rows / 8));
    let next: { row: number; col: number } | undefined;
    switch (e.key) {
      case 'ArrowUp':
        next = clamp(at.row - 1, at.col);
        break;
      case 'ArrowDown':
        next = clamp(at.row + 1, at.col);
        break;
      case 'ArrowLeft':
        next = clamp(at.row, at.col - 1);
        break;
      case 'ArrowRight':
        next = clamp(at.row, at.col + 1);
        break;
      case 'Home':
        next = clamp(at.row, 0);
        break;
      case 'End':
        next = clamp(at.row, cols - 1);
        break;
      case 'PageUp':
        next = clamp(at.row - page, at.col);
        break;
      case 'PageDown':
        next = clamp(at.row + page, at.col);
        break;
      case 'Enter':
      case ' ':
        if (onSelect) onSelect(at.row, at.col);
        e.preventDefault();
        return;
      default:
        return;
    }
    e.preventDefault();
    setCursor(next);
  };
  const raster = !showValues && rows * cols > RASTER_CELLS;
  /** The cell under the pointer, from its position (rects and the raster alike). */
  const cellAt = (e: JSX.TargetedMouseEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * width;
    const y = ((e.clientY - box.top) / box.height) * height;
    const row = Math.floor((y - y0) / cell);
    const col = Math.floor((x - x0) / cell);
    return row >= 0 && row < rows && col >= 0 && col < cols ? { row, col } : undefined;
  };
  const onPointer = (e: JSX.TargetedMouseEvent<SVGSVGElement>) => {
    const at = cellAt(e);
    if (at) setCursor(at);
  };

  const shown = cursor ?? highlight;
  let readout = `${label}: hover or focus and use the arrow keys to read values.`;
  if (shown) {
    const rl = rowLabels?.[shown.row] ?? String(shown.row);
    const cl = colLabels?.[shown.col] ?? String(shown.col);
    const where = `${rowTitle ?? 'row'} ${shown.row} (${rl}), ${colTitle ?? 'column'} ${shown.col} (${cl})`;
    const masked = isMasked?.(shown.row, shown.col);
    readout = `${where}: ${masked ? maskedText : format(values[shown.row * cols + shown.col])}`;
  }

  const cellsProps: CellsProps = {
    rows,
    cols,
    values,
    scale,
    cell,
    x0,
    y0,
    isMasked,
    showValues,
    format,
  };

  return (
    <div class="kit-heatmap">
      <div
        class="kit-heatmap-plot"
        tabIndex={0}
        role="group"
        aria-roledescription="heatmap"
        aria-label={`${label} (${rows} by ${cols}); arrow keys read values${onSelect ? ', Enter selects' : ''}`}
        aria-describedby={readoutId}
        onKeyDown={onKeyDown}
        onBlur={() => setCursor(undefined)}
      >
        <svg
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
          aria-hidden="true"
          onMouseMove={onPointer}
          onMouseLeave={() => setCursor(undefined)}
          onClick={(e) => {
            const at = cellAt(e);
            if (!at) return;
            setCursor(at);
            onSelect?.(at.row, at.col);
          }}
          style={{
            cursor: onSelect ? 'pointer' : 'crosshair',
            // A narrow screen (a phone) scrolls the plot sideways rather than
            // shrink its labels below 10 px (or below their size, if smaller).
            minWidth: `${Math.round(width * Math.min(1, 10 / labelFont))}px`,
          }}
        >
          {colTitle && (
            <text
              class="kit-axis-title"
              x={x0 + (cols * cell) / 2}
              y={labelFont}
              text-anchor="middle"
              font-size={labelFont}
            >
              {colTitle} →
            </text>
          )}
          {rowTitle && (
            <text
              class="kit-axis-title"
              transform={`translate(${labelFont}, ${y0 + (rows * cell) / 2}) rotate(-90)`}
              text-anchor="middle"
              font-size={labelFont}
            >
              ← {rowTitle}
            </text>
          )}
          {rowLabels?.map((s, r) =>
            r % rowStep === 0 ? (
              <text
                key={`r${r}`}
                x={x0 - 4}
                y={y0 + (r + 0.5) * cell}
                text-anchor="end"
                dominant-baseline="central"
                font-size={labelFont}
              >
                {clip(s, 10)}
              </text>
            ) : null,
          )}
          {colLabels?.map((s, c) =>
            c % colStep === 0 ? (
              <text
                key={`c${c}`}
                transform={`translate(${x0 + (c + 0.5) * cell}, ${y0 - 4}) rotate(-60)`}
                font-size={labelFont}
                dominant-baseline="central"
              >
                {clip(s, 10)}
              </text>
            ) : null,
          )}
          {raster ? <RasterCells {...cellsProps} showValues={false} /> : <Cells {...cellsProps} />}
          {highlight && <CellOutline at={highlight} x0={x0} y0={y0} cell={cell} accent />}
          {cursor && <CellOutline at={cursor} x0={x0} y0={y0} cell={cell} />}
        </svg>
      </div>
      <p
        id={readoutId}
        class="kit-readout"
        aria-live="polite"
        data-print-hint={shown ? undefined : ''}
      >
        {readout}
      </p>
      <Legend scale={scale} title={legendTitle} format={format} />
    </div>
  );
}

/** The outline of one cell: the figure's highlighted cell (`accent`) or the reader's cursor. */
function CellOutline({
  at,
  x0,
  y0,
  cell,
  accent = false,
}: {
  at: { row: number; col: number };
  x0: number;
  y0: number;
  cell: number;
  accent?: boolean;
}) {
  return (
    <rect
      class="kit-cursor"
      x={x0 + at.col * cell}
      y={y0 + at.row * cell}
      width={cell}
      height={cell}
      stroke-width={Math.max(1.5, cell * 0.12)}
      style={accent ? { stroke: 'var(--accent)' } : undefined}
    />
  );
}
