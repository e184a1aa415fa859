import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskSession } from '../../../../src-shared/schemas/workspace.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { codingWork } from '../../../workspaces/testing/coding-output.ts';
import { makeRepo } from '../../../workspaces/testing/temp-repo.ts';

// The real coding executor, up to the CLI: what happens before a CLI could start. The two
// dependencies are done by an agent the test drives, their branches made by hand in a real
// repository; the CLI itself (never reached) is /bin/false.
let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(() => {
  app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

describe('the coding executor', () => {
  it('fails an attempt whose dependencies’ branches do not merge, naming the branches and files; nothing is left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-coding-exec-'));
    const repo = makeRepo();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), repo.cleanup);
    const exec = controlledExecutor();
    app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(
      app,
      [
        { id: 'e', skills: ['x'], max_concurrency: 2 },
        { id: 'coder', kind: 'coding', cli: 'claude', executable: '/bin/false', skills: ['code'] },
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
    await app.engine.worktreesSettled();
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

describe('a coding CLI that cannot start', () => {
  it('fails the attempt naming the program; its worktree goes with the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-coding-exec-'));
    const repo = makeRepo();
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), repo.cleanup);
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
    await app.engine.worktreesSettled();
    const t = app.store.runs.task(run, 't')!;
    expect(t.status).toBe('failed');
    expect(t.error).toMatch(/^cannot start codex \("\/no\/such\/codex"\): .*ENOENT/);
    expect(app.store.sessions.get(run, 't')?.state).toBe('removed');
  });
});
