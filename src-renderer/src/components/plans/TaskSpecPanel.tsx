import type { TaskSpec } from '../../../../src-shared/schemas/plan.ts';
import { spendText } from '../../format/cost.ts';
import { formatDuration } from '../../format/duration.ts';

/** A task as the plan defines it: what clicking a task shows before the plan has run. */
export function TaskSpecPanel({ spec, onClose }: { spec: TaskSpec; onClose: () => void }) {
  const { condition, retry } = spec;
  return (
    <section className="task-detail" aria-label={`Task ${spec.task_id} definition`}>
      <header className="card-head">
        <strong>{spec.task_id}</strong>
        <button type="button" className="icon" aria-label="Close the task definition" onClick={onClose}>
          ×
        </button>
      </header>
      <p>{spec.description || <em>No description</em>}</p>
      <dl className="facts">
        <dt>Skills</dt>
        <dd>{spec.required_skills.length > 0 ? spec.required_skills.join(', ') : 'none'}</dd>
        <dt>Priority</dt>
        <dd>{spec.priority}</dd>
        <dt>Waits for</dt>
        <dd>{spec.depends_on.length > 0 ? spec.depends_on.join(', ') : 'nothing: starts at once'}</dd>
        {spec.agent && (
          <>
            <dt>Agent</dt>
            <dd>only {spec.agent}</dd>
          </>
        )}
        {spec.deadline && (
          <>
            <dt>Due</dt>
            <dd>{new Date(spec.deadline).toLocaleString()}</dd>
          </>
        )}
        {spec.requires_approval && (
          <>
            <dt>Approval</dt>
            <dd>a person approves it before it runs</dd>
          </>
        )}
        {spec.estimated_cost > 0 && (
          <>
            <dt>Estimated cost</dt>
            <dd>{spendText(spec.estimated_cost)}</dd>
          </>
        )}
        {spec.timeout_s !== undefined && (
          <>
            <dt>Timeout</dt>
            <dd>{formatDuration(spec.timeout_s * 1000)}</dd>
          </>
        )}
        {retry && retry.max_attempts > 1 && (
          <>
            <dt>Attempts</dt>
            <dd>
              up to {retry.max_attempts}, waiting {formatDuration(retry.backoff.initial_ms)} ×
              {retry.backoff.factor} between them (at most {formatDuration(retry.backoff.max_ms)})
            </dd>
          </>
        )}
      </dl>
      {condition && (
        <>
          <h3 className="small">Runs only when</h3>
          <ul className="small" aria-label="Runs only when">
            {Object.entries(condition.dependencies ?? {}).map(([dep, statuses]) => (
              <li key={dep}>
                <code>{dep}</code> ended {statuses.join(' or ')}
              </li>
            ))}
            {condition.output && <li>{outputTest(condition.output)}</li>}
          </ul>
        </>
      )}
      {spec.inputs && Object.keys(spec.inputs).length > 0 && (
        <details>
          <summary>Inputs</summary>
          <pre>{JSON.stringify(spec.inputs, null, 2)}</pre>
        </details>
      )}
    </section>
  );
}

/** An output condition in words: `a`'s output at `score` equals 3. */
function outputTest(o: NonNullable<TaskSpec['condition']>['output'] & object): string {
  const at = `${o.task_id}’s output${o.path ? ` at ${o.path}` : ''}`;
  if (o.exists !== undefined) return `${at} ${o.exists ? 'exists' : 'does not exist'}`;
  if (o.matches !== undefined) return `${at} matches /${o.matches}/`;
  return `${at} equals ${JSON.stringify(o.equals)}`;
}
