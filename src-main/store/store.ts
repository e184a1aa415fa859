import type { MemorySearchHit } from '../../src-shared/schemas/memory.ts';
import { attemptScope } from '../processes/attempt-scope.ts';
import { createAgentsRepo } from './agents-repo.ts';
import { createApprovalsRepo } from './approvals-repo.ts';
import { createBudgetsRepo } from './budgets-repo.ts';
import type { Db } from './db.ts';
import { createExecutionRepo } from './execution-repo.ts';
import { createLimitsRepo } from './limits-repo.ts';
import { createMemoryRepo, type MemoryFilter } from './memory-repo.ts';
import { createPausesRepo } from './pauses-repo.ts';
import { createPlansRepo } from './plans-repo.ts';
import { createPricesRepo } from './prices-repo.ts';
import { createProjectsRepo } from './projects-repo.ts';
import { createRunInputsRepo } from './run-inputs-repo.ts';
import { createRunsRepo } from './runs-repo.ts';
import { createSandboxHostsRepo } from './sandbox-hosts-repo.ts';
import { createSpendRepo } from './spend-repo.ts';
import { createStepsRepo } from './steps-repo.ts';
import { createToolCallsRepo } from './tool-calls-repo.ts';
import { createToolGrantsRepo } from './tool-grants-repo.ts';

/**
 * All repositories over one connection, and the transaction that groups their writes.
 * `afterCommit` runs after each outermost transaction commits (the WAL's upkeep).
 */
export function createStore(db: Db, afterCommit?: () => void) {
  // One transaction function for every call (better-sqlite3 builds a wrapper per transaction()).
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const steps = createStepsRepo(db);
  const memory = createMemoryRepo(db, steps);
  return {
    db,
    /** Whose attempts' process markers this store's runs own (`attemptScope`). */
    attemptScope: attemptScope(db),
    plans: createPlansRepo(db),
    agents: createAgentsRepo(db),
    runs: createRunsRepo(db),
    runInputs: createRunInputsRepo(db),
    execution: createExecutionRepo(db),
    memory: {
      ...memory,
      // The search index reads the steps table: steps a transaction still holds back go in first.
      indexPending(limit?: number): boolean {
        steps.flush();
        return memory.indexPending(limit);
      },
      search(f: MemoryFilter): MemorySearchHit[] {
        steps.flush();
        return memory.search(f);
      },
    },
    steps,
    approvals: createApprovalsRepo(db),
    toolCalls: createToolCallsRepo(db),
    /** The network policy `ask`: hosts asked about and hosts allowed, per workspace or agent. */
    sandboxHosts: createSandboxHostsRepo(db),
    /** Tools allowed for the rest of a task, or always for an agent, without asking again. */
    toolGrants: createToolGrantsRepo(db),
    projects: createProjectsRepo(db),
    /** Model calls' spend summed by hour (the Spend screen), the prices people set, the budgets reached. */
    spend: createSpendRepo(db, () => steps.flush()),
    prices: createPricesRepo(db),
    budgets: createBudgetsRepo(db),
    /** Accounts limited until their reset, and the tasks waiting for one (`AgentLimits`). */
    limits: createLimitsRepo(db),
    /** Tasks whose agent a person paused (`AttemptTurns`). */
    pauses: createPausesRepo(db),
    /** Changes whenever another connection (another process) has committed since the last call. */
    dataVersion: (): number => dataVersion.get() as number,
    /** Runs `fn` in one immediate transaction: all of its writes commit together or not at all. */
    tx<T>(fn: () => T): T {
      // Steps are held back to the end of a transaction (`steps.deferred`); what an enclosing one
      // holds goes in before a nested one starts, since a nested one may roll back alone.
      steps.flush();
      const result = inTransaction.immediate(() => steps.deferred(fn)) as T;
      if (afterCommit && !db.inTransaction) afterCommit();
      return result;
    },
  };
}
export type Store = ReturnType<typeof createStore>;
