import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, onTestFinished } from 'vitest';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { running, sleepTags } from '../../src-main/engine/executors/testing/processes.ts';
import type {
  DeletedBranches,
  TaskBranchInfo,
  WorkspaceBranches,
} from '../../src-shared/contract/domains/workspaces.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { writeFakeQwen } from '../kit/fake-qwen.ts';

// Baton's task branches pile up, one per coding task of every run. `workspaces.branches` lists
// them with what each holds, and a cleanup deletes the merged and empty ones; kept work in
// progress and a done task's unmerged work only when the person says so; never a branch a
// running run uses, one checked out anywhere, or one that is not Baton's. The same through the
// real `baton workspaces branches` CLI. Real runs (the coding executor, a fake qwen script), a
// real repository.

const DEADLINE = 60_000;
const DAY = 86_400_000;
const tags = sleepTags();
const root = mkdtempSync(join(tmpdir(), 'baton-task-branches-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cliPath = join(import.meta.dirname, '..', '..', 'src-main', 'cli', 'baton.ts');
function baton(args: string[], dataDir: string) {
  const r = spawnSync(process.execPath, [cliPath, ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

it('lists what each task branch holds and deletes only what may go, in the app and with the CLI', {
  timeout: 4 * DEADLINE,
}, async () => {
  const dir = mkdtempSync(join(root, 'data-'));
  const repo = makeRepo();
  onTestFinished(repo.cleanup);
  const log = join(dir, 'cli.log');
  writeFileSync(log, '');
  const qwen = writeFakeQwen(root);
  const tag = tags.next();
  // The first run ends 40 days ago: the clock is moved back for it.
  let offset = -40 * DAY;
  const app = createApp({ dataDir: dir, log: () => {}, clock: { now: () => Date.now() + offset } });
  try {
    const agent = (skill: string, env: Record<string, string>) => ({
      id: skill,
      kind: 'coding' as const,
      cli: 'qwen' as const,
      skills: [skill],
      executable: qwen,
      env: { LOG: log, TAG: tag, ...env },
    });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await call(app, 'agents.import', {
      agents: [
        agent('ok', {}),
        agent('fail', { MODE: 'fail' }),
        agent('empty', { MODE: 'fail-empty' }),
        agent('hang', { MODE: 'hang' }),
      ],
    });
    const task = (id: string, skill: string) => ({
      task_id: id,
      description: `do ${id}`,
      required_skills: [skill],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'old',
        workspace: 'app',
        tasks: [
          task('merged', 'ok'),
          task('wip', 'fail'),
          task('empty', 'empty'),
          task('unmerged', 'ok'),
          task('mine', 'ok'),
        ],
      },
    });
    await call(app, 'plans.import', {
      plan: { plan_id: 'now', workspace: 'app', tasks: [task('busy', 'hang')] },
    });
    const old = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'old' })).run_id;
    await app.engine.whenSettled(old);
    await app.coding.worktreesSettled();
    offset = 0;
    const now = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'now' })).run_id;
    await eventually(() => running(tag).length === 1, DEADLINE, 'the busy task to hang');

    // The person merged one, checks another out in a worktree of their own, and has branches of their own.
    repo.git(['merge', '-q', '--ff-only', `baton/${old}/merged`]);
    repo.git(['worktree', 'add', '-q', join(repo.root, 'mine'), `baton/${old}/mine`]);
    repo.git(['branch', 'baton/not-made/by-baton']);
    repo.git(['branch', 'feature']);

    const list = async (input: Record<string, unknown> = {}) =>
      (await call<WorkspaceBranches[]>(app, 'workspaces.branches', { workspace_id: 'app', ...input }))[0]!
        .branches;
    const kinds = (bs: TaskBranchInfo[]) =>
      Object.fromEntries(bs.map((b) => [`${b.run_id === old ? 'old' : 'now'}/${b.task_id}`, b.kind]));
    const all = await list();
    expect(kinds(all)).toEqual({
      'old/empty': 'empty',
      'old/merged': 'merged',
      'old/mine': 'checked_out',
      'old/unmerged': 'unmerged',
      'old/wip': 'work_in_progress',
      'now/busy': 'running',
    });
    expect(all.find((b) => b.task_id === 'wip')!.why).toBe(
      'unreviewed work kept from attempt 1 (failed), not in main',
    );
    expect(all.find((b) => b.task_id === 'mine')!.why).toBe(`checked out in ${join(repo.root, 'mine')}`);
    expect(Object.keys(kinds(await list({ run_id: now })))).toEqual(['now/busy']);
    expect(Object.keys(kinds(await list({ older_than_days: 30 }))).sort()).toEqual([
      'old/empty',
      'old/merged',
      'old/mine',
      'old/unmerged',
      'old/wip',
    ]);
    expect(await list({ older_than_days: 50 })).toEqual([]);

    // Everything asked for, without the flags: only the merged and empty ones go.
    const ask = [
      ...all.map((b) => ({ name: b.name, tip: b.tip })),
      { name: 'baton/not-made/by-baton', tip: all[0]!.tip },
    ];
    const first = await call<DeletedBranches>(app, 'workspaces.deleteBranches', {
      workspace_id: 'app',
      branches: ask,
    });
    expect(first.deleted.sort()).toEqual([`baton/${old}/empty`, `baton/${old}/merged`]);
    expect(Object.fromEntries(first.left.map((l) => [l.name, l.why.split(':')[0]]))).toEqual({
      [`baton/${old}/wip`]: 'kept work in progress (delete it only with include_kept_work)',
      [`baton/${old}/unmerged`]: 'unmerged done work (delete it only with include_unmerged)',
      [`baton/${old}/mine`]: 'checked out',
      [`baton/${now}/busy`]: 'in use',
      'baton/not-made/by-baton': 'not one of Baton’s task branches here',
    });
    // A branch that moved since it was listed is left, even with the flag.
    const unmerged = all.find((b) => b.task_id === 'unmerged')!;
    const moved = await call<DeletedBranches>(app, 'workspaces.deleteBranches', {
      workspace_id: 'app',
      branches: [{ name: unmerged.name, tip: repo.git(['rev-parse', 'main']) }],
      include_unmerged: true,
    });
    expect(moved.deleted).toEqual([]);
    expect(moved.left[0]!.why).toMatch(/^it moved to /);
    // Asked for explicitly: kept work, and unmerged done work.
    const wip = all.find((b) => b.task_id === 'wip')!;
    const second = await call<DeletedBranches>(app, 'workspaces.deleteBranches', {
      workspace_id: 'app',
      branches: [wip, unmerged].map((b) => ({ name: b.name, tip: b.tip })),
      include_kept_work: true,
      include_unmerged: true,
    });
    expect(second).toEqual({ workspace_id: 'app', deleted: [wip.name, unmerged.name], left: [] });
    expect(app.store.sessions.get(old, 'wip')!.kept_work!.state).toBe('discarded');
    expect(repo.git(['branch', '--list', '--format=%(refname:short)']).split('\n').sort()).toEqual(
      [`baton/${now}/busy`, `baton/${old}/mine`, 'baton/not-made/by-baton', 'feature', 'main'].sort(),
    );
    await call(app, 'runs.cancel', { run_id: now });
    await app.engine.whenSettled(now);
  } finally {
    await app.close();
  }

  // The CLI, on the same data directory: busy's cancelled attempt left work (kept), mine is checked out.
  const listed = baton(['workspaces', 'branches', '--workspace', 'app'], dir);
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stdout).toContain(
    'app: 2 task branches (1 checked out, 1 work in progress); 0 to clean up\n',
  );
  expect(listed.stdout).toMatch(
    / {2}baton\/\S+\/busy +work in progress +unreviewed work kept from attempt 1 \(cancelled\), not in main\n/,
  );
  const none = baton(['workspaces', 'branches', '--delete'], dir);
  expect(none.stdout).toBe('app: deleted 0 branches\n');
  const kept = baton(['workspaces', 'branches', '--delete', '--include-kept-work', '--json'], dir);
  expect(kept.code, kept.stderr).toBe(0);
  expect((JSON.parse(kept.stdout) as DeletedBranches[])[0]!.deleted).toEqual([
    expect.stringMatching(/\/busy$/),
  ]);
  expect(baton(['workspaces', 'branches', '--older-than', 'soon'], dir).stderr).toContain(
    '--older-than: expected a number of days such as 30d, got "soon"',
  );
});
