import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { DailyCap } from '../../src-shared/schemas/daily-cap.ts';
import { QUOTA_WAIT_PREFIX } from '../../src-shared/schemas/plain/usage-limit.ts';
import type { Plan } from '../../src-shared/schemas/plan.ts';
import type { StepOf } from '../../src-shared/schemas/step.ts';
import type { AgentLimit } from '../../src-shared/schemas/usage-limit.ts';
import type { Runtime } from './runtime.ts';

/** What an agent, or a plan's runs, spent today, as their usage steps say. */
interface DayTotal {
  usd: number;
  tokens: number;
}

/** The local day `now` is in: its first instant and the next day's (epoch ms). */
export function dayOf(now: number): { start: number; end: number } {
  const d = new Date(now);
  return {
    start: new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime(),
    end: new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime(),
  };
}

/** The quarter hour (UTC) an instant is in, as `spend_slots` keys it. */
const slotOf = (ms: number) => new Date(ms).toISOString().slice(0, 16);
const usd = (n: number) => `$${n.toFixed(2)}`;
const count = (n: number) => n.toLocaleString('en-US');
const hhmm = (ms: number) => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/**
 * Daily caps (`daily_cap`: USD and tokens a day) of agents, plans and projects (a project's day
 * is its plans' runs'). What each agent spent today is read
 * from the store once, when an agent with a cap is first weighed (the Spend screen's sums of the
 * day's usage steps, best-of candidates' under their own agent), then kept in memory: each usage
 * step an attempt stores adds to it (`record`), so matching never sums SQL per task. Nothing is
 * read or kept while nothing has a cap. An agent over its cap is passed over by matching as a
 * limited one is (`limitOf`: the task waits for the next day, or another qualified agent takes
 * it); a timer at the day's end forgets the totals and asks for a tick, and it is armed again
 * whenever a capped agent is found over, so a restart keeps the wait (the totals are read again).
 */
export class DailyCaps {
  private readonly rt: Runtime;
  private totals: Map<string, DayTotal> | null = null;
  /** Projects' caps as last read (null: none), by project id. */
  private readonly projectCaps = new Map<string, DailyCap | null>();
  /** The day the totals are for (its end, epoch ms). */
  private dayEnd = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(rt: Runtime) {
    this.rt = rt;
  }

  /** The day's totals, read from the store when first asked each day. */
  private loaded(now: number): Map<string, DayTotal> {
    if (this.totals && now < this.dayEnd) return this.totals;
    const day = dayOf(now);
    this.dayEnd = day.end;
    const filter = {
      fromSlot: slotOf(day.start),
      toSlot: slotOf(day.end),
      tzOffsetMinutes: 0,
      planId: null,
      projectId: null,
      runId: null,
      agentId: null,
      model: null,
      agentIds: null,
    };
    const totals = new Map<string, DayTotal>();
    this.totals = totals;
    const add = (key: string, usd: number, tokens: number) => {
      const t = totals.get(key);
      if (t) {
        t.usd += usd;
        t.tokens += tokens;
      } else totals.set(key, { usd, tokens });
    };
    // A project's day is its plans' (a plan's project is read only while a project has a cap).
    const projects = this.rt.store.projects.list().some((p) => p.daily_cap !== null);
    for (const key of ['agent', 'plan'] as const)
      for (const r of this.rt.store.spend.grouped(key, filter)) {
        if (r.key === null) continue;
        const tokens = r.input_tokens + r.output_tokens + r.cached_input_tokens;
        add(`${key}:${r.key}`, r.usd, tokens);
        if (key === 'plan' && projects) {
          const project = this.rt.store.plans.get(r.key)?.plan.project_id;
          if (project) add(`project:${project}`, r.usd, tokens);
        }
      }
    return totals;
  }

  /** A project's daily cap, or null; read from the store once, until `projectsChanged`. */
  projectCap(projectId: string | undefined): DailyCap | null {
    if (projectId === undefined) return null;
    let cap = this.projectCaps.get(projectId);
    if (cap === undefined) {
      cap = this.rt.store.projects.get(projectId)?.daily_cap ?? null;
      this.projectCaps.set(projectId, cap);
    }
    return cap;
  }

  /** A project was saved: its cap is read again, and so are the day's totals (its plans may differ). */
  projectsChanged(): void {
    this.projectCaps.clear();
    this.totals = null;
  }

  /** Whether a run of the plan is under any daily cap of its own (the plan's or its project's). */
  planCapped(plan: Plan): boolean {
    return plan.daily_cap !== undefined || this.projectCap(plan.project_id) !== null;
  }

  /**
   * A usage step an attempt of `agentId` in a run of `planId` stored: it counts toward the
   * agent's and the plan's day. Nothing is kept before the totals are first read (the read finds
   * the step in the store).
   */
  record(agentId: string | null, plan: Plan, step: StepOf<'usage'>): void {
    if (this.totals === null) return;
    // A new day, or a best-of candidate's call (counted under the candidate's own agent, which
    // the store knows): the totals are read again when next weighed.
    if (step.candidate !== undefined || this.rt.clock.now() >= this.dayEnd) {
      this.totals = null;
      return;
    }
    const usd = step.cost_usd ?? 0;
    const tokens = step.input_tokens + step.output_tokens + step.cached_input_tokens;
    if (agentId !== null) this.add(`agent:${agentId}`, usd, tokens);
    this.add(`plan:${plan.plan_id}`, usd, tokens);
    if (plan.project_id !== undefined) this.add(`project:${plan.project_id}`, usd, tokens);
  }

  private add(key: string, usd: number, tokens: number): void {
    const t = this.totals!.get(key);
    if (t) {
      t.usd += usd;
      t.tokens += tokens;
    } else this.totals!.set(key, { usd, tokens });
  }

  /** Why the agent has spent its day's cap, or null (no cap, or under it). */
  spentWhy(agent: Agent): string | null {
    return agent.daily_cap === undefined
      ? null
      : this.over(`agent ${agent.id}`, `agent:${agent.id}`, agent.daily_cap);
  }

  /** Why the plan's runs (or its project's plans' runs) have spent its day's cap, or null (no cap, or under it). */
  planSpentWhy(plan: Plan): string | null {
    const own =
      plan.daily_cap === undefined
        ? null
        : this.over(`plan ${plan.plan_id}`, `plan:${plan.plan_id}`, plan.daily_cap);
    if (own !== null || plan.project_id === undefined) return own;
    const cap = this.projectCap(plan.project_id);
    return cap === null ? null : this.over(`project ${plan.project_id}`, `project:${plan.project_id}`, cap);
  }

  private over(who: string, key: string, cap: DailyCap): string | null {
    const t = this.loaded(this.rt.clock.now()).get(key);
    if (!t) return null;
    if (cap.usd !== undefined && t.usd >= cap.usd)
      return `${who} spent ${usd(t.usd)} of its ${usd(cap.usd)} a day; resets at ${hhmm(this.dayEnd)}`;
    if (cap.tokens !== undefined && t.tokens >= cap.tokens)
      return `${who} used ${count(t.tokens)} of its ${count(cap.tokens)} tokens a day; resets at ${hhmm(this.dayEnd)}`;
    return null;
  }

  /**
   * Why a task of the plan waits for the next day, with the time in the words a quota wait uses
   * (the task's countdown reads it), or null; the timer at the day's end is armed.
   */
  planWait(plan: Plan): string | null {
    const why = this.planSpentWhy(plan);
    if (why === null) return null;
    this.arm();
    return `${QUOTA_WAIT_PREFIX}${new Date(this.dayEnd).toISOString()}: ${why}`;
  }

  /**
   * The agent's cap as a limit until the day's end, when it has spent it: matching passes it over
   * as it does an agent whose account is limited. Null without a cap (no lookup at all).
   */
  limitOf(agent: Agent): AgentLimit | null {
    if (agent.daily_cap === undefined) return null;
    const why = this.spentWhy(agent);
    if (why === null) return null;
    this.arm();
    const now = this.rt.clock.now();
    return {
      account: `day:${agent.id}`,
      until: new Date(this.dayEnd).toISOString(),
      reset_known: true,
      window: 'day',
      message: why,
      agent_id: agent.id,
      since: new Date(now).toISOString(),
    };
  }

  /** Stops the timer (the engine closes). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** A timer at the day's end, once: the tasks waiting for a capped agent are matched again then. */
  private arm(): void {
    if (this.stopped || this.timer) return;
    const wait = Math.min(2 ** 31 - 1, Math.max(0, this.dayEnd - this.rt.clock.now()));
    this.timer = setTimeout(() => this.dayTurned(), wait);
    this.timer.unref();
  }

  private dayTurned(): void {
    this.timer = null;
    if (this.stopped || this.rt.closed) return;
    // The clock is not there yet (a timer early, a clock set back): looked at again then.
    if (this.rt.clock.now() < this.dayEnd) {
      this.timer = setTimeout(() => this.dayTurned(), Math.max(1_000, this.dayEnd - this.rt.clock.now()));
      this.timer.unref();
      return;
    }
    this.totals = null;
    this.rt.schedule();
  }
}
