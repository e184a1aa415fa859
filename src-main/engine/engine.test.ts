import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { AuditEntry, MemorySearchHit } from '../../src-shared/schemas/memory.ts';
import type {
  AgentExecutionStats,
  BuildResponse,
  RunDetail,
  SpendReport,
  TaskAttempt,
  TaskRun,
} from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import type { Executor } from './executor.ts';

let app: BatonApp;
afterEach(() => app?.close());

const open = (exec: ReturnType<typeof controlledExecutor>, maxInFlight?: number) => {
  app = createApp({
    dataDir: ':memory:',
    executors: { echo: exec.executor },
    log: () => {},
    ...(maxInFlight !== undefined ? { maxInFlight } : {}),
  });
  return app;
};
const detail = (runId: string) => call<RunDetail>(app, 'runs.get', { run_id: runId });
const byId = (d: RunDetail) =>
  Object.fromEntries(d.tasks.map((t) => [t.task_id, t])) as Record<string, TaskRun>;
const settled = async (runId: string) => {
  await app.engine.whenSettled(runId);
  return detail(runId);
};

describe('execution', () => {
  it('runs independent tasks in parallel, bounded by each agent’s max_concurrency', async () => {
    const exec = controlledExecutor();
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 3 }], {
      plan_id: 'p',
      tasks: Array.from({ length: 8 }, (_, i) => task(`t${i}`)),
    });
    await eventually(() => exec.running.size === 3, 2_000, 'three running');
    await new Promise((r) => setTimeout(r, 20));
    expect(exec.running.size).toBe(3);
    // The next in line says why it waits; the rest are queued behind it.
    const t = byId(await detail(run));
    expect(t.t3).toMatchObject({ status: 'ready', reason: 'Waiting for capacity: w (3/3)' });
    expect(t.t3!.match?.rejected).toEqual([{ agent_id: 'w', reason: 'at capacity (3/3)' }]);
    expect(t.t7!.status).toBe('ready');
    while ((await detail(run)).status === 'executing') {
      for (const e of exec.running.values()) e.finish();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(exec.maxConcurrent).toBe(3);
    expect((await detail(run)).counts.done).toBe(8);
  });

  it('runs no more tasks at once than the global limit, across runs, and the next in line says why', async () => {
    const exec = controlledExecutor();
    open(exec, 2);
    const agents = [{ id: 'w', skills: ['x'], max_concurrency: 10 }];
    const first = await setup(app, agents, { plan_id: 'p', tasks: [task('a1'), task('a2'), task('a3')] });
    await call(app, 'plans.import', { plan: { plan_id: 'q', tasks: [task('b1')] } });
    const second = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'q' });
    await eventually(() => exec.running.size === 2, 2_000, 'two running');
    await new Promise((r) => setTimeout(r, 20));
    expect(exec.running.size).toBe(2);
    expect(byId(await detail(first)).a3).toMatchObject({
      status: 'ready',
      reason: 'Waiting for capacity: 2 tasks running (global limit 2)',
    });
    while (app.engine.isActive(first) || app.engine.isActive(second.run_id)) {
      for (const e of exec.running.values()) e.finish();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(exec.maxConcurrent).toBe(2);
    expect((await detail(first)).counts.done).toBe(3);
    expect((await detail(second.run_id)).counts.done).toBe(1);
  });

  it('starts ready tasks by priority weight × deadline boost, first come among equals', async () => {
    const exec = controlledExecutor(() => ({ ok: true }));
    open(exec);
    const soon = new Date(Date.now() - 60_000).toISOString(); // overdue: ×10
    await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 1 }], {
      plan_id: 'p',
      tasks: [
        task('low-1', { priority: 'LOW' }),
        task('med-1'),
        task('high-1', { priority: 'HIGH' }),
        task('med-2'),
        task('crit', { priority: 'CRITICAL' }),
        task('med-overdue', { deadline: soon }),
        task('low-2', { priority: 'LOW' }),
      ],
    });
    await eventually(() => exec.started.length === 7);
    // 1000 > 100 = MEDIUM×10 (overdue) > 10 > 1; equal scores keep plan order.
    expect(exec.started.map((s) => s.split('#')[0])).toEqual([
      'crit',
      'high-1',
      'med-overdue',
      'med-1',
      'med-2',
      'low-1',
      'low-2',
    ]);
  });

  it('passes dependency results on, and a failure skips its dependents while other branches go on', async () => {
    const exec = controlledExecutor((ctx) =>
      ctx.task.task_id === 'bad'
        ? { ok: false, error: 'boom' }
        : { ok: true, output: { from: ctx.task.task_id, deps: ctx.dependencies.map((d) => d.output) } },
    );
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 4 }], {
      plan_id: 'p',
      tasks: [
        task('a'),
        task('b', { depends_on: ['a'] }),
        task('bad'),
        task('after-bad', { depends_on: ['bad'] }),
        task('after-after', { depends_on: ['after-bad'] }),
      ],
    });
    const d = await settled(run);
    const t = byId(d);
    expect(t.b!.output).toEqual({ from: 'b', deps: [{ from: 'a', deps: [] }] });
    expect(t.bad).toMatchObject({ status: 'failed', error: 'boom' });
    expect(t['after-bad']).toMatchObject({ status: 'skipped', reason: 'dependency "bad" ended failed' });
    expect(t['after-after']).toMatchObject({
      status: 'skipped',
      reason: 'dependency "after-bad" ended skipped',
    });
    expect(d.status).toBe('failed');
  });

  it('retries with exponential backoff and says so, then succeeds', async () => {
    let calls = 0;
    const exec = controlledExecutor(() =>
      ++calls < 3 ? { ok: false, error: `flaky ${calls}` } : { ok: true },
    );
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [task('t', { retry: { max_attempts: 3, backoff: { initial_ms: 10, factor: 2, jitter: 0 } } })],
    });
    const d = await settled(run);
    expect(byId(d).t).toMatchObject({ status: 'done', attempt: 3, delegation_task_id: 't-delegated-3' });
    expect(exec.started).toEqual(['t#1', 't#2', 't#3']);
    const audit = await call<AuditEntry[]>(app, 'audit.list', { run_id: run });
    const whys = audit.filter((e) => e.entity_id === 't' && e.to_status === 'ready').map((e) => e.why);
    expect(whys).toEqual([
      'attempt 1 failed: flaky 1; attempt 2 of 3 in 0.0 s',
      'attempt 2 failed: flaky 2; attempt 3 of 3 in 0.0 s',
    ]);
    // Every attempt is kept and counted, not only the one on the task's row.
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: run, task_id: 't' });
    expect(attempts.map((a) => [a.attempt, a.agent_id, a.outcome, a.error])).toEqual([
      [1, 'w', 'failed', 'flaky 1'],
      [2, 'w', 'failed', 'flaky 2'],
      [3, 'w', 'done', null],
    ]);
    for (const a of attempts)
      expect(Date.parse(a.finished_at!)).toBeGreaterThanOrEqual(Date.parse(a.started_at!));
    expect(await call<AgentExecutionStats>(app, 'work.stats', { agent_id: 'w' })).toMatchObject({
      total: 3,
      completed: 1,
      failed: 2,
      interrupted: 0,
      success_rate: 33.33,
    });
  });

  it('fails after the last attempt', async () => {
    const exec = controlledExecutor(() => ({ ok: false, error: 'always' }));
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [task('t', { retry: { max_attempts: 2, backoff: { initial_ms: 1 } } })],
    });
    expect(byId(await settled(run)).t).toMatchObject({ status: 'failed', attempt: 2, error: 'always' });
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: run, task_id: 't' });
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect(await call<AgentExecutionStats>(app, 'work.stats', { agent_id: 'w' })).toMatchObject({
      total: 2,
      failed: 2,
      success_rate: 0,
    });
  });

  it('counts a failed attempt once when the task is cancelled while its retry waits', async () => {
    const exec = controlledExecutor(() => ({ ok: false, error: 'flaky' }));
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [task('t', { retry: { max_attempts: 3, backoff: { initial_ms: 60_000, jitter: 0 } } })],
    });
    await eventually(async () => byId(await detail(run)).t?.retry_at != null, 5_000, 'the retry to wait');
    await call(app, 'runs.cancelTask', { run_id: run, task_id: 't', actor: 'ops' });
    expect(byId(await settled(run)).t).toMatchObject({ status: 'cancelled', attempt: 1 });
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: run, task_id: 't' });
    expect(attempts.map((a) => [a.attempt, a.outcome, a.error])).toEqual([[1, 'failed', 'flaky']]);
    expect(await call<AgentExecutionStats>(app, 'work.stats', { agent_id: 'w' })).toMatchObject({
      total: 1,
      failed: 1,
      cancelled: 0,
    });
  });

  it('times a task out, aborting the agent’s work', async () => {
    const exec = controlledExecutor(() => 'hold');
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [task('slow', { timeout_s: 0.05 })],
    });
    const d = await settled(run);
    expect(byId(d).slow).toMatchObject({ status: 'failed', error: 'timed out after 0.05 s' });
    expect(exec.aborted).toEqual(['slow#1']);
  });

  it('cancels one task (stopping its agent) and lets independent work finish', async () => {
    const exec = controlledExecutor((ctx) => (ctx.task.task_id === 'hang' ? 'hold' : { ok: true }));
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 2 }], {
      plan_id: 'p',
      tasks: [
        task('hang'),
        task('after', { depends_on: ['hang'] }),
        task('other'),
        task('other-2', { depends_on: ['other'] }),
      ],
    });
    await eventually(() => exec.running.has('hang'));
    const cancelled = await call<TaskRun>(app, 'runs.cancelTask', { run_id: run, task_id: 'hang' });
    expect(cancelled.status).toBe('cancelled');
    expect(exec.aborted).toEqual(['hang#1']);
    const t = byId(await settled(run));
    expect(t.after).toMatchObject({ status: 'skipped', reason: 'dependency "hang" ended cancelled' });
    expect(t['other-2']!.status).toBe('done');
  });

  it('cancels a whole run, stopping every agent', async () => {
    const exec = controlledExecutor(() => 'hold');
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 5 }], {
      plan_id: 'p',
      tasks: [task('a'), task('b'), task('c', { depends_on: ['a'] })],
    });
    await eventually(() => exec.running.size === 2);
    await call(app, 'runs.cancel', { run_id: run });
    const d = await detail(run);
    expect(d.status).toBe('cancelled');
    expect(d.tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(exec.aborted.sort()).toEqual(['a#1', 'b#1']);
    await expect(call(app, 'runs.cancel', { run_id: run })).rejects.toThrow(/already cancelled/);
  });

  it('runs a conditional task only when its condition holds', async () => {
    const exec = controlledExecutor((ctx) =>
      ctx.task.task_id === 'build'
        ? { ok: false, error: 'compile error' }
        : { ok: true, output: { verdict: ctx.task.task_id === 'review' ? 'reject' : 'ok' } },
    );
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 4 }], {
      plan_id: 'p',
      tasks: [
        task('build'),
        task('cleanup', {
          depends_on: ['build'],
          condition: { dependencies: { build: ['failed', 'cancelled'] } },
        }),
        task('review'),
        task('ship', {
          depends_on: ['review'],
          condition: { output: { task_id: 'review', path: 'verdict', equals: 'approve' } },
        }),
        task('rework', {
          depends_on: ['review'],
          condition: { output: { task_id: 'review', path: 'verdict', matches: '^rej' } },
        }),
      ],
    });
    const t = byId(await settled(run));
    expect(t.cleanup!.status).toBe('done');
    expect(t.ship).toMatchObject({
      status: 'skipped',
      reason: 'condition not met: output of "review" at verdict does not equal "approve"',
    });
    expect(t.rework!.status).toBe('done');
  });

  it('ends completed when a branch is skipped because its condition said so (a branch not taken)', async () => {
    open(controlledExecutor(() => ({ ok: true })));
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [
        task('work'),
        task('cleanup', { depends_on: ['work'], condition: { dependencies: { work: ['failed'] } } }),
      ],
    });
    const d = await settled(run);
    expect(byId(d).cleanup!.status).toBe('skipped');
    expect(d.status).toBe('completed');
  });

  it('ends cancelled, not failed, when the task cancelled was waiting for an approval', async () => {
    open(controlledExecutor(() => ({ ok: true })));
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [task('gate', { requires_approval: true })],
    });
    await eventually(async () => byId(await detail(run)).gate!.status === 'awaiting_approval');
    await call(app, 'runs.cancelTask', { run_id: run, task_id: 'gate', actor: 'ana' });
    const d = await settled(run);
    expect(byId(d).gate!.status).toBe('cancelled');
    expect(d.status).toBe('cancelled');
  });

  it('does not ask a person to approve a task no agent can take: it is unassigned at once', async () => {
    open(controlledExecutor(() => ({ ok: true })));
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await call(app, 'plans.import', {
      plan: { plan_id: 'p', tasks: [task('gate', { requires_approval: true, required_skills: ['z'] })] },
    });
    const built = await call<BuildResponse>(app, 'runs.start', { plan_id: 'p' });
    expect(built).toMatchObject({ status: 'failed', delegated_tasks: [] });
    const d = await settled(built.run_id);
    expect(byId(d).gate).toMatchObject({
      status: 'unassigned',
      reason: 'No qualified agent found: Agent lacks required skills: z.',
    });
    expect(await call<unknown[]>(app, 'approvals.list', { status: 'pending' })).toEqual([]);
  });

  it('still asks for the approval when an agent that can take the task comes while it waits in line', async () => {
    // One slot (global limit 1), held by `long`: `gated` waits in the queue, unqualified for now.
    const exec = controlledExecutor((ctx) => (ctx.task.task_id === 'long' ? 'hold' : { ok: true }));
    open(exec, 1);
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'p',
        tasks: [task('long'), task('gated', { requires_approval: true, required_skills: ['z'] })],
      },
    });
    const { run_id } = await call<BuildResponse>(app, 'runs.start', { plan_id: 'p' });
    await eventually(() => exec.running.has('long'));
    await call(app, 'agents.import', { agents: [{ id: 'z1', skills: ['z'] }] });
    exec.running.get('long')!.finish();
    await eventually(async () => byId(await detail(run_id)).gated!.status === 'awaiting_approval');
    expect(exec.started.filter((s) => s.startsWith('gated'))).toEqual([]);
    expect(await call<unknown[]>(app, 'approvals.list', { status: 'pending' })).toHaveLength(1);
  });

  it('gates tasks for approval; answering one resumes only that branch, rejection skips dependents', async () => {
    const exec = controlledExecutor(() => ({ ok: true }));
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 4 }], {
      plan_id: 'p',
      tasks: [
        task('free'),
        task('gate-a', { requires_approval: true }),
        task('gate-b', { requires_approval: true }),
        task('after-a', { depends_on: ['gate-a'] }),
        task('after-b', { depends_on: ['gate-b'] }),
      ],
    });
    await eventually(() => exec.started.includes('free#1'));
    const pending = await call<Approval[]>(app, 'approvals.list', { status: 'pending' });
    expect(pending.map((a) => [a.task_id, a.kind])).toEqual([
      ['gate-a', 'approval_required'],
      ['gate-b', 'approval_required'],
    ]);
    await eventually(async () => byId(await detail(run)).free!.status === 'done');
    const a = pending.find((p) => p.task_id === 'gate-a')!;
    const decided = await call<Approval>(app, 'approvals.decide', {
      approval_id: a.id,
      decision: 'approve',
      actor: 'ana',
      comment: 'looks fine',
    });
    expect(decided).toMatchObject({ status: 'approved', actor: 'ana', comment: 'looks fine' });
    await eventually(() => exec.started.includes('after-a#1'));
    expect(byId(await detail(run))['gate-b']!.status).toBe('awaiting_approval');
    expect(exec.started.filter((s) => s === 'free#1')).toHaveLength(1); // finished work never re-runs
    const b = pending.find((p) => p.task_id === 'gate-b')!;
    await call(app, 'approvals.decide', {
      approval_id: b.id,
      decision: 'reject',
      actor: 'bo',
      comment: 'too risky',
    });
    const t = byId(await settled(run));
    expect(t['gate-b']).toMatchObject({ status: 'skipped', reason: 'rejected by bo: too risky' });
    expect(t['after-b']).toMatchObject({ status: 'skipped', reason: 'dependency "gate-b" ended skipped' });
    // A person's rejection is not a branch not taken: the run ends failed.
    expect((await detail(run)).status).toBe('failed');
    const audit = await call<AuditEntry[]>(app, 'audit.list', { run_id: run });
    expect(audit.find((e) => e.entity === 'approval' && e.to_status === 'rejected')).toMatchObject({
      actor: 'bo',
    });
    await expect(
      call(app, 'approvals.decide', { approval_id: b.id, decision: 'approve', actor: 'x' }),
    ).rejects.toThrow(/already rejected/);
  });

  it('closes the approval of a task cancelled while it waited, so nothing stays pending', async () => {
    const exec = controlledExecutor(() => ({ ok: true }));
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [task('gated', { requires_approval: true }), task('other')],
    });
    await eventually(
      async () => (await call<Approval[]>(app, 'approvals.list', { status: 'pending' })).length === 1,
    );
    await call(app, 'runs.cancelTask', { run_id: run, task_id: 'gated', actor: 'ana' });
    expect(await call<Approval[]>(app, 'approvals.list', { status: 'pending' })).toEqual([]);
    const [closed] = await call<Approval[]>(app, 'approvals.list', {});
    expect(closed).toMatchObject({
      status: 'rejected',
      actor: 'ana',
      comment: 'closed: cancelled by ana',
    });
    await settled(run);
  });

  it('holds a task that would pass the budget for approval, and records every charge', async () => {
    const exec = controlledExecutor(() => ({ ok: true }));
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 1 }], {
      plan_id: 'p',
      budget: 10,
      tasks: [task('a', { estimated_cost: 6 }), task('b', { estimated_cost: 6, depends_on: ['a'] })],
    });
    await eventually(
      async () => (await call<Approval[]>(app, 'approvals.list', { status: 'pending' })).length > 0,
    );
    const pending = await call<Approval[]>(app, 'approvals.list', { status: 'pending' });
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ task_id: 'b', kind: 'budget', cost: 6 });
    expect(pending[0]!.reason).toBe(
      'cost 6 would pass the plan budget of 10 for this run (spent 6, in flight 0)',
    );
    const spend = await call<SpendReport>(app, 'runs.spend', { scope: 'run', id: run });
    expect(spend).toMatchObject({ spent: 6, budget: 10, remaining: 4 });
    await call(app, 'approvals.decide', { approval_id: pending[0]!.id, decision: 'approve', actor: 'ana' });
    await settled(run);
    const after = await call<SpendReport>(app, 'runs.spend', { scope: 'run', id: run });
    expect(after.spent).toBe(12);
    expect(after.transactions.map((t) => [t.task_id, t.amount, t.agent_id])).toEqual([
      ['a', 6, 'w'],
      ['b', 6, 'w'],
    ]);
  });

  it('holds every task once the budget is used up, even one without an estimate (charged by usage)', async () => {
    // Each attempt reports a usage cost of 5; no task has an estimate, nor the agent a cost per task.
    const executor: Executor = {
      async *start() {
        yield { type: 'usage', prompt_tokens: 10, completion_tokens: 10, cost: 5, model: 'm' };
        yield { type: 'result', output: { ok: true } };
      },
    };
    app = createApp({ dataDir: ':memory:', executors: { echo: executor }, log: () => {} });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      budget: 1,
      tasks: [task('a'), task('b', { depends_on: ['a'] }), task('c', { depends_on: ['b'] })],
    });
    const pendingFor = async (taskId: string) => {
      await eventually(async () => byId(await detail(run))[taskId]!.status === 'awaiting_approval');
      const pending = await call<Approval[]>(app, 'approvals.list', { status: 'pending' });
      expect(pending).toHaveLength(1);
      return pending[0]!;
    };
    const first = await pendingFor('b');
    expect(first).toMatchObject({ task_id: 'b', kind: 'budget', cost: 0 });
    expect(first.reason).toBe('the plan budget of 1 for this run is used up (spent 5, in flight 0)');
    expect(byId(await detail(run)).a!.status).toBe('done');
    expect((await call<SpendReport>(app, 'runs.spend', { scope: 'plan', id: 'p' })).spent).toBe(5);
    // A person lets it pass: it runs, and the next one waits again.
    await call(app, 'approvals.decide', { approval_id: first.id, decision: 'approve', actor: 'ana' });
    const second = await pendingFor('c');
    expect(second.reason).toBe('the plan budget of 1 for this run is used up (spent 10, in flight 0)');
    await call(app, 'approvals.decide', { approval_id: second.id, decision: 'approve', actor: 'ana' });
    expect((await settled(run)).status).toBe('completed');
    expect((await call<SpendReport>(app, 'runs.spend', { scope: 'plan', id: 'p' })).spent).toBe(15);
  });

  it('audits an approval when it is asked for, and when cancelling its task closes it', async () => {
    open(controlledExecutor(() => ({ ok: true })));
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [task('gated', { requires_approval: true })],
    });
    await eventually(async () => byId(await detail(run)).gated!.status === 'awaiting_approval');
    const [approval] = await call<Approval[]>(app, 'approvals.list', { status: 'pending' });
    await call(app, 'runs.cancelTask', { run_id: run, task_id: 'gated', actor: 'ana' });
    await settled(run);
    const entries = await call<AuditEntry[]>(app, 'audit.list', { run_id: run });
    expect(
      entries
        .filter((e) => e.entity === 'approval')
        .map(({ entity_id, run_id, from_status, to_status, actor, why }) => ({
          entity_id,
          run_id,
          from_status,
          to_status,
          actor,
          why,
        })),
    ).toEqual([
      {
        entity_id: approval!.id,
        run_id: run,
        from_status: null,
        to_status: 'pending',
        actor: 'engine',
        why: 'approval_required for task "gated": the plan requires approval for this task',
      },
      {
        entity_id: approval!.id,
        run_id: run,
        from_status: 'pending',
        to_status: 'rejected',
        actor: 'ana',
        why: 'approval_required for task "gated" closed: cancelled by ana',
      },
    ]);
  });

  it('records progress with history, streams logs, and writes task results to memory', async () => {
    const exec = controlledExecutor(() => 'hold');
    open(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
    await eventually(() => exec.running.has('t'));
    const e = exec.running.get('t')!;
    e.emit({ type: 'progress', percent: 40, message: 'reading' });
    e.emit({ type: 'log', stream: 'stdout', text: 'hello from the agent' });
    e.emit({ type: 'progress', percent: 80, message: 'writing' });
    await eventually(async () => byId(await detail(run)).t!.progress === 80);
    expect(byId(await detail(run)).t).toMatchObject({ progress: 80, progress_message: 'writing' });
    e.finish({ answer: 42 });
    await settled(run);
    const history = await call<{ progress: number; message: string }[]>(app, 'runs.taskProgress', {
      run_id: run,
      task_id: 't',
    });
    expect(history.map((h) => [h.progress, h.message])).toEqual([
      [40, 'reading'],
      [80, 'writing'],
    ]);
    const logs = await call<{ text: string; stream: string }[]>(app, 'runs.taskLogs', {
      run_id: run,
      task_id: 't',
    });
    expect(logs.map((l) => [l.stream, l.text])).toEqual([['stdout', 'hello from the agent']]);
    const results = await call<MemorySearchHit[]>(app, 'memory.search', {
      type: 'task_result',
      tag: `run:${run}`,
    });
    expect(results).toHaveLength(1);
    expect(results[0]!.entry).toMatchObject({
      agent_id: 'w',
      task_id: 't',
      content: { output: { answer: 42 } },
    });
    expect((await call<MemorySearchHit[]>(app, 'memory.search', { query: 'answer' })).length).toBe(1);
  });
});

describe('why this agent: every registered agent is in the explanation', () => {
  // Without an executor for `human`, alice takes work through the pull API.
  const agents = [
    { id: 'ash', skills: ['summarization', 'memory_search'] },
    { id: 'hal', skills: ['reflection'] },
    { id: 'alice', kind: 'human' as const, skills: ['reflection'] },
  ];
  const why = (t: TaskRun) => Object.fromEntries(t.match!.rejected.map((r) => [r.agent_id, r.reason]));

  it('names the free human passed over for an automated agent (seed task-003), and every agent of an unassigned task', async () => {
    open(controlledExecutor(() => ({ ok: true })));
    const run = await setup(app, agents, {
      plan_id: 'p',
      tasks: [
        { task_id: 'task-003', description: 'reflect', required_skills: ['reflection'] },
        { task_id: 'orphan', description: 'nobody can', required_skills: ['alchemy'] },
      ],
    });
    const t = byId(await settled(run));
    expect(t['task-003']).toMatchObject({ status: 'done', agent_id: 'hal' });
    expect(t['task-003']!.match!.agent_id).toBe('hal');
    expect(why(t['task-003']!)).toEqual({
      ash: 'lacks required skills: reflection',
      alice: 'passed over because an automated agent qualified (hal)',
    });
    expect(t['task-003']!.match!.rejected.find((r) => r.agent_id === 'alice')!.score?.total).toBe(0.9); // no attempts yet: success rate ½
    expect(t.orphan!.status).toBe('unassigned');
    expect(why(t.orphan!)).toEqual({
      ash: 'lacks required skills: alchemy',
      hal: 'lacks required skills: alchemy',
      alice: 'lacks required skills: alchemy',
    });
  });

  it('names the automated agents of a task a human waits for, and again once she pulls it', async () => {
    open(controlledExecutor(() => ({ ok: true })));
    const run = await setup(app, agents, {
      plan_id: 'p',
      tasks: [{ task_id: 'review', description: 'review', required_skills: ['reflection'], agent: 'alice' }],
    });
    const waiting = byId(await detail(run)).review!;
    expect(waiting.reason).toBe('Waiting for alice to pull it');
    expect(why(waiting)).toEqual({ ash: 'task is pinned to "alice"', hal: 'task is pinned to "alice"' });
    await call(app, 'work.execute', { agent_id: 'alice', run_id: run, task_id: 'review' });
    const taken = byId(await detail(run)).review!;
    expect(taken.match).toMatchObject({ agent_id: 'alice', score: { total: 0.9 } });
    expect(why(taken)).toEqual({ ash: 'task is pinned to "alice"', hal: 'task is pinned to "alice"' });
    await call(app, 'runs.cancel', { run_id: run });
  });
});

describe('cancelling, on a SQLite file', () => {
  let dir = '';
  afterEach(async () => {
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });
  const openFile = (exec: ReturnType<typeof controlledExecutor>) => {
    dir ||= mkdtempSync(join(tmpdir(), 'baton-cancel-'));
    app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
    return app;
  };
  const audit = (runId: string) => call<AuditEntry[]>(app, 'audit.list', { run_id: runId });

  it('ends a run cancelled when a task was cancelled and the others finished, recording who cancelled', async () => {
    const exec = controlledExecutor((ctx) => (ctx.task.task_id === 'hang' ? 'hold' : { ok: true }));
    openFile(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 2 }], {
      plan_id: 'p',
      tasks: [task('hang'), task('after', { depends_on: ['hang'] }), task('other')],
    });
    await eventually(() => exec.running.has('hang'));
    await call(app, 'runs.cancelTask', { run_id: run, task_id: 'hang', actor: 'ana' });
    expect((await settled(run)).status).toBe('cancelled');
    // What the file holds, read by a new process.
    await app.close();
    openFile(controlledExecutor());
    const d = await detail(run);
    expect(d.status).toBe('cancelled');
    expect(byId(d).hang).toMatchObject({ status: 'cancelled', reason: 'cancelled by ana' });
    expect(byId(d).other!.status).toBe('done');
    const entries = await audit(run);
    expect(entries.find((e) => e.entity_id === 'hang' && e.to_status === 'cancelled')).toMatchObject({
      actor: 'ana',
      from_status: 'in_progress',
      why: 'cancelled by ana',
    });
    expect(entries.find((e) => e.entity === 'run' && e.to_status === 'cancelled')).toMatchObject({
      actor: 'engine',
      why: 'run cancelled: 1 of 3 tasks done',
    });
  });

  it('ends a run failed when a task failed, whatever else was cancelled', async () => {
    const exec = controlledExecutor((ctx) => (ctx.task.task_id === 'bad' ? 'hold' : { ok: true }));
    openFile(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 2 }], {
      plan_id: 'p',
      tasks: [task('bad'), task('gated', { requires_approval: true })],
    });
    await eventually(() => exec.running.has('bad'));
    await call(app, 'runs.cancelTask', { run_id: run, task_id: 'gated' });
    exec.running.get('bad')!.fail('boom');
    expect((await settled(run)).status).toBe('failed');
    const cancel = (await audit(run)).find((e) => e.entity_id === 'gated' && e.to_status === 'cancelled');
    expect(cancel).toMatchObject({ actor: 'user', why: 'cancelled by user' }); // no actor given
  });

  it('records who cancelled a whole run, on the run and on each task it stopped', async () => {
    const exec = controlledExecutor(() => 'hold');
    openFile(exec);
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      tasks: [task('a'), task('b', { depends_on: ['a'] })],
    });
    await eventually(() => exec.running.has('a'));
    await expect(call(app, 'runs.cancel', { run_id: run, actor: ' ' })).rejects.toThrow();
    expect((await call<RunDetail>(app, 'runs.cancel', { run_id: run, actor: 'bo' })).status).toBe(
      'cancelled',
    );
    const entries = await audit(run);
    expect(entries.find((e) => e.entity === 'run' && e.to_status === 'cancelled')).toMatchObject({
      actor: 'bo',
      why: 'run cancelled by bo: 0 of 2 tasks done',
    });
    expect(
      entries
        .filter((e) => e.entity === 'task' && e.to_status === 'cancelled')
        .map((e) => [e.entity_id, e.actor, e.why]),
    ).toEqual([
      ['a', 'bo', 'run cancelled by bo'],
      ['b', 'bo', 'run cancelled by bo'],
    ]);
  });
});

describe('budgets across a restart, on a SQLite file', () => {
  let dir = '';
  afterEach(async () => {
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  it('keeps the cost of a task a person still holds in flight, so its dependent waits for approval', async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-budget-'));
    const exec = controlledExecutor(() => ({ ok: true }));
    const openDir = () => {
      app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
    };
    openDir();
    // Without an executor for `human`, alice takes her work through the pull API.
    const run = await setup(
      app,
      [
        { id: 'w', skills: ['x'] },
        { id: 'alice', kind: 'human', skills: ['x'] },
      ],
      {
        plan_id: 'p',
        budget: 10,
        tasks: [
          task('a', { estimated_cost: 6, agent: 'alice' }),
          task('b', { estimated_cost: 6, depends_on: ['a'] }),
        ],
      },
    );
    const ref = { agent_id: 'alice', run_id: run, task_id: 'a' };
    expect(await call(app, 'work.execute', ref)).toMatchObject({ status: 'in_progress' });
    await app.close();
    openDir(); // resumes the run: alice still holds a
    expect(app.engine.isActive(run)).toBe(true);
    await call(app, 'work.complete', { ...ref, status: 'completed' });
    expect(byId(await detail(run)).b!.status).toBe('awaiting_approval');
    const pending = await call<Approval[]>(app, 'approvals.list', { status: 'pending' });
    expect(pending.map((a) => [a.task_id, a.kind, a.reason])).toEqual([
      ['b', 'budget', 'cost 6 would pass the plan budget of 10 for this run (spent 6, in flight 0)'],
    ]);
    expect((await call<SpendReport>(app, 'runs.spend', { scope: 'plan', id: 'p' })).spent).toBe(6);
    expect(exec.started).toEqual([]);
    await call(app, 'runs.cancel', { run_id: run });
  });
});

describe('re-run from a task', () => {
  it('runs the task and its downstream again in a new run, reusing finished work upstream', async () => {
    let failB = true;
    const exec = controlledExecutor((ctx) =>
      ctx.task.task_id === 'b' && failB
        ? { ok: false, error: 'flaky' }
        : { ok: true, output: { from: ctx.task.task_id } },
    );
    open(exec);
    const first = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 4 }], {
      plan_id: 'p',
      tasks: [task('a'), task('b', { depends_on: ['a'] }), task('c', { depends_on: ['b'] }), task('side')],
    });
    const d1 = await settled(first);
    expect(d1.status).toBe('failed');
    expect(byId(d1).c!.status).toBe('skipped');
    await expect(call(app, 'runs.rerun', { run_id: first, task_id: 'zz' })).rejects.toThrow(
      'task "zz" is not in plan "p" v1',
    );

    failB = false;
    const started = exec.started.length;
    const again = await call<{ run_id: string; status: string }>(app, 'runs.rerun', {
      run_id: first,
      task_id: 'b',
    });
    const d2 = await settled(again.run_id);
    expect(d2.status).toBe('completed');
    const t = byId(d2);
    expect(t.a).toMatchObject({ status: 'done', reason: `reused from run ${first}`, output: { from: 'a' } });
    expect(t.side).toMatchObject({ status: 'done', reason: `reused from run ${first}` });
    expect(exec.started.slice(started).map((s) => s.split('#')[0])).toEqual(['b', 'c']); // nothing finished runs again
    expect(t.b!.status).toBe('done');
  });

  it('asks a condition again when its dependencies are reused, and reuses nothing that stood on a task run again', async () => {
    const exec = controlledExecutor((ctx) => ({ ok: true, output: { v: ctx.task.task_id === 'a' ? 0 : 1 } }));
    open(exec);
    const first = await setup(app, [{ id: 'w', skills: ['x'], max_concurrency: 4 }], {
      plan_id: 'p',
      tasks: [
        task('a'),
        // Only when a's output says v = 1: a gave 0, so `only-if` is skipped.
        task('only-if', { depends_on: ['a'], condition: { output: { task_id: 'a', path: 'v', equals: 1 } } }),
        task('gate', { requires_approval: true }),
        // Runs because gate was rejected: it stands on that rejection.
        task('on-reject', { depends_on: ['gate'], condition: { dependencies: { gate: ['skipped'] } } }),
        task('other'),
      ],
    });
    await eventually(async () => byId(await detail(first)).gate!.status === 'awaiting_approval');
    const [approval] = await call<{ id: string }[]>(app, 'approvals.list', { status: 'pending' });
    await call(app, 'approvals.decide', { approval_id: approval!.id, decision: 'reject', actor: 'ana' });
    const d1 = await settled(first);
    expect(byId(d1)['only-if']!.status).toBe('skipped');
    expect(byId(d1)['on-reject']!.status).toBe('done');

    const again = await call<{ run_id: string }>(app, 'runs.rerun', { run_id: first, task_id: 'other' });
    await eventually(async () => byId(await detail(again.run_id)).gate!.status === 'awaiting_approval');
    const t = byId(await detail(again.run_id));
    // a's reused output still says 0: the condition is asked again and skips, as it did.
    expect(t.a).toMatchObject({ status: 'done', reason: `reused from run ${first}` });
    expect(t['only-if']).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('condition not met'),
    });
    // gate runs again (it was not done), so what stood on its rejection waits for it anew.
    expect(t['on-reject']!.status).toBe('blocked');
  });
});

describe('search index upkeep', () => {
  const unindexed = () =>
    (
      app.store.db
        .prepare(
          "SELECT count(*) AS n FROM memory_entries WHERE rowid > (SELECT last_rowid FROM search_index_state WHERE name = 'memory')",
        )
        .get() as { n: number }
    ).n;

  it('waits while runs are active and catches up once none is; a search indexes what waits', async () => {
    const exec = controlledExecutor(() => ({ ok: true }));
    open(exec);
    const agents = [{ id: 'w', skills: ['x'], max_concurrency: 4 }];
    const first = await setup(app, agents, { plan_id: 'p1', tasks: [task('a'), task('b')] });
    await app.engine.whenSettled(first);
    // A second run stays active (its task waits for approval) past the first one's indexing delay.
    await call(app, 'plans.import', {
      plan: { plan_id: 'p2', tasks: [task('gated', { requires_approval: true })] },
    });
    const second = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p2' });
    await new Promise((r) => setTimeout(r, 1_300));
    expect(unindexed()).toBeGreaterThan(0);
    await call(app, 'runs.cancel', { run_id: second.run_id });
    await eventually(() => unindexed() === 0, 5_000, 'background indexing after the runs ended');

    // While a run is active, a search still finds everything: it indexes what waits first.
    const third = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p1' });
    await app.engine.whenSettled(third.run_id);
    const fourth = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p2' });
    expect(unindexed()).toBeGreaterThan(0);
    const hits = await call<MemorySearchHit[]>(app, 'memory.search', { query: third.run_id, limit: 50 });
    expect(hits.map((h) => h.entry.type)).toEqual(['task_result', 'task_result']);
    expect(unindexed()).toBe(0);
    await call(app, 'runs.cancel', { run_id: fourth.run_id });
  });
});

describe('acting only on what is stored', () => {
  /** An app whose errors go to `logged`, with one run whose task `t` its agent holds running. */
  const oneTaskRunning = async () => {
    const exec = controlledExecutor(() => 'hold');
    const logged: unknown[] = [];
    app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: (e) => logged.push(e) });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
    await eventually(() => exec.running.has('t'));
    return { exec, logged, run };
  };
  /** From now on the store refuses the writes `when` names (a trigger's event), as a full disk would. */
  const refuse = (when: string) =>
    app.store.db.exec(`CREATE TEMP TRIGGER refuse ${when} BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`);
  const allow = () => app.store.db.exec('DROP TRIGGER refuse');

  it('stops an agent only once its cancel is stored; a cancel that fails reloads the run as stored', async () => {
    const { exec, run } = await oneTaskRunning();
    const waited = app.engine.whenSettled(run);
    const told: string[] = [];
    app.bus.subscribe((batch) => {
      for (const e of batch)
        if (e.name === 'task.updated') told.push(`${e.payload.status}#${e.payload.attempt}`);
    });
    // What the store says when the agent is told to stop.
    const storedAtStop: string[] = [];
    const watch = () =>
      exec.running.get('t')!.signal.addEventListener('abort', () => {
        storedAtStop.push(
          app.store.db.prepare("SELECT status FROM task_runs WHERE task_id = 't'").pluck().get() as string,
        );
      });
    watch();

    // The store refuses the cancel's last write, the build log's: the task rows were written,
    // and would have been told of, earlier in the transaction.
    refuse("BEFORE UPDATE ON memory_entries WHEN new.status = 'cancelled'");
    const refused = await app.dispatch('runs.cancel', { run_id: run });
    expect(refused).toMatchObject({ ok: false });
    // Nothing of it was told; the run is reloaded as stored, as after a crash: the attempt
    // that was running is stopped, kept as interrupted and retried.
    await eventually(() => exec.running.get('t')?.ctx.attempt === 2);
    expect(exec.aborted).toEqual(['t#1']);
    expect(storedAtStop).toEqual(['in_progress']);
    expect(told.some((t) => t.startsWith('cancelled'))).toBe(false);
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id: run, task_id: 't' });
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'interrupted'],
      [2, 'running'],
    ]);

    // Stored, the cancel stops the agent after the commit, is told, and ends the run.
    allow();
    watch();
    await call(app, 'runs.cancel', { run_id: run });
    await eventually(() => exec.aborted.includes('t#2'));
    expect(storedAtStop).toEqual(['in_progress', 'cancelled']);
    await eventually(() => told.includes('cancelled#2'));
    expect(await waited).toMatchObject({ id: run, status: 'cancelled' });
  });

  it('tells whoever waits for a run only once its end is stored, though a later write of the same tick fails', async () => {
    const exec = controlledExecutor(() => 'hold');
    app = createApp({ dataDir: ':memory:', executors: { echo: exec.executor }, log: () => {} });
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'], max_concurrency: 2 }] });
    for (const plan_id of ['a', 'b'])
      await call(app, 'plans.import', { plan: { plan_id, tasks: [task(`${plan_id}1`)] } });
    const a = (await call<BuildResponse>(app, 'runs.start', { plan_id: 'a' })).run_id;
    await call(app, 'runs.start', { plan_id: 'b' });
    await eventually(() => exec.running.has('a1') && exec.running.has('b1'));
    const told: string[] = [];
    void app.engine.whenSettled(a).then((r) => told.push(r.status));
    // One tick: a1's result ends run a, then b1's result cannot be stored; the tick rolls back.
    refuse("BEFORE UPDATE ON task_runs WHEN new.task_id = 'b1' AND new.status = 'done'");
    exec.running.get('a1')!.finish();
    exec.running.get('b1')!.finish();
    // Run a is reloaded (its end was never stored) and its task runs again; nobody was told.
    await eventually(() => exec.running.get('a1')?.ctx.attempt === 2);
    await new Promise((r) => setTimeout(r, 20));
    expect(told).toEqual([]);
    allow();
    exec.running.get('a1')!.finish();
    await eventually(() => told.length > 0);
    expect(told).toEqual(['completed']);
  });

  it('goes on after a tick whose write fails: the error is logged and the run reloaded, not the process ended', async () => {
    const { exec, logged, run } = await oneTaskRunning();
    refuse("BEFORE UPDATE ON task_runs WHEN new.status = 'done'");
    exec.running.get('t')!.finish();
    // The result could not be stored: the run is reloaded and the task runs again.
    await eventually(() => exec.running.get('t')?.ctx.attempt === 2);
    expect(String(logged[0])).toContain('disk trouble');
    allow();
    exec.running.get('t')!.finish();
    expect(await app.engine.whenSettled(run)).toMatchObject({ status: 'completed' });
  });

  it('gives a run up here, once, when even reloading it from the store fails, and takes it up again later', async () => {
    const { exec, logged, run } = await oneTaskRunning();
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
    };
    // Every audit entry is refused from now on: the result cannot be stored, nor the resume.
    refuse('BEFORE INSERT ON audit_entries');
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      exec.running.get('t')!.finish();
      await turns(50);
      // Logged twice (the tick, the resume), then quiet: no loop, the run is not executed here.
      expect(logged.map(String).every((e) => e.includes('disk trouble'))).toBe(true);
      expect(logged).toHaveLength(2);
      expect(app.engine.isActive(run)).toBe(false);
      expect(exec.started).toEqual(['t#1']);
      // Once the store takes writes again, the run is taken up 30 s later.
      allow();
      vi.advanceTimersByTime(30_000);
      expect(app.engine.isActive(run)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
    await eventually(() => exec.running.get('t')?.ctx.attempt === 2);
    exec.running.get('t')!.finish();
    expect(await app.engine.whenSettled(run)).toMatchObject({ status: 'completed' });
  });
});
