import type { ReactNode } from 'react';
import { ConfirmButton } from './ConfirmButton.tsx';
import { DataTable, headerColumns } from './DataTable.tsx';

/**
 * A list as a labelled table (the reach and settings lists): "Loading…" until it is read, a
 * sentence when it is empty, else a head of `columns` and a last column, named only for
 * assistive technology, for each row's actions: a {@link DataTable} whose `row` draws one row.
 */
export function RowsTable<T>({
  label,
  className,
  columns,
  rows,
  rowKey,
  empty,
  row,
}: {
  label: string;
  /** Classes beside `tasks`. */
  className: string;
  columns: string[];
  rows: readonly T[] | null;
  rowKey(item: T): string;
  empty: ReactNode;
  row(item: T): ReactNode;
}) {
  return (
    <DataTable
      label={label}
      className={className}
      columns={headerColumns<T>(columns, 'Actions')}
      rows={rows}
      rowKey={rowKey}
      empty={<p className="empty muted">{empty}</p>}
      row={row}
    />
  );
}

/** A row's first cell: what the row is, and under it, small, where it points or its id. */
export function RowName({ name, detail }: { name: string; detail: string }) {
  return (
    <th scope="row">
      <div>{name}</div>
      <code className="muted small path">{detail}</code>
    </th>
  );
}

/**
 * A row's button that removes (or revokes) what the row is, once a person says yes to
 * "`verb` `what` `name`?"; `detail` says what follows.
 */
export function RemoveRowButton({
  verb = 'Remove',
  what,
  name,
  detail,
  onConfirm,
}: {
  verb?: string;
  what: string;
  name: string;
  detail: string;
  onConfirm(): void;
}) {
  return (
    // Short on the screen (the row says whose it is: a long name made a 400 px button); named in full.
    <ConfirmButton
      label={verb}
      name={`${verb} ${name}`}
      question={`${verb} ${what} ${name}?`}
      detail={detail}
      yes={verb}
      no="Keep it"
      danger
      onConfirm={onConfirm}
    />
  );
}
