import type { StoredPlan, TaskSpec } from '../../../../src-shared/schemas/plan.ts';
import type { PlanDiff } from '../../../../src-shared/schemas/plan-diff.ts';
import { isEmptyDiff } from '../../../../src-shared/schemas/plan-diff.ts';
import { valueChanges } from './version-values.ts';

/** Field names as the task form labels them. */
const FIELD_LABEL: Record<string, string> = {
  description: 'description',
  required_skills: 'skills',
  depends_on: 'dependencies',
  priority: 'priority',
  deadline: 'deadline',
  requires_approval: 'approval',
  estimated_cost: 'cost',
  agent: 'agent',
  timeout_s: 'timeout',
  retry: 'tries',
  condition: 'condition',
  inputs: 'inputs',
  project_id: 'project',
  attempts: 'best of',
  candidates: "candidates' agents",
  judge: 'judge',
  checks: 'checks',
  fix_rounds: 'fix rounds',
  on_checks_failed: 'on checks failed',
  on_conflict: 'on conflict',
  output_schema: 'answer format',
  land: 'land its work',
  land_branches: 'what lands',
  pull_request: 'pull requests',
  budget_scope: 'budget counts',
  run_inputs: 'run inputs',
};
const label = (f: string) => FIELD_LABEL[f] ?? f;
/** Longer lists are cut: a diff is read, not scrolled through. */
const SHOW = 200;
const More = ({ n }: { n: number }) => (n > SHOW ? <li className="muted">…and {n - SHOW} more</li> : null);

/** Each changed field: its name, then old → new (cut short; the whole value is the tooltip). */
function ValueChanges({
  from,
  to,
  fields,
  name,
}: {
  from: Record<string, unknown> | undefined;
  to: Record<string, unknown> | undefined;
  fields: string[];
  name: string;
}) {
  return (
    <ul className="value-changes" aria-label={name}>
      {valueChanges(from, to, fields).map((c) => (
        <li key={c.field}>
          <span className="value-field">{label(c.field)}:</span>{' '}
          <span className="value-old" title={c.beforeFull}>
            {c.before}
          </span>{' '}
          <span aria-hidden="true">→</span>
          <span className="visually-hidden">changed to</span>{' '}
          <span className="value-new" title={c.afterFull}>
            {c.after}
          </span>
        </li>
      ))}
    </ul>
  );
}

function TaskList({
  name,
  ids,
  tasks,
}: {
  name: string;
  ids: string[];
  tasks: ReadonlyMap<string, TaskSpec>;
}) {
  if (ids.length === 0) return null;
  return (
    <>
      <h3>
        {name} ({ids.length})
      </h3>
      <ul aria-label={name}>
        {ids.slice(0, SHOW).map((id) => (
          <li key={id}>
            <code>{id}</code> <span className="muted">{tasks.get(id)?.description}</span>
          </li>
        ))}
        <More n={ids.length} />
      </ul>
    </>
  );
}

/** What changed from one version of a plan to another: tasks added, removed, changed (and how). */
export function VersionDiff({
  from,
  to,
  diff,
  current,
}: {
  from: StoredPlan;
  to: StoredPlan;
  diff: PlanDiff;
  /** The plan's current version number. */
  current: number;
}) {
  const heading = `From v${from.version} to v${to.version}${to.version === current ? ' (current)' : ''}`;
  const before = new Map<string, TaskSpec>(from.plan.tasks.map((t) => [t.task_id, t]));
  const after = new Map<string, TaskSpec>(to.plan.tasks.map((t) => [t.task_id, t]));
  return (
    <aside className="version-diff" aria-label={`Changes from v${from.version} to v${to.version}`}>
      <h2>{heading}</h2>
      {isEmptyDiff(diff) ? (
        <p className="muted">
          No differences: v{from.version} and v{to.version} have the same tasks and settings.
        </p>
      ) : (
        <p className="muted small">
          {diff.added.length} added · {diff.removed.length} removed · {diff.changed.length} changed
        </p>
      )}
      {diff.plan_fields.length > 0 && (
        <>
          <h3>Plan settings changed: {diff.plan_fields.map(label).join(', ')}</h3>
          <ValueChanges
            from={from.plan}
            to={to.plan}
            fields={diff.plan_fields}
            name="Plan settings changed"
          />
        </>
      )}
      <TaskList name="Tasks added" ids={diff.added} tasks={after} />
      <TaskList name="Tasks removed" ids={diff.removed} tasks={before} />
      {diff.changed.length > 0 && (
        <>
          <h3>Tasks changed ({diff.changed.length})</h3>
          <ul aria-label="Tasks changed">
            {diff.changed.slice(0, SHOW).map((c) => (
              <li key={c.task_id}>
                <code>{c.task_id}</code>
                <ValueChanges
                  from={before.get(c.task_id)}
                  to={after.get(c.task_id)}
                  fields={c.fields}
                  name={`Changes to ${c.task_id}`}
                />
              </li>
            ))}
            <More n={diff.changed.length} />
          </ul>
        </>
      )}
    </aside>
  );
}
