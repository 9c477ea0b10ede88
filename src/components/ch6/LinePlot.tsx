import { useId, useState } from 'preact/hooks';
import { formatNumber as fmt } from '../kit';

/** One line of a plot. */
export interface Series {
  name: string;
  /** Colour (colour-blind-safe choices: see SERIES_COLOURS). */
  colour: string;
  x: readonly number[];
  y: readonly number[];
  dashed?: boolean;
  /** Listed in the legend (default true; e.g. false for the second line of an error band). */
  legend?: boolean;
}

/** Okabe–Ito colours, distinguishable with the common colour-vision deficiencies. */
export const SERIES_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00'];

/** Props of a line plot. */
export interface LinePlotProps {
  series: readonly Series[];
  label: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  /** A shaded x interval (e.g. the phase change). */
  band?: { from: number; to: number; label: string };
  /** A vertical marker (e.g. the selected checkpoint). */
  marker?: number;
  /** A vertical divider with a label (e.g. start of the second copy). */
  divider?: { x: number; label: string };
  height?: number;
  /** Include zero in the y range (default true; losses read better without). */
  zero?: boolean;
}

/**
 * A small SVG line plot with a legend. Focus it and use the left/right arrow
 * keys (or hover) to read every series at one x; the values are read out in text.
 */
export function LinePlot(props: LinePlotProps) {
  const { series, logX, height = 180 } = props;
  const width = 560;
  const pad = { l: 44, r: 10, t: 10, b: 30 };
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const ys = series.flatMap((s) => s.y).filter(Number.isFinite);
  const tx = (x: number) => (logX ? Math.log10(Math.max(x, 1)) : x);
  const x0 = tx(xs[0] ?? 0);
  const x1 = tx(xs[xs.length - 1] ?? 1);
  const zero = props.zero ?? true;
  const lo = Math.min(...ys);
  const hi = Math.max(...ys);
  const margin = zero ? 0 : (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1;
  const y0 = zero ? Math.min(0, lo) : lo - margin;
  const y1 = zero ? Math.max(1e-9, hi) : hi + margin;
  const px = (x: number) => pad.l + ((tx(x) - x0) / (x1 - x0 || 1)) * (width - pad.l - pad.r);
  const py = (y: number) => pad.t + (1 - (y - y0) / (y1 - y0 || 1)) * (height - pad.t - pad.b);
  const [at, setAt] = useState<number | null>(null);
  const readId = useId();
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const i =
      at === null
        ? 0
        : Math.max(0, Math.min(xs.length - 1, at + (e.key === 'ArrowRight' ? 1 : -1)));
    setAt(i);
  };
  const onPointer = (e: PointerEvent) => {
    const rect = (e.currentTarget as SVGElement).getBoundingClientRect();
    const sx = ((e.clientX - rect.left) / rect.width) * width;
    let best = 0;
    xs.forEach((x, i) => {
      if (Math.abs(px(x) - sx) < Math.abs(px(xs[best]) - sx)) best = i;
    });
    setAt(best);
  };
  const xAt = at === null ? undefined : xs[at];
  return (
    <div class="ch6-plot">
      <svg
        class="kit-plot"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        role="img"
        tabIndex={0}
        aria-label={`${props.label}. Use the left and right arrow keys to read values.`}
        aria-describedby={readId}
        onKeyDown={onKey}
        onPointerMove={onPointer}
      >
        {props.band && (
          <g>
            <rect
              x={px(props.band.from)}
              width={Math.max(2, px(props.band.to) - px(props.band.from))}
              y={pad.t}
              height={height - pad.t - pad.b}
              fill="currentColor"
              opacity={0.12}
            />
            <text x={px(props.band.from) + 2} y={pad.t + 10}>
              {props.band.label}
            </text>
          </g>
        )}
        {props.divider && (
          <g>
            <line
              class="axis"
              x1={px(props.divider.x)}
              x2={px(props.divider.x)}
              y1={pad.t}
              y2={height - pad.b}
              stroke-dasharray="4 3"
            />
            <text x={px(props.divider.x) + 3} y={pad.t + 10}>
              {props.divider.label}
            </text>
          </g>
        )}
        <line class="axis" x1={pad.l} x2={width - pad.r} y1={height - pad.b} y2={height - pad.b} />
        <line class="axis" x1={pad.l} x2={pad.l} y1={pad.t} y2={height - pad.b} />
        {y0 < 0 && (
          <line
            class="axis"
            x1={pad.l}
            x2={width - pad.r}
            y1={py(0)}
            y2={py(0)}
            stroke-dasharray="2 2"
          />
        )}
        <text x={pad.l - 4} y={py(y1) + 4} text-anchor="end">
          {fmt(y1, 2)}
        </text>
        <text x={pad.l - 4} y={py(y0) + 4} text-anchor="end">
          {fmt(y0, 2)}
        </text>
        <text x={pad.l} y={height - 8}>
          {fmt(xs[0] ?? 0)}
        </text>
        <text x={width - pad.r} y={height - 8} text-anchor="end">
          {fmt(xs[xs.length - 1] ?? 0)}
        </text>
        <text x={(pad.l + width) / 2} y={height - 8} text-anchor="middle">
          {props.xLabel}
          {logX ? ' (log scale)' : ''}
        </text>
        {series.map((s, k) => (
          <polyline
            key={k}
            fill="none"
            stroke={s.colour}
            stroke-width={2}
            stroke-dasharray={s.dashed ? '5 3' : undefined}
            points={s.x
              .map((x, i) => (Number.isFinite(s.y[i]) ? `${px(x)},${py(s.y[i])}` : ''))
              .filter(Boolean)
              .join(' ')}
          />
        ))}
        {props.marker !== undefined && (
          <line
            x1={px(props.marker)}
            x2={px(props.marker)}
            y1={pad.t}
            y2={height - pad.b}
            stroke="currentColor"
            stroke-width={2}
          />
        )}
        {xAt !== undefined && (
          <line class="axis" x1={px(xAt)} x2={px(xAt)} y1={pad.t} y2={height - pad.b} />
        )}
      </svg>
      <ul class="ch6-legend" aria-label="Legend">
        <li class="ch6-legend-y">{props.yLabel}:</li>
        {series
          .filter((s) => s.legend !== false)
          .map((s) => (
            <li key={s.name}>
              <span
                class="ch6-swatch"
                style={{ borderTop: `3px ${s.dashed ? 'dashed' : 'solid'} ${s.colour}` }}
                aria-hidden="true"
              />
              {s.name}
            </li>
          ))}
      </ul>
      <p class="ch6-readout" id={readId} aria-live="polite">
        {xAt === undefined
          ? 'Hover or focus the plot and use the arrow keys to read values.'
          : `${props.xLabel} ${fmt(xAt)}: ${series
              .map((s) => {
                const i = s.x.indexOf(xAt);
                return `${s.name} ${i >= 0 ? fmt(s.y[i]) : '–'}`;
              })
              .join(', ')}`}
      </p>
    </div>
  );
}
