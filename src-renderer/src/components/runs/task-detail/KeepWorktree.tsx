import type { Run, TaskRun } from '../../../../../src-shared/schemas/run.ts';
import { useBaton } from '../../../store/index.ts';

/**
 * A coding task's worktree: removed when its run ends unless kept (to look at the work, run it,
 * go on by hand). Its branch stays either way.
 */
export function KeepWorktree({ task, run }: { task: TaskRun; run: Run }) {
  const session = useBaton((s) => s.sessions[run.id]?.find((x) => x.task_id === task.task_id));
  const keep = useBaton((s) => s.keepWorktree);
  if (!session || session.state === 'removed') return null;
  const kept = session.state === 'kept';
  return (
    <div className="keep-worktree">
      <button
        type="button"
        aria-pressed={kept}
        title={kept ? 'Let it be removed with the run' : 'Keep it after the run ends'}
        onClick={() => void keep(run.id, task.task_id, !kept)}
      >
        {kept ? 'Worktree kept' : 'Keep worktree'}
      </button>
      <p className="muted small">
        <code>{session.dir}</code>:{' '}
        {kept
          ? 'kept after the run ends; press again to let it go (baton workspaces prune --include-kept removes it too).'
          : run.status === 'executing'
            ? 'removed when the run ends; its branch stays.'
            : 'still on disk; baton workspaces prune removes it. Its branch stays.'}
      </p>
    </div>
  );
}
