import type { SecretResolver } from '../secrets/secrets.ts';
import { AgentDirectory } from './agent-directory.ts';
import { AgentLimits } from './agent-limits.ts';
import { AgentOutcomes } from './agent-outcomes.ts';
import { Approvals } from './approvals/approvals.ts';
import { AttemptAsks } from './approvals/asks.ts';
import type { AttemptEndedHook } from './attempts.ts';
import { Attempts } from './attempts.ts';
import { BudgetLedger } from './budget.ts';
import type { Decide } from './decider-questions.ts';
import { DeciderQuestions } from './decider-questions.ts';
import { DeciderRunner } from './decider-runner.ts';
import { Dispatcher } from './dispatcher.ts';
import type { ExecutorRegistry } from './executor.ts';
import { InterruptedAttempts } from './interrupted-attempts.ts';
import { KindHooks } from './kind-hooks.ts';
import type { KindTraitTable } from './kind-traits.ts';
import { RunLeases } from './leases.ts';
import { PersonHandoffs } from './person-handoffs.ts';
import { PullApi } from './pull-api.ts';
import { RunHolds } from './run-holds.ts';
import { RunLoader } from './run-loader.ts';
import { RunStarts } from './run-starts.ts';
import { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';
import { SearchIndexing } from './search-indexing.ts';
import { TaskFlow } from './task-flow.ts';
import { WorkerClaims } from './worker-claims.ts';
import { DEFAULT_WORKER_LEASE_MS, WorkerLeases } from './worker-leases.ts';

export interface PartsOptions {
  /** Executors by agent kind. An agent whose kind has none is pull-based: it takes work through the pull API. */
  executors: Partial<ExecutorRegistry>;
  /** What the core reads of each agent kind instead of its name (the agents wing's `KIND_TRAITS`). */
  kindTraits: KindTraitTable;
  decide: Decide;
  secrets: SecretResolver;
  attemptEnded?: AttemptEndedHook;
  /** How long a remote worker's hold on a task lasts without a heartbeat (`WorkerLeases`). */
  workerLeaseMs?: number;
}

/** The engine's parts, each built once on one runtime (`buildParts`). */
export type EngineParts = ReturnType<typeof buildParts>;

/**
 * Builds the engine's parts on `rt`, each after the parts it calls: what a part needs is there
 * when it is built, and nothing is wired afterwards. What runs the other way (a task that ends
 * asks its decider; a transaction that fails reloads its runs; a lease lost gives up its run) is
 * a part built earlier (`DeciderQuestions`, `RunHolds`) or an argument (`RunWriter.tx`'s reload).
 * The engine builds them; tests build them too, to try one part without the engine's loop.
 */
export function buildParts(rt: Runtime, opts: PartsOptions) {
  const budget = new BudgetLedger(rt.store, () => rt.clock.now());
  const outcomes = new AgentOutcomes(rt.store.runs, rt.clock, rt.store.skillRecords);
  // Which agents share an account is read from the store only when a limit comes or goes.
  const limits = new AgentLimits(rt, () => rt.store.agents.list());
  const agents = new AgentDirectory(
    rt,
    { executors: opts.executors, traits: opts.kindTraits },
    outcomes,
    limits,
  );
  const holds = new RunHolds(rt, budget);
  const leases = new RunLeases(rt, holds);
  const indexing = new SearchIndexing(rt);
  const hooks = new KindHooks(rt, agents);
  const questions = new DeciderQuestions(rt, agents, hooks, opts.decide);
  const writer = new RunWriter(rt, { leases, agents, budget, questions, hooks });
  const approvals = new Approvals(rt, { writer, agents, budget });
  const interrupted = new InterruptedAttempts(rt, { writer });
  const flow = new TaskFlow(rt, {
    writer,
    approvals,
    budget,
    outcomes,
    agents,
    holds,
    leases,
    indexing,
    hooks,
    interrupted,
  });
  const loader = new RunLoader(rt, { writer, flow, holds, leases });
  const starts = new RunStarts(rt, { loader, writer, flow });
  const asks = new AttemptAsks(rt, { approvals, loader, agents });
  const attempts = new Attempts(
    rt,
    {
      writer,
      holds,
      asks,
      budget,
      hooks,
      agents,
      ...(opts.attemptEnded ? { ended: opts.attemptEnded } : {}),
    },
    opts.secrets,
  );
  const decider = new DeciderRunner(rt, { writer, flow, agents });
  const work = new PullApi(rt, { agents, approvals, flow, holds, attempts, loader, leases });
  const handoffs = new PersonHandoffs(rt, { agents, approvals, flow, holds, loader, leases, writer });
  const dispatcher = new Dispatcher(rt, { flow, writer, agents, approvals, holds });
  const workers = new WorkerLeases(
    rt,
    { agents, holds, writer, flow, loader },
    opts.workerLeaseMs ?? DEFAULT_WORKER_LEASE_MS,
  );
  const claims = new WorkerClaims(rt, { agents, work, workers, loader, leases, writer });
  return {
    budget,
    outcomes,
    limits,
    agents,
    holds,
    leases,
    indexing,
    hooks,
    interrupted,
    questions,
    writer,
    approvals,
    flow,
    loader,
    starts,
    asks,
    attempts,
    decider,
    work,
    handoffs,
    workers,
    claims,
    dispatcher,
  };
}
