import { afterEach, describe, expect, it } from 'vitest';
import type { PartsKit } from '../../test/kit/parts-kit.ts';
import { partsKit, task } from '../../test/kit/parts-kit.ts';
import type { ActiveRun } from './run-state.ts';

let kit: PartsKit;
afterEach(() => kit?.close());

/** Gives each task its attempt (as dispatch does), in one transaction. */
function assign(run: ActiveRun, ...taskIds: string[]): void {
  const { flow, agents } = kit.parts;
  kit.parts.loader.tx(() => {
    for (const taskId of taskIds) {
      kit.rt.queue.remove(run.id, taskId);
      const m = agents.match(run.specs.get(taskId)!);
      if (m.kind !== 'assigned') throw new Error(`${taskId}: ${m.reason}`);
      flow.assign(run, kit.task(run, taskId), m.agent, m.explanation);
    }
  });
}

/** Attempts' ends applied in one transaction, as a tick applies what came in since the last. */
function end(run: ActiveRun, ends: Record<string, boolean>): void {
  kit.parts.loader.tx(() => {
    for (const [taskId, ok] of Object.entries(ends))
      kit.parts.flow.complete({
        kind: 'attempt.ended',
        runId: run.id,
        taskId,
        attempt: kit.task(run, taskId).attempt,
        ok,
        ...(ok ? {} : { error: 'no' }),
      });
  });
}

/** A plan of `a`, `b`, `c` and `d`, which depends on the three. */
function diamond(): ActiveRun {
  kit = partsKit();
  kit.agents([{ id: 'w', skills: ['x'], max_concurrency: 10 }]);
  return kit.start({
    plan_id: 'p',
    tasks: [task('a'), task('b'), task('c'), task('d', { depends_on: ['a', 'b', 'c'] })],
  });
}

describe('Dependents', () => {
  it("stores a waiting task's reason with the transaction in which one of its dependencies ended", () => {
    const run = diamond();
    expect(kit.stored(run.id, 'd')).toMatchObject({ status: 'blocked', reason: 'waiting for a, b, c' });
    assign(run, 'a', 'b', 'c');
    end(run, { b: true });
    expect(kit.stored(run.id, 'd')).toMatchObject({ status: 'blocked', reason: 'waiting for a, c' });
    // Two ends in one transaction: the reason stored names only what is still going.
    end(run, { a: true, c: true });
    expect(kit.stored(run.id, 'd')).toMatchObject({ status: 'ready', reason: null });
    expect(kit.rt.queue.has(run.id, 'd')).toBe(true);
    const moves = kit.store.memory.listAudit(run.id, 100, 'd').map((e) => e.to_status);
    expect(moves).toEqual(['ready']);
  });

  it('skips a dependent as soon as a dependency fails, while another one still runs', () => {
    const run = diamond();
    assign(run, 'a', 'b', 'c');
    end(run, { a: true });
    end(run, { b: false });
    expect(kit.task(run, 'c').status).toBe('in_progress');
    expect(kit.stored(run.id, 'd')).toMatchObject({
      status: 'skipped',
      reason: 'dependency "b" ended failed',
    });
  });

  it("leaves a rolled-back transaction's waiting task to the run reloaded from the store", () => {
    const run = diamond();
    assign(run, 'a', 'b', 'c');
    expect(() =>
      kit.parts.loader.tx(() => {
        end(run, { a: true });
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    // Nothing of it was stored, and the run in memory is the one read back.
    expect(kit.stored(run.id, 'd')).toMatchObject({ status: 'blocked', reason: 'waiting for a, b, c' });
    const reloaded = kit.rt.active.get(run.id)!;
    expect(reloaded).not.toBe(run);
    // The tasks that were running are ready again; what the reloaded run decides is what is written.
    assign(reloaded, 'a', 'b', 'c');
    end(reloaded, { c: true });
    expect(kit.stored(run.id, 'd')).toMatchObject({ status: 'blocked', reason: 'waiting for a, b' });
    expect(kit.errors).toEqual([]);
  });
});
