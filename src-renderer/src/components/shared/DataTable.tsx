import { Fragment, type ReactNode } from 'react';

/** A column a person can order the table by: its header is a button that says the order is on. */
export interface ColumnSort {
  /** The table is in this column's order now. */
  on: boolean;
  /** What the order is, said on the button ("Soonest due first"). */
  title: string;
  onSort(): void;
}

/** One column of a {@link DataTable}: its header, and how a row fills its cell. */
export interface Column<T> {
  /** Names the column among the table's. */
  id: string;
  header: string;
  /** The header is said only to assistive technology (a last column of a row's buttons). */
  hiddenHeader?: boolean;
  /** Classes of the header cell (`num` right-aligns figures). */
  headerClass?: string;
  /** Classes of the column's `<col>`, where the table's stylesheet sets its columns' widths. */
  width?: string;
  sort?: ColumnSort;
  /**
   * The row's header cell (`<th scope="row">`): what the row is. A row has one; it stands where
   * its column stands.
   */
  rowHeader?: boolean;
  /** Classes of the column's cells (`nowrap`, `small`, `row-actions`). */
  cellClass?: string;
  /** What a row shows in this column; unused where the table's `row` draws its rows. */
  cell?(row: T): ReactNode;
}

/** How the table's rows are drawn: each from its columns' cells, or each by a component of its own. */
export type Rows<T> =
  | {
      /** The row's name for assistive technology and tests ("Plan Nightly build"). */
      rowLabel?(row: T): string;
      rowClass?(row: T): string | undefined;
      /** The row stands for what is open or chosen now (`aria-current`). */
      current?(row: T): boolean;
      /**
       * A click anywhere in the row but on its links and buttons opens it, as a list's row does;
       * a link in the row stays the keyboard's way there.
       */
      onOpen?(row: T): void;
      row?: undefined;
    }
  | {
      /** Draws one `<tr>` (or a few): for rows that keep state of their own (editors, dialogs). */
      row(row: T): ReactNode;
    };

export type DataTableProps<T> = {
  /** The table's accessible name. */
  label: string;
  /** Classes beside `tasks` (the house's table). */
  className?: string;
  columns: readonly Column<T>[];
  /** `null` while they are read. */
  rows: readonly T[] | null;
  rowKey(row: NoInfer<T>): string;
  /** What stands in the table's place while the rows are read; "Loading…" unless told. */
  loading?: ReactNode;
  /** What stands in the table's place when there are no rows; without it, the table shows its head. */
  empty?: ReactNode;
} & Rows<T>;

/**
 * A list screen's table: a labelled `<table class="tasks">` with a head of named columns (one a
 * button where the table can be ordered by it), a row a thing whose header cell says what it is,
 * what stands in its place while it is read and when it is empty, and rows that open on a click.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { label, className, columns, rows, rowKey, loading, empty } = props;
  const draw = props.row;
  if (rows === null) return loading ?? <p className="muted">Loading…</p>;
  if (rows.length === 0 && empty !== undefined) return empty;
  return (
    <table className={className ? `tasks ${className}` : 'tasks'} aria-label={label}>
      {columns.some((c) => c.width !== undefined) && (
        <colgroup>
          {columns.map((c) => (
            <col key={c.id} className={c.width || undefined} />
          ))}
        </colgroup>
      )}
      <thead>
        <tr>
          {columns.map((c) => (
            <HeaderCell key={c.id} column={c} />
          ))}
        </tr>
      </thead>
      <tbody>
        {draw
          ? rows.map((r) => <Fragment key={rowKey(r)}>{draw(r)}</Fragment>)
          : rows.map((r) => <CellsRow key={rowKey(r)} item={r} columns={columns} rows={props} />)}
      </tbody>
    </table>
  );
}

function HeaderCell<T>({ column: c }: { column: Column<T> }) {
  if (c.hiddenHeader)
    return (
      <th scope="col" className={c.headerClass}>
        <span className="visually-hidden">{c.header}</span>
      </th>
    );
  if (!c.sort)
    return (
      <th scope="col" className={c.headerClass}>
        {c.header}
      </th>
    );
  const { on, title, onSort } = c.sort;
  return (
    <th scope="col" className={c.headerClass} aria-sort={on ? 'ascending' : 'none'}>
      <button type="button" className="link sort-header" aria-pressed={on} title={title} onClick={onSort}>
        {c.header}
        <span aria-hidden="true">{on ? ' ▲' : ''}</span>
      </button>
    </th>
  );
}

function CellsRow<T>({
  item,
  columns,
  rows,
}: {
  item: T;
  columns: readonly Column<T>[];
  rows: Extract<Rows<T>, { row?: undefined }>;
}) {
  const { rowLabel, rowClass, current, onOpen } = rows;
  return (
    <tr
      aria-label={rowLabel?.(item)}
      aria-current={current?.(item) ? 'true' : undefined}
      className={rowClass?.(item)}
      onClick={
        onOpen &&
        ((e) => {
          if (e.target instanceof Element && e.target.closest('a, button, input, select')) return;
          onOpen(item);
        })
      }
    >
      {columns.map((c) =>
        c.rowHeader ? (
          <th key={c.id} scope="row" className={c.cellClass}>
            {c.cell?.(item)}
          </th>
        ) : (
          <td key={c.id} className={c.cellClass} data-label={c.hiddenHeader ? undefined : c.header}>
            {c.cell?.(item)}
          </td>
        ),
      )}
    </tr>
  );
}

/**
 * The columns of a table whose rows draw themselves: only their headers, and last, where the
 * rows have buttons, a column named only for assistive technology (`actions`).
 */
export function headerColumns<T>(headers: readonly string[], actions?: string): Column<T>[] {
  const named = headers.map((header) => ({ id: header, header }));
  return actions === undefined ? named : [...named, { id: actions, header: actions, hiddenHeader: true }];
}
