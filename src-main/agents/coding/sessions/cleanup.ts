import { rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TaskSession } from '../../../../src-shared/schemas/workspace.ts';
import { BackgroundWork } from '../../../base/background.ts';
import type { ErrorLog } from '../../../base/log-line.ts';
import { mayHaveLeftovers, stopOrphans } from '../../../engine/attempt-leftovers.ts';
import type { RunEnded, TaskEnded } from '../../../engine/executor.ts';
import type { EventBus } from '../../../events/event-bus.ts';
import type { CodingStore } from '../repos/coding-store.ts';
import { parkInPool, parkingInto, removeWorktree } from '../workspaces/index.ts';
import { keepWork } from './kept-work.ts';

/**
 * How many finished worktrees each workspace keeps parked for the next attempt, unless the
 * app is told otherwise. Parking saves the next attempt a full checkout (16-18 s for
 * 20,000 files on a slow disk, test/bench/README.md) at the price of a checkout's disk space
 * per parked worktree; two covers a plan's chain of coding tasks and a pair of them side by
 * side without keeping many copies of a large repository. More attempts at once than parked
 * worktrees make new ones as before.
 */
export const DEFAULT_PARKED_WORKTREES = 2;

/** Where a workspace's parked worktrees wait (worktree-pool.ts); no workspace id starts with a dot, no run id either. */
export const parkedFolder = (worktreeRoot: string, workspaceId: string): string =>
  join(worktreeRoot, '.parked', workspaceId);

export interface DiscardDeps {
  store: CodingStore;
  bus: EventBus;
  now: () => string;
}

/** Where a discarded worktree may be parked instead of removed: its workspace's pool, and how many it keeps. */
export interface ParkInto {
  /** The worktree root; the pool is `parkedFolder(root, workspace)`. */
  root: string;
  max: number;
}

/**
 * Removes a coding task's worktree (its branch stays: it is the result) and the CLI home Baton
 * wrote beside it, then records the session `removed`. With `park`, the worktree is parked in
 * its workspace's pool instead, when the pool has room: it holds no branch from then on, and
 * the next attempt that takes it wipes what it holds. A CLI still running there (left by a
 * Baton that died) is stopped first. The work of a task that did not end done is kept first
 * (`keepWork`: committed on its branch as work in progress, recorded on the session, its CLI
 * home kept for a resume); when it cannot be committed, the worktree is kept as it is instead
 * (`kept`), nothing of it removed.
 */
export async function discardWorktree(
  deps: DiscardDeps,
  session: TaskSession,
  park?: ParkInto,
): Promise<TaskSession> {
  await stopOrphans(deps.store.attemptScope, session.run_id, session.task_id);
  const workspace = deps.store.workspaces.get(session.workspace_id);
  const task = deps.store.runs.task(session.run_id, session.task_id);
  const kept =
    workspace && task?.status !== 'done' ? await keepWork(workspace, session, task, deps.now()) : null;
  if (kept?.not_committed) {
    const at = deps.now();
    deps.store.tx(() => {
      deps.store.sessions.setState(session.run_id, session.task_id, 'kept', at);
      deps.store.sessions.setKeptWork(session.run_id, session.task_id, kept, at);
    });
    const stays: TaskSession = { ...session, state: 'kept', kept_work: kept, updated_at: at };
    deps.bus.emit('session.updated', stays);
    return stays;
  }
  if (workspace && park && park.max > 0) {
    const pool = parkedFolder(park.root, workspace.id);
    await parkInPool({ repo: workspace.path, dir: session.dir, pool, max: park.max });
  } else if (workspace) await removeWorktree({ repo: workspace.path, dir: session.dir });
  else await rm(session.dir, { recursive: true, force: true });
  // A resume of kept work goes on in the CLI's session, which its home holds; so does a fix round
  // of a pull request (a plan that lands as one keeps its tasks' CLI homes).
  if (session.home !== null && kept === null && !landsPullRequest(deps.store, session.run_id))
    await rm(session.home, { recursive: true, force: true });
  // The task's folder and the run's, when nothing else is left in them.
  const taskDir = dirname(session.dir);
  await rmdir(taskDir).catch(() => {});
  await rmdir(dirname(taskDir)).catch(() => {});
  const at = deps.now();
  deps.store.tx(() => {
    deps.store.sessions.setState(session.run_id, session.task_id, 'removed', at);
    if (kept) deps.store.sessions.setKeptWork(session.run_id, session.task_id, kept, at);
  });
  const removed: TaskSession = {
    ...session,
    state: 'removed',
    updated_at: at,
    ...(kept ? { kept_work: kept } : {}),
  };
  deps.bus.emit('session.updated', removed);
  return removed;
}

/** What the worktree cleanup of a process works with: its store, bus and clock, where worktrees go and how many are parked. */
export interface CleanupDeps extends DiscardDeps {
  log: ErrorLog;
  /** Where coding tasks' worktrees go: `<root>/<run>/<task>/tree` (and the CLI's home beside it). */
  worktreeRoot: string;
  /** How many finished worktrees each workspace keeps parked (`<root>/.parked/<workspace>`); 0: none. */
  parkedWorktrees: number;
}

/**
 * The life of coding tasks' worktrees in the runs executed here (the coding kind's end hooks):
 * a done task's worktree is parked in its workspace's pool (or removed, the pool full) once its
 * attempt has stopped (its branch is the result), and when a run ends every worktree of it left
 * (failed, cancelled, interrupted tasks') has its work committed on its branch as work in
 * progress and is parked or removed the same way, but those a person kept. The engine tells
 * both once the change is stored; each waits for the attempts of the task or run to stop.
 */
export class WorktreeCleanup {
  private readonly deps: CleanupDeps;
  /** Cleanups going on (tests and `close` wait for them). */
  private readonly pending = new Set<Promise<void>>();
  /** Done tasks' worktrees being parked, by `<run>/<task>`: the run's end waits for them, not to remove one mid-park. */
  private readonly parking = new Map<string, Promise<void>>();
  /** The cleanups, in the background of the runs that ended: one that fails is logged. */
  private readonly cleanups: BackgroundWork;

  constructor(deps: CleanupDeps) {
    this.deps = deps;
    this.cleanups = new BackgroundWork("cleaning up coding tasks' worktrees", deps.log);
  }

  /** A task with a worktree ended: done, its worktree is parked or goes (unless kept) once its attempt has stopped. */
  taskEnded(end: TaskEnded): void {
    // No worktree; or a failed task's, which waits for a retry or for its run's end.
    if (end.status !== 'done' || !end.session) return;
    const { run_id: runId, task_id: taskId } = end;
    const { store } = this.deps;
    const park = this.parkInto();
    const key = `${runId}/${taskId}`;
    const parked = this.track(async () => {
      await end.stopped();
      const s = store.sessions.get(runId, taskId);
      if (s?.state === 'active') await discardWorktree(this.deps, s, park);
    }).finally(() => {
      if (this.parking.get(key) === parked) this.parking.delete(key);
    });
    this.parking.set(key, parked);
    // Its dependents start now: their worktrees wait for this one rather than check out anew.
    const workspace = store.sessions.get(runId, taskId)?.workspace_id;
    if (workspace !== undefined && park.max > 0) parkingInto(parkedFolder(park.root, workspace), parked);
  }

  /** A run ended: every worktree of it still there goes, but those a person kept. */
  runEnded(end: RunEnded): void {
    const runId = end.run_id;
    const { store } = this.deps;
    this.track(async () => {
      await end.stopped();
      await Promise.all([...this.parking].filter(([k]) => k.startsWith(`${runId}/`)).map(([, p]) => p));
      // Their work committed first (`keepWork`), they are parked like a done task's.
      for (const s of store.sessions.forRun(runId))
        if (s.state === 'active') await discardWorktree(this.deps, s, this.parkInto());
      // Programs its attempts left, found by their marker (none to look for where none was started).
      if (mayHaveLeftovers(store.attemptScope, runId, end.resumed))
        await stopOrphans(store.attemptScope, runId);
    });
  }

  /**
   * Where a worktree is parked: a done task's holds nothing uncommitted, and those left when a
   * run ends (failed, cancelled, interrupted tasks') have their work committed first.
   */
  private parkInto(): ParkInto {
    return { root: this.deps.worktreeRoot, max: this.deps.parkedWorktrees };
  }

  /** Resolves once the cleanups started so far are over. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private track(work: () => Promise<void>): Promise<void> {
    const p = work()
      .catch((err: unknown) => {
        this.cleanups.failed(err);
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
    return p;
  }
}

/** Whether a run's plan lands its work as pull requests (`land: pull_request`). */
function landsPullRequest(store: CodingStore, runId: string): boolean {
  const run = store.runs.get(runId);
  return (run && store.plans.get(run.plan_id, run.plan_version)?.plan.land) === 'pull_request';
}
