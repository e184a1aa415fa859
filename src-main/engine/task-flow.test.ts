import { afterEach, describe, expect, it } from 'vitest';
import type { Run, TaskRun } from '../../src-shared/schemas/run.ts';
import type { PartsKit } from '../../test/kit/parts-kit.ts';
import { partsKit, task } from '../../test/kit/parts-kit.ts';
import type { ActiveRun } from './run-state.ts';

let kit: PartsKit;
afterEach(() => kit?.close());

/** What dispatch does for one queued task: take it from the queue and give its next attempt to its best agent. */
function assign(run: ActiveRun, taskId: string): TaskRun {
  const { flow, agents } = kit.parts;
  const t = kit.task(run, taskId);
  kit.parts.loader.tx(() => {
    kit.rt.queue.remove(run.id, taskId);
    const m = agents.match(run.specs.get(taskId)!);
    if (m.kind !== 'assigned') throw new Error(`${taskId}: ${m.reason}`);
    flow.assign(run, t, m.agent, m.explanation);
  });
  return t;
}

/** An attempt's end, applied as a tick applies it. */
function end(run: ActiveRun, taskId: string, ok: boolean, result: { output?: unknown; error?: string } = {}) {
  const t = kit.task(run, taskId);
  kit.parts.loader.tx(() =>
    kit.parts.flow.complete({
      kind: 'attempt.ended',
      runId: run.id,
      taskId,
      attempt: t.attempt,
      ok,
      ...result,
    }),
  );
}

describe('TaskFlow', () => {
  it('queues what has nothing to wait for, readies dependents as attempts end, and ends the run with the last', async () => {
    kit = partsKit();
    kit.agents([{ id: 'w', skills: ['x'] }]);
    const run = kit.start({ plan_id: 'p', tasks: [task('a'), task('b', { depends_on: ['a'] })] });
    expect(kit.rt.queue.has(run.id, 'a')).toBe(true);
    expect(kit.rt.queue.has(run.id, 'b')).toBe(false);
    expect(kit.stored(run.id, 'b')).toMatchObject({ status: 'blocked', reason: 'waiting for a' });

    const a = assign(run, 'a');
    expect(kit.stored(run.id, 'a')).toMatchObject({ status: 'in_progress', agent_id: 'w', attempt: 1 });
    expect(kit.rt.load.get('w')).toBe(1);
    end(run, 'a', true, { output: { n: 1 } });
    expect(a.status).toBe('done');
    expect(kit.rt.load.get('w')).toBe(0);
    expect(kit.stored(run.id, 'b')).toMatchObject({ status: 'ready', reason: null });
    expect(kit.rt.queue.has(run.id, 'b')).toBe(true);
    // The result is a memory entry, written with the transaction.
    expect(kit.store.memory.search({ type: 'task_result', limit: 10 }).map((h) => h.entry.task_id)).toEqual([
      'a',
    ]);

    const settled = new Promise<Run>((resolve) => kit.rt.waiters.set(run.id, [resolve]));
    assign(run, 'b');
    end(run, 'b', true);
    expect(kit.rt.active.has(run.id)).toBe(false);
    expect((await settled).status).toBe('completed');
    expect(kit.store.runs.get(run.id)).toMatchObject({ status: 'completed', counts: { done: 2 } });
  });

  it('puts a failed attempt with attempts left back to ready after its backoff, keeping the failed one', () => {
    kit = partsKit();
    kit.agents([{ id: 'w', skills: ['x'] }]);
    const retry = { max_attempts: 2, backoff: { initial_ms: 1000, jitter: 0 } };
    const run = kit.start({ plan_id: 'p', tasks: [task('a', { retry })] });
    assign(run, 'a');
    end(run, 'a', false, { error: 'boom' });
    const a = kit.task(run, 'a');
    expect(a).toMatchObject({
      status: 'ready',
      error: 'boom',
      retry_at: Date.parse('2026-03-01T09:00:01.000Z'),
    });
    expect(a.reason).toMatch(/^attempt 1 failed: boom; attempt 2 of 2 in 1\.0 s$/);
    expect(kit.rt.queue.has(run.id, 'a')).toBe(false);
    expect(kit.store.execution.attempts(run.id, 'a')).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'failed', error: 'boom' }),
    ]);
    // Its backoff passes: it is queued for attempt 2 (a due retry for a task no longer waiting is ignored).
    kit.parts.loader.tx(() => kit.parts.flow.retryDue({ kind: 'retry.due', runId: run.id, taskId: 'a' }));
    expect(a.retry_at).toBeNull();
    expect(kit.rt.queue.has(run.id, 'a')).toBe(true);
    assign(run, 'a');
    end(run, 'a', false, { error: 'boom again' });
    expect(kit.store.runs.get(run.id)).toMatchObject({ status: 'failed' });
    expect(kit.stored(run.id, 'a')).toMatchObject({ status: 'failed', attempt: 2, error: 'boom again' });
  });

  it('skips a dependent whose dependency failed, and cancels a task, closing the approval it waited on', () => {
    kit = partsKit();
    kit.agents([{ id: 'w', skills: ['x'] }]);
    const run = kit.start({
      plan_id: 'p',
      tasks: [task('a'), task('b', { depends_on: ['a'] }), task('gate', { requires_approval: true })],
    });
    expect(kit.task(run, 'gate').status).toBe('awaiting_approval');
    assign(run, 'a');
    end(run, 'a', false, { error: 'no' });
    expect(kit.stored(run.id, 'b')).toMatchObject({ status: 'skipped' });
    const gate = kit.task(run, 'gate');
    kit.parts.loader.tx(() => kit.parts.flow.cancelOne(run, gate, 'cancelled by ana', 'ana'));
    expect(kit.stored(run.id, 'gate')).toMatchObject({ status: 'cancelled', reason: 'cancelled by ana' });
    const [approval] = kit.store.approvals.listForRun(run.id);
    expect(approval).toMatchObject({ status: 'rejected', actor: 'ana', comment: 'closed: cancelled by ana' });
    // The approval's closing is told before the task's own change, as it happened.
    const history = kit.store.memory.listAudit(run.id, 100, 'gate').map((e) => `${e.entity} ${e.to_status}`);
    expect(history.slice(-2)).toEqual(['approval rejected', 'task cancelled']);
  });

  it('resumes a stored run: an attempt a restart interrupted is kept and retried as a new one', () => {
    kit = partsKit();
    kit.agents([{ id: 'w', kind: 'echo', skills: ['x'] }]);
    const first = kit.start({ plan_id: 'p', tasks: [task('a')] });
    assign(first, 'a');
    // The process goes away with `a` in progress; another takes the run up from the store.
    kit.parts.holds.deactivate(first);
    kit.rt.active.delete(first.id);
    kit.store.runs.dropLease(first.id, kit.rt.config.owner, kit.rt.clock.now());
    expect(kit.parts.loader.resumeUnfinished()).toEqual([first.id]);
    const run = kit.rt.active.get(first.id)!;
    expect(kit.stored(run.id, 'a')).toMatchObject({
      status: 'ready',
      reason: 'interrupted by a restart; retried as a new attempt',
    });
    expect(kit.rt.queue.has(run.id, 'a')).toBe(true);
    expect(kit.store.execution.attempts(run.id, 'a')).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'interrupted' }),
    ]);
  });
});
