import type { ReactNode } from 'react';
import { ConfirmButton } from './ConfirmButton.tsx';

/**
 * A list as a labelled table (the reach and settings lists): "Loading…" until it is read, a
 * sentence when it is empty, else a head of `columns` and a last column, named only for
 * assistive technology, for each row's actions. `row` draws one row (its `<tr>`, with its key).
 */
export function RowsTable<T>({
  label,
  className,
  columns,
  rows,
  empty,
  row,
}: {
  label: string;
  /** Classes beside `tasks`. */
  className: string;
  columns: string[];
  rows: readonly T[] | null;
  empty: ReactNode;
  row(item: T): ReactNode;
}) {
  if (rows === null) return <p className="muted">Loading…</p>;
  if (rows.length === 0) return <p className="empty muted">{empty}</p>;
  return (
    <table className={`tasks ${className}`} aria-label={label}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>{rows.map(row)}</tbody>
    </table>
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
    <ConfirmButton
      label={`${verb} ${name}`}
      question={`${verb} ${what} ${name}?`}
      detail={detail}
      yes={verb}
      no="Keep it"
      danger
      onConfirm={onConfirm}
    />
  );
}
