import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { AgentExecutionStats, RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { AppOptions, BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

let app: BatonApp;
afterEach(() => app?.close());

/** No executor for `echo`: agents of that kind become pull agents (remote daemons). */
const pullApp = () => {
  app = createApp({ dataDir: ':memory:', executors: { echo: undefined }, log: () => {} });
  return app;
};

/** A data directory for processes that share a store, removed once the test is over. */
const sharedDir = (prefix = 'baton-lease-') => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

/**
 * Another Baton process on `dir`, closed once the test is over (hooks run last first: before
 * `sharedDir` removes the directory).
 */
const secondProcess = (dir: string, opts: Omit<AppOptions, 'dataDir'> = {}) => {
  const other = createApp({ dataDir: dir, log: () => {}, ...opts });
  onTestFinished(() => other.close());
  return other;
};

interface Picked {
  task: { task_id: string; run_id: string; score: number } | null;
  reason?: string;
}

describe('the pull API', () => {
  it('selects by priority and deadline, only tasks whose dependencies are done', async () => {
    pullApp();
    const overdue = new Date(Date.now() - 3_600_000).toISOString();
    const tomorrow = new Date(Date.now() + 30 * 3_600_000).toISOString();
    const run = await setup(app, [{ id: 'vp', skills: ['x'], max_concurrency: 10 }], {
      plan_id: 'p',
      tasks: [
        task('low', { priority: 'LOW' }),
        task('high', { priority: 'HIGH' }),
        task('crit-blocked', { priority: 'CRITICAL', depends_on: ['low'] }),
        task('med-overdue', { priority: 'MEDIUM', deadline: overdue }),
        task('low-soon', { priority: 'LOW', deadline: tomorrow }),
      ],
    });
    const order: string[] = [];
    for (;;) {
      const next = await call<Picked>(app, 'work.selectNext', { agent_id: 'vp' });
      if (!next.task) break;
      order.push(`${next.task.task_id}:${next.task.score}`);
      await call(app, 'work.execute', { agent_id: 'vp', run_id: run, task_id: next.task.task_id });
    }
    // HIGH 100 = MEDIUM×10 overdue (first come wins), LOW×2 within 3 days, LOW; the CRITICAL one is blocked.
    expect(order).toEqual(['high:100', 'med-overdue:100', 'low-soon:2', 'low:1']);
    const done = await call<{ unblocked: string[] }>(app, 'work.complete', {
      agent_id: 'vp',
      run_id: run,
      task_id: 'low',
      status: 'completed',
      output: { summary: 'done' },
    });
    expect(done.unblocked).toEqual(['crit-blocked']);
    expect((await call<Picked>(app, 'work.selectNext', { agent_id: 'vp' })).task?.task_id).toBe(
      'crit-blocked',
    );
  });

  it('skips agents that are not ONLINE or BUSY, and names unknown agents and tasks', async () => {
    pullApp();
    const run = await setup(
      app,
      [
        { id: 'away', skills: ['x'], status: 'AWAY' },
        { id: 'off', skills: ['x'], status: 'OFFLINE' },
        { id: 'busy', skills: ['x'], status: 'BUSY' },
        { id: 'other', skills: ['y'] },
      ],
      { plan_id: 'p', tasks: [task('t')] },
    );
    expect(await call<Picked>(app, 'work.selectNext', { agent_id: 'away' })).toEqual({
      task: null,
      reason: 'agent is AWAY',
    });
    expect(await call<Picked>(app, 'work.selectNext', { agent_id: 'off' })).toEqual({
      task: null,
      reason: 'agent is OFFLINE',
    });
    expect((await call<Picked>(app, 'work.selectNext', { agent_id: 'other' })).task).toBeNull();
    expect((await call<Picked>(app, 'work.selectNext', { agent_id: 'busy' })).task?.task_id).toBe('t');
    await expect(call(app, 'work.selectNext', { agent_id: 'ghost' })).rejects.toThrow(
      'Agent not found: ghost',
    );
    await expect(
      call(app, 'work.execute', { agent_id: 'busy', run_id: run, task_id: 'nope' }),
    ).rejects.toThrow('Task not found: nope');
    await expect(call(app, 'work.execute', { agent_id: 'other', run_id: run, task_id: 't' })).rejects.toThrow(
      'Agent lacks required skills: x.',
    );
  });

  it('selects only tasks of a minimum priority when asked (min_priority)', async () => {
    pullApp();
    const overdue = new Date(Date.now() - 3_600_000).toISOString();
    await setup(app, [{ id: 'vp', skills: ['x'], max_concurrency: 10 }], {
      plan_id: 'p',
      tasks: [
        task('med-overdue', { priority: 'MEDIUM', deadline: overdue }),
        task('high', { priority: 'HIGH' }),
        task('low', { priority: 'LOW' }),
      ],
    });
    // Overdue, the MEDIUM task scores as HIGH does and came first: it is the best overall…
    const any = await call<Picked>(app, 'work.selectNext', { agent_id: 'vp' });
    expect(any.task?.task_id).toBe('med-overdue');
    // …but a limit is on priority, not on score.
    const high = await call<Picked>(app, 'work.selectNext', { agent_id: 'vp', min_priority: 'HIGH' });
    expect(high.task?.task_id).toBe('high');
    const critical = await call<Picked>(app, 'work.selectNext', { agent_id: 'vp', min_priority: 'CRITICAL' });
    expect(critical).toEqual({
      task: null,
      reason: 'no ready task of priority CRITICAL or higher matches this agent',
    });
    const bad = await app.dispatch('work.selectNext', { agent_id: 'vp', min_priority: 'URGENT' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('answers blocked for unmet dependencies and refuses work not assigned to the agent', async () => {
    pullApp();
    const run = await setup(
      app,
      [
        { id: 'a', skills: ['x'] },
        { id: 'b', skills: ['x'] },
      ],
      {
        plan_id: 'p',
        tasks: [task('first'), task('second', { depends_on: ['first'] })],
      },
    );
    expect(await call(app, 'work.execute', { agent_id: 'a', run_id: run, task_id: 'second' })).toEqual({
      status: 'blocked',
      error: 'Dependencies not met: waiting for first',
    });
    const taken = await call<{
      status: string;
      context: { task: { task_id: string }; agent: { id: string } };
    }>(app, 'work.execute', { agent_id: 'a', run_id: run, task_id: 'first' });
    expect(taken.status).toBe('in_progress');
    expect(taken.context).toMatchObject({ task: { task_id: 'first' }, agent: { id: 'a' } });
    await expect(
      call(app, 'work.complete', { agent_id: 'b', run_id: run, task_id: 'first', status: 'completed' }),
    ).rejects.toThrow('Task first is not assigned to agent b');
    await expect(
      call(app, 'work.progress', { agent_id: 'b', run_id: run, task_id: 'first', progress: 5 }),
    ).rejects.toThrow('Task first is not assigned to agent b');
  });

  it('prepares context only for a task the agent holds or could take', async () => {
    pullApp();
    const run = await setup(
      app,
      [
        { id: 'a', skills: ['x'] },
        { id: 'b', skills: ['x'] },
        { id: 'c', skills: ['y'] },
      ],
      { plan_id: 'p', tasks: [task('open'), task('pinned', { agent: 'b' })] },
    );
    const context = (agent_id: string, task_id: string) =>
      call(app, 'work.context', { agent_id, run_id: run, task_id });
    await expect(context('a', 'open')).resolves.toMatchObject({ agent: { id: 'a' } });
    await expect(context('a', 'pinned')).rejects.toThrow(
      'Task pinned is not assigned to agent a (pinned to b)',
    );
    await expect(context('b', 'pinned')).resolves.toMatchObject({ agent: { id: 'b' } });
    await expect(context('c', 'open')).rejects.toThrow('Agent lacks required skills: x.');
  });

  it('validates progress 0–100, keeps its history, and prepares context with dependencies and related tasks', async () => {
    pullApp();
    const run = await setup(
      app,
      [{ id: 'a', skills: ['x'], charter: { mission: 'Ship it', values: ['care'] } }],
      {
        plan_id: 'p',
        tasks: [
          task('base'),
          task('left', { depends_on: ['base'] }),
          task('right', { depends_on: ['base'] }),
        ],
      },
    );
    await call(app, 'work.execute', { agent_id: 'a', run_id: run, task_id: 'base' });
    await expect(
      call(app, 'work.progress', { agent_id: 'a', run_id: run, task_id: 'base', progress: 140 }),
    ).rejects.toThrow('Progress must be between 0 and 100');
    await call(app, 'work.progress', {
      agent_id: 'a',
      run_id: run,
      task_id: 'base',
      progress: 50,
      message: 'half',
      metadata: { lines: 150 },
    });
    await call(app, 'work.complete', {
      agent_id: 'a',
      run_id: run,
      task_id: 'base',
      status: 'completed',
      output: { api: '/users' },
    });
    const history = await call<{ progress: number; metadata: unknown }[]>(app, 'runs.taskProgress', {
      run_id: run,
      task_id: 'base',
    });
    expect(history).toMatchObject([{ progress: 50, message: 'half', metadata: { lines: 150 } }]);
    const ctx = await call<{
      agent: { charter: { mission: string } };
      dependencies: unknown[];
      related_tasks: { task_id: string; relation: string }[];
    }>(app, 'work.context', { agent_id: 'a', run_id: run, task_id: 'left' });
    expect(ctx.agent.charter.mission).toBe('Ship it');
    expect(ctx.dependencies).toEqual([
      { task_id: 'base', status: 'done', output: { api: '/users' }, completed: true },
    ]);
    expect(ctx.related_tasks).toEqual([
      { task_id: 'right', status: 'ready', description: 'do right', relation: 'sibling' },
    ]);
  });

  it('reports execution statistics: counts, success rate, average completion time', async () => {
    pullApp();
    const run = await setup(app, [{ id: 'a', skills: ['x'], max_concurrency: 5 }], {
      plan_id: 'p',
      tasks: [task('ok-1'), task('ok-2'), task('bad'), task('open')],
    });
    for (const t of ['ok-1', 'ok-2', 'bad', 'open'])
      await call(app, 'work.execute', { agent_id: 'a', run_id: run, task_id: t });
    await call(app, 'work.complete', { agent_id: 'a', run_id: run, task_id: 'ok-1', status: 'completed' });
    await call(app, 'work.complete', { agent_id: 'a', run_id: run, task_id: 'ok-2', status: 'completed' });
    await call(app, 'work.complete', {
      agent_id: 'a',
      run_id: run,
      task_id: 'bad',
      status: 'failed',
      error: 'nope',
    });
    const stats = await call<AgentExecutionStats>(app, 'work.stats', { agent_id: 'a' });
    expect(stats).toMatchObject({ agent_id: 'a', total: 4, completed: 2, failed: 1, in_progress: 1 });
    expect(stats.success_rate).toBeCloseTo(66.67, 1);
    expect(stats.average_completion_time).toBeGreaterThanOrEqual(0);
    const none = await call<AgentExecutionStats>(app, 'work.stats', {
      agent_id: 'a',
      start: '2000-01-01T00:00:00Z',
      end: '2000-01-02T00:00:00Z',
    });
    expect(none).toMatchObject({ total: 0, success_rate: null, average_completion_time: null });
    const d = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(d.tasks.find((t) => t.task_id === 'bad')).toMatchObject({ status: 'failed', error: 'nope' });
  });
});

describe('timeouts of pulled tasks', () => {
  it('fails an attempt a daemon holds past its timeout, and retries it like any other', async () => {
    pullApp();
    const run = await setup(app, [{ id: 'd', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [
        task('t', { timeout_s: 0.05, retry: { max_attempts: 2, backoff: { initial_ms: 1, jitter: 0 } } }),
      ],
    });
    const ref = { agent_id: 'd', run_id: run, task_id: 't' };
    const status = async () => (await call<RunDetail>(app, 'runs.get', { run_id: run })).tasks[0]!;
    expect(await call(app, 'work.execute', ref)).toMatchObject({ status: 'in_progress' });
    await eventually(async () => (await status()).status === 'ready', 2_000, 'the timeout');
    const audit = await call<AuditEntry[]>(app, 'audit.list', { run_id: run });
    expect(
      audit.filter((e) => e.entity_id === 't' && e.from_status === 'in_progress').map((e) => e.why),
    ).toEqual(['attempt 1 failed: timed out after 0.05 s; attempt 2 of 2 in 0.0 s']);
    // A report for the attempt that timed out is refused: the daemon no longer holds it.
    await expect(call(app, 'work.complete', { ...ref, status: 'completed' })).rejects.toThrow(
      'Task t is not assigned to agent d',
    );
    await eventually(
      async () => (await call<Picked>(app, 'work.selectNext', { agent_id: 'd' })).task !== null,
    );
    expect(await call(app, 'work.execute', ref)).toMatchObject({ status: 'in_progress' });
    await call(app, 'work.complete', { ...ref, status: 'completed' });
    expect(await app.engine.whenSettled(run)).toMatchObject({ status: 'completed' });
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: run, task_id: 't' });
    expect(attempts.map((a) => [a.attempt, a.outcome, a.error])).toEqual([
      [1, 'failed', 'timed out after 0.05 s'],
      [2, 'done', null],
    ]);
  });

  it('still times out an attempt a daemon took before a restart, counted from when it started', async () => {
    const dir = sharedDir('baton-pull-timeout-');
    let now = Date.now();
    const openDir = () => {
      app = createApp({
        dataDir: dir,
        clock: { now: () => now },
        executors: { echo: undefined },
        log: () => {},
      });
    };
    openDir();
    const run = await setup(app, [{ id: 'd', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [task('t', { timeout_s: 60 })],
    });
    expect(await call(app, 'work.execute', { agent_id: 'd', run_id: run, task_id: 't' })).toMatchObject({
      status: 'in_progress',
    });
    await app.close();
    // Baton comes back a minute and a second after the daemon took the task: its minute is
    // up (counted from the restart, it would have 60 s left, and this would wait in vain).
    now += 61_000;
    openDir();
    const stored = () => call<RunDetail>(app, 'runs.get', { run_id: run });
    await eventually(async () => (await stored()).status !== 'executing', 3_000, 'the timeout');
    const d = await stored();
    expect(d.status).toBe('failed');
    expect(d.tasks[0]).toMatchObject({
      status: 'failed',
      error: 'timed out after 60 s',
      attempt: 1,
    });
  });
});

describe('leases', () => {
  it('a woken process takes no report from a pull agent for a run another took over', async () => {
    const dir = sharedDir();
    let now = Date.now();
    const clock = { now: () => now };
    // No executor for echo: agent d is a daemon that pulls its work.
    app = createApp({ dataDir: dir, clock, executors: { echo: undefined }, log: () => {} });
    const run = await setup(app, [{ id: 'd', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
    const ref = { agent_id: 'd', run_id: run, task_id: 't' };
    expect(await call(app, 'work.execute', ref)).toMatchObject({ status: 'in_progress' });
    now += 60_000; // this process sleeps past its lease
    const other = secondProcess(dir, { clock, executors: { echo: undefined } });
    // The daemon still talks to the process it knew: its reports are refused, not lost.
    for (const [method, input] of [
      ['work.complete', { ...ref, status: 'completed', output: { from: 'sleeper' } }],
      ['work.progress', { ...ref, progress: 50, message: 'stale' }],
    ] as const) {
      const r = await app.dispatch(method, input);
      expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(!r.ok && r.error.message).toMatch(/being executed by another Baton process/);
    }
    const stored = await call<RunDetail>(other, 'runs.get', { run_id: run });
    expect(stored.tasks[0]).toMatchObject({ status: 'in_progress', progress: null, output: null });
    // Told to, it reports to the process that executes the run now.
    await call(other, 'work.complete', { ...ref, status: 'completed', output: { from: 'other' } });
    await other.engine.whenSettled(run);
    const done = await call<RunDetail>(other, 'runs.get', { run_id: run });
    expect(done.tasks[0]).toMatchObject({ status: 'done', output: { from: 'other' } });
  });

  it('a process that wakes after another took its run over writes nothing more to it', async () => {
    const dir = sharedDir();
    let now = Date.now();
    const clock = { now: () => now };
    const first = controlledExecutor(() => 'hold');
    app = createApp({ dataDir: dir, clock, executors: { echo: first.executor }, log: () => {} });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
    await eventually(() => first.running.has('t'));
    const waitedHere = app.engine.whenSettled(run);
    // This process sleeps past its lease (30 s): no renewal happens meanwhile.
    now += 60_000;
    const second = controlledExecutor(() => 'hold');
    const other = secondProcess(dir, { clock, executors: { echo: second.executor } });
    // The other process takes the expired lease and runs the task again, as attempt 2.
    await eventually(() => second.running.has('t'));
    // The sleeper wakes: its first write (here a cancel; else its next tick or build log)
    // finds the run taken over, is refused, and stops the agent it still had on the task.
    const r = await app.dispatch('runs.cancel', { run_id: run, actor: 'sleeper' });
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(!r.ok && r.error.message).toMatch(/being executed by another Baton process/);
    await eventually(() => first.aborted.includes('t#1'));
    // Whoever waited for the run there learns it goes on elsewhere, still executing.
    expect(await waitedHere).toMatchObject({ id: run, status: 'executing' });
    first.running.get('t')?.finish(); // an answer that comes anyway is not recorded
    await new Promise((res) => setTimeout(res, 20));
    const stored = await call<RunDetail>(other, 'runs.get', { run_id: run });
    expect(stored.tasks.find((t) => t.task_id === 't')).toMatchObject({
      status: 'in_progress',
      attempt: 2,
    });
    // The run goes on where it is executed now.
    second.running.get('t')!.finish();
    await other.engine.whenSettled(run);
    const done = await call<RunDetail>(other, 'runs.get', { run_id: run });
    expect(done).toMatchObject({ status: 'completed' });
    expect(done.tasks[0]).toMatchObject({ status: 'done', attempt: 2 });
  });

  it('a takeover this process cannot see coming (its lease looks fresh) still stops its writes', async () => {
    // The other process's clock runs a minute ahead: to it this process's lease has expired,
    // while this process renewed a moment ago and has no reason to look again before writing.
    // Only the check inside the write transaction can tell.
    const dir = sharedDir();
    const now = Date.now();
    const first = controlledExecutor(() => 'hold');
    app = createApp({
      dataDir: dir,
      clock: { now: () => now },
      executors: { echo: first.executor },
      log: () => {},
    });
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 2 }], {
      plan_id: 'p',
      tasks: [task('a'), task('b')],
    });
    await eventually(() => first.running.has('a') && first.running.has('b'));
    const agentOnA = first.running.get('a')!;
    const waitedHere = app.engine.whenSettled(run);
    const second = controlledExecutor(() => 'hold');
    const other = secondProcess(dir, {
      clock: { now: () => now + 60_000 },
      executors: { echo: second.executor },
    });
    await eventually(() => second.running.has('a') && second.running.has('b'));
    // A result the first process's agent still delivers is not recorded there (its next
    // write, this result's or a build log's, finds the run taken over)…
    agentOnA.finish({ from: 'first' });
    await eventually(() => first.aborted.includes('b#1'));
    expect(await waitedHere).toMatchObject({ id: run, status: 'executing' });
    // …nor is a cancel asked of it.
    const r = await app.dispatch('runs.cancel', { run_id: run, actor: 'sleeper' });
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const stored = await call<RunDetail>(other, 'runs.get', { run_id: run });
    expect(stored.status).toBe('executing');
    for (const t of stored.tasks)
      expect(t).toMatchObject({ status: 'in_progress', attempt: 2, output: null });
    second.running.get('a')!.finish({ from: 'other' });
    second.running.get('b')!.finish({ from: 'other' });
    const done = await other.engine.whenSettled(run);
    expect(done.status).toBe('completed');
    const final = await call<RunDetail>(other, 'runs.get', { run_id: run });
    expect(final.tasks.map((t) => t.output)).toEqual([{ from: 'other' }, { from: 'other' }]);
  });

  it('a second process on the same data directory cannot run the same run', async () => {
    const dir = sharedDir();
    const exec = controlledExecutor(() => 'hold');
    app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
    await eventually(() => exec.running.has('t'));
    const other = secondProcess(dir);
    try {
      expect(other.engine.resumeUnfinished()).toEqual([]);
      const r = await other.dispatch('runs.cancel', { run_id: run });
      expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect(!r.ok && r.error.message).toMatch(/being executed by another Baton process/);
    } finally {
      exec.running.get('t')?.finish();
      await app.engine.whenSettled(run);
    }
  });
});
