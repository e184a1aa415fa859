import type { TaskStatus } from '../../../../src-shared/schemas/run.ts';
import { cut } from '../../format/cut.ts';

/** What a task builds on: its dependencies in the run, each with its status and output in one line. */
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
    <details className="small" open={open}>
      <summary>What it builds on ({dependencies.length})</summary>
      <ul aria-label={`Dependencies of ${taskId}`}>
        {dependencies.map((d) => (
          <li key={d.task_id}>
            <code>{d.task_id}</code> ({d.status}): {brief(d.output)}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** A dependency's output in one line. */
function brief(output: unknown): string {
  if (output === null || output === undefined) return 'no output';
  return cut(typeof output === 'string' ? output : JSON.stringify(output), 200, 200);
}
