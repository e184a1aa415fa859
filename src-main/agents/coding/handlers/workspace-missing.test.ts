import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { PruneReport } from '../../../../src-shared/contract/domains/workspaces.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { call, controlledExecutor } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { prepareWorktree } from '../workspaces/index.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

// A workspace whose repository was deleted (or moved) after it was registered: listed as
// missing, skipped by a prune that still prunes the others, and a run whose coding tasks work
// in it is refused up front with the workspace and its path named, not at each attempt with
// git's words.

let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'baton-ws-missing-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  app = createApp({ dataDir: dir, executors: { echo: controlledExecutor().executor }, log: () => {} });
  return app;
}

function repo(): TempRepo {
  const r = makeRepo();
  cleanups.push(r.cleanup);
  return r;
}

async function failure(a: BatonApp, method: string, input: unknown) {
  const r = await a.dispatch(method, input);
  if (r.ok) throw new Error(`${method} succeeded`);
  const issues =
    (r.error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
  return { code: r.error.code, message: r.error.message, paths: issues.map((i) => i.path) };
}

const coder = { id: 'coder', kind: 'coding', cli: 'qwen', skills: ['code'], executable: '/bin/false' };
const writer = { id: 'writer', kind: 'echo', skills: ['write'] };

it('a deleted repository is listed missing, and a prune reports it and still prunes the others', async () => {
  const a = open();
  const gone = repo();
  const here = repo();
  await call(a, 'workspaces.add', { id: 'gone', path: gone.repo });
  await call(a, 'workspaces.add', { id: 'here', path: here.repo });
  // A worktree Baton left in the one still there: a prune removes it.
  const stray = join(a.coding.worktreeRoot, 'run-x', 't', 'tree');
  const made = await prepareWorktree({
    repo: here.repo,
    baseBranch: 'main',
    branch: 'baton/run-x/t',
    dir: stray,
  });
  expect(made.ok).toBe(true);
  rmSync(gone.repo, { recursive: true, force: true });

  const reports = await call<PruneReport[]>(a, 'workspaces.prune', {});
  expect(reports).toEqual([
    {
      workspace_id: 'gone',
      removed: [],
      pruned: [],
      left: [],
      missing: 'its folder is gone (deleted or moved)',
    },
    expect.objectContaining({ workspace_id: 'here', removed: [made.ok ? made.dir : ''] }),
  ]);

  const listed = await call<Workspace[]>(a, 'workspaces.list', {});
  expect(listed.map((w) => [w.id, w.missing])).toEqual([
    ['gone', 'its folder is gone (deleted or moved)'],
    ['here', null],
  ]);

  // A folder that is there but no longer a repository is missing too.
  renameSync(join(here.repo, '.git'), join(here.root, 'git-elsewhere'));
  expect((await call<Workspace[]>(a, 'workspaces.list', {}))[1]!.missing).toBe(
    'its folder is no longer a git repository (no .git)',
  );
});

it('a run whose coding tasks work in a missing workspace is refused up front, naming the workspace and its path', async () => {
  const a = open();
  const gone = repo();
  await call(a, 'workspaces.add', { id: 'gone', path: gone.repo });
  await call(a, 'agents.import', { agents: [coder, writer] });
  await call(a, 'plans.import', {
    plan: {
      plan_id: 'p',
      workspace: 'gone',
      tasks: [
        { task_id: 'notes', description: 'write', required_skills: ['write'] },
        { task_id: 'code', description: 'code', required_skills: ['code'] },
      ],
    },
  });
  // A plan without coding tasks does not need it: it runs.
  await call(a, 'plans.import', {
    plan: {
      plan_id: 'prose',
      workspace: 'gone',
      tasks: [{ task_id: 'notes', description: 'write', required_skills: ['write'] }],
    },
  });
  rmSync(gone.repo, { recursive: true, force: true });

  const refused = await failure(a, 'runs.start', { plan_id: 'p' });
  expect(refused.code).toBe('invalid_input');
  expect(refused.paths).toEqual(['workspace']);
  expect(refused.message).toBe(
    `plan "p" v1 cannot run: workspace: coding task "code" works in workspace "gone", which is missing (${gone.repo}: its folder is gone (deleted or moved)); register it again where it is now (baton workspaces remove gone, then baton workspaces add <path> --id gone; or the Workspaces screen)`,
  );
  expect(await call<unknown[]>(a, 'runs.list', {})).toEqual([]);

  const prose = await call<{ run_id: string }>(a, 'runs.start', { plan_id: 'prose' });
  expect(prose.run_id).toMatch(/^run-/);
});
