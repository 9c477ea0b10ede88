import type { JSX } from 'preact';
import { useId, useState } from 'preact/hooks';
import { formatNumber } from '../kit';
import './ch3.css';

/** One series of bars: a name for the key, and one value per category. */
export interface BarSeries {
  name: string;
  values: ArrayLike<number>;
}

/** Props of a bar chart. */
export interface BarChartProps {
  /** Accessible name, e.g. "Histogram of standardised coordinates". */
  label: string;
  /** Category labels along the x axis (bins, singular value index...). */
  categories: readonly string[];
  /** One or two series, drawn side by side in colour-blind-safe blue and orange. */
  series: readonly BarSeries[];
  /** What the bars measure (y axis title). */
  yTitle: string;
  xTitle?: string;
  /** Logarithmic y axis (for counts with heavy tails); zeros are not drawn. */
  log?: boolean;
  /** A reference line (e.g. a random baseline) with its label. */
  reference?: { value: number; label: string };
  format?: (v: number) => string;
}

const COLOURS = ['var(--map-neg)', 'var(--map-pos)'];

/**
 * A small SVG bar chart with a key, values on hover and on keyboard focus
 * (Tab to it, arrows move between categories; the readout is a live region),
 * for what the kit's heatmap does not show well: histograms and spectra.
 */
export function BarChart({
  label,
  categories,
  series,
  yTitle,
  xTitle,
  log = false,
  reference,
  format = (v) => formatNumber(v),
}: BarChartProps) {
  const readoutId = useId();
  const [cursor, setCursor] = useState<number | undefined>(undefined);
  const n = categories.length;
  const W = 640;
  const H = 180;
  const left = 44;
  const bottom = 28;
  const top = 8;
  const plotW = W - left - 6;
  const plotH = H - top - bottom;
  let max = reference?.value ?? 0;
  let min = Infinity;
  for (const s of series)
    for (let i = 0; i < s.values.length; i++) {
      max = Math.max(max, s.values[i]);
      if (s.values[i] > 0) min = Math.min(min, s.values[i]);
    }
  if (!(max > 0)) max = 1;
  const lo = log ? Math.log10(Math.min(min, max) / 2 || 0.5) : 0;
  const hi = log ? Math.log10(max) : max;
  const y = (v: number) => {
    if (log && !(v > 0)) return top + plotH;
    const t = ((log ? Math.log10(v) : v) - lo) / (hi - lo || 1);
    return top + plotH * (1 - Math.max(0, Math.min(1, t)));
  };
  const slot = plotW / Math.max(n, 1);
  const barW = (slot * 0.85) / series.length;
  const step = Math.max(1, Math.ceil(n / 12));

  const onKeyDown = (e: JSX.TargetedKeyboardEvent<HTMLDivElement>) => {
    const at = cursor ?? -1;
    let next: number | undefined;
    if (e.key === 'ArrowRight') next = Math.min(n - 1, at + 1);
    else if (e.key === 'ArrowLeft') next = Math.max(0, at - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = n - 1;
    if (next === undefined) return;
    e.preventDefault();
    setCursor(next);
  };
  const readout =
    cursor === undefined
      ? `${label}: hover or focus and use the arrow keys to read values.`
      : `${xTitle ?? 'category'} ${categories[cursor]}: ${series
          .map((s) => `${s.name} ${format(s.values[cursor])}`)
          .join(', ')}`;

  return (
    <div class="ch3-bars">
      <p class="ch3-key" aria-hidden="true">
        <span>
          ↑ {yTitle}
          {log ? ' (log scale)' : ''}
        </span>
        {series.length > 1 &&
          series.map((s, k) => (
            <span key={s.name}>
              <span class="ch3-swatch" style={{ background: COLOURS[k] }} /> {s.name}
            </span>
          ))}
        {reference && (
          <span>
            <span class="ch3-swatch ch3-swatch-line" /> {reference.label}
          </span>
        )}
      </p>
      <div
        class="ch3-bars-plot"
        tabIndex={0}
        role="group"
        aria-roledescription="bar chart"
        aria-label={`${label}; arrow keys read values`}
        aria-describedby={readoutId}
        onKeyDown={onKeyDown}
        onBlur={() => setCursor(undefined)}
      >
        <svg viewBox={`0 0 ${W} ${H}`} aria-hidden="true" onMouseLeave={() => setCursor(undefined)}>
          <text class="ch3-axis" x={4} y={top + 8} font-size={11}>
            {format(log ? 10 ** hi : hi)}
          </text>
          <text class="ch3-axis" x={4} y={top + plotH} font-size={11}>
            {log ? format(10 ** lo) : '0'}
          </text>
          <line class="ch3-axis-line" x1={left} x2={W - 6} y1={top + plotH} y2={top + plotH} />
          {Array.from({ length: n }, (_, i) => (
            <g key={i} onMouseMove={() => setCursor(i)}>
              <rect x={left + i * slot} y={top} width={slot} height={plotH} fill="transparent" />
              {series.map((s, k) => {
                const v = s.values[i];
                const y0 = y(v);
                return (
                  <rect
                    key={k}
                    x={left + i * slot + slot * 0.075 + k * barW}
                    y={y0}
                    width={Math.max(0.5, barW)}
                    height={Math.max(0, top + plotH - y0)}
                    style={{ fill: COLOURS[k] }}
                  />
                );
              })}
              {i % step === 0 && (
                <text
                  class="ch3-axis"
                  x={left + (i + 0.5) * slot}
                  y={H - 12}
                  font-size={10}
                  text-anchor="middle"
                >
                  {categories[i]}
                </text>
              )}
            </g>
          ))}
          {reference && (
            <line
              class="ch3-ref-line"
              x1={left}
              x2={W - 6}
              y1={y(reference.value)}
              y2={y(reference.value)}
            />
          )}
          {cursor !== undefined && (
            <rect class="ch3-cursor" x={left + cursor * slot} y={top} width={slot} height={plotH} />
          )}
          {xTitle && (
            <text
              class="ch3-axis"
              x={left + plotW / 2}
              y={H - 1}
              font-size={11}
              text-anchor="middle"
            >
              {xTitle} →
            </text>
          )}
        </svg>
      </div>
      <p id={readoutId} class="kit-readout" aria-live="polite">
        {readout}
      </p>
    </div>
  );
}
