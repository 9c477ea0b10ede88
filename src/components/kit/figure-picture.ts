/**
 * A figure's picture as one standalone SVG file (issue 18, item 4): every SVG
 * plot of the figure where it stands on screen, with the colours and fonts
 * the page's CSS gave it written into each element (the file has no
 * stylesheet), bar charts drawn from their numbers (the kit draws those in
 * HTML), and the provenance in `<title>`, `<desc>` and `<metadata>`.
 *
 * The picture is always drawn in the book's light colours on white, whatever
 * theme the reader has on: it goes onto slides, handouts and documents, which
 * are white unless someone chose otherwise, and a dark theme's light text
 * would vanish there. Its white background rectangle keeps it readable on a
 * dark slide too.
 */
import type { ExportContext, SeriesData } from './figure-export';
import { withText } from './png-text';
import { redraw } from './raster';

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
  'image-rendering',
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
    // A heatmap's raster, drawn again in the colour scheme the picture uses.
    const again = el instanceof SVGImageElement ? redraw(el) : undefined;
    if (again) target.setAttribute('href', again);
  });
  copy.removeAttribute('aria-hidden');
  return copy;
}

/** Where the picture comes from, in one line: book, version, build, models and link. */
function provenance(context: ExportContext): string {
  return `${context.book.title} ${context.book.version}, build ${context.book.build}; models: ${context.models.join(', ') || 'unknown'}; ${context.link}`;
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
  // The light scheme for the figure alone, only while its styles are read
  // (no frame is drawn in between, so the reader sees nothing change): every
  // `light-dark()` colour below resolves to its light side.
  const { colorScheme, color } = body.style;
  body.style.colorScheme = 'light';
  body.style.color = 'var(--fg)';
  try {
    return drawPicture(body, context, series);
  } finally {
    body.style.colorScheme = colorScheme;
    body.style.color = color;
  }
}

/** `figurePicture`'s drawing, with the figure's styles as they should print. */
function drawPicture(
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
  // Plots keep their places on screen, less the controls above the first
  // (they are not drawn; 20 px stay for its name), and whole where a plot is
  // wider than the figure (a heatmap that scrolls sideways).
  const boxes = plots.map((svg) => svg.getBoundingClientRect());
  const top = Math.max(0, Math.min(...boxes.map((r) => r.top - origin.top)) - 20);
  const left = Math.min(0, ...boxes.map((r) => r.left - origin.left));
  const width = Math.max(
    480,
    Math.ceil(origin.width - left),
    ...boxes.map((r) => Math.ceil(r.right - origin.left - left)),
  );
  const placed = plots.map((svg, i) => {
    const r = boxes[i];
    const x = r.left - origin.left - left;
    const y = r.top - origin.top - top + header;
    const copy = inlined(svg);
    copy.setAttribute('x', x.toFixed(1));
    copy.setAttribute('y', y.toFixed(1));
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
        ? `<text x="${x.toFixed(1)}" y="${(y - 6).toFixed(1)}" font-size="13" font-weight="600" font-family="sans-serif">${xml(name)}</text>`
        : '';
    return {
      markup: caption + new XMLSerializer().serializeToString(copy),
      bottom: y - header + r.height,
    };
  });
  let y = header + Math.max(0, ...placed.map((p) => p.bottom)) + (placed.length ? 16 : 0);
  const charts = series.map((s) => {
    const chart = seriesChart(s, y, width);
    y += chart.height + 16;
    return chart.svg;
  });
  const heading = `${context.figure.number ? `Figure ${context.figure.number}. ` : ''}${context.figure.title}`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="${SVG_NS}" width="${width}" height="${Math.ceil(y)}" viewBox="0 0 ${width} ${Math.ceil(y)}">`,
    `<title>${xml(heading)}</title>`,
    `<desc>${xml(provenance(context))}</desc>`,
    `<metadata><![CDATA[${JSON.stringify(context).replaceAll(']]>', ']]]]><![CDATA[>')}]]></metadata>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="0" y="18" font-size="15" font-weight="600" font-family="sans-serif">${xml(heading)}</text>`,
    ...placed.map((p) => p.markup),
    ...charts,
    `</svg>`,
    '',
  ].join('\n');
}

/** True when `body` draws a raster (a large heatmap as an image): its picture is offered as PNG too. */
export function hasRaster(body: HTMLElement): boolean {
  return body.querySelector('image.kit-heatmap-raster') !== null;
}

/**
 * The picture `svg` (from `figurePicture`) as a PNG `scale` times its size,
 * for slides and documents that take no SVG. The file carries the same
 * provenance as the SVG, in PNG text chunks (png-text.ts): Title,
 * Description, Source (the link), Software (book, version and build),
 * Creation Time, and `circuits:export`, every field as JSON.
 */
export async function picturePng(svg: string, context: ExportContext, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(image.naturalWidth * scale);
    canvas.height = Math.ceil(image.naturalHeight * scale);
    canvas.getContext('2d')!.drawImage(image, 0, 0, canvas.width, canvas.height);
    const png = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!png) throw new Error(`the browser drew no PNG (${canvas.width} x ${canvas.height})`);
    const heading = `${context.figure.number ? `Figure ${context.figure.number}. ` : ''}${context.figure.title}`;
    const text = withText(new Uint8Array(await png.arrayBuffer()), [
      ['Title', heading],
      ['Description', provenance(context)],
      ['Source', context.link],
      ['Software', `${context.book.title} ${context.book.version}, build ${context.book.build}`],
      ['Creation Time', context.exported],
      ['circuits:export', JSON.stringify(context)],
    ]);
    return new Blob([text], { type: 'image/png' });
  } finally {
    URL.revokeObjectURL(url);
  }
}
