/**
 * A figure's picture as one standalone SVG file (issue 18, item 4): every SVG
 * plot of the figure where it stands on screen, with the colours and fonts
 * the page's CSS gave it written into each element (the file has no
 * stylesheet), bar charts drawn from their numbers (the kit draws those in
 * HTML), and the provenance in `<title>`, `<desc>` and `<metadata>`.
 */
import type { ExportContext, SeriesData } from './figure-export';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The properties that make an SVG element look as it does on the page. */
const STYLED = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'visibility',
] as const;

/** XML text with `&`, `<`, `>` and quotes escaped. */
function xml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!,
  );
}

/** A copy of `svg` with every element's computed look written into its `style`. */
function inlined(svg: SVGSVGElement): SVGSVGElement {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const from = [svg, ...svg.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((el, i) => {
    const style = getComputedStyle(el);
    const target = to[i] as SVGElement;
    target.setAttribute('style', STYLED.map((p) => `${p}:${style.getPropertyValue(p)}`).join(';'));
    target.removeAttribute('class');
  });
  copy.removeAttribute('aria-hidden');
  return copy;
}

/** A horizontal bar chart of `series`, `width` wide, as SVG markup at `y`; returns its height too. */
function seriesChart(
  series: SeriesData,
  y: number,
  width: number,
): { svg: string; height: number } {
  const row = 18;
  const labelWidth = Math.min(200, width * 0.35);
  const max = Math.max(1e-12, ...series.items.map((i) => Math.abs(i.value)));
  const signed = series.items.some((i) => i.value < 0);
  const plot = width - labelWidth - 80;
  const zero = labelWidth + (signed ? plot / 2 : 0);
  const scale = (signed ? plot / 2 : plot) / max;
  const parts = [
    `<text x="0" y="${y + 14}" font-size="13" font-weight="600" font-family="sans-serif">${xml(series.label)}</text>`,
  ];
  series.items.forEach((item, i) => {
    const top = y + 22 + i * row;
    const w = Math.abs(item.value) * scale;
    const x = item.value >= 0 ? zero : zero - w;
    parts.push(
      `<text x="${labelWidth - 6}" y="${top + 13}" font-size="12" text-anchor="end" font-family="sans-serif">${xml(item.label)}</text>`,
      `<rect x="${x.toFixed(2)}" y="${top + 3}" width="${w.toFixed(2)}" height="${row - 6}" fill="${item.value >= 0 ? '#b35806' : '#2166ac'}"/>`,
      `<text x="${labelWidth + plot + 6}" y="${top + 13}" font-size="12" font-family="sans-serif">${xml(String(Number(item.value.toPrecision(4))))}${series.unit ? ` ${xml(series.unit)}` : ''}</text>`,
    );
  });
  return { svg: parts.join(''), height: 30 + series.items.length * row };
}

/**
 * The figure's picture: its visible SVG plots laid out as on screen, then a
 * chart for each series in `series`, under a heading line. `undefined` when
 * the figure shows neither.
 */
export function figurePicture(
  body: HTMLElement,
  context: ExportContext,
  series: readonly SeriesData[],
): string | undefined {
  const origin = body.getBoundingClientRect();
  const plots = [...body.querySelectorAll<SVGSVGElement>('svg')].filter((svg) => {
    if (svg.parentElement?.closest('svg')) return false;
    const r = svg.getBoundingClientRect();
    return r.width >= 40 && r.height >= 20;
  });
  if (plots.length === 0 && series.length === 0) return undefined;
  const header = 28;
  const width = Math.max(480, Math.ceil(origin.width));
  const placed = plots.map((svg) => {
    const r = svg.getBoundingClientRect();
    const copy = inlined(svg);
    copy.setAttribute('x', (r.left - origin.left).toFixed(1));
    copy.setAttribute('y', (r.top - origin.top + header).toFixed(1));
    copy.setAttribute('width', r.width.toFixed(1));
    copy.setAttribute('height', r.height.toFixed(1));
    // The plot's name (its HTML heading is not part of the SVG): the label
    // of the group around it, as the kit's heatmap gives, without the key help.
    const name = svg.parentElement
      ?.closest('[aria-label]')
      ?.getAttribute('aria-label')
      ?.replace(/ \(\d+ by \d+\).*$|[;.] *(use )?(the )?(left and right )?arrow keys.*$/i, '');
    const caption =
      name && !body.isSameNode(svg.parentElement?.closest('[aria-label]') ?? null)
        ? `<text x="${(r.left - origin.left).toFixed(1)}" y="${(r.top - origin.top + header - 6).toFixed(1)}" font-size="13" font-weight="600" font-family="sans-serif">${xml(name)}</text>`
        : '';
    return {
      markup: caption + new XMLSerializer().serializeToString(copy),
      bottom: r.bottom - origin.top,
    };
  });
  let y = header + Math.max(0, ...placed.map((p) => p.bottom)) + (placed.length ? 16 : 0);
  const charts = series.map((s) => {
    const chart = seriesChart(s, y, width);
    y += chart.height + 16;
    return chart.svg;
  });
  const heading = `${context.figure.number ? `Figure ${context.figure.number}. ` : ''}${context.figure.title}`;
  const provenance = `${context.book.title} ${context.book.version}, build ${context.book.build}; models: ${context.models.join(', ') || 'unknown'}; ${context.link}`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="${SVG_NS}" width="${width}" height="${Math.ceil(y)}" viewBox="0 0 ${width} ${Math.ceil(y)}">`,
    `<title>${xml(heading)}</title>`,
    `<desc>${xml(provenance)}</desc>`,
    `<metadata><![CDATA[${JSON.stringify(context).replaceAll(']]>', ']]]]><![CDATA[>')}]]></metadata>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="0" y="18" font-size="15" font-weight="600" font-family="sans-serif">${xml(heading)}</text>`,
    ...placed.map((p) => p.markup),
    ...charts,
    `</svg>`,
    '',
  ].join('\n');
}
