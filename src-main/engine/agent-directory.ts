import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { MatchExplanation } from '../../src-shared/schemas/run.ts';
import type { AgentLimit } from '../../src-shared/schemas/usage-limit.ts';
import { AppError } from '../base/errors.ts';
import type { Store } from '../store/store.ts';
import type { AgentLimits } from './agent-limits.ts';
import type { AgentOutcomes } from './agent-outcomes.ts';
import { DailyCaps } from './daily-caps.ts';
import type { Executor, ExecutorRegistry } from './executor.ts';
import { isExecutingKind } from './executor.ts';
import type { KindTraits, KindTraitTable } from './kind-traits.ts';
import type { AgentRecord, MatchResult } from './matching.ts';
import { explainPulled, matchAgent } from './matching.ts';
import type { Runtime } from './runtime.ts';

export interface AgentEntry {
  agent: Agent;
  skills: Set<string>;
}

/**
 * The agent registry as the engine sees it: read from the store once and kept until it
 * changes, split by who runs the work — this process (an executor for its kind: push) or
 * the agent itself through the pull API (humans, daemons). A change made here is told
 * (`changed`); one another process made on the same data directory (a second app, a CLI that
 * found no host to go through) is noticed by `refresh`, first in each write transaction.
 */
export class AgentDirectory {
  private readonly store: Store;
  private readonly executors: Partial<ExecutorRegistry>;
  private readonly traits: KindTraitTable;
  private readonly loadOf: (agentId: string) => number;
  /** Each agent's recent record, for matching (`AgentOutcomes`). */
  private readonly record: AgentRecord;
  /** Accounts limited until their reset: matching passes their agents over. */
  readonly limits: AgentLimits;
  /** Agents' daily caps: one spent is passed over as a limited agent is, until the day turns. */
  readonly daily: DailyCaps;
  private entries: Map<string, AgentEntry> | null = null;
  /** The registry as a list, for matching. */
  private agents: Agent[] | null = null;
  /** Whether an agent of the registry is a remote worker's. */
  private workers: boolean | null = null;
  /** The database's `data_version` at the last `refresh`. */
  private seenVersion = -1;

  constructor(
    rt: Runtime,
    kinds: { executors: Partial<ExecutorRegistry>; traits: KindTraitTable },
    outcomes: AgentOutcomes,
    limits: AgentLimits,
  ) {
    this.limits = limits;
    this.daily = new DailyCaps(rt);
    this.store = rt.store;
    this.executors = kinds.executors;
    this.traits = kinds.traits;
    this.loadOf = rt.loadOf;
    this.record = outcomes;
  }

  /** Call when the agent registry changed. */
  changed(): void {
    this.entries = null;
    this.agents = null;
    this.workers = null;
  }

  /**
   * Reads the registry again when it is next needed if another connection (another process)
   * has committed since the last look (`PRAGMA data_version`, one pragma): an agent it added
   * is matched, one it edited runs as edited (its `timeout_s`), never "lacks required skills"
   * for an agent that exists. A lone process pays the pragma and reads nothing.
   */
  refresh(): void {
    const version = this.store.dataVersion();
    if (version === this.seenVersion) return;
    this.seenVersion = version;
    this.changed();
  }

  all(): Map<string, AgentEntry> {
    this.entries ??= new Map(
      this.store.agents.list().map((a) => [a.id, { agent: a, skills: new Set(a.skills) }]),
    );
    return this.entries;
  }

  of(agentId: string | null): Agent | undefined {
    return this.all().get(agentId ?? '')?.agent;
  }

  /** The agent and its skills, or a not_found error (the pull API's lookup: fresh, see `refresh`). */
  entry(agentId: string): AgentEntry {
    this.refresh();
    const entry = this.all().get(agentId);
    if (!entry) throw new AppError('not_found', `Agent not found: ${agentId}`);
    return entry;
  }

  /** Whether any registered agent is a remote worker's (none: no task can be leased to a worker). */
  hasWorkerAgents(): boolean {
    this.workers ??= this.list().some((a) => a.worker !== undefined);
    return this.workers;
  }

  /** The executor for an agent, or undefined for agents that pull work (humans, daemons, a worker's agents). */
  executorOf(agent: Agent): Executor | undefined {
    if (agent.worker !== undefined) return undefined;
    return isExecutingKind(agent.kind) ? this.executors[agent.kind] : undefined;
  }

  /** Whether the agent's attempts run in this process (it has an executor here): they count under the global limit. */
  runsHere(agent: Agent | undefined): boolean {
    return agent !== undefined && this.executorOf(agent) !== undefined;
  }

  /** What the core reads of the agent's kind instead of its name (`kind-traits.ts`), whoever runs its work. */
  traitsOf(agent: Agent): KindTraits {
    return this.traits[agent.kind];
  }

  /** The executors of this process, one per kind that has one. */
  executorsHere(): Executor[] {
    return Object.values(this.executors).filter((e): e is Executor => e !== undefined);
  }

  /** Whether an attempt of the agent may be charged by the usage it reports (agents that pull their work report none). */
  reportsUsage(agent: Agent): boolean {
    const executor = this.executorOf(agent);
    return executor !== undefined && executor.reportsUsage !== false;
  }

  /**
   * Matches a task among every registered agent; an agent this process runs is preferred, and a
   * task only an agent that pulls its work can take waits for it (`matching.ts`).
   */
  match(spec: TaskSpec): MatchResult {
    return matchAgent(spec, this.list(), this.loadOf, this.record, this.pulls, this.limitOf);
  }

  /** Why `taker`, which pulled the task (or was handed it: `lostBecause`), has it, and why not the other agents. */
  explainPulled(spec: TaskSpec, taker: Agent, lostBecause?: string): MatchExplanation {
    return explainPulled(spec, this.list(), taker, this.loadOf, this.record, lostBecause, this.limitOf);
  }

  private list(): Agent[] {
    this.agents ??= [...this.all().values()].map((e) => e.agent);
    return this.agents;
  }

  /**
   * The limit the agent's account is under now, else its daily cap when spent, if any (kept in
   * memory: no query; an agent without a daily cap costs a field check).
   */
  private readonly limitOf = (agent: Agent): AgentLimit | null =>
    this.limits.limitOf(agent) ?? this.daily.limitOf(agent);

  /** Whether the agent takes its work through the pull API (no executor here). */
  private readonly pulls = (agent: Agent): boolean => this.executorOf(agent) === undefined;
}
