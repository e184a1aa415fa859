import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { call } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

// A workspace's checks: stored with it, replaced by workspaces.update, and the names a plan's
// task chooses checked against them when the plan comes in.
let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

function open(dir = mkdtempSync(join(tmpdir(), 'baton-ws-checks-'))) {
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  app = createApp({ dataDir: dir, log: () => {}, resume: false });
  return { app, dir };
}

async function failure(a: BatonApp, method: string, input: unknown) {
  const r = await a.dispatch(method, input);
  if (r.ok) throw new Error(`${method} succeeded`);
  const issues =
    (r.error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
  return { code: r.error.code, message: r.error.message, issues };
}

const TEST = { name: 'test', command: ['node', '--test', '--test-reporter=tap'], timeout_s: 120 };
const LINT = { name: 'lint', command: ['npm', 'run', 'lint'] };

describe("a workspace's checks", () => {
  it('are stored with it, kept across a restart, and replaced as a whole by workspaces.update', async () => {
    const { app: a, dir } = open();
    const r = makeRepo();
    cleanups.push(r.cleanup);
    const added = await call<Workspace>(a, 'workspaces.add', { id: 'app', path: r.repo, checks: [TEST] });
    expect(added.checks).toEqual([TEST]);
    const updated = await call<Workspace>(a, 'workspaces.update', {
      workspace_id: 'app',
      checks: [TEST, LINT],
    });
    expect(updated.checks).toEqual([TEST, LINT]);
    // The sandbox was not given: it stays as it was.
    expect(updated.sandbox).toBeNull();
    await a.close();
    app = undefined;
    const again = createApp({ dataDir: dir, log: () => {}, resume: false });
    app = again;
    const [listed] = await call<Workspace[]>(again, 'workspaces.list', {});
    expect(listed!.checks).toEqual([TEST, LINT]);
  });

  it('refuse a check without a program, a timeout that is no number of seconds, a name twice, naming the field', async () => {
    const { app: a } = open();
    const r = makeRepo();
    cleanups.push(r.cleanup);
    await call(a, 'workspaces.add', { id: 'app', path: r.repo });
    const bad = await failure(a, 'workspaces.update', {
      workspace_id: 'app',
      checks: [
        { name: 'test', command: [] },
        { name: 'lint', command: ['x'], timeout_s: -1 },
        { name: 'lint', command: ['y'], junit: '../out.xml' },
      ],
    });
    expect(bad.code).toBe('invalid_input');
    expect(bad.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'checks[0].command',
          message: expect.stringContaining('must name a program'),
        }),
        expect.objectContaining({ path: 'checks[1].timeout_s', message: expect.stringContaining('above 0') }),
        expect.objectContaining({ path: 'checks[2].junit', message: 'must be a path inside the worktree' }),
        expect.objectContaining({ path: 'checks[2].name', message: 'check "lint" is named twice' }),
      ]),
    );
    const [listed] = await call<Workspace[]>(a, 'workspaces.list', {});
    expect(listed!.checks).toEqual([]);
  });

  it("a plan's task may name only its workspace's checks, an error naming the task and the field", async () => {
    const { app: a } = open();
    const r = makeRepo();
    cleanups.push(r.cleanup);
    await call(a, 'workspaces.add', { id: 'app', path: r.repo, checks: [TEST, LINT] });
    const plan = (task: Record<string, unknown>) => ({
      plan_id: 'p',
      workspace: 'app',
      tasks: [{ task_id: 'fix', description: 'fix it', ...task }],
    });
    const bad = await failure(a, 'plans.import', { plan: plan({ checks: ['test', 'types'] }) });
    expect(bad.issues).toEqual([
      {
        path: 'tasks[0].checks[1]',
        message:
          'task "fix" names check "types" in checks, which workspace "app" does not have (its checks: test, lint)',
      },
    ]);
    const rounds = await failure(a, 'plans.import', {
      plan: plan({ fix_rounds: 11, on_checks_failed: 'later' }),
    });
    expect(rounds.issues.map((i) => i.path).sort()).toEqual([
      'tasks[0].fix_rounds',
      'tasks[0].on_checks_failed',
    ]);
    // A task that chooses some checks, or none, is taken.
    await call(a, 'plans.import', {
      plan: plan({ checks: ['lint'], fix_rounds: 0, on_checks_failed: 'review' }),
    });
    await call(a, 'plans.import', { plan: { ...plan({ checks: [] }), plan_id: 'q' } });
  });
});
