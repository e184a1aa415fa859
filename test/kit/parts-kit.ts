import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codingStore } from '../../src-main/agents/coding/index.ts';
import { decideByRules } from '../../src-main/agents/decider/rule-decider.ts';
import { echoExecutor } from '../../src-main/agents/echo/echo.ts';
import { KIND_TRAITS } from '../../src-main/agents/index.ts';
import type { Decide } from '../../src-main/engine/decider-questions.ts';
import type { ExecutorRegistry } from '../../src-main/engine/executor.ts';
import { buildParts } from '../../src-main/engine/parts.ts';
import { newRun } from '../../src-main/engine/run-launch.ts';
import type { ActiveRun } from '../../src-main/engine/run-state.ts';
import { Runtime } from '../../src-main/engine/runtime.ts';
import type { QueuedKind, TickInputs } from '../../src-main/engine/tick-inputs.ts';
import { EventBus } from '../../src-main/events/event-bus.ts';
import { createSecretResolver } from '../../src-main/secrets/secrets.ts';
import { openDatabase } from '../../src-main/store/db.ts';
import { createStore } from '../../src-main/store/store.ts';
import type { BatonEvent } from '../../src-shared/contract/events.ts';
import type { AgentInput } from '../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../src-shared/schemas/agent.ts';
import type { Plan, PlanInput } from '../../src-shared/schemas/plan.ts';
import { planSchema } from '../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';

export interface PartsKitOptions {
  /** By kind; an echo executor by default (an agent of a kind without one pulls its work). */
  executors?: Partial<ExecutorRegistry>;
  decide?: Decide;
  /** The clock's start (ms); `kit.advance` moves it. */
  now?: number;
}

/**
 * The engine's parts on one runtime over a real SQLite store in memory, without the Engine
 * and its loop: a test calls a part, and applies what lands in the inbox itself. The runtime's
 * tick only counts the ticks asked for (`ticks`).
 */
export function partsKit(opts: PartsKitOptions = {}) {
  const db = openDatabase(':memory:');
  const store = codingStore(createStore(db));
  const bus = new EventBus();
  const events: BatonEvent[] = [];
  bus.subscribe((batch) => events.push(...batch));
  let now = opts.now ?? Date.parse('2026-03-01T09:00:00.000Z');
  let n = 0;
  let ticks = 0;
  const workspaceRoot = mkdtempSync(join(tmpdir(), 'baton-parts-'));
  const errors: unknown[] = [];
  const rt = new Runtime({
    store,
    bus,
    clock: { now: () => now },
    ids: { next: (prefix) => `${prefix}-${++n}` },
    random: () => 0.5,
    config: {
      owner: 'test:1:kit',
      maxInFlight: 512,
      leaseTtlMs: 30_000,
      buildLogIntervalMs: 250,
      workspaceRoot,
    },
    log: (err) => errors.push(err),
    tick: () => {
      ticks++;
    },
  });
  const decide: Decide = opts.decide ?? (async (_spec, ctx) => ({ decision: decideByRules(ctx) }));
  const parts = buildParts(rt, {
    executors: opts.executors ?? { echo: echoExecutor },
    kindTraits: KIND_TRAITS,
    decide,
    secrets: createSecretResolver({}),
  });
  const iso = () => new Date(now).toISOString();

  return {
    rt,
    parts,
    store,
    bus,
    /** Events told so far (the bus delivers them a turn of the event loop after the commit). */
    events,
    errors,
    workspaceRoot,
    get ticks() {
      return ticks;
    },
    advance(ms: number): void {
      now += ms;
    },
    agents(list: AgentInput[]): void {
      for (const a of list) store.agents.save(agentSchema.parse({ name: a.id, ...a }), iso());
      parts.agents.changed();
    },
    /** A plan stored and a run of it started (rows written, run activated), in one transaction, as `Engine.startRun` does. */
    start(input: PlanInput): ActiveRun {
      const plan: Plan = planSchema.parse(input);
      store.plans.save(plan, iso());
      const fresh = newRun(
        plan,
        1,
        { runId: rt.ids.next('run'), memoryId: rt.ids.next('mem'), startedBy: 'user' },
        new Map(),
        null,
        iso(),
      );
      return parts.loader.tx(() => {
        store.runs.insertRun(
          { ...fresh.info, lease_owner: rt.config.owner, lease_expires_at: now + 30_000 },
          fresh.tasks,
        );
        store.memory.insert(fresh.log);
        return parts.flow.activate(plan, { fresh });
      });
    },
    task(run: ActiveRun, taskId: string): TaskRun {
      return run.tasks.get(taskId)!;
    },
    /** The row as stored (what a transaction committed). */
    stored(runId: string, taskId: string): TaskRun | undefined {
      return store.runs.task(runId, taskId);
    },
    /** What waits in the inbox of one kind, taken out (the rest is put back). */
    taken<K extends QueuedKind>(kind: K): TickInputs[K][] {
      const lists = rt.inbox.take();
      for (const [k, list] of Object.entries(lists) as [QueuedKind, TickInputs[QueuedKind][]][]) {
        if (k === kind) continue;
        for (const input of list) rt.inbox.push(input);
      }
      return lists[kind];
    },
    /** Lets the bus deliver what committed transactions told. */
    async flushEvents(): Promise<void> {
      await new Promise((r) => setImmediate(r));
    },
    close(): void {
      rt.closed = true;
      parts.leases.stop();
      parts.indexing.stop();
      for (const run of rt.active.values()) parts.holds.deactivate(run);
      db.close();
      rmSync(workspaceRoot, { recursive: true, force: true });
    },
  };
}
export type PartsKit = ReturnType<typeof partsKit>;

export function task(task_id: string, extra: Record<string, unknown> = {}) {
  return { task_id, description: `do ${task_id}`, required_skills: ['x'], ...extra };
}
