import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import { isTerminalTaskStatus, REUSED_REASON_PREFIX } from '../../src-shared/schemas/plain/run.ts';
import type { RunDetail, TaskRun } from '../../src-shared/schemas/run.ts';
import type { Execution } from '../../test/kit/engine-kit.ts';
import { call, controlledExecutor, setup } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import type { TaskContext } from './executor.ts';
import { canTransition, TASK_ENTRY_STATUSES } from './task-state.ts';

/**
 * The task state machine, driven through a real engine: random small plans (approval gates,
 * retries, timeouts, conditions, a budget, tasks no agent can take) and random operations on a
 * run (agents finish or fail, people approve, reject or cancel, time passes, Baton restarts).
 * Then the run is driven to its end and its audit trail is checked against the table and the
 * dependency rules. setTimeout is faked, so timeouts and retries fire only when an operation
 * lets time pass: a failing case replays the same way from the seed fast-check prints.
 */

const ENDINGS = ['done', 'failed', 'skipped', 'unassigned', 'cancelled'] as const;
type Ending = (typeof ENDINGS)[number];
const PERSON = 'ana';
const CANCELLER = 'bo';

/** How often each kind of thing happens, out of `of`. */
const chance = (n: number, of: number) => fc.nat({ max: of - 1 }).map((x) => x < n);

const taskShape = fc.record({
  deps: fc.uniqueArray(fc.nat({ max: 9 }), { maxLength: 3 }),
  unassignable: chance(1, 10),
  requiresApproval: chance(1, 4),
  attempts: fc.constantFrom(1, 1, 2, 3),
  timeout: chance(1, 4),
  cost: fc.nat({ max: 2 }),
  condition: fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.subarray([...ENDINGS], { minLength: 1 }) },
    { weight: 1, arbitrary: fc.constant('output' as const) },
  ),
});

interface Spec {
  task_id: string;
  description: string;
  required_skills: string[];
  depends_on: string[];
  estimated_cost: number;
  requires_approval?: boolean;
  retry?: { max_attempts: number; backoff: { initial_ms: number; jitter: number } };
  timeout_s?: number;
  condition?: {
    dependencies?: Record<string, Ending[]>;
    output?: { task_id: string; path: string; equals: number };
  };
}

/** A random DAG: each task may depend on earlier ones only, so it is acyclic by construction. */
const plan = fc.array(taskShape, { minLength: 1, maxLength: 6 }).map((shapes) =>
  shapes.map((s, i): Spec => {
    const depends_on = i === 0 ? [] : [...new Set(s.deps.map((d) => `t${d % i}`))];
    const spec: Spec = {
      task_id: `t${i}`,
      description: `do t${i}`,
      required_skills: [s.unassignable ? 'z' : 'x'],
      depends_on,
      estimated_cost: s.cost,
    };
    if (s.requiresApproval) spec.requires_approval = true;
    if (s.attempts > 1) spec.retry = { max_attempts: s.attempts, backoff: { initial_ms: 10, jitter: 0 } };
    if (s.timeout) spec.timeout_s = 0.02;
    const first = depends_on[0];
    const c = s.condition;
    if (first !== undefined && c !== null)
      spec.condition =
        c === 'output'
          ? { output: { task_id: first, path: 'v', equals: 1 } }
          : { dependencies: { [first]: c } };
    return spec;
  }),
);

type Op =
  | { kind: 'finish'; pick: number; v: number }
  | { kind: 'fail' | 'approve' | 'reject' | 'cancelTask' | 'retryTask'; pick: number }
  | { kind: 'cancelRun' | 'wait' | 'restart' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('finish' as const),
      pick: fc.nat(),
      v: fc.constantFrom(0, 1, 1),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('approve' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancelTask' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('retryTask' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wait' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancelRun' as const }) },
);

const scenario = fc.record({
  tasks: plan,
  budget: fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.nat({ max: 4 }) },
  ),
  capacity: fc.integer({ min: 1, max: 2 }),
  ops: fc.array(op, { maxLength: 14 }),
  rerunFrom: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
});

/** The statuses `spec` accepts for dependency `dep` (by default only done). */
const accepted = (spec: Spec, dep: string): readonly string[] =>
  spec.condition?.dependencies?.[dep] ?? ['done'];

/** Whether `spec` may run with its dependencies as `statusOf` and `outputOf` say (written apart from conditions.ts). */
function mayRun(
  spec: Spec,
  statusOf: (id: string) => TaskStatus,
  outputOf: (id: string) => unknown,
): boolean {
  if (!spec.depends_on.every((d) => accepted(spec, d).includes(statusOf(d)))) return false;
  const oc = spec.condition?.output;
  return !oc || (outputOf(oc.task_id) as { v?: unknown } | null)?.v === oc.equals;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('task state machine (property, real engine)', () => {
  it('moves tasks only along the table, in order, and ends runs as the dependency rules say', async () => {
    // Only timers are faked: the engine's ticks (setImmediate) and SQLite run for real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const specs = new Map(s.tasks.map((t) => [t.task_id, t]));
        const logged: unknown[] = [];
        /** Problems seen while the engine ran (an assertion thrown in an executor would be swallowed). */
        const problems: string[] = [];
        const starts = new Set<string>();
        let driving = false;
        // Each attempt an executor starts: once per attempt, never before its dependencies allow.
        const onStart = (ctx: TaskContext): { ok: boolean; output: unknown } | 'hold' => {
          const key = `${ctx.run_id}:${ctx.task.task_id}#${ctx.attempt}`;
          if (starts.has(key)) problems.push(`attempt started twice: ${key}`);
          starts.add(key);
          const deps = new Map(ctx.dependencies.map((d) => [d.task_id, d]));
          const spec = specs.get(ctx.task.task_id)!;
          if (
            !mayRun(
              spec,
              (d) => deps.get(d)!.status,
              (d) => deps.get(d)!.output,
            )
          )
            problems.push(`${key} started with dependencies ${JSON.stringify(ctx.dependencies)}`);
          return driving ? { ok: true, output: { v: 1 } } : 'hold';
        };
        let exec = controlledExecutor(onStart);
        // Restarting needs a data directory that outlives the app; the rest runs in memory.
        const restarts = s.ops.some((o) => o.kind === 'restart');
        const dir = restarts ? mkdtempSync(join(tmpdir(), 'baton-state-machine-')) : '';
        const openApp = () =>
          createApp({
            dataDir: restarts ? dir : ':memory:',
            executors: { echo: exec.executor },
            log: (err) => logged.push(err),
          });
        let current = openApp();
        try {
          const tasksOf = (id: string) => current.store.runs.tasks(id);
          const pending = (id: string) =>
            current.store.approvals
              .listForRun(id)
              .filter((a) => a.status === 'pending')
              .sort((a, b) => a.task_id.localeCompare(b.task_id));
          const executing = (id: string) => current.store.runs.get(id)?.status === 'executing';
          const running = (): Execution[] =>
            [...exec.running.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, e]) => e);
          // Waits until nothing moves any more: the same rows, attempts and approvals over a few ticks.
          const settle = async (id: string) => {
            const look = () =>
              JSON.stringify([
                current.store.runs.get(id)?.status,
                tasksOf(id).map((t) => [t.task_id, t.status, t.attempt]),
                [...exec.running.keys()].sort(),
                pending(id).length,
              ]);
            let last = '';
            let same = 0;
            for (let i = 0; i < 1_000; i++) {
              await new Promise((r) => setImmediate(r));
              const now = look();
              if (now !== last) [last, same] = [now, 0];
              else if (++same >= 3) return;
            }
            throw new Error('the engine did not settle');
          };
          // Finishes what runs, approves what waits and lets time pass until the run ends.
          const driveToEnd = async (id: string) => {
            driving = true;
            for (let i = 0; ; i++) {
              await settle(id);
              if (!executing(id)) return;
              if (i > 200) throw new Error(`run ${id} did not end: ${JSON.stringify(tasksOf(id))}`);
              for (const e of running()) e.finish({ v: 1 });
              for (const a of pending(id))
                await call(current, 'approvals.decide', {
                  approval_id: a.id,
                  decision: 'approve',
                  actor: PERSON,
                });
              await settle(id);
              vi.advanceTimersByTime(1_000);
            }
          };

          let runId = await setup(current, [{ id: 'w', skills: ['x'], max_concurrency: s.capacity }], {
            plan_id: 'p',
            ...(s.budget !== undefined ? { budget: s.budget } : {}),
            tasks: s.tasks,
          });
          let cancelledRun = false;
          for (const o of s.ops) {
            await settle(runId);
            const live = executing(runId);
            switch (o.kind) {
              case 'finish':
              case 'fail': {
                const r = running();
                const e = r[o.pick % Math.max(1, r.length)];
                if (e && o.kind === 'finish') e.finish({ v: o.v });
                else e?.fail('planned failure');
                break;
              }
              case 'approve':
              case 'reject': {
                const p = pending(runId);
                const a = p[o.pick % Math.max(1, p.length)];
                if (a && live)
                  await call(current, 'approvals.decide', {
                    approval_id: a.id,
                    decision: o.kind,
                    actor: PERSON,
                  });
                break;
              }
              case 'cancelTask': {
                const t = tasksOf(runId).filter((x) => !isTerminalTaskStatus(x.status));
                const target = t[o.pick % Math.max(1, t.length)];
                if (target && live)
                  await call(current, 'runs.cancelTask', {
                    run_id: runId,
                    task_id: target.task_id,
                    actor: CANCELLER,
                  });
                break;
              }
              case 'retryTask': {
                // A failed task retried in its running run (runs.retryTask); refused (a conflict)
                // when a task downstream already acted on the failure.
                const t = tasksOf(runId).filter((x) => x.status === 'failed' || x.status === 'unassigned');
                const target = t[o.pick % Math.max(1, t.length)];
                if (target && live) {
                  const r = await current.dispatch('runs.retryTask', {
                    run_id: runId,
                    task_id: target.task_id,
                    actor: CANCELLER,
                  });
                  if (!r.ok) expect(r.error.code).toBe('conflict');
                }
                break;
              }
              case 'cancelRun':
                if (live) {
                  await call(current, 'runs.cancel', { run_id: runId, actor: CANCELLER });
                  cancelledRun = true;
                }
                break;
              case 'wait':
                // Past every timeout (20 ms) and the first retry's backoff (10 ms).
                vi.advanceTimersByTime(30);
                break;
              case 'restart':
                current.close();
                exec = controlledExecutor(onStart);
                current = openApp();
                break;
            }
          }
          await driveToEnd(runId);
          await checkRun(current, runId, specs, { cancelledRun });

          // A re-run from one task of the ended run: its upstream is reused, the rest runs again.
          if (s.rerunFrom !== undefined) {
            const origin = s.tasks[s.rerunFrom % s.tasks.length]!.task_id;
            const rerun = await call<{ run_id: string }>(current, 'runs.rerun', {
              run_id: runId,
              task_id: origin,
            });
            runId = rerun.run_id;
            await driveToEnd(runId);
            await checkRun(current, runId, specs, { cancelledRun: false });
          }
          expect(problems).toEqual([]);
          expect(logged).toEqual([]);
        } finally {
          current.close();
          if (dir) rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 40 },
    );
  });
});

/** The invariants of an ended run, read from what the app reports (its tasks and its audit trail). */
async function checkRun(
  app: BatonApp,
  runId: string,
  specs: Map<string, Spec>,
  opts: { cancelledRun: boolean },
) {
  const { cancelledRun } = opts;
  const d = await call<RunDetail>(app, 'runs.get', { run_id: runId });
  const audit = await call<AuditEntry[]>(app, 'audit.list', { run_id: runId, limit: 5_000 });
  const moves = audit.filter((e) => e.entity === 'task');
  const final = new Map<string, TaskRun>(d.tasks.map((t) => [t.task_id, t]));

  // A finished run has no task left open.
  expect(d.status).not.toBe('executing');
  for (const t of d.tasks) expect(isTerminalTaskStatus(t.status), `${t.task_id} is ${t.status}`).toBe(true);

  // Each task's entries: legal moves, each from where the previous one went, ending where it is.
  const byTask = new Map<string, AuditEntry[]>();
  for (const e of moves) byTask.set(e.entity_id, [...(byTask.get(e.entity_id) ?? []), e]);
  const status = new Map<string, TaskStatus>();
  for (const t of d.tasks) {
    const entries = byTask.get(t.task_id) ?? [];
    if (entries.length === 0) {
      // Only a finished task a re-run reused never moves.
      expect(t.status).toBe('done');
      expect(t.reason?.startsWith(REUSED_REASON_PREFIX)).toBe(true);
      status.set(t.task_id, t.status);
      continue;
    }
    const start = entries[0]!.from_status as TaskStatus;
    expect(TASK_ENTRY_STATUSES as readonly string[]).toContain(start);
    status.set(t.task_id, start);
    let at: string | null = start;
    for (const e of entries) {
      const from = e.from_status as TaskStatus;
      const to = e.to_status as TaskStatus;
      expect(from, `${t.task_id}: entry ${e.id} does not follow ${at}`).toBe(at);
      expect(canTransition(from, to), `${t.task_id}: ${from} → ${to} is not in the table`).toBe(true);
      at = to;
    }
    expect(at, `${t.task_id}: last audited status`).toBe(t.status);
    expect(entries.filter((e) => e.to_status === 'done').length).toBeLessThanOrEqual(1);
  }

  // Replayed in order: a task becomes ready or starts only when its dependencies allow it.
  const outputOf = (id: string) => final.get(id)?.output;
  for (const e of moves) {
    const spec = specs.get(e.entity_id)!;
    const to = e.to_status as TaskStatus;
    const needsDeps = to === 'in_progress' || (to === 'ready' && e.from_status === 'blocked');
    if (needsDeps && spec.depends_on.length > 0)
      expect(
        mayRun(spec, (dep) => status.get(dep)!, outputOf),
        `${e.entity_id} went ${e.from_status} → ${to} with dependencies ${spec.depends_on.map((dep) => `${dep}:${status.get(dep)}`).join(', ')}`,
      ).toBe(true);
    status.set(e.entity_id, to);
  }

  // Dependents of a task that ended otherwise than they accept are skipped (or were cancelled
  // first); a task whose dependencies allowed it is skipped only by a person's rejection.
  // Its last move: a retry upstream may have made a task wait again after an earlier skip.
  const rejected = (id: string) => {
    const e = byTask.get(id)?.at(-1);
    return e?.from_status === 'awaiting_approval' && e.to_status === 'skipped' && e.actor === PERSON;
  };
  for (const t of d.tasks) {
    const spec = specs.get(t.task_id)!;
    // A task a re-run reused was decided in the old run: a copy stands only on copies (a
    // dependency that runs again may end otherwise, and the copy would not follow it).
    if (!byTask.has(t.task_id)) {
      for (const dep of spec.depends_on)
        expect(byTask.has(dep), `${t.task_id} was reused though its dependency ${dep} ran again`).toBe(false);
      continue;
    }
    const allowed = mayRun(spec, (dep) => final.get(dep)!.status, outputOf);
    if (!allowed) expect(['skipped', 'cancelled'], `${t.task_id} should not have run`).toContain(t.status);
    else if (t.status === 'skipped')
      expect(rejected(t.task_id), `${t.task_id} skipped though allowed`).toBe(true);
  }

  // The run's status, by the rule in ARCHITECTURE.md (a failure wins over a cancellation).
  const has = (s: TaskStatus) => d.tasks.some((t) => t.status === s);
  const expected = cancelledRun
    ? 'cancelled'
    : has('failed') || has('unassigned') || d.tasks.some((t) => rejected(t.task_id))
      ? 'failed'
      : has('cancelled')
        ? 'cancelled'
        : 'completed';
  expect(d.status).toBe(expected);
}
