import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { REUSED_REASON_PREFIX } from '../../../../src-shared/schemas/plain/run.ts';
import type { Run, TaskRun } from '../../../../src-shared/schemas/run.ts';
import { spendText } from '../../format/cost.ts';
import { durationBetween } from '../../format/duration.ts';
import { plural } from '../../format/plural.ts';
import { useBaton } from '../../store/index.ts';
import { STATUS_LABEL } from '../shared/status-label.ts';
import { CompareOutput } from './CompareOutput.tsx';
import { type AddedMark, addedMarks } from './compare-added.ts';
import { comparedIds, MAX_COMPARED, nextRun, runName, runsInWords } from './compare-picks.ts';
import { type CompareRow, compareRows } from './compare-rows.ts';

const NOT_IN_RUN = 'not in this run';
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
 * Runs of the same plan side by side (two to start with; more on asking): per task status,
 * agent, duration, cost and output. Every task of any run has a group of rows, one per run in
 * the order compared (a decider may have added tasks to some of them); tasks whose status, agent
 * or output differ are marked, and so are tasks a decider added, which share an id across runs
 * without being the same task. The runs compared are the store's, so the address names them;
 * the task runs are read from the store, so an executing run stays current as its tasks change.
 */
export function RunCompare({
  planId,
  runs,
  order,
  planTasks,
}: {
  planId: string;
  runs: Run[];
  /** The tasks in the order shown: the plan's, then those a decider added to the selected run. */
  order: string[];
  /** The plan's own tasks (not a decider's): a task counts as the plan's only when it is one. */
  planTasks: readonly { task_id: string }[];
}) {
  const fail = useBaton((s) => s.fail);
  const loadRunTasks = useBaton((s) => s.loadRunTasks);
  const picked = useBaton((s) => s.comparedRuns[planId]);
  const setCompared = useBaton((s) => s.setComparedRuns);
  // Nothing until there are two runs; picks that are not among the runs give way to the newest two.
  const ids = useMemo(() => comparedIds(picked, runs), [picked, runs]);
  const pick = (next: string[]) => setCompared(planId, next);
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  // Each run is loaded once, also while another is still on its way; events keep it current.
  const [loaded, setLoaded] = useState<ReadonlySet<string>>(new Set());
  const requested = useRef(new Set<string>());
  useEffect(() => {
    for (const id of ids) {
      if (requested.current.has(id)) continue;
      requested.current.add(id);
      loadRunTasks(id).then(
        () => setLoaded((prev) => new Set(prev).add(id)),
        (err) => {
          requested.current.delete(id);
          fail(`Could not load run ${id}`, err);
        },
      );
    }
  }, [ids, loadRunTasks, fail]);
  const allTasks = useBaton(useShallow((s) => ids.map((id) => s.runTasks[id])));
  const tasks = useMemo(
    () => allTasks.map((t, i) => (loaded.has(ids[i]!) ? (t ?? {}) : undefined)),
    [allTasks, ids, loaded],
  );
  const added = useBaton(useShallow((s) => ids.map((id) => s.addedTasks[id])));
  const rows = useMemo(() => compareRows(order, tasks), [order, tasks]);
  const planIds = useMemo(() => new Set(planTasks.map((t) => t.task_id)), [planTasks]);
  const marks = useMemo(() => addedMarks(rows, added, planIds), [rows, added, planIds]);
  if (runs.length < 2) return <p className="muted centered">Run this plan twice to compare runs.</p>;
  const differs = (r: CompareRow) => r.differs || marks.get(r.taskId)?.different === true;
  const differing = rows.filter(differs).length;
  const shown = onlyDiffs ? rows.filter(differs) : rows;
  const loading = tasks.some((t) => t === undefined);
  const twice = new Set(ids).size < ids.length;
  const addable = ids.length < Math.min(MAX_COMPARED, runs.length);
  return (
    <section className="compare" aria-label="Compare runs">
      <div className="compare-pickers">
        {ids.map((id, i) => (
          <RunPicker
            key={runName(i)}
            index={i}
            value={id}
            runs={runs}
            onPick={(v) => pick(ids.map((x, j) => (j === i ? v : x)))}
            onRemove={ids.length > 2 ? () => pick(ids.filter((_, j) => j !== i)) : undefined}
            vs={i > 0}
          />
        ))}
        {addable && (
          <button type="button" className="compare-add" onClick={() => pick([...ids, nextRun(ids, runs)!])}>
            + Add a run
          </button>
        )}
      </div>
      <div className="compare-summary small">
        <span role="status">
          {loading
            ? 'Loading the runs…'
            : twice
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

/** A run compared: which of the plan's runs it is, and a button to stop comparing it. */
function RunPicker({
  index,
  value,
  runs,
  onPick,
  onRemove,
  vs,
}: {
  index: number;
  value: string;
  runs: Run[];
  onPick(id: string): void;
  onRemove: (() => void) | undefined;
  /** Whether a "vs" goes before it. */
  vs: boolean;
}) {
  const label = runName(index);
  return (
    <>
      {vs && (
        <span className="muted compare-vs" aria-hidden>
          vs
        </span>
      )}
      <label className="small">
        <span className="muted compare-pick-head">
          <span className="run-badge" aria-hidden>
            {index + 1}
          </span>
          {label}
          {onRemove && (
            <button
              type="button"
              className="link compare-remove"
              aria-label={`Stop comparing the ${label.toLowerCase()}`}
              title={`Stop comparing the ${label.toLowerCase()}`}
              onClick={(e) => {
                e.preventDefault();
                onRemove();
              }}
            >
              ✕
            </button>
          )}
        </span>
        <select aria-label={label} value={value} onChange={(e) => onPick(e.target.value)}>
          {runs.map((run) => (
            <option key={run.id} value={run.id}>
              {new Date(run.created_at).toLocaleString(undefined, WHEN)} · {run.status} · plan v
              {run.plan_version}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

/**
 * One task: a row per run, in the order compared, so that each value has its own cell and may
 * wrap in a narrow window without losing which run it belongs to.
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
      {row.cells.map((t, i) => (
        <tr key={runName(i)} data-run={i + 1}>
          {i === 0 && (
            <th
              scope="rowgroup"
              rowSpan={row.cells.length}
              className={`compare-head${mark?.different ? ' diff' : ''}`}
            >
              {row.taskId}
              {differs && <span className="visually-hidden"> (differs)</span>}
              {mark && <AddedNotes mark={mark} row={row} />}
            </th>
          )}
          <RunCells t={t} other={i === 0 ? row.cells[1] : row.cells[0]} run={runName(i)} row={row} />
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
  /** The task in the run it is held against (the first run; the first run against the second). */
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
      <td>{t ? spendText(t.cost, t.cost_unknown) : '—'}</td>
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
 * Which runs' deciders added the task, and, when several runs have it but not as the same task,
 * that they are different tasks and why. The tooltip says what each run's task is.
 */
function AddedNotes({ mark, row }: { mark: AddedMark; row: CompareRow }) {
  const addedIn = mark.added.flatMap((a, i) => (a ? [i] : []));
  const where =
    addedIn.length === mark.added.length
      ? mark.added.length === 2
        ? 'both runs'
        : 'all the runs'
      : runsInWords(addedIn);
  const tooltip = mark.specs
    .map((spec, i) =>
      mark.added[i]
        ? `${runName(i)}: ${spec?.description ?? ''}`
        : mark.different && row.cells[i]
          ? `${runName(i)}: the plan’s task`
          : '',
    )
    .filter(Boolean)
    .join('\n');
  const plans = mark.added.flatMap((a, i) => (a || !row.cells[i] ? [] : [i]));
  const why =
    mark.changes.length > 0
      ? `${listed(mark.changes)} ${mark.changes.length === 1 ? 'differs' : 'differ'}`
      : `${runsInWords(plans).replace(/ runs?$/, (m) => (plans.length === 1 ? `${m}’s is` : `${m}’ are`))} the plan’s`;
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
