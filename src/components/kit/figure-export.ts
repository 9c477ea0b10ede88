/**
 * What a figure saves (issue 18, item 4): its numbers as JSON or CSV and its
 * picture as SVG, each carrying where it came from (book version and build,
 * figure, link with its state, models, backend, the settings on screen).
 *
 * The numbers come from the kit's plots, which register what they draw with
 * the figure (`useFigureData`, kit/FigureTools.tsx), and from every table in
 * the figure. The pure functions here turn them into files; they are tested
 * without a browser.
 */

/** A matrix a heatmap draws: `values[row * cols + col]`. */
export interface MatrixData {
  kind: 'matrix';
  label: string;
  rows: number;
  cols: number;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  rowTitle?: string;
  colTitle?: string;
  /** Row-major, `rows * cols` values; a masked cell is `null`. */
  values: (number | null)[];
}

/** Labelled values, as a bar chart draws them. */
export interface SeriesData {
  kind: 'series';
  label: string;
  unit?: string;
  items: { label: string; value: number }[];
}

/** A table as it reads on screen: a header row, then rows of cell text. */
export interface TableData {
  kind: 'table';
  label: string;
  header: string[];
  rows: string[][];
}

/** One set of numbers a figure shows. */
export type Dataset = MatrixData | SeriesData | TableData;

/** Where the numbers come from: everything a reader needs to reproduce them. */
export interface ExportContext {
  book: { title: string; version: string; date: string; build: string };
  figure: { number?: string; id?: string; name: string; title: string; page: string };
  /** The address that reopens the figure in this state. */
  link: string;
  /** The figure's state in the page URL (`prefix.field` → text). */
  state: Record<string, string>;
  /** Every labelled control of the figure as it stands (prompt, head, checkpoint…). */
  settings: Record<string, string>;
  /** The models the figure ran (names as in their cards). */
  models: string[];
  backend?: string;
  exported: string;
}

/** The JSON file: context, then the data. */
export function toJson(context: ExportContext, data: readonly Dataset[]): string {
  return `${JSON.stringify({ ...context, data }, null, 2)}\n`;
}

/** One CSV field, quoted when it must be (RFC 4180). */
export function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvRow = (fields: readonly (string | number | null | undefined)[]) =>
  fields.map(csvField).join(',');

/**
 * The CSV file: `#` lines with the context, then each dataset as a block
 * (its label on a `#` line, a header row, its rows), blocks separated by a
 * blank line. A matrix is written as a grid, row labels in the first column.
 */
export function toCsv(context: ExportContext, data: readonly Dataset[]): string {
  const lines: string[] = [
    `# ${context.book.title} ${context.book.version} (${context.book.date}, build ${context.book.build})`,
    `# Figure ${context.figure.number ?? ''} ${context.figure.title} (${context.figure.name})`.replace(
      '  ',
      ' ',
    ),
    `# link: ${context.link}`,
    `# models: ${context.models.join(', ') || 'unknown'}${context.backend ? `; backend: ${context.backend}` : ''}`,
    ...Object.entries(context.settings).map(([k, v]) => `# ${k}: ${v.replaceAll('\n', '\\n')}`),
    `# exported: ${context.exported}`,
  ];
  for (const d of data) {
    lines.push('', `# ${d.label}`);
    if (d.kind === 'matrix') {
      const colLabels = Array.from({ length: d.cols }, (_, c) => d.colLabels?.[c] ?? String(c));
      lines.push(csvRow([`${d.rowTitle ?? 'row'} \\ ${d.colTitle ?? 'column'}`, ...colLabels]));
      for (let r = 0; r < d.rows; r++)
        lines.push(
          csvRow([d.rowLabels?.[r] ?? String(r), ...d.values.slice(r * d.cols, (r + 1) * d.cols)]),
        );
    } else if (d.kind === 'series') {
      lines.push(csvRow(['label', d.unit ? `value (${d.unit})` : 'value']));
      for (const item of d.items) lines.push(csvRow([item.label, item.value]));
    } else {
      if (d.header.length > 0) lines.push(csvRow(d.header));
      for (const row of d.rows) lines.push(csvRow(row));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A file name for the figure's exports: `circuits-figure-6.3-own-text.json`. */
export function exportFileName(context: ExportContext, extension: string): string {
  const number = context.figure.number ? `figure-${context.figure.number}-` : '';
  const slug = (context.figure.id ?? context.figure.name).replace(/^fig-/, '');
  return `circuits-${number}${slug}.${extension}`.replace(/[^a-zA-Z0-9._-]/g, '-');
}
