import { useEffect, useMemo } from 'react';
import { isCodingOutput } from '../../../../src-shared/schemas/plain/workspace.ts';
import type { Run, TaskRun } from '../../../../src-shared/schemas/run.ts';
import type { CodingOutput, TaskSession } from '../../../../src-shared/schemas/workspace.ts';
import { useBaton } from '../../store/index.ts';
import { MergeBranches } from './MergeBranches.tsx';

const NO_SESSIONS: TaskSession[] = [];

/** A coding task's line: its branch, and once done its commit and +/-; its worktree's state. */
interface BranchRow {
  task_id: string;
  branch: string;
  output: CodingOutput | null;
  worktree: TaskSession['state'] | null;
  /** Unreviewed work kept on the branch after the run (a task that did not finish). */
  kept: boolean;
}

const WORKTREE: Record<TaskSession['state'], string> = {
  active: 'worktree in use',
  kept: 'worktree kept',
  removed: 'worktree removed',
};

/**
 * The run's coding tasks as branches: each task's branch, commit and +/-, whether its
 * worktree is kept; once the run has ended, "Merge branches…" merges the final ones into a
 * branch the person names, after they confirm.
 */
export function RunBranches({ run, tasks }: { run: Run; tasks: Record<string, TaskRun> }) {
  const loadSessions = useBaton((s) => s.loadSessions);
  const sessions = useBaton((s) => s.sessions[run.id] ?? NO_SESSIONS);
  useEffect(() => {
    void loadSessions(run.id);
  }, [loadSessions, run.id]);
  const rows = useMemo(() => {
    const out = new Map<string, BranchRow>();
    for (const s of sessions)
      out.set(s.task_id, {
        task_id: s.task_id,
        branch: s.branch,
        output: null,
        worktree: s.state,
        kept: s.kept_work?.state === 'kept',
      });
    for (const t of Object.values(tasks))
      if (isCodingOutput(t.output))
        out.set(t.task_id, {
          task_id: t.task_id,
          branch: t.output.branch,
          output: t.output,
          worktree: out.get(t.task_id)?.worktree ?? null,
          kept: false,
        });
    return [...out.values()].sort((a, b) => a.task_id.localeCompare(b.task_id));
  }, [sessions, tasks]);
  if (rows.length === 0) return null;
  const mergeable =
    run.status !== 'executing' && rows.some((r) => r.output && tasks[r.task_id]?.status === 'done');
  return (
    <details open className="run-branches">
      <summary>Branches</summary>
      <ul aria-label="Branches of the run">
        {rows.map((r) => (
          <li key={r.task_id}>
            <strong>{r.task_id}</strong> <code>{r.branch}</code>
            {r.output && (
              <>
                {' '}
                at <code>{r.output.commit.slice(0, 10)}</code>{' '}
                <span className="review-add">+{r.output.additions}</span>{' '}
                <span className="review-del">−{r.output.deletions}</span>
              </>
            )}
            {r.worktree && <span className="muted small"> · {WORKTREE[r.worktree]}</span>}
            {r.kept && <span className="small"> · work in progress kept</span>}
          </li>
        ))}
      </ul>
      {mergeable ? (
        <MergeBranches
          run={run}
          workspaceIds={[...new Set(rows.flatMap((r) => (r.output ? [r.output.workspace_id] : [])))]}
        />
      ) : (
        run.status === 'executing' && (
          <p className="muted small">
            Once the run has ended, its final branches can be merged into a branch of yours.
          </p>
        )
      )}
    </details>
  );
}
