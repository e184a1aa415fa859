import type { CodingContext, ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import type { PreparedWorktree } from '../workspaces/index.ts';
import { resetWorktree, worktreeChangesSince } from '../workspaces/index.ts';

const info = (text: string): ExecutorEvent => ({ type: 'log', stream: 'info', text });
const short = (commit: string) => commit.slice(0, 12);

/**
 * Where an attempt starts, said in its log. A retry after an attempt that did not finish starts
 * from what that attempt left in the worktree (committed or not), as a person going on with the
 * work would; with `start_clean` (a person asked) the branch goes back to the task's start and
 * the worktree holds nothing else, as a new one would (`fresh`: the workspace's setup runs
 * again). A resume of the work an earlier run kept goes on from its branch. `from` names where
 * the task's branch started (the base branch, or its dependencies' branches).
 */
export async function startingPoint(
  ctx: TaskContext,
  coding: CodingContext,
  worktree: PreparedWorktree,
  from: string,
  signal: AbortSignal,
): Promise<{ events: ExecutorEvent[]; fresh: boolean }> {
  const repo = coding.workspace.path;
  if (coding.start_clean) {
    const { was } = await resetWorktree({
      repo,
      dir: worktree.dir,
      branch: worktree.branch,
      to: worktree.startCommit,
      keepIgnored: coding.workspace.keep_ignored,
      signal,
    });
    return {
      events: [
        info(
          `starting clean, as asked: ${worktree.branch} is back at the task's start ${short(worktree.startCommit)}; what earlier attempts left in the worktree${was === worktree.startCommit ? '' : ` and committed (up to ${short(was)})`} is gone from it`,
        ),
      ],
      fresh: true,
    };
  }
  const resume = coding.resume;
  if (resume?.reason === 'kept_work')
    return {
      events: [
        info(
          `going on with the work run ${resume.run_id} kept of this task (attempt ${resume.attempt}, ${resume.ended}): ${worktree.branch} at ${short(worktree.head)}`,
        ),
      ],
      fresh: false,
    };
  if (resume?.reason === 'pr_feedback')
    return {
      events: [
        info(
          `going on with the work of its pull request, as it asked: ${worktree.branch} at ${short(worktree.head)}`,
        ),
      ],
      fresh: false,
    };
  const earlier = coding.earlier;
  if (!earlier || worktree.state === 'created') return { events: [], fresh: false };
  const changed = await worktreeChangesSince({ repo, dir: worktree.dir, base: worktree.startCommit, signal });
  if (changed.length === 0) return { events: [], fresh: false };
  return {
    events: [
      info(
        `attempt ${ctx.attempt} starts from the work attempt ${earlier.attempt} left (${earlier.ended}): ${changed.length} file${changed.length === 1 ? '' : 's'} changed since the task started from ${from}. To start from ${from} instead, retry the task with "start clean".`,
      ),
    ],
    fresh: false,
  };
}

/**
 * Whether the worktree holds work an agent did before this attempt's agent starts: its
 * dependencies' branches merged in, an earlier attempt's commits (a retry going on, a kept run's
 * work resumed), or the ignored files a worktree keeps from an earlier attempt (`keep_ignored`,
 * a parked worktree's or one started clean again). A setup command then runs on an agent's work,
 * so within that agent's sandbox too; on the base branch alone, under its workspace's.
 */
export function holdsAgentWork(
  from: readonly unknown[],
  worktree: Pick<PreparedWorktree, 'state' | 'head' | 'startCommit' | 'recycled'>,
  fresh: boolean,
  keptIgnored: readonly string[],
): boolean {
  if (from.length > 0) return true;
  // Ignored files stay in a parked worktree taken again and in one started clean; a new or re-made one has none.
  const kept = keptIgnored.length > 0 && (worktree.recycled || worktree.state === 'reused');
  if (fresh) return kept;
  return kept || worktree.state === 'reused' || worktree.head !== worktree.startCommit;
}
