import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Editor } from '../../../../src-shared/contract/domains/workspaces.ts';
import { call } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

/** A run for the session to belong to. */
function addRun(a: BatonApp) {
  a.store.db
    .prepare(
      `INSERT INTO runs (id, plan_id, plan_version, project_id, status, memory_id, created_at)
       VALUES ('run-1', 'p', 1, NULL, 'completed', 'mem', '2026-01-01T00:00:00.000Z')`,
    )
    .run();
}

/** An app whose editor launcher records what it was asked to open; workspace `app` registered. */
async function withLauncher(launch: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-editor-handler-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const r = makeRepo();
  cleanups.push(r.cleanup);
  const opened: [Editor, string][] = [];
  app = createApp({
    dataDir: dir,
    log: () => {},
    resume: false,
    ...(launch
      ? { launchEditor: async (editor: Editor, folder: string) => void opened.push([editor, folder]) }
      : {}),
  });
  const w = await call<{ path: string }>(app, 'workspaces.add', { id: 'app', path: r.repo });
  addRun(app);
  const tree = join(dir, 'worktrees', 'run-1', 'fix', 'tree');
  mkdirSync(tree, { recursive: true });
  app.store.sessions.upsert({
    run_id: 'run-1',
    task_id: 'fix',
    workspace_id: 'app',
    agent_id: 'coder',
    cli: 'claude',
    dir: tree,
    branch: 'baton/run-1/fix',
    start_commit: '0'.repeat(40),
    session_id: null,
    home: null,
    attempt: 1,
    state: 'active',
    updated_at: '2026-01-01T00:00:00.000Z',
  });
  return { app, opened, tree, repo: w.path };
}

describe('workspaces.openInEditor', () => {
  it("opens a task's worktree, else its repository once the worktree is gone, found from the ids", async () => {
    const { app: a, opened, tree, repo } = await withLauncher(true);
    expect(
      await call(a, 'workspaces.openInEditor', { editor: 'vscode', run_id: 'run-1', task_id: 'fix' }),
    ).toEqual({
      path: tree,
    });
    a.store.sessions.setState('run-1', 'fix', 'removed', '2026-01-01T00:01:00.000Z');
    await call(a, 'workspaces.openInEditor', { editor: 'zed', run_id: 'run-1', task_id: 'fix' });
    await call(a, 'workspaces.openInEditor', { editor: 'cursor', workspace_id: 'app' });
    expect(opened).toEqual([
      ['vscode', tree],
      ['zed', repo],
      ['cursor', repo],
    ]);
  });

  it('takes no path from the caller, and names what is unknown', async () => {
    const { app: a, opened } = await withLauncher(true);
    const withPath = await a.dispatch('workspaces.openInEditor', {
      editor: 'vscode',
      workspace_id: 'app',
      path: '/etc',
    });
    expect(!withPath.ok && withPath.error.code).toBe('invalid_input');
    const unknownTask = await a.dispatch('workspaces.openInEditor', {
      editor: 'vscode',
      run_id: 'run-1',
      task_id: 'nope',
    });
    expect(!unknownTask.ok && [unknownTask.error.code, unknownTask.error.message]).toEqual([
      'not_found',
      'task "nope" of run "run-1" has no coding work',
    ]);
    const neither = await a.dispatch('workspaces.openInEditor', { editor: 'vscode' });
    expect(!neither.ok && neither.error.code).toBe('invalid_input');
    const editor = await a.dispatch('workspaces.openInEditor', { editor: 'notepad', workspace_id: 'app' });
    expect(!editor.ok && editor.error.code).toBe('invalid_input');
    expect(opened).toEqual([]);
  });

  it('is unavailable where no editor can be started (browser mode, the CLI)', async () => {
    const { app: a } = await withLauncher(false);
    const r = await a.dispatch('workspaces.openInEditor', { editor: 'vscode', workspace_id: 'app' });
    expect(!r.ok && r.error.code).toBe('unavailable');
  });
});
