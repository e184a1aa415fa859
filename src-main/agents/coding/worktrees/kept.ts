import { lstat, readdir, rmdir } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { KeptWorktree } from '../../../../src-shared/schemas/worktrees.ts';
import { AppError } from '../../../base/errors.ts';
import type { EventBus } from '../../../events/event-bus.ts';
import type { CodingStore } from '../repos/coding-store.ts';
import { removeWorktree, worktreeDirty } from '../workspaces/index.ts';
import { ownedWorktree } from './owned.ts';

/** Bytes of the files under `dir` (links counted as themselves, never followed); null when it is gone. */
export async function sizeOnDisk(dir: string): Promise<number | null> {
  try {
    if (!(await lstat(dir)).isDirectory()) return null;
  } catch {
    return null;
  }
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const at = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(at, { withFileTypes: true });
    } catch {
      continue; // gone or unreadable meanwhile: counted as nothing
    }
    for (const e of entries) {
      const p = join(at, e.name);
      if (e.isDirectory()) stack.push(p);
      else
        total += await lstat(p).then(
          (s) => s.size,
          () => 0,
        );
    }
  }
  return total;
}

/** The worktrees Baton keeps on disk after their runs (or a person kept), each with its size and ports. */
export async function keptWorktrees(store: Pick<CodingStore, 'worktreePorts'>): Promise<KeptWorktree[]> {
  const rows = store.worktreePorts.kept();
  return Promise.all(
    rows.map(
      async (r): Promise<KeptWorktree> => ({
        run_id: r.run_id,
        task_id: r.task_id,
        plan_id: r.plan_id,
        plan_name: r.plan_name,
        workspace_id: r.workspace_id,
        branch: r.branch,
        path: r.dir,
        state: r.state,
        run_status: r.run_status,
        updated_at: r.updated_at,
        size_bytes: await sizeOnDisk(r.dir),
        ports: r.first === null || r.count === null ? null : { first: r.first, count: r.count },
      }),
    ),
  );
}

export interface ArchiveDeps {
  store: CodingStore;
  bus: EventBus;
  now: () => string;
  worktreeRoot: string;
}

/**
 * Removes a kept worktree on purpose (Settings' Archive): its branch and commits stay, its session
 * is recorded `removed` (which frees its ports), the task's folder goes when nothing else is in it.
 * Refused: a worktree Baton does not own (`ownedWorktree`), one a run still executing works in,
 * and one with uncommitted changes unless `discardChanges` (the person was asked).
 */
export async function archiveWorktree(
  deps: ArchiveDeps,
  runId: string,
  taskId: string,
  discardChanges: boolean,
): Promise<{ path: string; branch: string }> {
  const { store } = deps;
  const { session, dir, exists } = ownedWorktree(store, deps.worktreeRoot, runId, taskId, { onDisk: false });
  const busy = store.sessions
    .onDisk(session.workspace_id)
    .find((s) => s.dir === dir && s.run_status === 'executing');
  if (busy)
    throw new AppError(
      'conflict',
      `run "${busy.run_id}" is still executing in this worktree (task "${busy.task_id}"): stop it or let it end first`,
      { field: 'run_id' },
    );
  const workspace = store.workspaces.get(session.workspace_id);
  if (exists && workspace) {
    if (!discardChanges) {
      const dirty = await worktreeDirty({ repo: workspace.path, dir });
      if (dirty.count > 0)
        throw new AppError(
          'conflict',
          `the worktree has ${dirty.count} uncommitted ${dirty.count === 1 ? 'change' : 'changes'} (${dirty.paths.slice(0, 5).join(', ')}${dirty.count > 5 ? ', …' : ''}) that archiving would lose: commit them on ${session.branch}, or archive with discard_changes`,
          { field: 'discard_changes', files: dirty.paths, count: dirty.count },
        );
    }
    await removeWorktree({ repo: workspace.path, dir });
  } else if (exists) {
    throw new AppError(
      'conflict',
      `workspace "${session.workspace_id}" is not registered any more: Baton cannot tell its git what to remove; remove ${dir} yourself`,
      { field: 'task_id' },
    );
  }
  const at = deps.now();
  store.tx(() => {
    store.sessions.setState(runId, taskId, 'removed', at);
    store.worktreePorts.free(runId, taskId);
  });
  const removed = store.sessions.get(runId, taskId);
  if (removed) deps.bus.emit('session.updated', removed);
  // The task's folder (its CLI home stays, for a resume of kept work) and the run's, when empty.
  for (const folder of [dirname(dir), dirname(dirname(dir))])
    if (folder.startsWith(resolve(deps.worktreeRoot) + sep)) await rmdir(folder).catch(() => {});
  return { path: dir, branch: session.branch };
}
