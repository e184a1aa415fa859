import type { StoredPlan, TaskSpec } from '../../../src-shared/schemas/plan.ts';
import type { PlanDiff } from '../../../src-shared/schemas/plan-diff.ts';
import { isEmptyDiff } from '../../../src-shared/schemas/plan-diff.ts';

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
  retry: 'retry',
  condition: 'condition',
  inputs: 'inputs',
  project_id: 'project',
};
const label = (f: string) => FIELD_LABEL[f] ?? f;
/** Longer lists are cut: a diff is read, not scrolled through. */
const SHOW = 200;
const More = ({ n }: { n: number }) => (n > SHOW ? <li className="muted">…and {n - SHOW} more</li> : null);

function TaskList({ name, ids, plan }: { name: string; ids: string[]; plan: StoredPlan }) {
  if (ids.length === 0) return null;
  const by = new Map<string, TaskSpec>(plan.plan.tasks.map((t) => [t.task_id, t]));
  return (
    <>
      <h3>
        {name} ({ids.length})
      </h3>
      <ul aria-label={name}>
        {ids.slice(0, SHOW).map((id) => (
          <li key={id}>
            <code>{id}</code> <span className="muted">{by.get(id)?.description}</span>
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
        <p>
          Plan settings changed: <strong>{diff.plan_fields.map(label).join(', ')}</strong>
        </p>
      )}
      <TaskList name="Tasks added" ids={diff.added} plan={to} />
      <TaskList name="Tasks removed" ids={diff.removed} plan={from} />
      {diff.changed.length > 0 && (
        <>
          <h3>Tasks changed ({diff.changed.length})</h3>
          <ul aria-label="Tasks changed">
            {diff.changed.slice(0, SHOW).map((c) => (
              <li key={c.task_id}>
                <code>{c.task_id}</code>: {c.fields.map(label).join(', ')}
              </li>
            ))}
            <More n={diff.changed.length} />
          </ul>
        </>
      )}
    </aside>
  );
}
