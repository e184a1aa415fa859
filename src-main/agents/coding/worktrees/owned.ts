import { lstatSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { TaskSession } from '../../../../src-shared/schemas/workspace.ts';
import { AppError } from '../../../base/errors.ts';
import type { CodingStore } from '../repos/coding-store.ts';

/** A relative path that stays where it starts (no `..` up, not absolute). */
const staysInside = (rel: string): boolean =>
  rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);

/**
 * The worktree of task `taskId` of run `runId` as Baton owns it, found from the ids in the store
 * and checked before anything opens or removes it: its folder is under Baton's worktrees folder
 * (`root`), inside the folder of its own run (or of the run whose kept work its session goes on
 * with), not in the parked pool; on disk, it is a folder, not a link, and its real path is still
 * under the real worktrees folder (no link on the way leads out). Refused otherwise, naming why.
 * `onDisk: false` allows a folder that is gone (what is left to say of it).
 */
export function ownedWorktree(
  store: Pick<CodingStore, 'sessions'>,
  root: string,
  runId: string,
  taskId: string,
  opts: { onDisk: boolean },
): { session: TaskSession; dir: string; exists: boolean } {
  const session = store.sessions.get(runId, taskId);
  if (!session || session.state === 'removed')
    throw new AppError(
      'not_found',
      session
        ? `task "${taskId}" of run "${runId}" has no worktree any more (removed)`
        : `task "${taskId}" of run "${runId}" has no coding worktree`,
      { field: 'task_id' },
    );
  const refuse = (why: string): never => {
    throw new AppError(
      'invalid_input',
      `the worktree of task "${taskId}" of run "${runId}" ${why}: refused`,
      {
        field: 'task_id',
        path: session.dir,
      },
    );
  };
  if (!isAbsolute(session.dir)) refuse(`is recorded at ${session.dir}, not an absolute path`);
  const rel = relative(resolve(root), resolve(session.dir));
  if (!staysInside(rel)) refuse(`is recorded at ${session.dir}, outside Baton's worktrees folder ${root}`);
  const [runFolder] = rel.split(sep);
  if (runFolder === '.parked') refuse('is recorded in the pool of parked worktrees');
  if (!runsOf(store, session).has(runFolder!))
    refuse(`is recorded at ${session.dir}, in the folder of another run ("${runFolder}")`);
  let exists = true;
  try {
    const st = lstatSync(session.dir);
    if (st.isSymbolicLink()) refuse(`at ${session.dir} is a link, not a folder`);
    if (!st.isDirectory()) refuse(`at ${session.dir} is not a folder`);
  } catch (err) {
    if (err instanceof AppError) throw err;
    exists = false;
  }
  if (exists) {
    const real = realpathSync(session.dir);
    let realRoot: string;
    try {
      realRoot = realpathSync(root);
    } catch {
      return refuse(`cannot be checked: Baton's worktrees folder ${root} is not there`);
    }
    if (!staysInside(relative(realRoot, real)))
      refuse(`at ${session.dir} leads to ${real}, outside Baton's worktrees folder`);
  } else if (opts.onDisk) {
    throw new AppError(
      'not_found',
      `the worktree of task "${taskId}" of run "${runId}" is not on disk (${session.dir})`,
      {
        field: 'task_id',
      },
    );
  }
  return { session, dir: session.dir, exists };
}

/** The run and the runs whose kept work its session goes on with: the folders its worktree may be in. */
function runsOf(store: Pick<CodingStore, 'sessions'>, session: TaskSession): Set<string> {
  const runs = new Set([session.run_id]);
  let from = session.continues ?? null;
  while (from !== null && !runs.has(from)) {
    runs.add(from);
    from = store.sessions.get(from, session.task_id)?.continues ?? null;
  }
  return runs;
}
