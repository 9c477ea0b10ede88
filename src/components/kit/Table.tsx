/**
 * The tables figures share: a header row, a table of readings (`kit-table`)
 * and a table of numbers (`kit-num-table`), each in a box that scrolls
 * sideways on a narrow page. A figure writes only its body rows.
 */
import type { ComponentChildren } from 'preact';
import type { DataAttributes } from './layout';
import './kit.css';

/** A table's header row: one column header per entry of `columns`. */
export function TableHead({ columns }: { columns: readonly ComponentChildren[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th scope="col" key={i}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** Props of a kit table: its header, caption and body rows. */
export interface TableProps {
  /** Column headers; none for a table whose rows carry their own `th`. */
  columns?: readonly ComponentChildren[];
  caption?: ComponentChildren;
  /** The body rows (`<tr>`s). */
  children: ComponentChildren;
}

/**
 * A table of readings (`kit-table`) in a box that scrolls sideways. With
 * `label` the box also scrolls down past 22rem and takes focus, under that
 * accessible name; `after` is drawn in the box below the table (a legend).
 */
export function Table({
  columns,
  caption,
  captionHidden = false,
  testId,
  label,
  after,
  children,
}: TableProps & {
  /** A caption for screen readers only (the heading above says it). */
  captionHidden?: boolean;
  /** `data-testid` of the table. */
  testId?: string;
  label?: string;
  after?: ComponentChildren;
}) {
  return (
    <div
      class={label ? 'kit-scroll kit-table-scroll' : 'kit-scroll'}
      // Focusable, so keyboard users can scroll a wide table on a phone.
      tabIndex={0}
      aria-label={label}
    >
      <table class="kit-table" data-testid={testId}>
        {caption && (
          <caption class={captionHidden ? 'visually-hidden' : 'kit-note'}>{caption}</caption>
        )}
        {columns && <TableHead columns={columns} />}
        <tbody>{children}</tbody>
      </table>
      {after}
    </div>
  );
}

/**
 * A table of numbers (`kit-num-table`: ruled, monospace cells). With `label`
 * it sits in a focusable region of that name that scrolls sideways (other
 * `data-` attributes go on that region); without, it stands alone.
 */
export function NumTable({
  columns,
  caption,
  label,
  children,
  ...data
}: TableProps & { columns: readonly ComponentChildren[]; label?: string } & DataAttributes) {
  const table = (
    <table class="kit-num-table">
      {caption && <caption class="kit-note">{caption}</caption>}
      <TableHead columns={columns} />
      <tbody>{children}</tbody>
    </table>
  );
  if (!label) return table;
  return (
    <div class="kit-table-scroll" tabIndex={0} role="region" aria-label={label} {...data}>
      {table}
    </div>
  );
}

/** Tokens with a number each, in rank order: a "token" column and a `value` column. */
export function TokenTable({
  value,
  rows,
}: {
  /** The second column's header, e.g. "probability". */
  value: string;
  /** `[token text, formatted number]` per row. */
  rows: readonly (readonly [string, string])[];
}) {
  return (
    <NumTable columns={['token', value]}>
      {rows.map(([token, v], i) => (
        <tr key={i}>
          <td>{token}</td>
          <td>{v}</td>
        </tr>
      ))}
    </NumTable>
  );
}
