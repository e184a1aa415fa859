import { useEffect, useMemo, useRef, useState } from 'react';
import type { TaskSpec } from '../../../../src-shared/schemas/plan.ts';
import { REUSED_REASON_PREFIX, type Run, type TaskRun } from '../../../../src-shared/schemas/run.ts';
import { cost } from '../../format/cost.ts';
import { durationBetween } from '../../format/duration.ts';
import { plural } from '../../format/plural.ts';
import { useBaton, useRunTasks } from '../../store/index.ts';
import { STATUS_LABEL } from '../shared/status-label.ts';
import { CompareOutput } from './CompareOutput.tsx';
import { type AddedMark, addedMarks } from './compare-added.ts';
import { type CompareRow, compareRows } from './compare-rows.ts';

const NOT_IN_RUN = 'not in this run';
/** The two runs' names, first and second, as the pickers, cells and notes say them. */
const RUN_NAME = ['First run', 'Second run'] as const;
const WHEN = { dateStyle: 'short', timeStyle: 'medium' } as const;
/** The table's columns: each header's class and text. */
const COLUMNS = [
  ['col-task', 'Task'],
  ['col-status', 'Status'],
  ['col-agent', 'Agent'],
  ['col-duration', 'Duration'],
  ['col-cost', 'Cost'],
  ['col-output', 'Output'],
] as const;

const duration = (t: TaskRun | undefined) => {
  if (!t) return '—';
  if (t.reason?.startsWith(REUSED_REASON_PREFIX)) return 'reused';
  if (t.started_at && t.finished_at) return durationBetween(t.started_at, t.finished_at);
  return t.started_at ? 'running' : '—';
};

/**
 * Two runs of the same plan side by side: per task status, agent, duration, cost and output.
 * Every task of either run has a group of two rows, the first run's above the second's (a
 * decider may have added tasks to one of them); tasks whose status, agent or output differ are
 * marked, and so are tasks a decider added, which share an id across runs without being the
 * same task. The task runs are read from the store, so an executing run stays current as its
 * tasks change.
 */
export function RunCompare({
  runs,
  order,
  planTasks,
}: {
  runs: Run[];
  /** The tasks in the order shown: the plan's, then those a decider added to the selected run. */
  order: string[];
  /** The plan's own tasks (not a decider's): a task counts as the plan's only when it is one. */
  planTasks: readonly { task_id: string }[];
}) {
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
  const addedLeft = useBaton((s) => s.addedTasks[a]);
  const addedRight = useBaton((s) => s.addedTasks[b]);
  const rows = useMemo(() => compareRows(order, left, right), [order, left, right]);
  const planIds = useMemo(() => new Set(planTasks.map((t) => t.task_id)), [planTasks]);
  const marks = useMemo(
    () => addedMarks(rows, { left: addedLeft, right: addedRight }, planIds),
    [rows, addedLeft, addedRight, planIds],
  );
  if (runs.length < 2) return <p className="muted centered">Run this plan twice to compare runs.</p>;
  const differs = (r: CompareRow) => r.differs || marks.get(r.taskId)?.different === true;
  const differing = rows.filter(differs).length;
  const shown = onlyDiffs ? rows.filter(differs) : rows;
  const pick = (value: string, set: (v: string) => void, label: string, badge: string) => (
    <label className="small">
      <span className="muted">
        <span className="run-badge" aria-hidden>
          {badge}
        </span>
        {label}
      </span>
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
        {pick(a, setA, RUN_NAME[0], '1')}
        <span className="muted compare-vs" aria-hidden>
          vs
        </span>
        {pick(b, setB, RUN_NAME[1], '2')}
      </div>
      <div className="compare-summary small">
        <span role="status">
          {loading
            ? 'Loading the runs…'
            : a === b
              ? 'The same run is picked twice.'
              : differing === 0
                ? `No differences in status, agent or output across ${plural(rows.length, 'task')}.`
                : `${differing} of ${plural(rows.length, 'task')} ${differing === 1 ? 'differs' : 'differ'} in status, agent or output.`}
        </span>
        <label>
          <input type="checkbox" checked={onlyDiffs} onChange={(e) => setOnlyDiffs(e.target.checked)} />{' '}
          Differences only
        </label>
      </div>
      <table className="tasks compare-table" aria-label="Run comparison">
        <thead>
          <tr>
            {COLUMNS.map(([className, label]) => (
              <th key={className} scope="col" className={className}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        {shown.map((row) => (
          <CompareTask key={row.taskId} row={row} mark={marks.get(row.taskId)} differs={differs(row)} />
        ))}
        {!loading && shown.length === 0 && (
          <tbody>
            <tr>
              <td colSpan={COLUMNS.length} className="muted">
                {onlyDiffs ? 'No task differs.' : 'These runs have no tasks.'}
              </td>
            </tr>
          </tbody>
        )}
      </table>
    </section>
  );
}

/**
 * One task: a row per run, the first run's above the second's, so that each value has its own
 * cell and may wrap in a narrow window without losing which run it belongs to.
 */
function CompareTask({
  row,
  mark,
  differs,
}: {
  row: CompareRow;
  mark: AddedMark | undefined;
  differs: boolean;
}) {
  return (
    <tbody className={differs ? 'differs' : undefined} aria-label={row.taskId}>
      {[row.left, row.right].map((t, i) => (
        <tr key={RUN_NAME[i]} className={i === 0 ? 'first-run' : 'second-run'}>
          {i === 0 && (
            <th scope="rowgroup" rowSpan={2} className={`compare-head${mark?.different ? ' diff' : ''}`}>
              {row.taskId}
              {differs && <span className="visually-hidden"> (differs)</span>}
              {mark && <AddedNotes mark={mark} />}
            </th>
          )}
          <RunCells t={t} other={i === 0 ? row.right : row.left} run={RUN_NAME[i]!} row={row} />
        </tr>
      ))}
    </tbody>
  );
}

/** One run's values of a task; a value that differs from the other run's is marked. */
function RunCells({
  t,
  other,
  run,
  row,
}: {
  t: TaskRun | undefined;
  /** The task in the other run, whose output this one's keys are marked against. */
  other: TaskRun | undefined;
  run: string;
  row: CompareRow;
}) {
  const { diff } = row;
  // A run that lacks the task says so in the status; a run still loading shows a dash.
  const status = t ? STATUS_LABEL[t.status] : diff.presence ? NOT_IN_RUN : '—';
  const mark = (differs: boolean, more = '') =>
    [differs ? 'diff' : '', more].filter(Boolean).join(' ') || undefined;
  return (
    <>
      {/* Which run a value is of, when the order of the rows is not enough. */}
      <td className={mark(diff.status || diff.presence)} title={run}>
        <span className="visually-hidden">{run}: </span>
        <span className={t ? undefined : 'absent'}>{status}</span>
      </td>
      <td className={mark(diff.agent)} title={run}>
        {t?.agent_id ?? '—'}
      </td>
      <td>{duration(t)}</td>
      <td>{t ? cost(t.cost) : '—'}</td>
      {/* Its keys are marked one by one, not the whole cell. */}
      <td className="small">
        <CompareOutput
          value={t?.output}
          other={other ? (other.output ?? null) : undefined}
          label={`Output of ${row.taskId} in the ${run.toLowerCase()}`}
        />
      </td>
    </>
  );
}

/**
 * Which runs' deciders added the task, and, when both runs have it but not as the same task,
 * that they are different tasks and why. The tooltip says what each run's task is.
 */
function AddedNotes({ mark }: { mark: AddedMark }) {
  const where = mark.left && mark.right ? 'both runs' : mark.left ? 'the first run' : 'the second run';
  const what = (spec: TaskSpec | undefined, run: string, added: boolean) =>
    added ? `${run}: ${spec?.description ?? ''}` : `${run}: the plan’s task`;
  const tooltip = [
    mark.left || mark.different ? what(mark.specs.left, RUN_NAME[0], mark.left) : '',
    mark.right || mark.different ? what(mark.specs.right, RUN_NAME[1], mark.right) : '',
  ]
    .filter(Boolean)
    .join('\n');
  const why =
    mark.changes.length > 0
      ? `${listed(mark.changes)} ${mark.changes.length === 1 ? 'differs' : 'differ'}`
      : mark.left
        ? 'the second run’s is the plan’s'
        : 'the first run’s is the plan’s';
  return (
    <>
      <span className="compare-note small" title={tooltip}>
        added by the decider in {where}
      </span>
      {mark.different && (
        <span className="compare-note small" title={tooltip}>
          <strong>different tasks:</strong> {why}
        </span>
      )}
    </>
  );
}

/** "a", "a and b", "a, b and c". */
const listed = (words: readonly string[]) =>
  words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
