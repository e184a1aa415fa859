import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { Handoff, TeamTasks } from '../../src-shared/contract/domains/work.ts';
import type { AgentInput } from '../../src-shared/schemas/agent.ts';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { RunDetail, TaskAttempt, TaskRun } from '../../src-shared/schemas/run.ts';
import { removeDataDir } from '../../test/e2e/harness.ts';
import { call, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

let app: BatonApp;
afterEach(() => app?.close());

const PEOPLE: AgentInput[] = [
  { id: 'alice', kind: 'human', name: 'Alice', skills: ['sign', 'review'] },
  { id: 'bob', kind: 'human', name: 'Bob', skills: ['sign'] },
  { id: 'cy', kind: 'human', skills: ['sign'], status: 'OFFLINE' },
  { id: 'bot', kind: 'echo', skills: ['sign', 'review', 'x'] },
];

/** Echo agents pull their work here (no executor), so nothing is taken before the test takes it. */
const open = (dataDir = ':memory:') => {
  app = createApp({ dataDir, executors: { echo: undefined }, log: () => {} });
  return app;
};

const PLAN = {
  plan_id: 'p',
  tasks: [
    task('sign-off', { required_skills: ['sign'] }),
    task('check', { required_skills: ['review'], agent: 'alice' }),
    task('build', { required_skills: ['x'] }),
  ],
};

const team = () => call<TeamTasks>(app, 'work.team', {});
const inbox = (agent_id: string) =>
  call<{ ready: { task_id: string }[]; in_progress: TaskRun[] }>(app, 'work.inbox', { agent_id });
const attempts = (run_id: string, task_id: string) =>
  call<TaskAttempt[]>(app, 'runs.taskAttempts', { run_id, task_id });
const auditOf = async (run_id: string, task_id: string) =>
  (await call<AuditEntry[]>(app, 'audit.list', { run_id }))
    .filter((e) => e.entity_id === task_id)
    .map((e) => [e.actor, e.from_status, e.to_status, e.why]);

describe("the team's tasks", () => {
  it('lists every task waiting for a person, with who could take it, and every task a person holds', async () => {
    open();
    const run = await setup(app, PEOPLE, PLAN);
    const view = await team();
    expect(view.people.map((p) => [p.id, p.name, p.status, p.holds])).toEqual([
      ['alice', 'Alice', 'ONLINE', 0],
      ['bob', 'Bob', 'ONLINE', 0],
      ['cy', null, 'OFFLINE', 0],
    ]);
    // "build" needs a skill no person has: it waits for the daemon, not for a person.
    expect(view.tasks.map((t) => [t.task_id, t.status, t.held_by, t.people])).toEqual([
      ['sign-off', 'ready', null, ['alice', 'bob', 'cy']],
      ['check', 'ready', null, ['alice']],
    ]);
    expect(view.tasks[0]!.since).toEqual(expect.any(String));
    await call(app, 'work.execute', { agent_id: 'alice', run_id: run, task_id: 'sign-off' });
    const held = (await team()).tasks.find((t) => t.task_id === 'sign-off')!;
    expect(held).toMatchObject({ status: 'in_progress', held_by: 'alice', people: ['alice'], attempt: 1 });
    expect((await team()).people.find((p) => p.id === 'alice')!.holds).toBe(1);
  });
});

describe('reassigning a task to another person', () => {
  it("hands a task a person holds to another: theirs at once, the holder's attempt given back, the audit naming who", async () => {
    open();
    const run = await setup(app, PEOPLE, PLAN);
    await call(app, 'work.execute', { agent_id: 'alice', run_id: run, task_id: 'sign-off' });
    const done = await call<Handoff>(app, 'work.reassign', {
      run_id: run,
      task_id: 'sign-off',
      to_agent_id: 'bob',
      actor: 'Carol',
      note: 'Alice is away this week',
    });
    expect(done).toMatchObject({
      from: 'alice',
      status: 'in_progress',
      task: { agent_id: 'bob', attempt: 2 },
    });
    expect((await inbox('bob')).in_progress.map((t) => t.task_id)).toEqual(['sign-off']);
    expect((await inbox('alice')).in_progress).toEqual([]);
    expect((await attempts(run, 'sign-off')).map((a) => [a.attempt, a.agent_id, a.outcome, a.error])).toEqual(
      [
        [1, 'alice', 'given_back', 'reassigned to bob by Carol: Alice is away this week'],
        [2, 'bob', 'running', null],
      ],
    );
    expect((await auditOf(run, 'sign-off')).slice(-2)).toEqual([
      ['Carol', 'in_progress', 'ready', 'reassigned to bob by Carol: Alice is away this week'],
      ['Carol', 'ready', 'in_progress', 'handed to bob by Carol (alice held it): Alice is away this week'],
    ]);
    // The task's match says a person chose bob, not that bob pulled it first.
    const row = (await call<RunDetail>(app, 'runs.get', { run_id: run })).tasks.find(
      (t) => t.task_id === 'sign-off',
    )!;
    expect(row.match?.agent_id).toBe('bob');
    expect(row.match?.rejected.find((r) => r.agent_id === 'alice')?.reason).toBe('Carol handed it to bob');
    // Bob completes it as any pulled task.
    await call(app, 'work.complete', {
      agent_id: 'bob',
      run_id: run,
      task_id: 'sign-off',
      status: 'completed',
    });
    expect((await attempts(run, 'sign-off')).at(-1)).toMatchObject({ agent_id: 'bob', outcome: 'done' });
  });

  it('hands a task waiting to be taken to a person, who holds it at once', async () => {
    open();
    const run = await setup(app, PEOPLE, PLAN);
    const done = await call<Handoff>(app, 'work.reassign', {
      run_id: run,
      task_id: 'sign-off',
      to_agent_id: 'bob',
    });
    expect(done).toMatchObject({ from: null, status: 'in_progress', task: { agent_id: 'bob', attempt: 1 } });
    expect((await team()).tasks.find((t) => t.task_id === 'sign-off')).toMatchObject({ held_by: 'bob' });
    expect((await auditOf(run, 'sign-off')).at(-1)).toEqual([
      'user',
      'ready',
      'in_progress',
      'handed to bob by user',
    ]);
  });

  it('refuses, saying why, and changes nothing: not a person, lacks a skill, away, at capacity, or not a waiting task', async () => {
    open();
    const run = await setup(app, PEOPLE, {
      plan_id: 'p',
      tasks: [
        ...PLAN.tasks,
        task('more', { required_skills: ['sign'] }),
        task('later', { depends_on: ['build'] }),
      ],
    });
    const reassign = (task_id: string, to_agent_id: string) =>
      call(app, 'work.reassign', { run_id: run, task_id, to_agent_id, actor: 'Carol' });
    await expect(reassign('sign-off', 'bot')).rejects.toThrow(
      'bot is an agent of kind echo, not a person: a task is reassigned to a person (a human agent)',
    );
    await expect(reassign('sign-off', 'nobody')).rejects.toThrow('Agent not found: nobody');
    await expect(reassign('check', 'bob')).rejects.toThrow(
      'bob lacks review, which check needs: hand it to someone who has it, or add the skill to bob on the Agents screen',
    );
    await expect(reassign('sign-off', 'cy')).rejects.toThrow('cy is OFFLINE: they take no tasks now');
    await expect(reassign('later', 'bob')).rejects.toThrow(
      'later is blocked: only a task waiting for a person, or held by one, is reassigned',
    );
    // A task an agent (not a person) holds is not a person's to hand on.
    await call(app, 'work.execute', { agent_id: 'bot', run_id: run, task_id: 'build' });
    await expect(reassign('build', 'alice')).rejects.toThrow(
      'build is being done by bot, not a person: only a task waiting for a person, or held by one, is reassigned',
    );
    await reassign('sign-off', 'bob');
    await expect(reassign('sign-off', 'bob')).rejects.toThrow('bob already holds sign-off');
    await expect(reassign('more', 'bob')).rejects.toThrow(
      'bob already holds 1 task, as many as they take at once (1)',
    );
    // Nothing of the refused calls was written: "more" still waits, never attempted.
    expect(await attempts(run, 'more')).toEqual([]);
    expect((await team()).tasks.find((t) => t.task_id === 'more')).toMatchObject({ status: 'ready' });
  });

  it('names the missing field when the person to hand it to is not given', async () => {
    open();
    const r = await app.dispatch('work.reassign', { run_id: 'r', task_id: 't' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(r)).toContain('to_agent_id');
    expect(JSON.stringify(r)).toContain('say who takes the task: a person (human agent)');
  });
});

describe('giving a task back', () => {
  it('ends the attempt as given back, not failed, and the task waits for anyone again', async () => {
    open();
    const run = await setup(app, PEOPLE, PLAN);
    await call(app, 'work.execute', { agent_id: 'bob', run_id: run, task_id: 'sign-off' });
    const back = await call<Handoff>(app, 'work.giveBack', {
      agent_id: 'bob',
      run_id: run,
      task_id: 'sign-off',
      actor: 'Bob',
      note: 'I cannot sign for finance',
    });
    expect(back).toMatchObject({ from: 'bob', status: 'ready' });
    expect((await inbox('bob')).in_progress).toEqual([]);
    expect((await inbox('alice')).ready.map((t) => t.task_id)).toContain('sign-off');
    expect((await team()).tasks.find((t) => t.task_id === 'sign-off')).toMatchObject({
      status: 'ready',
      held_by: null,
      people: ['alice', 'bob', 'cy'],
    });
    expect(await attempts(run, 'sign-off')).toMatchObject([
      {
        attempt: 1,
        agent_id: 'bob',
        outcome: 'given_back',
        error: 'given back by Bob: I cannot sign for finance',
      },
    ]);
    expect((await auditOf(run, 'sign-off')).at(-1)).toEqual([
      'Bob',
      'in_progress',
      'ready',
      'given back by Bob: I cannot sign for finance',
    ]);
    // Only who holds a task gives it back.
    await call(app, 'work.execute', { agent_id: 'alice', run_id: run, task_id: 'sign-off' });
    await expect(
      call(app, 'work.giveBack', { agent_id: 'bob', run_id: run, task_id: 'sign-off' }),
    ).rejects.toThrow(
      'bob does not hold sign-off (it is in progress, held by alice): only the one holding a task gives it back',
    );
  });

  it('uses none of the retries: a task given back still has all its attempts to fail', async () => {
    open();
    const run = await setup(app, PEOPLE, {
      plan_id: 'p',
      tasks: [
        task('t', {
          required_skills: ['sign'],
          retry: { max_attempts: 2, backoff: { initial_ms: 1, jitter: 0 } },
        }),
      ],
    });
    const ref = { run_id: run, task_id: 't' };
    await call(app, 'work.execute', { agent_id: 'alice', ...ref });
    await call(app, 'work.giveBack', { agent_id: 'alice', ...ref });
    await call(app, 'work.execute', { agent_id: 'bob', ...ref });
    await call(app, 'work.complete', { agent_id: 'bob', ...ref, status: 'failed', error: 'no pen' });
    const t = (await call<RunDetail>(app, 'runs.get', { run_id: run })).tasks[0]!;
    // The failure was the first that counts: the task is retried, not failed.
    expect(t).toMatchObject({ status: 'ready' });
    expect(t.reason).toContain('(1 of 2 left: attempts given back do not count)');
    expect((await attempts(run, 't')).map((a) => a.outcome)).toEqual(['given_back', 'failed']);
  });

  it('is stored at once: another Baton on the same data directory finds the task with its new holder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-handoffs-'));
    onTestFinished(() => removeDataDir(dir));
    open(dir);
    const run = await setup(app, PEOPLE, PLAN);
    await call(app, 'work.execute', { agent_id: 'alice', run_id: run, task_id: 'sign-off' });
    await call(app, 'work.reassign', {
      run_id: run,
      task_id: 'sign-off',
      to_agent_id: 'bob',
      actor: 'Carol',
    });
    await app.close();
    open(dir);
    const t = (await call<RunDetail>(app, 'runs.get', { run_id: run })).tasks.find(
      (x) => x.task_id === 'sign-off',
    )!;
    expect(t).toMatchObject({ status: 'in_progress', agent_id: 'bob', attempt: 2 });
    expect((await attempts(run, 'sign-off')).map((a) => [a.agent_id, a.outcome])).toEqual([
      ['alice', 'given_back'],
      ['bob', 'running'],
    ]);
    expect((await inbox('bob')).in_progress.map((x) => x.task_id)).toEqual(['sign-off']);
  });
});
