import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import { isTerminalTaskStatus } from '../../src-shared/schemas/plain/run.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, setup } from '../../test/kit/engine-kit.ts';
import { createApp } from '../app/create-app.ts';
import { canTransition } from './task-state.ts';

/** A random DAG: each task may depend on earlier ones only, so it is acyclic by construction. */
const dag = fc
  .array(
    fc.record({
      deps: fc.array(fc.nat(), { maxLength: 3 }),
      skill: fc.constantFrom('x', 'y', 'z'),
      // About one task in seven fails. Drawn by fast-check, never Math.random, so that a failing
      // case replays from its seed and shrinks.
      fails: fc.nat({ max: 99 }).map((n) => n < 15),
      priority: fc.constantFrom('CRITICAL', 'HIGH', 'MEDIUM', 'LOW'),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((specs) =>
    specs.map((s, i) => ({
      task_id: `t${i}`,
      description: '',
      required_skills: [s.skill],
      priority: s.priority,
      depends_on: i === 0 ? [] : [...new Set(s.deps.map((d) => `t${d % i}`))],
      fails: s.fails,
    })),
  );

describe('engine (property)', () => {
  it('ends every task, never starts one before its dependencies are done, and skips exactly the dependents of failures', async () => {
    await fc.assert(
      fc.asyncProperty(dag, fc.integer({ min: 1, max: 4 }), async (tasks, capacity) => {
        const failing = new Set(tasks.filter((t) => t.fails).map((t) => t.task_id));
        const finished = new Set<string>();
        const exec = controlledExecutor((ctx) => {
          for (const d of ctx.task.depends_on) expect(finished.has(d)).toBe(true);
          if (failing.has(ctx.task.task_id)) return { ok: false, error: 'planned failure' };
          finished.add(ctx.task.task_id);
          return { ok: true };
        });
        const app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
        try {
          const runId = await setup(
            app,
            [
              { id: 'xy', skills: ['x', 'y'], max_concurrency: capacity },
              { id: 'x', skills: ['x'], max_concurrency: 1 },
            ],
            { plan_id: 'p', tasks: tasks.map(({ fails: _f, ...t }) => t) },
          );
          await app.engine.whenSettled(runId);
          const d = await call<RunDetail>(app, 'runs.get', { run_id: runId });
          const status = new Map(d.tasks.map((t) => [t.task_id, t.status]));
          for (const t of d.tasks) expect(isTerminalTaskStatus(t.status)).toBe(true);
          expect(exec.maxConcurrent).toBeLessThanOrEqual(capacity + 1);
          // Expected outcome, computed independently in plan order (dependencies come first).
          const expected = new Map<string, string>();
          for (const t of tasks) {
            if (t.depends_on.some((dep) => expected.get(dep) !== 'done')) expected.set(t.task_id, 'skipped');
            else if (t.required_skills[0] === 'z') expected.set(t.task_id, 'unassigned');
            else expected.set(t.task_id, failing.has(t.task_id) ? 'failed' : 'done');
          }
          expect(Object.fromEntries(status)).toEqual(Object.fromEntries(expected));
          expect(d.status).toBe([...expected.values()].every((s) => s === 'done') ? 'completed' : 'failed');
          // The audit trail holds only legal moves, each task's chained, ending where it is.
          const audit = await call<AuditEntry[]>(app, 'audit.list', { run_id: runId, limit: 5_000 });
          const at = new Map<string, string | null>();
          for (const e of audit.filter((x) => x.entity === 'task')) {
            if (at.has(e.entity_id)) expect(e.from_status).toBe(at.get(e.entity_id));
            expect(canTransition(e.from_status as TaskStatus, e.to_status as TaskStatus)).toBe(true);
            at.set(e.entity_id, e.to_status);
          }
          expect(Object.fromEntries(at)).toEqual(Object.fromEntries(status));
        } finally {
          app.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
