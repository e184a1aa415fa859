import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import { AppError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { Executor, ExecutorRegistry } from './executor.ts';
import { isExecutingKind } from './executor.ts';
import type { MatchResult } from './matching.ts';
import { matchAgent } from './matching.ts';

export interface AgentEntry {
  agent: Agent;
  skills: Set<string>;
}

/**
 * The agent registry as the engine sees it: read from the store once and kept until it
 * changes, split by who runs the work — this process (an executor for its kind: push) or
 * the agent itself through the pull API (humans, daemons).
 */
export class AgentDirectory {
  private readonly store: Store;
  private readonly executors: Partial<ExecutorRegistry>;
  private readonly loadOf: (agentId: string) => number;
  private readonly successRate: (agentId: string) => number;
  private entries: Map<string, AgentEntry> | null = null;
  /** The registry split by who runs the work: this process (push) or the agent itself (pull). */
  private byKind: { push: Agent[]; pull: Agent[] } | null = null;

  constructor(
    store: Store,
    executors: Partial<ExecutorRegistry>,
    loadOf: (agentId: string) => number,
    successRate: (agentId: string) => number,
  ) {
    this.store = store;
    this.executors = executors;
    this.loadOf = loadOf;
    this.successRate = successRate;
  }

  /** Call when the agent registry changed. */
  changed(): void {
    this.entries = null;
    this.byKind = null;
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

  /** The agent and its skills, or a not_found error. */
  entry(agentId: string): AgentEntry {
    const entry = this.all().get(agentId);
    if (!entry) throw new AppError('not_found', `Agent not found: ${agentId}`);
    return entry;
  }

  /** The executor for an agent, or undefined for agents that pull work (humans, daemons). */
  executorOf(agent: Agent): Executor | undefined {
    return isExecutingKind(agent.kind) ? this.executors[agent.kind] : undefined;
  }

  /** Matches among agents this process can run; tasks only a pull agent can take wait for it. */
  match(spec: TaskSpec): MatchResult {
    if (!this.byKind) {
      const all = [...this.all().values()].map((e) => e.agent);
      this.byKind = {
        push: all.filter((a) => this.executorOf(a) !== undefined),
        pull: all.filter((a) => this.executorOf(a) === undefined),
      };
    }
    const { push, pull: pullers } = this.byKind;
    const m = matchAgent(spec, push, this.loadOf, this.successRate);
    if (m.kind !== 'unassigned' || pullers.length === 0) return m;
    const pull = matchAgent(spec, pullers, this.loadOf);
    if (pull.kind === 'unassigned') return m;
    const who = pull.kind === 'assigned' ? pull.agent.id : 'a pull agent';
    return { kind: 'wait', reason: `Waiting for ${who} to pull it`, explanation: pull.explanation };
  }
}
