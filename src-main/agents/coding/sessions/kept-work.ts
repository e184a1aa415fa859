import { existsSync } from 'node:fs';
import type { TaskRun } from '../../../../src-shared/schemas/run.ts';
import type { KeptWork, TaskSession, Workspace } from '../../../../src-shared/schemas/workspace.ts';
import {
  branchTip,
  commitLeftovers,
  conflictInProgress,
  diffCommits,
  WorkspaceError,
} from '../workspaces/index.ts';

/**
 * The work of a coding task that did not end done, before its worktree is let go: what its last
 * attempt left uncommitted is committed on its branch as a work-in-progress commit whose message
 * says so (which attempt, how it ended, that nobody reviewed it), so removing or parking the
 * worktree loses nothing. Null when the branch holds nothing past the task's start (there is no
 * work to keep). When Baton cannot commit it (the agent left a merge unfinished or switched
 * branch), `not_committed` says why: the caller keeps the worktree as it is.
 */
export async function keepWork(
  workspace: Workspace,
  session: TaskSession,
  task: TaskRun | undefined,
  at: string,
): Promise<KeptWork | null> {
  const attempt = task?.attempt ?? session.attempt;
  const ended = task?.status ?? 'interrupted';
  const reason = task?.error ?? task?.reason ?? null;
  const kept = (head: string, wip: string | null, notCommitted: string | null, diff: Counts): KeptWork => ({
    head,
    wip_commit: wip,
    attempt,
    ended,
    reason,
    ...diff,
    at,
    state: 'kept',
    resumed_by: null,
    not_committed: notCommitted,
  });
  // Baton's own merge of the dependencies, left for a person who gave up on it: no agent worked there.
  if (await conflictInProgress({ repo: workspace.path, branch: session.branch, dir: session.dir }))
    return null;
  let committed: { committed: boolean; head: string };
  if (!existsSync(session.dir)) {
    // Its folder is gone (a person deleted it): the branch holds what was committed.
    const tip = await branchTip({ repo: workspace.path, branch: session.branch });
    if (tip === null) return null;
    committed = { committed: false, head: tip };
  } else
    try {
      committed = await commitLeftovers({
        repo: workspace.path,
        dir: session.dir,
        branch: session.branch,
        message: wipMessage(session, attempt, ended, reason),
        author: {
          name: session.agent_id || 'agent',
          email: `${session.agent_id || 'agent'}@agents.baton.invalid`,
        },
      });
    } catch (err) {
      if (!(err instanceof WorkspaceError)) throw err;
      const tip = await branchTip({ repo: workspace.path, branch: session.branch });
      return kept(tip ?? session.start_commit, null, err.message, { files: 0, additions: 0, deletions: 0 });
    }
  if (!committed.committed && committed.head === session.start_commit) return null;
  const diff = await diffCommits({
    repo: workspace.path,
    base: session.start_commit,
    head: committed.head,
    maxPatchBytes: 0,
  });
  if (diff.files.length === 0 && !committed.committed) return null;
  return kept(committed.head, committed.committed ? committed.head : null, null, {
    files: diff.files.length,
    additions: diff.additions,
    deletions: diff.deletions,
  });
}

interface Counts {
  files: number;
  additions: number;
  deletions: number;
}

/** How a task ended, in a few words: `failed: timed out after 600 s`, `cancelled by ana`. */
export function endedText(ended: string, reason: string | null): string {
  return reason ? `${ended}: ${reason.split('\n')[0]!.slice(0, 200)}` : ended;
}

/**
 * The work-in-progress commit's message: a subject that says what it is, a body a person reads
 * in `git log`, and trailers a program reads (the branch cleanup tells such a branch by them).
 */
export function wipMessage(
  session: TaskSession,
  attempt: number,
  ended: string,
  reason: string | null,
): string {
  return [
    `WIP (unreviewed): task ${session.task_id}, attempt ${attempt} ${ended}`,
    '',
    `Work in progress that nobody reviewed. Attempt ${attempt} of task ${session.task_id} (run`,
    `${session.run_id}, agent ${session.agent_id || 'unknown'}) ended without finishing:`,
    endedText(ended, reason),
    '',
    'Baton committed what the agent left uncommitted in its worktree, so that nothing',
    'is lost when the worktree goes. Look at it, resume it (a new attempt goes on from',
    'this branch) or discard it, in the task panel of the run.',
    '',
    `Baton-Run: ${session.run_id}`,
    `Baton-Task: ${session.task_id}`,
    `Baton-Attempt: ${attempt}`,
    `Baton-Ended: ${ended}`,
    'Baton-Work: in-progress',
    '',
  ].join('\n');
}
