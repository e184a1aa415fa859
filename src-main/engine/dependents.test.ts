import { afterEach, describe, expect, it } from 'vitest';
import type { PartsKit } from '../../test/kit/parts-kit.ts';
import { partsKit, task } from '../../test/kit/parts-kit.ts';
import type { ToStart } from './dispatcher.ts';
import type { ActiveRun } from './run-state.ts';

let kit: PartsKit;
afterEach(() => kit?.close());

/** Dispatch, in one transaction: every queued task gets its attempt (not started: nothing runs here). */
function dispatch(): string[] {
  const toStart: ToStart[] = [];
  kit.parts.loader.tx(() => kit.parts.dispatcher.fill(toStart, { spent: false, use() {} }));
  return toStart.map(([, t]) => t.task_id);
}

/** An attempt's end applied, as a tick applies it (inside its transaction). */
function complete(run: ActiveRun, taskId: string, ok: boolean): void {
  kit.parts.flow.complete({
    kind: 'attempt.ended',
    runId: run.id,
    taskId,
    attempt: kit.task(run, taskId).attempt,
    ok,
    ...(ok ? {} : { error: 'no' }),
  });
}

/** Attempts' ends applied in one transaction, as a tick applies what came in since the last. */
function end(run: ActiveRun, ends: Record<string, boolean>): void {
  kit.parts.loader.tx(() => {
    for (const [taskId, ok] of Object.entries(ends)) complete(run, taskId, ok);
  });
}

/** A run of `a`, `b`, `c` and `d`, which depends on the three (a new kit unless one is given). */
function diamond(planId = 'p'): ActiveRun {
  if (planId === 'p') {
    kit = partsKit();
    kit.agents([{ id: 'w', kind: 'echo', skills: ['x'], max_concurrency: 10 }]);
  }
  return kit.start({
    plan_id: planId,
    tasks: [task('a'), task('b'), task('c'), task('d', { depends_on: ['a', 'b', 'c'] })],
  });
}

describe('Dependents', () => {
  it("stores a waiting task's reason with the transaction in which one of its dependencies ended", () => {
    const run = diamond();
    expect(kit.stored(run.id, 'd')).toMatchObject({ status: 'blocked', reason: 'waiting for a, b, c' });
    expect(dispatch()).toEqual(['a', 'b', 'c']);
    end(run, { b: true });
    expect(kit.stored(run.id, 'd')).toMatchObject({ status: 'blocked', reason: 'waiting for a, c' });
    // Two ends in one transaction: the reason stored names only what is still going.
    end(run, { a: true, c: true });
    expect(kit.stored(run.id, 'd')).toMatchObject({ status: 'ready', reason: null });
    expect(kit.rt.queue.has(run.id, 'd')).toBe(true);
    const moves = kit.store.memory.listAudit(run.id, 100, 'd').map((e) => e.to_status);
    expect(moves).toEqual(['ready']);
    expect([kit.rt.loadOf('w'), kit.rt.inFlight]).toEqual([0, 0]);
  });

  it('skips a dependent as soon as a dependency fails, while another one still runs', () => {
    const run = diamond();
    dispatch();
    end(run, { a: true });
    end(run, { b: false });
    expect(kit.task(run, 'c').status).toBe('in_progress');
    expect(kit.stored(run.id, 'd')).toMatchObject({
      status: 'skipped',
      reason: 'dependency "b" ended failed',
    });
  });

  it('forgets what a rolled-back transaction left waiting: the runs reloaded from the store decide their own', () => {
    const first = diamond();
    const second = diamond('q');
    expect(dispatch()).toHaveLength(6);
    expect(() =>
      kit.parts.loader.tx(() => {
        complete(first, 'a', true);
        complete(second, 'a', true);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    // Nothing of it was stored: the first run's reload did not write the second's reason either.
    for (const run of [first, second])
      expect(kit.stored(run.id, 'd')).toMatchObject({ status: 'blocked', reason: 'waiting for a, b, c' });
    // The reloaded runs hold only what the store says: their attempts are retried, none held.
    expect([kit.rt.loadOf('w'), kit.rt.inFlight]).toEqual([0, 0]);
    const reloaded = kit.rt.active.get(first.id)!;
    expect(reloaded).not.toBe(first);
    expect(dispatch()).toHaveLength(6);
    end(reloaded, { c: true });
    expect(kit.stored(first.id, 'd')).toMatchObject({ status: 'blocked', reason: 'waiting for a, b' });
    expect(kit.errors).toEqual([]);
  });
});
