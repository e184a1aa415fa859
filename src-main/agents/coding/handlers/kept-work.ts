import { rm } from 'node:fs/promises';
import type { RunHandlers } from '../../../../src-shared/contract/domains/runs.ts';
import type { BuildResponse, StartedRun } from '../../../../src-shared/schemas/run.ts';
import type { KeptWork, TaskSession } from '../../../../src-shared/schemas/workspace.ts';
import { AppError } from '../../../base/errors.ts';
import {
  branchTip,
  commitMessage,
  deleteTaskBranches,
  diffCommits,
  removeWorktree,
} from '../workspaces/index.ts';
import type { CodingHandlersContext } from './context.ts';
import { reRegister, workspaceMissing } from './workspace-health.ts';

type KeptWorkHandlers = Pick<RunHandlers, 'runs.keptWork' | 'runs.resumeWork' | 'runs.discardWork'>;

/** Most of the unified diff `runs.keptWork` sends. */
const PATCH_LIMIT = 1_048_576;

/**
 * A coding task's kept work (`TaskSession.kept_work`): the work-in-progress its branch holds
 * after its run ended without the task done. A person looks at it, resumes it (a re-run from the
 * task that goes on from the branch, in the same CLI session where it can) or discards it (the
 * branch is deleted).
 */
export function keptWorkHandlers(
  ctx: CodingHandlersContext,
  started: (b: BuildResponse) => StartedRun,
  refuseUnsafe: (planId: string, version?: number) => Promise<void>,
): KeptWorkHandlers {
  const { bus, now, engine } = ctx;
  const { store } = ctx.coding;
  /** The task's session with its kept work, still `kept` when `open`; the run ended. */
  const keptOf = (runId: string, taskId: string, open: boolean) => {
    const run = store.runs.get(runId);
    if (!run) throw new AppError('not_found', `run "${runId}" not found`);
    const session = store.sessions.get(runId, taskId);
    const kept = session?.kept_work;
    if (!session || !kept)
      throw new AppError('not_found', `task "${taskId}" of run "${runId}" has no kept work`);
    if (open && kept.state !== 'kept')
      throw new AppError(
        'conflict',
        kept.state === 'resumed'
          ? `the kept work of task "${taskId}" was resumed already, by run ${kept.resumed_by}`
          : `the kept work of task "${taskId}" was discarded already (its branch ${session.branch} is deleted)`,
      );
    const workspace = store.workspaces.get(session.workspace_id);
    if (!workspace)
      throw new AppError('not_found', `workspace "${session.workspace_id}" is no longer registered`);
    const missing = workspaceMissing(workspace);
    if (missing !== null)
      throw new AppError(
        'conflict',
        `workspace "${workspace.id}" (${workspace.path}) is missing: ${missing}; ${reRegister(workspace.id)}`,
      );
    return { run, session, kept, workspace };
  };
  /**
   * A resume or a discard of a task's kept work, one at a time: they read it, then act on its
   * branch and folder across awaits (git), so a second one meanwhile is refused, not interleaved
   * (a resume on a branch a discard is deleting, or two runs resuming the same work).
   */
  const acting = new Set<string>();
  const alone = async <T>(runId: string, taskId: string, work: () => Promise<T>): Promise<T> => {
    const key = `${runId}\u0000${taskId}`;
    if (acting.has(key))
      throw new AppError(
        'conflict',
        `the kept work of task "${taskId}" is being resumed or discarded by another request: look again once it has ended`,
      );
    acting.add(key);
    try {
      return await work();
    } finally {
      acting.delete(key);
    }
  };
  /** Records what became of the kept work and tells the UI. */
  const settle = (session: TaskSession, kept: KeptWork, state?: TaskSession['state']): TaskSession => {
    const at = now();
    store.tx(() => {
      store.sessions.setKeptWork(session.run_id, session.task_id, kept, at);
      if (state) store.sessions.setState(session.run_id, session.task_id, state, at);
    });
    const changed: TaskSession = {
      ...session,
      kept_work: kept,
      state: state ?? session.state,
      updated_at: at,
    };
    bus.emit('session.updated', changed);
    return changed;
  };
  return {
    'runs.keptWork': async ({ run_id, task_id }) => {
      const { session, kept, workspace } = keptOf(run_id, task_id, false);
      const tip =
        kept.state === 'discarded' ? null : await branchTip({ repo: workspace.path, branch: session.branch });
      const message = kept.wip_commit
        ? await commitMessage({ repo: workspace.path, commit: kept.wip_commit })
        : null;
      if (tip === null)
        return {
          session,
          tip,
          message,
          files: [],
          additions: 0,
          deletions: 0,
          patch: '',
          truncated_note: null,
        };
      const diff = await diffCommits({
        repo: workspace.path,
        base: session.start_commit,
        head: tip,
        maxPatchBytes: PATCH_LIMIT,
      });
      return {
        session,
        tip,
        message,
        files: diff.files.map((f) => ({
          path: f.path,
          ...(f.oldPath ? { old_path: f.oldPath } : {}),
          status: f.status,
          additions: f.additions,
          deletions: f.deletions,
        })),
        additions: diff.additions,
        deletions: diff.deletions,
        patch: diff.patch,
        truncated_note: diff.truncatedNote,
      };
    },
    'runs.resumeWork': ({ run_id, task_id, actor: named }, call) =>
      alone(run_id, task_id, async () => {
        const actor = named ?? call.actor ?? undefined;
        // Read once the writer has written what it was handed: the run's counts read its task rows.
        const { run, session, workspace } = await store.whenWriterIdle(() => keptOf(run_id, task_id, true));
        if ((await branchTip({ repo: workspace.path, branch: session.branch })) === null)
          throw new AppError(
            'conflict',
            `the branch ${session.branch} of the kept work is gone from ${workspace.path}: there is nothing to resume (re-run the task to start over)`,
          );
        await refuseUnsafe(run.plan_id, run.plan_version);
        // The new run's transaction and the answer's reads once the store's writer has written what
        // it was handed, not waiting for it on the thread the calls share (as `runs.rerun`); the
        // kept work looked at again then.
        const resume = () => {
          const { session, kept } = keptOf(run_id, task_id, true);
          return engine.rerunFrom(run_id, task_id, actor, (newRun) => {
            // The new run's task goes on in the same branch, folder and CLI session (its home kept
            // with the work); the old session lets go of a worktree still kept for it.
            const at = now();
            store.sessions.upsert({
              ...session,
              run_id: newRun,
              attempt: 0,
              state: 'active',
              updated_at: at,
            });
            store.sessions.setContinues(newRun, task_id, run_id);
            store.sessions.setKeptWork(
              run_id,
              task_id,
              { ...kept, state: 'resumed', resumed_by: newRun },
              at,
            );
            store.sessions.setState(run_id, task_id, 'removed', at);
          });
        };
        return store.whenWriterIdle(resume, (build) => {
          const old = store.sessions.get(run_id, task_id);
          if (old) bus.emit('session.updated', old);
          return started(build);
        });
      }),
    'runs.discardWork': ({ run_id, task_id }) =>
      alone(run_id, task_id, async () => {
        const { session, kept, workspace } = await store.whenWriterIdle(() => keptOf(run_id, task_id, true));
        // A worktree still kept for it (its work could not be committed, or a person kept it) goes first.
        if (session.state !== 'removed') await removeWorktree({ repo: workspace.path, dir: session.dir });
        const tip = await branchTip({ repo: workspace.path, branch: session.branch });
        if (tip !== null) {
          const r = await deleteTaskBranches({
            repo: workspace.path,
            branches: [{ name: session.branch, tip }],
          });
          const left = r.left[0];
          if (left)
            throw new AppError('conflict', `the branch ${session.branch} was not deleted: ${left.why}`, {
              branch: session.branch,
            });
        }
        if (session.home !== null) await rm(session.home, { recursive: true, force: true });
        return settle(session, { ...kept, state: 'discarded' }, 'removed');
      }),
  };
}
