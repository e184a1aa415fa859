import { createAgentsRepo } from './agents-repo.ts';
import { createApprovalsRepo } from './approvals-repo.ts';
import type { Db } from './db.ts';
import { createExecutionRepo } from './execution-repo.ts';
import { createMemoryRepo } from './memory-repo.ts';
import { createMergeConflictsRepo } from './merge-conflicts-repo.ts';
import { createPlansRepo } from './plans-repo.ts';
import { createProjectsRepo } from './projects-repo.ts';
import { createRunsRepo } from './runs-repo.ts';
import { createSessionsRepo } from './sessions-repo.ts';
import { createStepsRepo } from './steps-repo.ts';
import { createToolCallsRepo } from './tool-calls-repo.ts';
import { createWorkspacesRepo } from './workspaces-repo.ts';

/**
 * All repositories over one connection, and the transaction that groups their writes.
 * `afterCommit` runs after each outermost transaction commits (the WAL's upkeep).
 */
export function createStore(db: Db, afterCommit?: () => void) {
  // One transaction function for every call (better-sqlite3 builds a wrapper per transaction()).
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const steps = createStepsRepo(db);
  return {
    db,
    plans: createPlansRepo(db),
    agents: createAgentsRepo(db),
    runs: createRunsRepo(db),
    execution: createExecutionRepo(db),
    memory: createMemoryRepo(db, steps),
    steps,
    sessions: createSessionsRepo(db),
    workspaces: createWorkspacesRepo(db),
    approvals: createApprovalsRepo(db),
    toolCalls: createToolCallsRepo(db),
    mergeConflicts: createMergeConflictsRepo(db),
    projects: createProjectsRepo(db),
    /** Changes whenever another connection (another process) has committed since the last call. */
    dataVersion: (): number => dataVersion.get() as number,
    /** Runs `fn` in one immediate transaction: all of its writes commit together or not at all. */
    tx<T>(fn: () => T): T {
      const result = inTransaction.immediate(fn) as T;
      if (afterCommit && !db.inTransaction) afterCommit();
      return result;
    },
  };
}
export type Store = ReturnType<typeof createStore>;
