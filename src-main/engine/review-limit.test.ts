import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually } from '../../test/kit/engine-kit.ts';
import { makeRepo } from '../agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

/** What a coding attempt hands in: a branch with one file changed (what a diff review shows). */
const codingOutput = (taskId: string) => ({
  workspace_id: 'app',
  branch: `baton/${taskId}`,
  commit: 'c0ffee0000000000000000000000000000000000',
  start_commit: 'bead000000000000000000000000000000000000',
  files: [{ path: `${taskId}.ts`, status: 'added', additions: 1, deletions: 0 }],
  additions: 1,
  deletions: 0,
  summary: `wrote ${taskId}`,
});

const coding = (task_id: string) => ({
  task_id,
  description: `Write ${task_id}`,
  required_skills: ['code'],
  review: 'diff',
});

describe('max_open_reviews: open diff reviews count against a plan’s coding work', () => {
  it('starts no coding task of the plan while that many of its reviews wait, whatever run they are in; others go on', async () => {
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    // Each coding attempt ends at once with a diff to review; the echo agent's tasks end at once.
    const exec = controlledExecutor((ctx) => ({ ok: true, output: codingOutput(ctx.task.task_id) }));
    app = createApp({ dataDir: ':memory:', executors: { coding: exec.executor }, log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await call(app, 'agents.import', {
      agents: [
        { id: 'coder', kind: 'coding', cli: 'claude', skills: ['code'], max_concurrency: 1 },
        { id: 'w', skills: ['docs'] },
      ],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'held',
        workspace: 'app',
        max_open_reviews: 2,
        tasks: [
          coding('c1'),
          coding('c2'),
          coding('c3'),
          { task_id: 'docs', description: 'Docs', required_skills: ['docs'] },
        ],
      },
    });
    await call(app, 'plans.import', { plan: { plan_id: 'free', workspace: 'app', tasks: [coding('f1')] } });
    const first = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'held' })).run_id;
    const pending = async () =>
      (await call<ApprovalView[]>(app!, 'approvals.list', { status: 'pending' }))
        .map((a) => a.task_id)
        .sort();
    const taskOf = async (runId: string, taskId: string) =>
      (await call<RunDetail>(app!, 'runs.get', { run_id: runId })).tasks.find((t) => t.task_id === taskId)!;
    // Two reviews open: the third coding task waits, saying why; the docs task did not wait.
    await eventually(async () => (await pending()).length === 2, 10_000, 'two reviews');
    await eventually(async () => (await taskOf(first, 'docs')).status === 'done', 10_000, 'docs done');
    const waiting = await taskOf(first, 'c3');
    expect(waiting.status).toBe('ready');
    expect(waiting.reason).toBe(
      'Waiting for reviews: 2 diff reviews of plan held wait for a person (max_open_reviews 2); it starts when one is decided',
    );
    // A second run of the plan is held by the first run's reviews; another plan is not.
    const second = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'held' })).run_id;
    const free = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'free' })).run_id;
    await eventually(
      async () => (await taskOf(free, 'f1')).status === 'awaiting_approval',
      10_000,
      'f1 reviewed',
    );
    expect((await taskOf(second, 'c1')).status).toBe('ready');
    expect(exec.started.filter((s) => s.startsWith('c3'))).toEqual([]);
    // One review decided: one more coding task of the plan starts, and its review fills the place.
    const [one] = (await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' })).filter(
      (a) => a.run_id === first,
    );
    await call(app, 'approvals.decide', { approval_id: one!.id, decision: 'approve', actor: 'Ana' });
    await eventually(async () => exec.started.length === 4, 10_000, 'one more coding attempt');
    await eventually(
      async () => (await call<ApprovalView[]>(app!, 'approvals.list', { status: 'pending' })).length === 3,
      10_000,
      'its review',
    );
    // Two of the plan's reviews wait again (plus the free plan's): nothing more of it starts.
    expect(exec.started.filter((s) => !s.startsWith('f1'))).toHaveLength(3);
  });

  it('holds the coding tasks a remote coding agent would pull, and its claim of one, while the reviews wait', async () => {
    // No coding executor here: a coding agent pulls its work (a remote worker's), and hands in its diff.
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    app = createApp({ dataDir: ':memory:', executors: {}, log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await call(app, 'agents.import', {
      agents: [
        { id: 'far', kind: 'coding', cli: 'claude', skills: ['code'], max_concurrency: 4, worker: 'w1' },
      ],
    });
    await call(app, 'plans.import', {
      plan: { plan_id: 'held', workspace: 'app', max_open_reviews: 1, tasks: [coding('c1'), coding('c2')] },
    });
    const run = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'held' })).run_id;
    type Picked = { task: { task_id: string } | null; reason?: string };
    const first = await call<Picked>(app, 'work.selectNext', { agent_id: 'far' });
    expect(first.task?.task_id).toBe('c1');
    await call(app, 'work.execute', { agent_id: 'far', run_id: run, task_id: 'c1' });
    await call(app, 'work.complete', {
      agent_id: 'far',
      run_id: run,
      task_id: 'c1',
      status: 'completed',
      output: codingOutput('c1'),
    });
    await eventually(
      async () => (await call<ApprovalView[]>(app!, 'approvals.list', { status: 'pending' })).length === 1,
    );
    // One review waits, the limit is one: nothing of the plan is offered, and a claim is refused saying why.
    expect((await call<Picked>(app, 'work.selectNext', { agent_id: 'far' })).task).toBe(null);
    await expect(call(app, 'work.execute', { agent_id: 'far', run_id: run, task_id: 'c2' })).rejects.toThrow(
      'Waiting for reviews: 1 diff review of plan held waits for a person (max_open_reviews 1)',
    );
    const [review] = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
    await call(app, 'approvals.decide', { approval_id: review!.id, decision: 'approve', actor: 'Ana' });
    await eventually(
      async () => (await call<Picked>(app!, 'work.selectNext', { agent_id: 'far' })).task?.task_id === 'c2',
    );
  });

  it('refuses a limit that is not a whole number from 1, naming the field', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const r = await app.dispatch('plans.import', {
      plan: { plan_id: 'p', max_open_reviews: 0, tasks: [{ task_id: 'a', description: 'A' }] },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(r)).toContain('max_open_reviews');
    expect(JSON.stringify(r)).toContain('must be a whole number from 1 to 1000');
  });
});
