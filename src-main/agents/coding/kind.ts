import type { ErrorLog } from '../../base/log-line.ts';
import type { Executor } from '../../engine/executor.ts';
import type { EventBus } from '../../events/event-bus.ts';
import type { AgentKindDefinition } from '../kind-definition.ts';
import { routeNow } from './acp/default-route.ts';
import { changedFilesOf } from './changed-files.ts';
import type { CodingExecutorOptions } from './cli/coding.ts';
import type { CodingStore } from './repos/coding-store.ts';
import { DEFAULT_PARKED_WORKTREES, parkedFolder, WorktreeCleanup } from './sessions/cleanup.ts';
import { codingContextOf } from './sessions/context.ts';

/** What the app gives the coding kind besides its executor's options: its store, and where its worktrees go. */
export interface CodingHost {
  /** The app's store with the coding wing's tables (`codingStore`). */
  store: CodingStore;
  bus: EventBus;
  /** The clock as ISO 8601 (sessions' `updated_at`). */
  iso: () => string;
  /** Where cleanups that fail in the background are logged. */
  log: ErrorLog;
  /** Where coding tasks' git worktrees go: `<root>/<run>/<task>/tree` (and the CLI's home beside it). */
  worktreeRoot: string;
  /**
   * How many finished coding tasks' worktrees each workspace keeps parked for the next attempt
   * (worktree-pool.ts) instead of deleting them (DEFAULT_PARKED_WORKTREES; 0: none).
   */
  parkedWorktrees?: number;
}

export interface CodingKindOptions extends CodingExecutorOptions, CodingHost {
  /** What runs the attempts instead of a coding CLI (tests drive one); the hooks stay the kind's. */
  executor?: Executor;
}

/** The coding kind as the app holds it: its executor with the engine's hooks, and its worktrees' folders. */
export interface CodingKind extends Executor {
  /** The app's store with the coding wing's own tables (the registered workspaces). */
  readonly store: CodingStore;
  /** Where coding tasks' worktrees go (`workspaces.prune` sweeps it). */
  readonly worktreeRoot: string;
  /** Where a workspace's parked worktrees wait for the next attempt (`workspaces.prune` and removing the workspace empty it). */
  parkedFolder(workspaceId: string): string;
  /** Resolves once the worktree cleanups started so far (a task done, a run ended) are over. */
  worktreesSettled(): Promise<void>;
}

/**
 * The coding agent kind of one app: the executor (a coding CLI in the task's worktree) and the
 * hooks the engine calls — the attempt's context (`prepare`: workspace, worktree, session), the
 * end of a task and of a run (their worktrees parked or removed, work kept), and the files a
 * decider reads of a done task.
 */
export function createCodingKind(opts: CodingKindOptions): CodingKind {
  const { bus, iso, log, worktreeRoot } = opts;
  const { store } = opts;
  const parkedWorktrees = opts.parkedWorktrees ?? DEFAULT_PARKED_WORKTREES;
  const cleanup = new WorktreeCleanup({ store, bus, now: iso, log, worktreeRoot, parkedWorktrees });
  const context = { store, worktreeRoot, parkedWorktrees, iso };
  const executor = opts.executor ?? codingExecutorAtFirstAttempt(opts);
  return {
    start: (ctx, signal) => executor.start(ctx, signal),
    ...(executor.usesWorkspace === undefined ? {} : { usesWorkspace: executor.usesWorkspace }),
    ...(executor.reportsUsage === undefined ? {} : { reportsUsage: executor.reportsUsage }),
    ...(executor.awaitsSteps === undefined ? {} : { awaitsSteps: executor.awaitsSteps }),
    prepare: (setup) => {
      const coding = codingContextOf(context, setup);
      return 'error' in coding ? coding : { coding };
    },
    onTaskEnded: (end) => cleanup.taskEnded(end),
    onRunEnded: (end) => cleanup.runEnded(end),
    outputFiles: (task) => changedFilesOf(store, task),
    store,
    worktreeRoot,
    parkedFolder: (workspaceId) => parkedFolder(worktreeRoot, workspaceId),
    worktreesSettled: () => cleanup.settled(),
  };
}

/**
 * `createCodingExecutor` (cli/coding.ts), loaded at the first coding attempt: its routes (the CLIs'
 * streams, ACP), checks, best of N and the metering endpoint are ~200 KB of code an app whose runs
 * have no coding agent never runs, and every full GC would mark it. Its flags are the executor's
 * own (`awaitsSteps: false`: kind.test.ts holds them to it).
 */
export function codingExecutorAtFirstAttempt(opts: CodingExecutorOptions): Executor {
  let made: Promise<Executor> | null = null;
  const executor = () => {
    made ??= import('./cli/coding.ts').then(
      (m) => m.createCodingExecutor(opts),
      (err: unknown) => {
        made = null; // the next attempt tries again
        throw err;
      },
    );
    return made;
  };
  return {
    awaitsSteps: false,
    async *start(ctx, signal) {
      yield* (await executor()).start(ctx, signal);
    },
  };
}

/**
 * The `coding` kind in the registry: a coding CLI run headless in the task's git worktree
 * (`createCodingExecutor`: all a remote worker runs of it); in the app, that executor with the
 * engine's hooks and its worktrees' folders (`createCodingKind`).
 */
export const codingKind = {
  kind: 'coding',
  // A coding CLI in its task's worktree: metered turns, a session resumed, a diff to review.
  traits: {
    thinksInTurns: true,
    resumesSession: true,
    worksInWorkspace: true,
    reviewsDiff: true,
    // Over ACP (its protocol, or the default for its CLI) Baton answers the permission requests
    // itself, and the loaded session asks again.
    keepsAsksAcrossRestart: (agent) => agent.kind === 'coding' && routeNow(agent).protocol === 'acp',
  },
  create: (deps) => codingExecutorAtFirstAttempt(deps),
  inApp: (executor, host) => createCodingKind({ ...host, executor }),
} satisfies AgentKindDefinition<'coding', CodingExecutorOptions, CodingHost>;
