import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Approval, ApprovalView } from '../../../src-shared/schemas/approval.ts';
import type { StoredStep } from '../../../src-shared/schemas/step.ts';
import type { TaskSession } from '../../../src-shared/schemas/workspace.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';
import { codingWork } from './workspaces/testing/coding-output.ts';
import { makeRepo } from './workspaces/testing/temp-repo.ts';

// The real coding executor, up to the CLI: what happens before a CLI could start. The two
// dependencies are done by an agent the test drives, their branches made by hand in a real
// repository; the CLI itself (never reached) is /bin/false.
let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
const dataDirs: string[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
  // A closed app's WAL checkpointer may still write baton.db for a moment: remove until it is gone.
  for (const dir of dataDirs.splice(0))
    for (let i = 0; i < 20 && existsSync(dir); i++) {
      rmSync(dir, { recursive: true, force: true });
      if (existsSync(dir)) await new Promise((r) => setTimeout(r, 100));
    }
});

/** A data directory for an app, removed after the test. */
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-coding-exec-'));
  dataDirs.push(dir);
  return dir;
}

/** A folder for a fake CLI's script, outside the data directory (which the OS sandbox hides from agents). */
function scriptDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-fake-cli-'));
  dataDirs.push(dir);
  return dir;
}

describe('the coding executor', () => {
  it('fails an attempt whose dependencies’ branches do not merge, naming the branches and files; nothing is left', async () => {
    const dir = dataDir();
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    const exec = controlledExecutor();
    app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(
      app,
      [
        { id: 'e', skills: ['x'], max_concurrency: 2 },
        {
          id: 'coder',
          kind: 'coding',
          cli: 'claude',
          protocol: 'stream',
          executable: '/bin/false',
          skills: ['code'],
        },
      ],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [
          task('a'),
          task('b'),
          { task_id: 'c', description: 'join them', required_skills: ['code'], depends_on: ['a', 'b'] },
        ],
      },
    );
    await eventually(() => exec.running.size === 2);
    exec.running.get('a')!.finish(codingWork(repo, `baton/${run}/a`, 'main', { 'README.md': 'a says\n' }));
    exec.running.get('b')!.finish(codingWork(repo, `baton/${run}/b`, 'main', { 'README.md': 'b says\n' }));
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    const c = app.store.runs.task(run, 'c')!;
    expect(c.status).toBe('failed');
    expect(c.error).toBe(
      `the dependencies' branches do not merge: baton/${run}/a and baton/${run}/b conflict in README.md`,
    );
    // No worktree of c, in git or in the sessions.
    const worktrees = execFileSync('git', ['worktree', 'list', '--porcelain'], {
      cwd: repo.repo,
      encoding: 'utf8',
    });
    expect(worktrees.split('\n').filter((l) => l.startsWith('worktree '))).toHaveLength(1);
    const sessions = await call<TaskSession[]>(app, 'runs.sessions', { run_id: run });
    expect(sessions.filter((s) => s.state !== 'removed')).toEqual([]);
  });
});

/** An app whose tasks a and b (done by hand) conflict in README.md; c (coding, on_conflict ask) joins them. */
async function conflicted(c: { retry?: { max_attempts: number; backoff: { initial_ms: number } } } = {}) {
  const dir = dataDir();
  const repo = makeRepo();
  cleanups.push(repo.cleanup);
  const exec = controlledExecutor();
  app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
  const baton = app;
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  const run = await setup(
    app,
    [
      { id: 'e', skills: ['x'], max_concurrency: 2 },
      {
        id: 'coder',
        kind: 'coding',
        cli: 'claude',
        protocol: 'stream',
        executable: '/bin/false',
        skills: ['code'],
      },
    ],
    {
      plan_id: 'p',
      workspace: 'app',
      tasks: [
        task('a'),
        task('b'),
        {
          task_id: 'c',
          description: 'join them',
          required_skills: ['code'],
          depends_on: ['a', 'b'],
          on_conflict: 'ask',
          ...c,
        },
      ],
    },
  );
  await eventually(() => exec.running.size === 2);
  const a = codingWork(repo, `baton/${run}/a`, 'main', { 'README.md': 'a says\n' });
  const b = codingWork(repo, `baton/${run}/b`, 'main', { 'README.md': 'b says\n' });
  exec.running.get('a')!.finish(a);
  exec.running.get('b')!.finish(b);
  const pending = async () =>
    (await call<Approval[]>(baton, 'approvals.list', { status: 'pending' })).filter(
      (x) => x.kind === 'merge_conflict',
    );
  await eventually(async () => (await pending()).length === 1);
  const [asked] = await pending();
  return { run, repo, dir, a, b, asked: asked!, pending };
}

describe('on_conflict "ask": a merge conflict between the dependencies waits for a person', () => {
  it('asks with the files and the worktree, the task in progress; "fail" fails the attempt saying so, and the worktree goes with the run', async () => {
    const { run, repo, asked } = await conflicted();
    const session = app!.store.sessions.get(run, 'c')!;
    expect(asked.task_id).toBe('c');
    expect(asked.reason).toContain(
      `merging baton/${run}/b into the task's branch conflicts in 1 file: README.md.`,
    );
    expect(asked.reason).toContain(`Resolve it in ${session.dir}`);
    // The inbox gets the merge as data too: which branch into which, where, the files and how.
    const [view] = (await call<ApprovalView[]>(app!, 'approvals.list', { status: 'pending' })).filter(
      (x) => x.kind === 'merge_conflict',
    );
    expect(view!.merge_conflict).toEqual({
      attempt: 1,
      dir: session.dir,
      merging: `baton/${run}/b`,
      into: `baton/${run}/c`,
      from: [`baton/${run}/a`, `baton/${run}/b`],
      files: [{ path: 'README.md', kind: 'both_modified' }],
      again: null,
    });
    // A row asked before migration 013 has no such record: it is listed by its reason, as before.
    app!.store.db.prepare('DELETE FROM merge_conflict_approvals WHERE approval_id = ?').run(asked.id);
    const [old] = (await call<ApprovalView[]>(app!, 'approvals.list', { status: 'pending' })).filter(
      (x) => x.kind === 'merge_conflict',
    );
    expect(old!.merge_conflict).toBeUndefined();
    expect(old!.reason).toBe(asked.reason);
    expect(app!.store.runs.task(run, 'c')!.status).toBe('in_progress');
    expect(repo.read('README.md', session.dir)).toMatch(/^<<<<<<< HEAD\na says\n=======\nb says\n>>>>>>> /);
    // Its attempt waits on the person (the approval is stored a moment before the attempt waits on it).
    await eventually(
      () =>
        app!.engine
          .waitingOnPeople(run)
          ?.map((t) => t.task_id)
          .join() === 'c',
    );

    await call(app!, 'approvals.decide', { approval_id: asked.id, decision: 'reject', actor: 'ana' });
    await app!.engine.whenSettled(run);
    await app!.coding.worktreesSettled();
    const c = app!.store.runs.task(run, 'c')!;
    expect(c.status).toBe('failed');
    expect(c.error).toBe(
      `the dependencies' branches do not merge: baton/${run}/b conflicts in README.md; ana chose to fail`,
    );
    expect(app!.store.sessions.get(run, 'c')?.state).toBe('removed');
    expect(existsSync(session.dir)).toBe(false);
  });

  it('"resolved" with conflicts left asks again; once resolved the merge is concluded and the agent starts on it', async () => {
    const { run, repo, a, b, asked, pending } = await conflicted();
    const dir = app!.store.sessions.get(run, 'c')!.dir;
    await call(app!, 'approvals.decide', { approval_id: asked.id, decision: 'approve', actor: 'ana' });
    await eventually(async () => (await pending()).length === 1);
    const [again] = await pending();
    expect(again!.id).not.toBe(asked.id);
    expect(again!.reason).toMatch(
      /^ana answered that it was resolved, but conflicts remain; merging .* README\.md\./,
    );

    repo.write('README.md', 'a and b say\n', dir);
    await call(app!, 'approvals.decide', { approval_id: again!.id, decision: 'approve', actor: 'ana' });
    await app!.engine.whenSettled(run);
    await app!.coding.worktreesSettled();
    // The CLI (/bin/false) started in the resolved worktree, on a branch holding both dependencies.
    const c = app!.store.runs.task(run, 'c')!;
    expect(c.error).toMatch(/^claude exited with code 1/);
    const start = app!.store.sessions.get(run, 'c')!.start_commit;
    expect(repo.git(['rev-parse', `baton/${run}/c`])).toBe(start);
    for (const dep of [a, b]) repo.git(['merge-base', '--is-ancestor', dep.commit, start]);
    expect(repo.git(['show', `${start}:README.md`])).toBe('a and b say');
    const steps = await call<StoredStep[]>(app!, 'runs.steps', { run_id: run, task_id: 'c' });
    expect(steps[0]).toMatchObject({ kind: 'message', role: 'user' });
  });
});

describe('on_conflict "ask" across a restart', () => {
  it('the attempt after a restart waits on the same question, in the same worktree, and goes on once it is answered', async () => {
    const { run, repo, dir, asked } = await conflicted();
    const worktree = app!.store.sessions.get(run, 'c')!.dir;
    app!.close();
    app = createApp({ dataDir: dir, log: () => {} });
    const baton = app;
    await eventually(
      () =>
        baton.engine
          .waitingOnPeople(run)
          ?.map((t) => t.task_id)
          .join() === 'c',
    );
    const pending = (await call<Approval[]>(baton, 'approvals.list', { status: 'pending' })).map((x) => x.id);
    expect(pending).toEqual([asked.id]);
    expect(baton.store.runs.task(run, 'c')!.attempt).toBe(2);
    repo.write('README.md', 'a and b say\n', worktree);
    await call(baton, 'approvals.decide', { approval_id: asked.id, decision: 'approve', actor: 'ana' });
    await baton.engine.whenSettled(run);
    await baton.coding.worktreesSettled();
    expect(baton.store.runs.task(run, 'c')!.error).toMatch(/^claude exited with code 1/);
    expect(repo.git(['show', `baton/${run}/c:README.md`])).toBe('a and b say');
  });
});

describe('on_conflict "ask" answered from another process while Baton is down', () => {
  it('the rejection is honoured: the attempt fails with it, and nobody is asked again, there or after the restart', async () => {
    const { run, dir, asked } = await conflicted();
    app!.close();
    app = undefined;
    // `baton reject` takes up the run (no process executes it), records the rejection and goes on with it.
    const cli = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '../../cli/baton.ts'), 'reject', asked.id, '--as', 'ana', '--data-dir', dir],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(cli.stderr).toContain(`Rejected c of run ${run} as ana`);
    app = createApp({ dataDir: dir, log: () => {} });
    const baton = app;
    // The run ends, or waits on a person again.
    await eventually(
      () =>
        baton.store.runs.get(run)!.status !== 'executing' ||
        (baton.engine.waitingOnPeople(run)?.length ?? 0) > 0,
    );
    await baton.coding.worktreesSettled();
    const approvals = (await call<Approval[]>(baton, 'approvals.list', {})).filter(
      (x) => x.kind === 'merge_conflict',
    );
    expect(approvals.map((x) => [x.id, x.status, x.actor])).toEqual([[asked.id, 'rejected', 'ana']]);
    const c = baton.store.runs.task(run, 'c')!;
    expect(c.status).toBe('failed');
    expect(c.error).toBe(
      `the dependencies' branches do not merge: baton/${run}/b conflicts in README.md; ana chose to fail`,
    );
  });

  it('heard once: the attempt that failed by it is retried, and the retry asks anew', async () => {
    const { run, dir, asked } = await conflicted({ retry: { max_attempts: 3, backoff: { initial_ms: 0 } } });
    app!.close();
    app = undefined;
    const cli = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '../../cli/baton.ts'), 'reject', asked.id, '--as', 'ana', '--data-dir', dir],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(cli.stderr).toContain(`Rejected c of run ${run} as ana`);
    app = createApp({ dataDir: dir, log: () => {} });
    const baton = app;
    await eventually(() => (baton.engine.waitingOnPeople(run)?.length ?? 0) > 0);
    const approvals = (await call<Approval[]>(baton, 'approvals.list', {})).filter(
      (x) => x.kind === 'merge_conflict',
    );
    expect(approvals.map((x) => x.status)).toEqual(['rejected', 'pending']);
    // 1 asked and was interrupted; 2 (in `baton reject`) failed by the rejection; 3 asked anew
    // there, and after the restart 4 waits on that question.
    expect(
      baton.store.execution
        .attempts(run, 'c')
        .map((x) => [x.attempt, x.outcome, x.error?.slice(-17) ?? null]),
    ).toEqual([
      [1, 'interrupted', null],
      [2, 'failed', 'ana chose to fail'],
      [3, 'interrupted', null],
      [4, 'running', null],
    ]);
  });
});

describe('a coding CLI that cannot start', () => {
  it('fails the attempt naming the program; its worktree goes with the run', async () => {
    const dir = dataDir();
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    app = createApp({ dataDir: dir, log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(
      app,
      [{ id: 'coder', kind: 'coding', cli: 'codex', executable: '/no/such/codex', skills: ['code'] }],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'code', required_skills: ['code'] }],
      },
    );
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    const t = app.store.runs.task(run, 't')!;
    expect(t.status).toBe('failed');
    expect(t.error).toMatch(/^cannot start codex \("\/no\/such\/codex"\): .*ENOENT/);
    expect(app.store.sessions.get(run, 't')?.state).toBe('removed');
  });
});

describe('what a coding attempt spent', () => {
  it('a CLI Baton does not meter that ends before its final report leaves spend of unknown cost, never $0', async () => {
    const dir = dataDir();
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    // codex on the person's own login (no provider: no metering endpoint) killed mid-turn: it
    // printed its thread and a message, never the turn.completed that carries its usage.
    const script = join(scriptDir(), 'codex.sh');
    writeFileSync(
      script,
      `#!/bin/sh\necho '{"type":"thread.started","thread_id":"t-1"}'\necho '{"type":"item.completed","item":{"id":"i0","type":"agent_message","text":"Working."}}'\nexit 1\n`,
    );
    chmodSync(script, 0o755);
    app = createApp({ dataDir: dir, log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(
      app,
      [{ id: 'coder', kind: 'coding', cli: 'codex', executable: script, skills: ['code'] }],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'code', required_skills: ['code'] }],
      },
    );
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 't' });
    expect(steps.filter((x) => x.kind === 'usage')).toMatchObject([
      { kind: 'usage', cost_usd: null, cost_source: 'unknown' },
    ]);
    const logs = await call<{ text: string }[]>(app, 'runs.taskLogs', { run_id: run, task_id: 't' });
    expect(logs.map((l) => l.text)).toContain(
      'spend unknown: codex ended before it reported what its last model calls used',
    );
    expect(
      logs
        .map((l) => l.text)
        .some((l) => l.includes("model calls straight to the server codex's own config names")),
    ).toBe(true);
  });
});

describe('a checkout with uncommitted changes', () => {
  it('is said once, as the worktree is made: a notice on the attempt naming the files; a clean checkout says nothing', async () => {
    const dir = dataDir();
    const repo = makeRepo({ 'README.md': 'hello\n', 'app.ts': 'export {};\n' });
    cleanups.push(repo.cleanup);
    repo.write('app.ts', 'export const edited = true;\n');
    repo.write('notes.txt', 'mine\n');
    app = createApp({ dataDir: dir, log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const agents = [
      {
        id: 'coder',
        kind: 'coding' as const,
        cli: 'codex' as const,
        executable: '/no/such/codex',
        skills: ['code'],
      },
    ];
    const plan = (id: string) => ({
      plan_id: id,
      workspace: 'app',
      tasks: [{ task_id: 't', description: 'code', required_skills: ['code'] }],
    });
    const run = await setup(app, agents, plan('p'));
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    const notices = (runId: string) =>
      app!.store.execution
        .logs(runId, 't', 0, 1_000)
        .filter((l) => l.stream === 'notice')
        .map((l) => [l.attempt, l.text]);
    expect(notices(run)).toEqual([
      [
        1,
        `your checkout has uncommitted changes the agent will not see: 2 files (app.ts, notes.txt) in ${repo.repo}. Its worktree holds committed work only; commit them for an agent to see them`,
      ],
    ]);
    repo.commitAll('commit them');
    const clean = await setup(app, [], plan('q'));
    await app.engine.whenSettled(clean);
    await app.coding.worktreesSettled();
    expect(app.store.runs.task(clean, 't')?.status).toBe('failed');
    expect(notices(clean)).toEqual([]);
  });
});

describe('a coding attempt that changed nothing', () => {
  // codex (its stream as printed: two shell commands, the second failed, then "Ran both.") in a
  // real worktree, where it writes nothing.
  const STREAM = join(import.meta.dirname, '../../../test/coding-agents/streams/codex-shell.jsonl');
  const start = async (review: 'diff' | 'none') => {
    const dir = dataDir();
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    const script = join(scriptDir(), 'codex.sh');
    writeFileSync(script, `#!/bin/sh\ncat "${STREAM}"\n`);
    chmodSync(script, 0o755);
    app = createApp({ dataDir: dir, log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(
      app,
      [{ id: 'coder', kind: 'coding', cli: 'codex', executable: script, skills: ['code'] }],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [
          {
            task_id: 't',
            description: 'serve on $PORT',
            required_skills: ['code'],
            review,
            retry: { max_attempts: 2, backoff: { initial_ms: 0, max_ms: 0, jitter: 0 } },
          },
        ],
      },
    );
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    return { app, run };
  };

  it('on a task whose diff is reviewed: fails, retried, saying it changed nothing, its failed tool call and the agent’s claim; no review is asked', async () => {
    const { app, run } = await start('diff');
    const t = app.store.runs.task(run, 't')!;
    expect(t.status).toBe('failed');
    expect(t.attempt).toBe(2);
    expect(t.error).toBe(
      'the attempt changed nothing: no file differs from where the task\'s branch started, so there is no diff to review (1 of 2 tool calls failed); the agent said: "Ran both."',
    );
    expect(app.store.approvals.forTask(run, 't')).toEqual([]);
  });

  it('after a request for changes, an attempt that answers without changing files goes back to the reviewer with its answer; approving it finishes the task at the commit reviewed', async () => {
    const dir = dataDir();
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    // Writes a.txt the first time; the second time (the request for changes) writes nothing.
    const script = join(scriptDir(), 'codex.sh');
    writeFileSync(script, `#!/bin/sh\n[ -f a.txt ] || echo one > a.txt\ncat "${STREAM}"\n`);
    chmodSync(script, 0o755);
    app = createApp({ dataDir: dir, log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(
      app,
      [{ id: 'coder', kind: 'coding', cli: 'codex', executable: script, skills: ['code'] }],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'write a', required_skills: ['code'], review: 'diff' }],
      },
    );
    let review: ApprovalView | undefined;
    await eventually(async () => {
      review = (await call<ApprovalView[]>(app!, 'approvals.list', { status: 'pending' }))[0];
      return review !== undefined;
    });
    expect(review!.diff?.files.map((f) => f.path)).toEqual(['a.txt']);
    await call(app, 'approvals.decide', {
      approval_id: review!.id,
      decision: 'request_changes',
      actor: 'ana',
      comment: 'say two',
    });
    // Asked again, beside the same commit, with the agent's answer; the run goes on.
    let again: ApprovalView | undefined;
    await eventually(async () => {
      again = (await call<ApprovalView[]>(app!, 'approvals.list', { status: 'pending' }))[0];
      return again !== undefined;
    });
    expect(again!.diff).toMatchObject({ commit: review!.diff!.commit, attempt: 2, summary: 'Ran both.' });
    expect(again!.diff!.previous_review).toMatchObject({ commit: review!.diff!.commit, comment: 'say two' });
    expect(app.store.runs.task(run, 't')!.status).toBe('awaiting_approval');
    const logs = await call<{ text: string }[]>(app, 'runs.taskLogs', { run_id: run, task_id: 't' });
    expect(logs.map((l) => l.text)).toContain(
      `the attempt answered the review without changing files: the task's branch is still at ${review!.diff!.commit.slice(0, 10)}, and its answer goes back to the reviewer (1 of 2 tool calls failed)`,
    );
    await call(app, 'approvals.decide', { approval_id: again!.id, decision: 'approve', actor: 'ana' });
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    const t = app.store.runs.task(run, 't')!;
    expect({ status: t.status, attempt: t.attempt }).toEqual({ status: 'done', attempt: 2 });
    expect((t.output as { commit: string }).commit).toBe(review!.diff!.commit);
    expect(app.store.approvals.forTask(run, 't').map((a) => a.status)).toEqual([
      'changes_requested',
      'approved',
    ]);
  });

  it('on a task that asks no review: done, its log saying it changed nothing', async () => {
    const { app, run } = await start('none');
    expect(app.store.runs.task(run, 't')!.status).toBe('done');
    const logs = await call<{ text: string }[]>(app, 'runs.taskLogs', { run_id: run, task_id: 't' });
    expect(logs.map((l) => l.text)).toContain(
      "the attempt changed nothing: no file differs from where the task's branch started (1 of 2 tool calls failed)",
    );
  });
});
