import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { AgentLimit, UsageLimitSignal } from '../../src-shared/schemas/usage-limit.ts';
import { accountKeyOf, LONGEST_RESET_MS, UNKNOWN_RESET_MS } from '../../src-shared/schemas/usage-limit.ts';
import type { Runtime } from './runtime.ts';

/** What a limit reaching or leaving an account is told as (bus events `agent.limited`, `agent.available`). */
export interface AgentLimitChange {
  limit: AgentLimit;
  /** Every registered agent on the account. */
  agent_ids: string[];
}

/**
 * Accounts limited until their reset (usage and rate limits as a scheduling input). Read from
 * the store once, when first asked, and kept in memory: matching asks `limitOf` for every
 * candidate without touching SQLite (nothing at all while no account is limited). A limit is
 * stored with an audit entry per agent on its account (`agent.limited` for webhooks and
 * notifications) in the transaction of the attempt that hit it; at its reset a timer removes it
 * in a transaction of its own (`agent.available`) and asks for a tick, so the tasks that waited
 * for it are matched again. The timers are armed again when the limits are read, so a restart
 * keeps them; one whose reset passed while Baton was down fires at once.
 */
export class AgentLimits {
  private readonly rt: Runtime;
  private readonly agents: () => Iterable<Agent>;
  private byAccount: Map<string, AgentLimit> | null = null;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Each agent's account key, by agent object (the directory's objects live until the registry changes). */
  private readonly keys = new WeakMap<Agent, string>();
  private stopped = false;

  constructor(rt: Runtime, agents: () => Iterable<Agent>) {
    this.rt = rt;
    this.agents = agents;
  }

  /** The accounts limited now, read from the store the first time (and their timers armed). */
  private loaded(): Map<string, AgentLimit> {
    if (this.byAccount) return this.byAccount;
    this.byAccount = new Map();
    for (const limit of this.rt.store.limits.list()) {
      this.byAccount.set(limit.account, limit);
      this.arm(limit);
    }
    return this.byAccount;
  }

  /** Reads the stored limits and arms their timers (the engine calls it as it starts). */
  start(): void {
    this.loaded();
  }

  accountOf(agent: Agent): string {
    let key = this.keys.get(agent);
    if (key === undefined) {
      key = accountKeyOf(agent);
      this.keys.set(agent, key);
    }
    return key;
  }

  /** The limit the agent's account is under now, or null (matching's hot path: a map lookup). */
  limitOf(agent: Agent): AgentLimit | null {
    const limits = this.loaded();
    if (limits.size === 0) return null;
    const limit = limits.get(this.accountOf(agent));
    if (!limit || Date.parse(limit.until) <= this.rt.clock.now()) return null;
    return limit;
  }

  /** Every limit in force, with the agents on its account (`agents.limits`). */
  list(): AgentLimitChange[] {
    const now = this.rt.clock.now();
    return [...this.loaded().values()]
      .filter((l) => Date.parse(l.until) > now)
      .map((limit) => ({ limit, agent_ids: this.agentsOn(limit.account) }));
  }

  /**
   * `agent`'s account hit a limit (inside the transaction of the attempt that ended on it): it is
   * stored, every agent on the account audited as limited, told once committed, and its timer armed.
   */
  mark(agent: Agent, signal: UsageLimitSignal, runId: string | null): AgentLimit {
    const now = this.rt.clock.now();
    // A reset is the vendor's (or an agent's) word: past `LONGEST_RESET_MS`, or not a number, it
    // is not believed (`1e300` seconds made an invalid date that lost the attempt's end).
    const saidAt = signal.reset_at !== undefined ? Date.parse(signal.reset_at) : Number.NaN;
    const inMs = signal.reset_in_ms;
    const said = Number.isFinite(saidAt)
      ? Math.max(now, saidAt)
      : inMs !== undefined && Number.isFinite(inMs)
        ? now + Math.max(0, inMs)
        : Number.NaN;
    const resetKnown = Number.isFinite(said) && said - now <= LONGEST_RESET_MS;
    const until = resetKnown ? said : now + (Number.isFinite(said) ? LONGEST_RESET_MS : UNKNOWN_RESET_MS);
    const limit: AgentLimit = {
      account: signal.account ?? this.accountOf(agent),
      until: new Date(until).toISOString(),
      reset_known: resetKnown,
      window: signal.window ?? null,
      message: signal.message.slice(0, 2_000),
      agent_id: agent.id,
      since: new Date(now).toISOString(),
    };
    const limits = this.loaded();
    const earlier = limits.get(limit.account);
    // A later word on an account already limited longer does not shorten it.
    if (earlier && Date.parse(earlier.until) >= until) return earlier;
    this.rt.store.limits.set(limit);
    limits.set(limit.account, limit);
    const agentIds = this.agentsOn(limit.account);
    for (const id of agentIds)
      this.rt.store.memory.audit({
        at: limit.since,
        actor: 'engine',
        entity: 'agent',
        entity_id: id,
        run_id: runId,
        from_status: null,
        to_status: 'limited',
        why: `agent "${id}" is limited until ${limit.until}${id === agent.id ? '' : ` (its account ${limit.account} is ${agent.id}'s)`}: ${limit.message}`,
      });
    this.rt.effects.afterCommit(() => {
      this.arm(limit);
      if (this.rt.bus.wants('agent.limited'))
        this.rt.bus.emit('agent.limited', { limit, agent_ids: agentIds });
    });
    return limit;
  }

  /** Stops the timers (the engine closes). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private agentsOn(account: string): string[] {
    const ids: string[] = [];
    for (const a of this.agents()) if (this.accountOf(a) === account) ids.push(a.id);
    return ids;
  }

  private arm(limit: AgentLimit): void {
    if (this.stopped) return;
    const earlier = this.timers.get(limit.account);
    if (earlier) clearTimeout(earlier);
    // setTimeout takes at most 2^31-1 ms (24.8 days): a later reset is looked at again then.
    const wait = Math.min(2 ** 31 - 1, Math.max(0, Date.parse(limit.until) - this.rt.clock.now()));
    const timer = setTimeout(() => this.reset(limit), wait);
    timer.unref();
    this.timers.set(limit.account, timer);
  }

  /** The reset came: the account's agents are available again, and the tasks waiting for them are matched again. */
  private reset(limit: AgentLimit): void {
    this.timers.delete(limit.account);
    if (this.stopped || this.rt.closed) return;
    if (Date.parse(limit.until) > this.rt.clock.now()) {
      this.arm(limit);
      return;
    }
    const limits = this.loaded();
    if (limits.get(limit.account) !== limit) return;
    limits.delete(limit.account);
    const at = new Date(this.rt.clock.now()).toISOString();
    const agentIds = this.agentsOn(limit.account);
    try {
      this.rt.store.tx(() => {
        if (!this.rt.store.limits.clear(limit.account, limit.until)) return;
        for (const id of agentIds)
          this.rt.store.memory.audit({
            at,
            actor: 'engine',
            entity: 'agent',
            entity_id: id,
            run_id: null,
            from_status: 'limited',
            to_status: 'available',
            why: `agent "${id}" is available again: the limit of its account (${limit.account}) reset at ${limit.until}`,
          });
      });
    } catch (err) {
      this.rt.log(err, `clearing the limit of ${limit.account}`);
    }
    if (this.rt.bus.wants('agent.available'))
      this.rt.bus.emit('agent.available', { limit, agent_ids: agentIds });
    this.rt.schedule();
  }
}
