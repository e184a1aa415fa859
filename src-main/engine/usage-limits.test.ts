import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBatch } from '../../src-shared/contract/events.ts';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import { usageLimited } from './executor.ts';

// Usage and rate limits as a scheduling input, through the app on a real SQLite file: an attempt
// whose agent's account ran out ends waiting for quota (not failed, no retry used), every agent on
// that account is limited until the reset, and the task waits, fails over or fails as it says.

let dir: string;
let app: BatonApp | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-usage-limits-'));
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** http agents (the executor is the test's): `key` names the API key secret they share. */
const httpAgent = (id: string, skills: string[], key: string) => ({
  id,
  kind: 'http',
  url: 'http://127.0.0.1:9/agent',
  auth_secret: key,
  skills,
});

const open = (exec: ReturnType<typeof controlledExecutor>, clock?: { now(): number }) => {
  app = createApp({
    dataDir: dir,
    executors: { http: exec.executor },
    log: () => {},
    ...(clock ? { clock } : {}),
  });
  return app;
};
const detail = (run: string) => call<RunDetail>(app!, 'runs.get', { run_id: run });
const taskOf = async (run: string, id: string) => (await detail(run)).tasks.find((t) => t.task_id === id)!;
const agentAudit = async () =>
  (await call<AuditEntry[]>(app!, 'audit.list', { entity: 'agent', limit: 100 }))
    .filter((e) => e.to_status === 'limited' || e.to_status === 'available')
    .sort((a, b) => a.id - b.id)
    .map((e) => `${e.entity_id} ${e.to_status}`);

describe('an attempt that hits a usage limit', () => {
  it('waits for the reset (both agents on the key wait), then goes on with the same agent; no retry used', async () => {
    const exec = controlledExecutor(() => 'hold');
    const told: string[] = [];
    open(exec).bus.subscribe((batch: EventBatch) => {
      for (const e of batch)
        if (e.name === 'agent.limited' || e.name === 'agent.available')
          told.push(`${e.name} ${e.payload.agent_ids.join(',')}`);
    });
    await call(app!, 'agents.import', {
      agents: [
        httpAgent('ana', ['x'], 'team_key'),
        httpAgent('bea', ['y'], 'team_key'),
        httpAgent('cy', ['z'], 'other_key'),
      ],
    });
    await call(app!, 'plans.import', {
      plan: {
        plan_id: 'p',
        tasks: [
          task('first'),
          task('gate', { required_skills: ['z'] }),
          task('second', { required_skills: ['y'], depends_on: ['gate'] }),
        ],
      },
    });
    const { run_id: run } = await call<{ run_id: string }>(app!, 'runs.start', { plan_id: 'p' });
    await eventually(() => exec.running.has('first') && exec.running.has('gate'));
    // ana's account says it ran out, for a moment.
    exec.running
      .get('first')!
      .emit(usageLimited({ message: 'rate limited: 429', reset_in_ms: 400, window: 'requests' }));
    await eventually(async () => (await taskOf(run, 'first')).status === 'ready');
    const waiting = await taskOf(run, 'first');
    expect(waiting.reason).toMatch(
      /^Waiting for quota until \S+Z: ana hit a usage limit \(rate limited: 429\); it resets at \S+Z; it goes on with ana then \(on_limit: wait\)$/,
    );
    expect(waiting.retry_at).not.toBeNull();
    // Both agents on the key are limited, shown with the vendor's words; cy's account is not.
    const limits = await call<{ limit: { account: string; window: string }; agent_ids: string[] }[]>(
      app!,
      'agents.limits',
      {},
    );
    expect(limits).toEqual([
      expect.objectContaining({
        agent_ids: ['ana', 'bea'],
        limit: expect.objectContaining({ account: 'secret:team_key', window: 'requests' }),
      }),
    ]);
    // bea's task, ready now, waits for the same quota rather than being unassigned.
    exec.running.get('gate')!.finish();
    await eventually(
      async () => (await taskOf(run, 'second')).reason?.startsWith('Waiting for quota') === true,
    );
    const second = await taskOf(run, 'second');
    expect(second.status).toBe('ready');
    expect(second.match?.rejected).toContainEqual({
      agent_id: 'bea',
      reason: expect.stringMatching(/^limited until \S+Z: rate limited: 429$/),
    });
    // At the reset: both go on; `first` on ana, its second attempt; its limited one kept as such.
    await eventually(() => exec.running.has('first') && exec.running.has('second'), 10_000, 'resumed');
    expect(exec.started).toContain('first#2');
    expect((await taskOf(run, 'first')).agent_id).toBe('ana');
    exec.running.get('first')!.finish();
    exec.running.get('second')!.finish();
    await app!.engine.whenSettled(run);
    expect((await detail(run)).status).toBe('completed');
    const attempts = await call<TaskAttempt[]>(app!, 'runs.taskAttempts', { run_id: run, task_id: 'first' });
    expect(attempts.map((a) => [a.attempt, a.agent_id, a.outcome])).toEqual([
      [1, 'ana', 'limited'],
      [2, 'ana', 'done'],
    ]);
    expect(await agentAudit()).toEqual(['ana limited', 'bea limited', 'ana available', 'bea available']);
    expect(told).toEqual(['agent.limited ana,bea', 'agent.available ana,bea']);
    expect(await call(app!, 'agents.limits', {})).toEqual([]);
  });

  it('fail_over: offered to the next qualified agent not limited, its "why this agent" saying so', async () => {
    const exec = controlledExecutor((ctx) => (ctx.agent.id === 'bea' ? { ok: true } : 'hold'));
    open(exec);
    await call(app!, 'agents.import', {
      agents: [
        { ...httpAgent('ana', ['x'], 'anthropic_key'), cost_per_task: 0 },
        // Scores lower (costs more): taken only when ana is out.
        { ...httpAgent('bea', ['x'], 'openai_key'), cost_per_task: 5 },
      ],
    });
    await call(app!, 'plans.import', {
      plan: { plan_id: 'p', on_limit: 'fail_over', tasks: [task('t')] },
    });
    const { run_id: run } = await call<{ run_id: string }>(app!, 'runs.start', { plan_id: 'p' });
    await eventually(() => exec.running.has('t'));
    expect(exec.running.get('t')!.ctx.agent.id).toBe('ana');
    const resetAt = new Date(Date.now() + 5 * 24 * 3600_000).toISOString();
    exec.running.get('t')!.emit(
      usageLimited({
        message: 'weekly limit reached',
        reset_at: resetAt,
        window: 'weekly',
      }),
    );
    await app!.engine.whenSettled(run);
    const t = await taskOf(run, 't');
    expect(t).toMatchObject({ status: 'done', agent_id: 'bea', attempt: 2 });
    expect(t.match?.agent_id).toBe('bea');
    expect(t.match?.rejected).toEqual([
      {
        agent_id: 'ana',
        reason: `limited until ${resetAt}: weekly limit reached`,
      },
    ]);
  });

  it('fail: the task fails saying the limit and its reset; a task policy wins over its plan', async () => {
    const exec = controlledExecutor(() => 'hold');
    open(exec);
    await call(app!, 'agents.import', { agents: [httpAgent('ana', ['x'], 'k')] });
    await call(app!, 'plans.import', {
      plan: {
        plan_id: 'p',
        on_limit: 'wait',
        tasks: [task('t', { on_limit: 'fail', retry: { max_attempts: 3, backoff: { initial_ms: 1 } } })],
      },
    });
    const { run_id: run } = await call<{ run_id: string }>(app!, 'runs.start', { plan_id: 'p' });
    await eventually(() => exec.running.has('t'));
    exec.running.get('t')!.emit(usageLimited({ message: 'insufficient_quota' }));
    await app!.engine.whenSettled(run);
    const t = await taskOf(run, 't');
    expect(t.status).toBe('failed');
    expect(t.error).toMatch(
      /^ana hit a usage limit \(insufficient_quota\); it resets at \S+Z \(not said by the vendor: tried again then\) \(on_limit: fail\)$/,
    );
    expect(exec.started).toEqual(['t#1']);
  });

  it('a plan with a bad on_limit is refused naming the field', async () => {
    const exec = controlledExecutor();
    open(exec);
    const r = await app!.dispatch('plans.import', {
      plan: { plan_id: 'p', tasks: [task('t', { on_limit: 'retry' })] },
    });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).toContain('tasks[0].on_limit');
    expect(JSON.stringify(r)).toContain('must be \\"wait\\"');
  });
});

describe('a restart during the wait', () => {
  it('keeps the limit and the wait: opened again after the reset, the task goes on with the same agent', async () => {
    let now = Date.parse('2026-05-01T12:00:00.000Z');
    const clock = { now: () => now };
    const exec = controlledExecutor(() => 'hold');
    open(exec, clock);
    await call(app!, 'agents.import', {
      agents: [
        { ...httpAgent('ana', ['x'], 'team_key'), cost_per_task: 0 },
        { ...httpAgent('bea', ['x'], 'team_key'), cost_per_task: 5 },
      ],
    });
    await call(app!, 'plans.import', { plan: { plan_id: 'p', tasks: [task('t')] } });
    const { run_id: run } = await call<{ run_id: string }>(app!, 'runs.start', { plan_id: 'p' });
    await eventually(() => exec.running.has('t'));
    exec.running
      .get('t')!
      .emit(
        usageLimited({ message: 'five-hour limit reached', reset_in_ms: 3_600_000, window: 'five_hour' }),
      );
    await eventually(async () => (await taskOf(run, 't')).status === 'ready');
    expect((await taskOf(run, 't')).reason).toMatch(/^Waiting for quota until 2026-05-01T13:00:00.000Z: /);
    await app!.close();

    // Opened again half an hour later: still limited, still waiting, on nobody.
    now += 1_800_000;
    const again = controlledExecutor(() => 'hold');
    open(again, clock);
    const limits = await call<{ limit: { until: string }; agent_ids: string[] }[]>(app!, 'agents.limits', {});
    expect(limits).toEqual([
      expect.objectContaining({
        agent_ids: ['ana', 'bea'],
        limit: expect.objectContaining({ until: '2026-05-01T13:00:00.000Z' }),
      }),
    ]);
    const t = await taskOf(run, 't');
    expect(t).toMatchObject({ status: 'ready', retry_at: Date.parse('2026-05-01T13:00:00.000Z') });
    expect(again.started).toEqual([]);
    await app!.close();

    // Opened after the reset: the limit is gone (told), the task goes on with ana, pinned.
    now += 3_600_000;
    const third = controlledExecutor((ctx) => ({ ok: true, output: { by: ctx.agent.id } }));
    open(third, clock);
    await app!.engine.whenSettled(run);
    const done = await taskOf(run, 't');
    expect(done).toMatchObject({ status: 'done', agent_id: 'ana', output: { by: 'ana' } });
    await eventually(async () => (await agentAudit()).length === 4);
    expect(await agentAudit()).toEqual(['ana limited', 'bea limited', 'ana available', 'bea available']);
    expect(await call(app!, 'agents.limits', {})).toEqual([]);
  });
});

describe("a reset past what can be believed (the vendor's or an agent's word)", () => {
  it('waits at most the longest reset, and never loses the attempt: `retry-after: 1e300`, a year 275760, NaN', async () => {
    // `1e300` seconds made an invalid date inside the transaction ending the attempt: its end was
    // lost, and the task stayed in progress until a person cancelled its run.
    const now = Date.parse('2026-11-29T10:00:00Z');
    for (const [i, signal] of [
      { message: 'HTTP 429', reset_in_ms: 1e303 },
      { message: 'HTTP 429', reset_at: '+275760-09-13T00:00:00.000Z' },
      { message: 'HTTP 429', reset_in_ms: Number.NaN },
    ].entries()) {
      const exec = controlledExecutor(() => 'hold');
      open(exec, { now: () => now });
      await call(app!, 'agents.import', { agents: [httpAgent('ana', ['x'], `key_${i}`)] });
      await call(app!, 'plans.import', { plan: { plan_id: `p${i}`, tasks: [task('first')] } });
      const { run_id: run } = await call<{ run_id: string }>(app!, 'runs.start', { plan_id: `p${i}` });
      await eventually(() => exec.running.has('first'));
      exec.running.get('first')!.emit(usageLimited(signal));
      await eventually(async () => (await taskOf(run, 'first')).status === 'ready', 10_000, `signal ${i}`);
      const [limited] = await call<{ limit: { until: string; reset_known: boolean } }[]>(
        app!,
        'agents.limits',
        {},
      );
      const wait = Date.parse(limited!.limit.until) - now;
      expect(wait, `signal ${i}`).toBeGreaterThan(0);
      expect(wait, `signal ${i}`).toBeLessThanOrEqual(366 * 24 * 3600_000);
      expect(limited!.limit.reset_known, `signal ${i}`).toBe(false);
      await app!.close();
      app = undefined;
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'baton-usage-limits-'));
    }
  });
});
