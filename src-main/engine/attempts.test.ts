import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { PartsKit } from '../../test/kit/parts-kit.ts';
import { partsKit, task } from '../../test/kit/parts-kit.ts';
import type { Executor, ExecutorEvent, TaskContext } from './executor.ts';
import type { ActiveRun } from './run-state.ts';

let kit: PartsKit;
afterEach(() => kit?.close());

/** Takes a queued task to its agent, as dispatch does, and returns the agent and executor to start. */
function assign(run: ActiveRun, taskId: string) {
  const { flow, agents } = kit.parts;
  const m = agents.match(run.specs.get(taskId)!);
  if (m.kind !== 'assigned') throw new Error(`${taskId}: ${m.reason}`);
  kit.parts.loader.tx(() => {
    kit.rt.queue.remove(run.id, taskId);
    flow.assign(run, kit.task(run, taskId), m.agent, m.explanation);
  });
  return m.agent;
}

/** An executor that yields `events`, recording the context it was given and whether it was aborted. */
function scripted(events: ExecutorEvent[], hold = false) {
  const seen: { ctx: TaskContext | null; aborted: boolean } = { ctx: null, aborted: false };
  const executor: Executor = {
    async *start(ctx, signal) {
      seen.ctx = ctx;
      for (const ev of events) yield ev;
      if (hold)
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => {
            seen.aborted = true;
            resolve();
          }),
        );
    },
  };
  return { executor, seen };
}

describe('Attempts', () => {
  it('runs an attempt in a fresh workspace with what its dependencies produced; its reports and its end go to the inbox', async () => {
    kit = partsKit();
    kit.agents([{ id: 'w', skills: ['x'] }]);
    const run = kit.start({ plan_id: 'p', tasks: [task('a'), task('b', { depends_on: ['a'] })] });
    const { attempts, flow } = kit.parts;
    // `a` ends done with a file: `b` is handed its output and the file.
    assign(run, 'a');
    const a = kit.task(run, 'a');
    kit.parts.loader.tx(() => {
      attempts.applyNote({
        kind: 'executor.note',
        runId: run.id,
        taskId: 'a',
        attempt: 1,
        event: { type: 'artifact', name: 'r.txt', path: '/tmp/r.txt', size: 3, sha256: 'abc' },
      });
      flow.complete({
        kind: 'attempt.ended',
        runId: run.id,
        taskId: 'a',
        attempt: a.attempt,
        ok: true,
        output: 7,
      });
    });
    const agent = assign(run, 'b');
    const { executor, seen } = scripted([
      { type: 'progress', percent: 50 },
      { type: 'result', output: { sum: 8 } },
    ]);
    await attempts.start(run, kit.task(run, 'b'), agent, executor);
    const ctx = seen.ctx!;
    expect(ctx).toMatchObject({
      run_id: run.id,
      attempt: 1,
      delegation_task_id: 'b-delegated',
      agent: { id: 'w' },
    });
    expect(ctx.dependencies).toEqual([
      {
        task_id: 'a',
        status: 'done',
        output: 7,
        artifacts: [{ name: 'r.txt', path: '/tmp/r.txt', size: 3, sha256: 'abc' }],
      },
    ]);
    expect(ctx.workspace).toBe(`${kit.workspaceRoot}/${run.id}/b/1`);
    expect(statSync(ctx.workspace).mode & 0o777).toBe(0o700);
    expect(kit.taken('executor.note')).toEqual([
      {
        kind: 'executor.note',
        runId: run.id,
        taskId: 'b',
        attempt: 1,
        event: { type: 'progress', percent: 50 },
      },
    ]);
    expect(kit.taken('attempt.ended')).toEqual([
      { kind: 'attempt.ended', runId: run.id, taskId: 'b', attempt: 1, ok: true, output: { sum: 8 } },
    ]);
    expect(run.inflight.has('b')).toBe(false);
  });

  it('ends an attempt that passes its timeout as failed, and aborts its agent', async () => {
    kit = partsKit();
    kit.agents([{ id: 'w', skills: ['x'] }]);
    const run = kit.start({ plan_id: 'p', tasks: [task('slow', { timeout_s: 0.05 })] });
    const agent = assign(run, 'slow');
    const { executor, seen } = scripted([], true);
    await kit.parts.attempts.start(run, kit.task(run, 'slow'), agent, executor);
    expect(seen.aborted).toBe(true);
    expect(kit.taken('attempt.ended')).toEqual([
      expect.objectContaining({ taskId: 'slow', ok: false, error: 'timed out after 0.05 s' }),
    ]);
  });

  it('applies what an executor reported to the attempt it belongs to, and nothing of an older attempt', async () => {
    kit = partsKit();
    kit.agents([{ id: 'w', skills: ['x'] }]);
    const run = kit.start({ plan_id: 'p', tasks: [task('t')] });
    assign(run, 't');
    const t = kit.task(run, 't');
    const note = (attempt: number, event: ExecutorEvent) =>
      kit.parts.attempts.applyNote({ kind: 'executor.note', runId: run.id, taskId: 't', attempt, event });
    kit.parts.loader.tx(() => {
      note(1, { type: 'progress', percent: 140, message: 'nearly' });
      note(1, { type: 'log', stream: 'stdout', text: 'hello' });
      note(1, { type: 'usage', prompt_tokens: 10, completion_tokens: 5, cost: 0.25, model: 'm' });
      note(1, { type: 'usage', prompt_tokens: 1, completion_tokens: 1, cost: 0.5, model: 'm' });
      note(0, { type: 'progress', percent: 5 });
    });
    expect(t).toMatchObject({ progress: 100, progress_message: 'nearly' });
    expect(kit.stored(run.id, 't')).toMatchObject({ progress: 100 });
    expect(kit.store.execution.progress(run.id, 't')).toEqual([expect.objectContaining({ progress: 100 })]);
    expect(run.usage.get('t')).toBe(0.75);
    expect(kit.store.execution.logs(run.id, 't', 0, 10).map((l) => `${l.stream}: ${l.text}`)).toEqual([
      'stdout: hello',
      'info: usage: 10 prompt + 5 completion tokens on m, cost 0.25',
      'info: usage: 1 prompt + 1 completion tokens on m, cost 0.5',
    ]);
    await kit.flushEvents();
    expect(kit.events.filter((e) => e.name === 'task.log').map((e) => e.payload)).toEqual([
      expect.objectContaining({ text: 'hello', attempt: 1 }),
    ]);
  });

  it('stores files a person hands in, in the attempt’s workspace, as its artifacts', () => {
    kit = partsKit();
    kit.agents([{ id: 'ana', kind: 'human', skills: ['x'] }]);
    const run = kit.start({ plan_id: 'p', tasks: [task('t')] });
    const t = kit.task(run, 't');
    kit.parts.loader.tx(() => {
      kit.rt.queue.remove(run.id, 't');
      const ana = kit.parts.agents.of('ana')!;
      kit.parts.flow.assign(run, t, ana, kit.parts.agents.explainPulled(run.specs.get('t')!, ana));
    });
    kit.parts.loader.tx(() =>
      kit.parts.attempts.storeFiles(run, t, [
        { name: 'notes.txt', content: 'done', encoding: 'utf8' },
        { name: 'data.bin', content: Buffer.from([0, 1, 2]).toString('base64'), encoding: 'base64' },
      ]),
    );
    const artifacts = kit.store.execution.artifacts(run.id, 't');
    expect(artifacts.map((a) => [a.name, a.size, a.attempt])).toEqual([
      ['notes.txt', 4, 1],
      ['data.bin', 3, 1],
    ]);
    expect(readFileSync(artifacts[0]!.path, 'utf8')).toBe('done');
    expect(statSync(artifacts[0]!.path).mode & 0o777).toBe(0o600);
    expect(run.withArtifacts.has('t')).toBe(true);
  });
});
