import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Approval } from '../../../../src-shared/schemas/approval.ts';
import type { SpendReport, TaskRun } from '../../../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, setup } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import type { CodingContext } from '../../../engine/executor.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

const AT = '2026-11-21T10:00:00.000Z';
// On the stream route (Claude Code asks over MCP), said: by default claude may run over ACP.
const CODER = {
  id: 'coder',
  kind: 'coding' as const,
  cli: 'claude' as const,
  protocol: 'stream' as const,
  skills: ['code'],
};

/** An app whose coding agents run on an executor the test drives. */
function open(dir: string, exec = controlledExecutor()) {
  app = createApp({ dataDir: dir, executors: { coding: exec.executor }, log: () => {} });
  return { app, exec };
}

function prepare() {
  const dir = mkdtempSync(join(tmpdir(), 'baton-coding-ctx-'));
  const repo = makeRepo();
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }), repo.cleanup);
  return { dir, repo };
}

const session = (c: CodingContext, sessionId: string | null) => ({
  type: 'session' as const,
  session: {
    workspace_id: c.workspace.id,
    cli: 'claude' as const,
    dir: c.dir,
    branch: c.branch,
    start_commit: 'abc',
    session_id: sessionId,
    home: null,
  },
});

describe('a coding attempt is told', () => {
  it('its workspace, worktree and branch; a retry after a failure starts a new session in the same worktree', async () => {
    const { dir, repo } = prepare();
    const { app, exec } = open(dir);
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(app, [CODER], {
      plan_id: 'p',
      workspace: 'app',
      tasks: [
        {
          task_id: 't',
          description: 'code',
          required_skills: ['code'],
          retry: { max_attempts: 2, backoff: { initial_ms: 0, jitter: 0 } },
        },
      ],
    });
    await eventually(() => exec.running.has('t'));
    const first = exec.running.get('t')!;
    const c1 = first.ctx.coding!;
    expect(c1).toMatchObject({
      workspace: { id: 'app' },
      branch: `baton/${run}/t`,
      dir: join(app.coding.worktreeRoot, run, 't', 'tree'),
      session: null,
      resume: null,
      on_conflict: 'fail',
      marker: `attempt/${app.store.attemptScope}/${run}/t/1`,
      pool: app.coding.parkedFolder('app'),
    });
    first.emit(session(c1, 'sess-1'));
    await eventually(() => app.store.sessions.get(run, 't')?.session_id === 'sess-1');
    first.fail('the model said no');
    await eventually(() => exec.running.get('t')?.ctx.attempt === 2);
    const c2 = exec.running.get('t')!.ctx.coding!;
    expect(c2.session).toMatchObject({ session_id: 'sess-1', dir: c1.dir });
    expect(c2.resume).toBeNull();
    exec.running.get('t')!.finish();
    await app.engine.whenSettled(run);
  });

  it('after a restart, to resume the interrupted session, with what it spent; the interrupted attempt is charged', async () => {
    const { dir, repo } = prepare();
    const { app: first, exec } = open(dir);
    await call(first, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(first, [CODER], {
      plan_id: 'p',
      workspace: 'app',
      tasks: [{ task_id: 't', description: 'code', required_skills: ['code'] }],
    });
    await eventually(() => exec.running.has('t'));
    const x = exec.running.get('t')!;
    x.emit(session(x.ctx.coding!, 'sess-1'));
    x.emit({
      type: 'step',
      step: { kind: 'session', seq: 1, at: AT, session_id: 'sess-1', agent: 'claude', model: null },
    });
    x.emit({
      type: 'step',
      step: {
        kind: 'usage',
        seq: 2,
        at: AT,
        model: 'claude-sonnet-4-5',
        input_tokens: 1_000,
        output_tokens: 100,
        cached_input_tokens: 0,
        cost_usd: 0.5,
        cost_source: 'priced',
        duration_ms: null,
      },
    });
    await eventually(() => first.store.steps.list(run, 't').length === 2);
    first.close(); // as a crash: nothing more is stored for this process
    app = undefined;

    const again = controlledExecutor();
    const { app: second } = open(dir, again);
    await eventually(() => again.running.has('t'));
    const c = again.running.get('t')!.ctx.coding!;
    expect(again.running.get('t')!.ctx.attempt).toBe(2);
    expect(c.resume).toEqual({ reason: 'interrupted', session_id: 'sess-1' });
    expect(c.prior).toEqual({ usd: 0.5, input_tokens: 1_000, output_tokens: 100, cached_input_tokens: 0 });
    // The interrupted attempt's real spend was charged when the run was taken up again.
    const spent = await call<SpendReport>(second, 'runs.spend', { scope: 'run', id: run });
    expect(spent.spent).toBeCloseTo(0.5);
    again.running.get('t')!.finish();
    await second.engine.whenSettled(run);
    const task = (await call<{ tasks: TaskRun[] }>(second, 'runs.get', { run_id: run })).tasks[0]!;
    expect(task.status).toBe('done');
  });

  it('after a restart, with the tool calls its CLI asked about expired and audited: that CLI is gone', async () => {
    const { dir, repo } = prepare();
    const { app: first, exec } = open(dir);
    await call(first, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(first, [CODER], {
      plan_id: 'p',
      workspace: 'app',
      tasks: [{ task_id: 't', description: 'code', required_skills: ['code'] }],
    });
    await eventually(() => exec.running.has('t'));
    // Claude Code asks over MCP (--permission-prompt-tool), as engine.ask hears it.
    const { approval_id } = await first.engine.ask(
      { run_id: run, task_id: 't', attempt: 1 },
      {
        kind: 'tool_call',
        call_id: 'toolu_1',
        tool: 'Write',
        server: null,
        input: { file_path: 'a.txt', content: 'x' },
        agent_text: '',
      },
    );
    expect(first.store.approvals.get(approval_id)?.status).toBe('pending');
    first.close(); // as a crash: the CLI that waited is gone with it
    app = undefined;

    const again = controlledExecutor();
    const { app: second } = open(dir, again);
    await eventually(() => again.running.has('t'));
    const expired = second.store.approvals.get(approval_id)!;
    expect(expired).toMatchObject({ status: 'expired', actor: 'engine' });
    expect(expired.comment).toMatch(/Baton restarted while the CLI waited/);
    expect(second.store.approvals.list('pending')).toEqual([]);
    const audit = await call<{ to_status: string; entity_id: string }[]>(second, 'audit.list', {
      run_id: run,
    });
    expect(audit.some((e) => e.entity_id === approval_id && e.to_status === 'expired')).toBe(true);
    await expect(
      call(second, 'approvals.decide', { approval_id, decision: 'approve', actor: 'ana' }),
    ).rejects.toThrow(/expired/);
    again.running.get('t')!.finish();
    await second.engine.whenSettled(run);
  });

  it('after a request for changes, to resume its session with the comments; after a restart too, from the approval', async () => {
    const { dir, repo } = prepare();
    const { app: first, exec } = open(dir);
    await call(first, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(first, [{ ...CODER, review: 'diff' as const }], {
      plan_id: 'p',
      workspace: 'app',
      tasks: [{ task_id: 't', description: 'code', required_skills: ['code'] }],
    });
    const output = (c: CodingContext) => ({
      workspace_id: 'app',
      branch: c.branch,
      commit: 'c0ffee',
      start_commit: 'abc',
      files: [{ path: 'a.txt', status: 'added', additions: 1, deletions: 0 }],
      additions: 1,
      deletions: 0,
      summary: 'wrote a.txt',
      session_id: 'sess-1',
      diff_artifact: null,
    });
    const review = async (a: BatonApp) => {
      let found: Approval | undefined;
      await eventually(() => {
        found = a.store.approvals.list('pending').find((x) => x.kind === 'diff_review');
        return found !== undefined;
      });
      return found!;
    };
    await eventually(() => exec.running.has('t'));
    const x1 = exec.running.get('t')!;
    x1.emit(session(x1.ctx.coding!, 'sess-1'));
    await eventually(() => first.store.sessions.get(run, 't')?.session_id === 'sess-1');
    x1.finish(output(x1.ctx.coding!));
    const r1 = await review(first);
    expect(first.store.runs.task(run, 't')!.status).toBe('awaiting_approval');
    await call(first, 'approvals.decide', {
      approval_id: r1.id,
      decision: 'request_changes',
      actor: 'ana',
      comment: 'rename it',
      line_comments: [{ path: 'a.txt', line: 1, body: 'b.txt, please' }],
    });
    await eventually(() => exec.running.get('t')?.ctx.attempt === 2);
    const x2 = exec.running.get('t')!;
    expect(x2.ctx.coding!.resume).toEqual({
      reason: 'changes_requested',
      session_id: 'sess-1',
      comment: 'rename it',
      line_comments: [{ path: 'a.txt', line: 1, body: 'b.txt, please' }],
    });
    expect(x2.ctx.coding!.dir).toBe(x1.ctx.coding!.dir);
    x2.finish(output(x2.ctx.coding!));
    const r2 = await review(first);
    await call(first, 'approvals.decide', {
      approval_id: r2.id,
      decision: 'request_changes',
      actor: 'ana',
      comment: 'and a test',
      line_comments: [
        { path: 'b.txt', line: 1, body: 'test this line' },
        { path: 'a.txt', line: 3, side: 'old', body: 'keep this one' },
      ],
    });
    first.close(); // as a crash, before the next attempt could start
    app = undefined;

    const again = controlledExecutor();
    const { app: second } = open(dir, again);
    await eventually(() => again.running.has('t'));
    const x3 = again.running.get('t')!;
    expect(x3.ctx.attempt).toBe(3);
    expect(x3.ctx.coding!.resume).toEqual({
      reason: 'changes_requested',
      session_id: 'sess-1',
      comment: 'and a test',
      // The line comments are kept with the decision (migration 011), not lost with the restart.
      line_comments: [
        { path: 'b.txt', line: 1, body: 'test this line' },
        { path: 'a.txt', line: 3, side: 'old', body: 'keep this one' },
      ],
    });
    x3.finish(output(x3.ctx.coding!));
    await call(second, 'approvals.decide', {
      approval_id: (await review(second)).id,
      decision: 'approve',
      actor: 'ana',
    });
    await second.engine.whenSettled(run);
    const done = second.store.runs.task(run, 't')!;
    expect(done).toMatchObject({ status: 'done', attempt: 3, output: { commit: 'c0ffee' } });
    expect(second.store.execution.attempts(run, 't').map((a) => a.outcome)).toEqual(['done', 'done', 'done']);
  });

  it('that it cannot run without a workspace (a task not pinned to it, so not refused before)', async () => {
    const { dir, repo } = prepare();
    const { app, exec } = open(dir);
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    // Not pinned: nothing could tell before it ran that a coding agent would take it.
    const run = await setup(app, [CODER], {
      plan_id: 'p',
      tasks: [{ task_id: 't', description: 'code', required_skills: ['code'] }],
    });
    const ended = await app.engine.whenSettled(run);
    expect(ended.status).toBe('failed');
    const task = (await call<{ tasks: TaskRun[] }>(app, 'runs.get', { run_id: run })).tasks[0]!;
    expect(task.error).toBe(
      'task "t" goes to coding agent "coder", which needs a workspace: set workspace on the task or on the plan',
    );
    expect(exec.started).toEqual([]);
  });
});
