import type { TaskStatus } from '../../../../src-shared/schemas/plain/run.ts';
import { dependencyFacts } from './dependency-facts.ts';

/** Files of a coding dependency listed before the rest are counted. */
const MAX_FILES = 5;

/**
 * What a task builds on: its dependencies in the run, one row each — its id and status, then
 * what it produced laid out (dependency-facts.ts): a coding task's branch, commit, +/- and files;
 * an object's fields one a line; a text as it is.
 */
export function BuildsOn({
  taskId,
  dependencies,
  open,
}: {
  taskId: string;
  dependencies: readonly { task_id: string; status: TaskStatus; output: unknown }[];
  /** Opened at first (a short list); closed by default. */
  open?: boolean;
}) {
  if (dependencies.length === 0) return null;
  return (
    <details className="builds-on" open={open}>
      <summary className="small">What it builds on ({dependencies.length})</summary>
      <ul aria-label={`Dependencies of ${taskId}`}>
        {dependencies.map((d) => (
          <li key={d.task_id} aria-label={`Dependency ${d.task_id}`}>
            <div className="dep-head">
              <code className="dep-id">{d.task_id}</code>
              <span className={`pill status-${d.status}`}>{d.status.replaceAll('_', ' ')}</span>
            </div>
            <DependencyOutput output={d.output} />
          </li>
        ))}
      </ul>
    </details>
  );
}

function DependencyOutput({ output }: { output: unknown }) {
  const facts = dependencyFacts(output);
  switch (facts.kind) {
    case 'none':
      return <p className="muted small">No output.</p>;
    case 'text':
      return (
        <p className="dep-text small" title={facts.text.length > 300 ? facts.text : undefined}>
          {facts.text}
        </p>
      );
    case 'json':
      return <code className="dep-text small">{facts.text}</code>;
    case 'coding':
      return (
        <>
          <p className="dep-branch small">
            branch <code>{facts.branch}</code> at <code>{facts.commit}</code>{' '}
            <span className="review-add">+{facts.additions}</span>{' '}
            <span className="review-del">−{facts.deletions}</span>{' '}
            <span className="muted">
              in {facts.files.length} {facts.files.length === 1 ? 'file' : 'files'}
            </span>
          </p>
          {facts.files.length > 0 && (
            <ul className="dep-files small" aria-label="Changed files">
              {facts.files.slice(0, MAX_FILES).map((f) => (
                <li key={f.path}>
                  <code>{f.path}</code>{' '}
                  {f.additions === null ? (
                    <span className="muted">binary</span>
                  ) : (
                    <>
                      <span className="review-add">+{f.additions}</span>{' '}
                      <span className="review-del">−{f.deletions}</span>
                    </>
                  )}
                  {f.status !== 'modified' && <span className="muted"> · {f.status}</span>}
                </li>
              ))}
              {facts.files.length > MAX_FILES && (
                <li className="muted">and {facts.files.length - MAX_FILES} more</li>
              )}
            </ul>
          )}
          {facts.summary.trim() && <p className="dep-text small">{facts.summary}</p>}
        </>
      );
    case 'fields':
      return (
        <dl className="dep-fields small">
          {facts.fields.map((f) => (
            <div key={f.name}>
              <dt>{f.name}</dt>
              <dd>{f.value}</dd>
            </div>
          ))}
          {facts.more > 0 && (
            <div>
              <dt className="muted">and {facts.more} more</dt>
            </div>
          )}
        </dl>
      );
  }
}
