import { afterEach, describe, expect, it } from 'vitest';
import type { DecisionContext } from '../../src-shared/schemas/decision.ts';
import type { PartsKit } from '../../test/kit/parts-kit.ts';
import { partsKit, task } from '../../test/kit/parts-kit.ts';
import type { Executor, TaskEnded } from './executor.ts';
import { IllegalTransitionError } from './task-state.ts';

let kit: PartsKit;
afterEach(() => kit?.close());

const auditOf = (runId: string, taskId: string) =>
  kit.store.memory.listAudit(runId, 100, taskId).map((e) => `${e.from_status} → ${e.to_status}`);

describe('RunWriter', () => {
  it('writes what a transaction changed at its commit: each task row once, audit entries in order, events after', async () => {
    kit = partsKit();
    const run = kit.start({ plan_id: 'p', tasks: [task('a')] });
    await kit.flushEvents();
    kit.events.length = 0;
    const { writer } = kit.parts;
    const a = kit.task(run, 'a');
    kit.parts.loader.tx(() => {
      writer.setStatus(run, a, 'in_progress', { agent_id: 'w', attempt: 1 });
      writer.setStatus(run, a, 'done', { output: { ok: true } });
      // Nothing of it is stored or told before the commit.
      expect(kit.stored(run.id, 'a')!.status).toBe('ready');
      expect(auditOf(run.id, 'a')).toEqual([]);
    });
    expect(kit.stored(run.id, 'a')).toMatchObject({ status: 'done', output: { ok: true }, attempt: 1 });
    expect(auditOf(run.id, 'a')).toEqual(['ready → in_progress', 'in_progress → done']);
    expect(run.counts).toMatchObject({ ready: 0, in_progress: 0, done: 1 });
    expect(kit.events).toEqual([]);
    await kit.flushEvents();
    // One task.updated for the row, as it was at commit.
    const updates = kit.events.filter((e) => e.name === 'task.updated');
    expect(updates).toEqual([{ name: 'task.updated', payload: expect.objectContaining({ status: 'done' }) }]);
  });

  it("stamps a transaction's changes with the time it began, as PostgreSQL's now(); the next one reads the clock again", () => {
    kit = partsKit({ now: Date.parse('2026-03-01T09:00:00.000Z') });
    const run = kit.start({ plan_id: 'p', tasks: [task('a'), task('b')] });
    const { writer } = kit.parts;
    kit.advance(1_000);
    kit.parts.loader.tx(() => {
      writer.setStatus(run, kit.task(run, 'a'), 'in_progress', { agent_id: 'w', attempt: 1 });
      kit.advance(5);
      writer.setStatus(run, kit.task(run, 'b'), 'in_progress', { agent_id: 'w', attempt: 1 });
    });
    const began = '2026-03-01T09:00:01.000Z';
    expect([kit.stored(run.id, 'a')!.updated_at, kit.stored(run.id, 'b')!.updated_at]).toEqual([
      began,
      began,
    ]);
    const audit = kit.store.memory.listAudit(run.id, 100).filter((e) => e.to_status === 'in_progress');
    expect(audit.map((e) => e.at)).toEqual([began, began]);
    kit.parts.loader.tx(() => writer.setStatus(run, kit.task(run, 'a'), 'done', { output: 1 }));
    expect(kit.stored(run.id, 'a')!.updated_at).toBe('2026-03-01T09:00:01.005Z');
    // Outside a transaction the clock is read each time.
    kit.advance(7);
    expect(kit.rt.iso()).toBe('2026-03-01T09:00:01.012Z');
  });

  it('a transaction that fails writes and tells nothing, stops what it meant to stop, and hands its runs to reload', async () => {
    kit = partsKit();
    const run = kit.start({ plan_id: 'p', tasks: [task('a'), task('b')] });
    await kit.flushEvents();
    kit.events.length = 0;
    const { writer } = kit.parts;
    const effects = kit.rt.effects;
    const happened: string[] = [];
    const reloaded: string[][] = [];
    expect(() =>
      writer.tx(
        () => {
          writer.setStatus(run, kit.task(run, 'b'), 'in_progress', { agent_id: 'w', attempt: 1 });
          effects.afterCommit(() => happened.push('told'));
          effects.stopAfter(() => happened.push('stopped'));
          writer.setStatus(run, kit.task(run, 'a'), 'done', {});
        },
        (runIds) => reloaded.push(runIds),
      ),
    ).toThrow(IllegalTransitionError);
    expect(reloaded).toEqual([[run.id]]);
    expect(happened).toEqual(['stopped']);
    expect(kit.stored(run.id, 'b')!.status).toBe('ready');
    expect(auditOf(run.id, 'b')).toEqual([]);
    await kit.flushEvents();
    expect(kit.events).toEqual([]);
    // The next transaction starts clean: nothing of the failed one comes along.
    kit.parts.loader.tx(() => writer.setStatus(run, kit.task(run, 'a'), 'cancelled', { reason: 'by test' }));
    expect(auditOf(run.id, 'b')).toEqual([]);
    expect(kit.stored(run.id, 'b')!.status).toBe('ready');
  });

  it("tells every kind's executor that asks that a task ended, once the transaction committed", () => {
    const ended: TaskEnded[] = [];
    // Executors that only hear of tasks' ends: no attempt starts here.
    const idle: Executor = {
      async *start() {
        yield { type: 'error', message: 'not started here' };
      },
    };
    kit = partsKit({
      executors: {
        echo: { ...idle, onTaskEnded: (e) => ended.push(e) },
        command: {
          ...idle,
          onTaskEnded: (e) => {
            if (e.task_id === 'b') throw new Error('hook failed');
          },
        },
      },
    });
    kit.agents([
      { id: 'w', kind: 'echo', skills: ['x'] },
      { id: 'c', kind: 'command', skills: ['x'], command: 'true' },
    ]);
    const run = kit.start({ plan_id: 'p', tasks: [task('a'), task('b'), task('d')] });
    const { writer } = kit.parts;
    kit.parts.loader.tx(() => {
      writer.setStatus(run, kit.task(run, 'a'), 'in_progress', { agent_id: 'w', attempt: 1 });
      writer.setStatus(run, kit.task(run, 'a'), 'done', {});
      writer.setStatus(run, kit.task(run, 'b'), 'in_progress', { agent_id: 'c', attempt: 1 });
      writer.setStatus(run, kit.task(run, 'b'), 'failed', { error: 'no' });
      // A task no agent held ends too: every kind that asks hears of it (a session note may be its).
      writer.setStatus(run, kit.task(run, 'd'), 'cancelled', {});
      expect(ended).toEqual([]);
    });
    expect(ended).toEqual([
      expect.objectContaining({
        run_id: run.id,
        task_id: 'a',
        status: 'done',
        agent: expect.objectContaining({ id: 'w', kind: 'echo' }),
      }),
      expect.objectContaining({
        run_id: run.id,
        task_id: 'b',
        status: 'failed',
        agent: expect.objectContaining({ id: 'c', kind: 'command' }),
      }),
      expect.objectContaining({ run_id: run.id, task_id: 'd', status: 'cancelled', agent: null }),
    ]);
    // The command kind's hook threw: logged, and the task's end stands.
    expect(kit.errors).toEqual([new Error('hook failed')]);
    expect(kit.stored(run.id, 'b')!.status).toBe('failed');
  });

  it('refuses to write to a run another process took over', () => {
    kit = partsKit();
    const run = kit.start({ plan_id: 'p', tasks: [task('a')] });
    run.lost = true;
    expect(() =>
      kit.parts.loader.tx(() => kit.parts.writer.setStatus(run, kit.task(run, 'a'), 'cancelled', {})),
    ).toThrow(`run "${run.id}" is being executed by another Baton process`);
    expect(kit.stored(run.id, 'a')!.status).toBe('ready');
  });

  it('asks the run’s decider as a task ends, calling it only once the transaction committed', async () => {
    const asked: DecisionContext[] = [];
    kit = partsKit({
      decide: async (_spec, ctx) => {
        asked.push(ctx);
        return { decision: { action: 'wait_for_more_tasks', reasoning: 'fine', urgency: 'normal' } };
      },
    });
    const run = kit.start({ plan_id: 'p', decider: { kind: 'rules' }, tasks: [task('a'), task('b')] });
    const { writer, questions } = kit.parts;
    kit.parts.loader.tx(() => {
      const a = kit.task(run, 'a');
      writer.setStatus(run, a, 'in_progress', { agent_id: 'w', attempt: 1 });
      writer.setStatus(run, a, 'done', { output: 'built' });
    });
    expect(run.decider?.pending).toBe(1);
    expect(asked).toEqual([]);
    questions.send();
    expect(asked).toEqual([
      expect.objectContaining({
        completed_task: expect.objectContaining({ task_id: 'a', status: 'done', success: true }),
        agent_outputs: { output: '"built"' },
        queue: expect.objectContaining({ ready: 1, open: 1 }),
      }),
    ]);
    await new Promise((r) => setImmediate(r));
    expect(kit.taken('decider.answer')).toEqual([
      expect.objectContaining({
        runId: run.id,
        taskId: 'a',
        decision: expect.objectContaining({ reasoning: 'fine' }),
      }),
    ]);
  });
});
