import { useEffect, useMemo, useRef, useState } from 'react';
import { REUSED_REASON_PREFIX, type Run, type TaskRun } from '../../../src-shared/schemas/run.ts';
import { durationBetween } from '../format/duration.ts';
import { useBaton, useRunTasks } from '../store/index.ts';
import { type CompareRow, compareRows } from './compare-rows.ts';
import { STATUS_LABEL } from './status-label.ts';

const NOT_IN_RUN = 'not in this run';
const WHEN = { dateStyle: 'short', timeStyle: 'medium' } as const;

const duration = (t: TaskRun | undefined) => {
  if (!t) return '—';
  if (t.reason?.startsWith(REUSED_REASON_PREFIX)) return 'reused';
  if (t.started_at && t.finished_at) return durationBetween(t.started_at, t.finished_at);
  return t.started_at ? 'running' : '—';
};
const brief = (v: unknown) => {
  if (v === null || v === undefined) return '—';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
};

/**
 * Two runs of the same plan side by side: per task status, agent, duration, cost and output.
 * Every task of either run has a row (a decider may have added tasks to one of them); rows
 * whose status, agent or output differ are marked. The task runs are read from the store, so
 * an executing run stays current as its tasks change.
 */
export function RunCompare({ runs, order }: { runs: Run[]; order: string[] }) {
  const fail = useBaton((s) => s.fail);
  const loadRunTasks = useBaton((s) => s.loadRunTasks);
  // Nothing picked until there are two runs; a pick that is not among the runs (another plan
  // is shown) gives way to the newest two.
  const [pickedA, setA] = useState(runs.length >= 2 ? runs[1]!.id : '');
  const [pickedB, setB] = useState(runs.length >= 2 ? runs[0]!.id : '');
  const known = (id: string) => runs.some((r) => r.id === id);
  const a = known(pickedA) ? pickedA : (runs[1]?.id ?? '');
  const b = known(pickedB) ? pickedB : (runs[0]?.id ?? '');
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  // Each run is loaded once, also while the other one is still on its way; events keep it current.
  const [loaded, setLoaded] = useState<ReadonlySet<string>>(new Set());
  const requested = useRef(new Set<string>());
  useEffect(() => {
    for (const id of [a, b]) {
      if (!id || requested.current.has(id)) continue;
      requested.current.add(id);
      loadRunTasks(id).then(
        () => setLoaded((prev) => new Set(prev).add(id)),
        (err) => {
          requested.current.delete(id);
          fail(`Could not load run ${id}`, err);
        },
      );
    }
  }, [a, b, loadRunTasks, fail]);
  const leftTasks = useRunTasks(a);
  const rightTasks = useRunTasks(b);
  const left = loaded.has(a) ? leftTasks : undefined;
  const right = loaded.has(b) ? rightTasks : undefined;
  const rows = useMemo(() => compareRows(order, left, right), [order, left, right]);
  if (runs.length < 2) return <p className="muted centered">Run this plan twice to compare runs.</p>;
  const differing = rows.filter((r) => r.differs).length;
  const shown = onlyDiffs ? rows.filter((r) => r.differs) : rows;
  const pick = (value: string, set: (v: string) => void, label: string) => (
    <label className="small">
      <span className="muted">{label}</span>
      <select aria-label={label} value={value} onChange={(e) => set(e.target.value)}>
        {runs.map((run) => (
          <option key={run.id} value={run.id}>
            {new Date(run.created_at).toLocaleString(undefined, WHEN)} · {run.status} · plan v
            {run.plan_version}
          </option>
        ))}
      </select>
    </label>
  );
  const loading = left === undefined || right === undefined;
  return (
    <section className="compare" aria-label="Compare runs">
      <div className="compare-pickers">
        {pick(a, setA, 'First run')}
        <span className="muted compare-vs" aria-hidden>
          vs
        </span>
        {pick(b, setB, 'Second run')}
      </div>
      <div className="compare-summary small">
        <span role="status">
          {loading
            ? 'Loading the runs…'
            : a === b
              ? 'The same run is picked twice.'
              : differing === 0
                ? `No differences in status, agent or output across ${rows.length} tasks.`
                : `${differing} of ${rows.length} tasks differ in status, agent or output.`}
        </span>
        <label>
          <input type="checkbox" checked={onlyDiffs} onChange={(e) => setOnlyDiffs(e.target.checked)} />{' '}
          Differences only
        </label>
      </div>
      <table className="tasks" aria-label="Run comparison">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col">Agent</th>
            <th scope="col">Duration</th>
            <th scope="col">Cost</th>
            <th scope="col">Output</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <CompareTableRow key={row.taskId} row={row} />
          ))}
          {!loading && shown.length === 0 && (
            <tr>
              <td colSpan={6} className="muted">
                {onlyDiffs ? 'No task differs.' : 'These runs have no tasks.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}

/** A cell holding both runs' values, "first / second"; marked when they differ. */
function Pair({ left, right, differs }: { left: string; right: string; differs?: boolean }) {
  return (
    <td className={differs ? 'diff' : undefined}>
      <span className={left === NOT_IN_RUN ? 'absent' : undefined}>{left}</span> /{' '}
      <span className={right === NOT_IN_RUN ? 'absent' : undefined}>{right}</span>
    </td>
  );
}

function CompareTableRow({ row }: { row: CompareRow }) {
  const { left: x, right: y, diff } = row;
  // A run that lacks the task says so in the status; a run still loading shows a dash.
  const status = (t: TaskRun | undefined) => (t ? STATUS_LABEL[t.status] : diff.presence ? NOT_IN_RUN : '—');
  return (
    <tr className={row.differs ? 'differs' : undefined}>
      <th scope="row">
        {row.taskId}
        {row.differs && <span className="visually-hidden"> (differs)</span>}
      </th>
      <Pair left={status(x)} right={status(y)} differs={diff.status || diff.presence} />
      <Pair left={x ? (x.agent_id ?? '—') : '—'} right={y ? (y.agent_id ?? '—') : '—'} differs={diff.agent} />
      <Pair left={duration(x)} right={duration(y)} />
      <Pair left={x ? String(x.cost) : '—'} right={y ? String(y.cost) : '—'} />
      <td className={`small${diff.output ? ' diff' : ''}`}>
        <div>{brief(x?.output)}</div>
        <div>{brief(y?.output)}</div>
      </td>
    </tr>
  );
}
