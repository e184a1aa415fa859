import type { MemorySearchHit } from '../../src-shared/schemas/memory.ts';
import { attemptScope } from '../processes/attempt-scope.ts';
import { createAgentsRepo } from './agents-repo.ts';
import { createApprovalsRepo } from './approvals-repo.ts';
import { createBudgetsRepo } from './budgets-repo.ts';
import type { Db } from './db.ts';
import { createExecutionRepo } from './execution-repo.ts';
import { createHandedAnswersRepo } from './handed-answers-repo.ts';
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
import { type BehindFence, WriteBehind } from './write-behind.ts';

/**
 * All repositories over one connection, and the transaction that groups their writes.
 * `afterCommit` runs after each outermost transaction commits (the WAL's upkeep).
 */
export function createStore(db: Db, afterCommit?: () => void, opts: { behindFile?: string } = {}) {
  // A file's store writes its ticks behind the engine, on a thread of its own (`WriteBehind`):
  // set up before any statement is prepared, so that every one keeps a single connection's order.
  const behind = opts.behindFile ? new WriteBehind(db, opts.behindFile) : null;
  // One transaction function for every call (better-sqlite3 builds a wrapper per transaction()).
  const inTransaction = db.transaction((fn: () => unknown) => fn());
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const steps = createStepsRepo(db);
  const memory = createMemoryRepo(db, steps, behind);
  return {
    db,
    /** Whose attempts' process markers this store's runs own (`attemptScope`). */
    attemptScope: attemptScope(db),
    plans: createPlansRepo(db),
    agents: createAgentsRepo(db),
    runs: createRunsRepo(db, behind),
    runInputs: createRunInputsRepo(db),
    execution: createExecutionRepo(db),
    memory: {
      ...memory,
      // The search index reads the steps table: steps a transaction still holds back go in first.
      indexPending(limit?: number): boolean {
        steps.flush();
        return memory.indexPending(limit);
      },
      /** `caughtUp`: the caller brought the index up to date first (`searchIndexCaughtUp`). */
      search(f: MemoryFilter, caughtUp = false): MemorySearchHit[] {
        steps.flush();
        return memory.search(f, caughtUp);
      },
    },
    steps,
    approvals: createApprovalsRepo(db),
    /** Decisions handed to the process that executes their run (`src-main/app/handed-answers.ts`). */
    handedAnswers: createHandedAnswersRepo(db),
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
      if (behind?.active)
        return behind.nested(
          () => steps.deferred(fn),
          () => inTransaction.immediate(() => steps.deferred(fn)) as T,
        );
      const result = inTransaction.immediate(() => steps.deferred(fn)) as T;
      if (afterCommit && !db.inTransaction) afterCommit();
      return result;
    },
    /**
     * A tick's transaction (`Engine.tick`): as `tx`, but with a file's store its hot writes are
     * written behind the engine (`WriteBehind`), the writer checking `fence` first. What acts on
     * it waits for `whenWritten`.
     */
    txBehind<T>(fn: () => T, fence: () => BehindFence | null): T {
      if (!behind || behind.active || db.inTransaction) return this.tx(fn);
      steps.flush();
      behind.begin();
      let result: T;
      try {
        result = steps.deferred(fn);
      } catch (err) {
        behind.end(false, null);
        throw err;
      }
      behind.end(true, fence());
      afterCommit?.();
      return result;
    },
    /** True inside a transaction (a tick's whose writes go behind included). */
    inTx: (): boolean => db.inTransaction || (behind?.active ?? false),
    /** The last tick handed to the writer that it has not committed yet; 0 when none. */
    unwritten: (): number => behind?.pending ?? 0,
    /**
     * Runs `done` once the writer has committed tick `seq` (`unwritten`), after what waited for
     * earlier ones; `dropped` instead if it could not. Without a writer, `done` runs now.
     */
    whenWritten(seq: number, done: () => void, dropped: () => void): void {
      if (behind) behind.whenApplied(seq, done, dropped);
      else done();
    },
    /**
     * Runs `go` once the writer has room for more ticks (now, when it has, or without a writer):
     * the engine asks before each tick, so a writer far behind holds the engine, not the thread.
     */
    whenWriterRoom(go: () => void): void {
      if (behind) behind.room.whenRoom(go);
      else go();
    },
    /**
     * Runs `work` once the writer has written what it was handed, then `then` (if given) with what
     * it returned once the writer has written what `work` handed it, the engine's ticks held until
     * both have run (`WriterRoom.whenIdle`): transactions and reads that would otherwise wait for
     * the writer on the thread every call shares. Without a writer, both run now.
     */
    whenWriterIdle<A, T = A>(work: () => A, then: (a: A) => T = (a) => a as unknown as T): Promise<T> {
      if (behind) return behind.room.whenIdle(work, then);
      return new Promise<T>((resolve) => resolve(then(work())));
    },
    /** Told the runs of ticks the writer could not write (a full disk, a run another process took). */
    onWriterFailed(f: (runIds: string[], err: Error) => void): void {
      if (behind) behind.onFailed = ({ runIds, error }) => f(runIds, error);
    },
    /** Ends the writer thread once it has written everything; settles when it has closed its connection. */
    stopWriter: (): Promise<void> => behind?.stop() ?? Promise.resolve(),
  };
}
export type Store = ReturnType<typeof createStore>;
