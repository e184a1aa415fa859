import type { TaskStatus } from '../../../../src-shared/schemas/run.ts';
import { outputBrief } from './output-brief.ts';

/** What a task builds on: its dependencies in the run, each with its status and output in one line (output-brief.ts). */
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
            <code>{d.task_id}</code> ({d.status}): {outputBrief(d.output)}
          </li>
        ))}
      </ul>
    </details>
  );
}
