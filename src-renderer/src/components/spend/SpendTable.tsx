import { useState } from 'react';
import type { SpendGroup } from '../../../../src-shared/schemas/plain/spend.ts';
import type { SpendBreakdown, SpendRow } from '../../../../src-shared/schemas/spend.ts';
import { spendText } from '../../format/cost.ts';
import type { SpendFilter, SpendSort } from '../../routes/routes.ts';
import { sortedRows } from '../../spend/spend-query.ts';
import { RouteLink } from '../shared/RouteLink.tsx';
import { GROUP_HEADS, GROUP_PLURALS, tokens } from './spend-words.ts';

type Patch = (p: Partial<Record<keyof SpendFilter, SpendFilter[keyof SpendFilter] | undefined>>) => void;

/** The filter field that narrows the figures to one group of a grouping (none for a day: its own days). */
const NARROWS: Record<Exclude<SpendGroup, 'day'>, keyof SpendFilter> = {
  plan: 'plan',
  run: 'run',
  agent: 'agent',
  model: 'model',
  cli: 'cli',
};

/** The most rows drawn until a person asks for all (a month of runs is thousands; the CSV has them all). */
const SHOWN = 200;

/** The Spend tab's table: a row per group and the total, sorted by any column (the address keeps it). */
export function SpendTable({
  report,
  filter,
  patch,
}: {
  report: SpendBreakdown;
  filter: SpendFilter;
  patch: Patch;
}) {
  const by = report.by;
  const [all, setAll] = useState(false);
  const sorted = sortedRows(report.rows, filter);
  const rows = all ? sorted : sorted.slice(0, SHOWN);
  const sort: SpendSort = filter.sort ?? (by === 'day' ? 'name' : 'usd');
  const asc = filter.asc === true || (filter.sort === undefined && by === 'day');
  const head = (key: SpendSort, label: string, numeric = true) => (
    <th
      scope="col"
      aria-sort={sort === key ? (asc ? 'ascending' : 'descending') : undefined}
      className={numeric ? 'num' : undefined}
    >
      <button
        type="button"
        className="sort"
        // The same column again turns the order round; another starts with the most (a name, a day: in order).
        onClick={() =>
          patch(
            sort === key
              ? { sort: key, asc: asc ? undefined : true }
              : { sort: key, asc: key === 'name' ? true : undefined },
          )
        }
      >
        {label}
        <span aria-hidden="true">{sort === key ? (asc ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );
  return (
    // Its figures side by side are wider than a phone: the table scrolls sideways, not the page.
    <div className="table-scroll">
      <table className="tasks spend-table" aria-label={`Spend by ${GROUP_HEADS[by].toLowerCase()}`}>
        <thead>
          <tr>
            {head('name', GROUP_HEADS[by], false)}
            {head('input', 'Input tokens')}
            {head('output', 'Output tokens')}
            {head('cached', 'Cached input tokens')}
            {head('calls', 'Calls')}
            {head('usd', 'Cost')}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key ?? ''}>
              <th scope="row">
                <GroupName by={by} row={r} patch={patch} />
              </th>
              <td className="num">{tokens(r.input_tokens)}</td>
              <td className="num">{tokens(r.output_tokens)}</td>
              <td className="num">{tokens(r.cached_input_tokens)}</td>
              <td className="num">
                {tokens(r.calls)}
                {r.unknown > 0 && <div className="muted small">{tokens(r.unknown)} of unknown cost</div>}
              </td>
              <td className="num spend-cost">{spendText(r.usd, r.unknown, '$')}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          {rows.length < sorted.length && (
            <tr>
              <td colSpan={6}>
                <button type="button" className="link" onClick={() => setAll(true)}>
                  Show all {tokens(sorted.length)} {GROUP_PLURALS[by]}
                </button>{' '}
                <span className="muted small">
                  (the first {SHOWN} in this order are shown; the total below and the CSV count them all)
                </span>
              </td>
            </tr>
          )}
          <tr>
            <th scope="row">Total</th>
            <td className="num">{tokens(report.total.input_tokens)}</td>
            <td className="num">{tokens(report.total.output_tokens)}</td>
            <td className="num">{tokens(report.total.cached_input_tokens)}</td>
            <td className="num">{tokens(report.total.calls)}</td>
            <td className="num spend-cost">{spendText(report.total.usd, report.total.unknown, '$')}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/**
 * A group's name as a button that narrows the figures to it (a day: its runs; the rest: it, by
 * day), what more there is to say of it, and for a run a link to its page.
 */
function GroupName({ by, row, patch }: { by: SpendGroup; row: SpendRow; patch: Patch }) {
  const key = row.key;
  if (key === null) return <div>{row.label}</div>;
  const narrow =
    by === 'day'
      ? {
          onClick: () =>
            patch({ range: undefined, since: key, until: key, by: 'run', sort: undefined, asc: undefined }),
          title: `The runs of ${key}`,
        }
      : {
          onClick: () => patch({ [NARROWS[by]]: key, by: undefined, sort: undefined, asc: undefined }),
          title: `Only ${row.label}, day by day`,
        };
  return (
    <>
      <button type="button" className="link group-name" onClick={narrow.onClick} title={narrow.title}>
        {by === 'run' ? <code>{key}</code> : row.label}
      </button>
      {by === 'run' && (
        <RouteLink
          to={{ screen: 'run', runId: key, taskId: null }}
          className="link small open-run"
          aria-label={`Open run ${key}`}
        >
          open
        </RouteLink>
      )}
      {row.detail && <div className="muted small">{row.detail}</div>}
    </>
  );
}
