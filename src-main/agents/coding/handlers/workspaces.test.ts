import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBatch } from '../../../../src-shared/contract/events.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { call, controlledExecutor, eventually, task } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { detectClis } from '../clis/detect.ts';
import { prepareWorktree } from '../workspaces/index.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

function open(exec = controlledExecutor()) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-workspaces-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
  return { app, dir, exec };
}

function repo(): TempRepo {
  const r = makeRepo();
  cleanups.push(r.cleanup);
  return r;
}

/** The error a call fails with: its code, message and first issue's path. */
async function failure(a: BatonApp, method: string, input: unknown) {
  const r = await a.dispatch(method, input);
  if (r.ok) throw new Error(`${method} succeeded`);
  const issues =
    (r.error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
  return { code: r.error.code, message: r.error.message, paths: issues.map((i) => i.path) };
}

describe('workspaces.add', () => {
  it('registers a repository by its real path, starting tasks from its current branch unless told, and tells the UI', async () => {
    const { app } = open();
    const events: EventBatch = [];
    app.bus.subscribe((b) => events.push(...b));
    const r = repo();
    r.git(['checkout', '-q', '-b', 'develop']);
    const w = await call<Workspace>(app, 'workspaces.add', {
      id: 'app',
      path: `${r.repo}/.`,
      setup_command: ['npm', 'ci'],
      env: { NODE_ENV: 'test', TOKEN: { secret: 'gh.token' } },
      keep_ignored: ['node_modules/', ' .venv/ '],
    });
    expect(w).toMatchObject({
      id: 'app',
      path: realpathSync(r.repo),
      base_branch: 'develop',
      setup_command: ['npm', 'ci'],
      env: { NODE_ENV: 'test', TOKEN: { secret: 'gh.token' } },
      keep_ignored: ['node_modules/', '.venv/'],
    });
    const main = await call<Workspace>(app, 'workspaces.add', {
      id: 'app-main',
      path: r.repo,
      base_branch: 'main',
    });
    expect(main).toMatchObject({ base_branch: 'main', keep_ignored: [] });
    expect((await call<Workspace[]>(app, 'workspaces.list', {})).map((x) => [x.id, x.keep_ignored])).toEqual([
      ['app', ['node_modules/', '.venv/']],
      ['app-main', []],
    ]);
    await eventually(() => events.some((e) => e.name === 'workspace.updated'));
  });

  it('refuses what is not a repository, a branch it lacks, a relative path and an id taken, naming the field', async () => {
    const { app } = open();
    const r = repo();
    const plain = mkdtempSync(join(tmpdir(), 'baton-plain-'));
    cleanups.push(() => rmSync(plain, { recursive: true, force: true }));
    expect(await failure(app, 'workspaces.add', { id: 'x', path: plain })).toMatchObject({
      code: 'invalid_input',
      paths: ['path'],
      message: expect.stringContaining('is not a git repository'),
    });
    mkdirSync(join(r.repo, 'sub'));
    expect(await failure(app, 'workspaces.add', { id: 'x', path: join(r.repo, 'sub') })).toMatchObject({
      code: 'invalid_input',
      paths: ['path'],
    });
    expect(
      await failure(app, 'workspaces.add', { id: 'x', path: r.repo, base_branch: 'nope' }),
    ).toMatchObject({
      code: 'invalid_input',
      paths: ['base_branch'],
      message: expect.stringContaining('nope'),
    });
    expect(await failure(app, 'workspaces.add', { id: 'x', path: 'repo' })).toMatchObject({
      code: 'invalid_input',
      paths: ['path'],
    });
    await call(app, 'workspaces.add', { id: 'x', path: r.repo });
    expect(await failure(app, 'workspaces.add', { id: 'x', path: r.repo })).toMatchObject({
      code: 'conflict',
    });
    expect(await failure(app, 'workspaces.add', { id: 'bad id', path: r.repo })).toMatchObject({
      code: 'invalid_input',
      paths: ['id'],
    });
    const badPatterns: [string, string][] = [
      ['!node_modules/', 'must not start with !'],
      ['# deps', 'must not start with #'],
      ['  ', 'must not be empty'],
      ['a\nb', 'must be one line'],
    ];
    for (const [pattern, why] of badPatterns)
      expect(
        await failure(app, 'workspaces.add', { id: 'y', path: r.repo, keep_ignored: ['dist/', pattern] }),
      ).toMatchObject({
        code: 'invalid_input',
        paths: ['keep_ignored[1]'],
        message: expect.stringContaining(why),
      });
    expect((await call<Workspace[]>(app, 'workspaces.list', {})).map((x) => x.id)).toEqual(['x']);
  });
});

describe('plans naming workspaces', () => {
  const plan = (extra: Record<string, unknown>, taskExtra: Record<string, unknown> = {}) => ({
    plan_id: 'p',
    tasks: [task('t', taskExtra)],
    ...extra,
  });

  it('are refused at the path of a workspace nobody registered, and of a coding task without one', async () => {
    const { app } = open();
    await call(app, 'agents.import', {
      agents: [{ id: 'coder', kind: 'coding', cli: 'claude', skills: ['x'] }],
    });
    const unknown = await failure(app, 'plans.import', {
      plan: plan({ workspace: 'nope' }, { workspace: 'gone' }),
    });
    expect(unknown).toMatchObject({ code: 'invalid_input', paths: ['workspace', 'tasks[0].workspace'] });
    expect(unknown.message).toContain('unknown workspace "nope"');
    const noWorkspace = await failure(app, 'plans.import', { plan: plan({}, { agent: 'coder' }) });
    expect(noWorkspace).toMatchObject({ code: 'invalid_input', paths: ['tasks[0].workspace'] });
    expect(noWorkspace.message).toContain('coding agent "coder", which needs a workspace');
    const validated = await call<{ ok: boolean; issues: { path: string }[] }>(app, 'plans.validate', {
      plan: plan({ workspace: 'nope' }),
    });
    expect(validated).toEqual({ ok: false, issues: [expect.objectContaining({ path: 'workspace' })] });
    // Nothing was stored, and importing never registered a workspace.
    expect(await call(app, 'plans.list', {})).toEqual([]);
    expect(await call(app, 'workspaces.list', {})).toEqual([]);

    const r = repo();
    await call(app, 'workspaces.add', { id: 'app', path: r.repo });
    await call(app, 'plans.import', { plan: plan({ workspace: 'app' }, { agent: 'coder' }) });
  });

  it('are told by plans.validate when a task only coding agents can take names no workspace, and still saved', async () => {
    const { app } = open();
    await call(app, 'agents.import', {
      agents: [
        { id: 'coder', kind: 'coding', cli: 'claude', skills: ['code'] },
        { id: 'coder2', kind: 'coding', cli: 'codex', skills: ['code', 'x'] },
        { id: 'writer', skills: ['x'] },
      ],
    });
    const only = plan({}, { required_skills: ['code'] });
    expect(await call(app, 'plans.validate', { plan: only })).toEqual({
      ok: false,
      issues: [
        {
          path: 'tasks[0].workspace',
          message:
            'task "t" can go only to coding agents (coder, coder2), which need a workspace: set workspace on the task or on the plan',
        },
      ],
    });
    // Another kind of agent can take it too, or the plan names a workspace: nothing to say.
    expect(await call(app, 'plans.validate', { plan: plan({}, { required_skills: ['x'] }) })).toEqual({
      ok: true,
      issues: [],
    });
    const r = repo();
    await call(app, 'workspaces.add', { id: 'app', path: r.repo });
    expect(await call(app, 'plans.validate', { plan: { ...only, workspace: 'app' } })).toEqual({
      ok: true,
      issues: [],
    });
    // The agents may change before a run: the plan is saved as it is.
    await call(app, 'plans.import', { plan: only });
  });

  it('are listed with the workspace they name, on the plan or a task, by name; a new version that drops it drops the plan', async () => {
    const { app } = open();
    const r = repo();
    for (const id of ['app', 'quiet']) await call(app, 'workspaces.add', { id, path: r.repo });
    await call(app, 'plans.import', {
      plan: { ...plan({ workspace: 'app' }), plan_id: 'rel', name: 'Release' },
    });
    await call(app, 'plans.import', {
      plan: { ...plan({}, { workspace: 'app' }), plan_id: 'doc', name: 'Docs' },
    });
    await call(app, 'plans.import', { plan: { ...plan({}), plan_id: 'none', name: 'Elsewhere' } });
    const listed = async () =>
      Object.fromEntries(
        (await call<Workspace[]>(app, 'workspaces.list', {})).map((w) => [w.id, w.plans?.map((p) => p.name)]),
      );
    expect(await listed()).toEqual({ app: ['Docs', 'Release'], quiet: [] });
    await call(app, 'plans.import', { plan: { ...plan({}), plan_id: 'rel', name: 'Release' } });
    expect(await listed()).toEqual({ app: ['Docs'], quiet: [] });
    const [w] = await call<Workspace[]>(app, 'workspaces.list', {});
    expect(w).toMatchObject({ open_worktrees: 0, parked_worktrees: 0 });
  });

  it('cannot run once their workspace is forgotten; a workspace an executing run names cannot be forgotten', async () => {
    const { app, exec } = open();
    const r = repo();
    await call(app, 'workspaces.add', { id: 'app', path: r.repo });
    await call(app, 'agents.import', { agents: [{ id: 'e', skills: ['x'] }] });
    await call(app, 'plans.import', { plan: plan({ workspace: 'app' }) });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
    await eventually(() => exec.running.has('t'));
    expect(await failure(app, 'workspaces.remove', { workspace_id: 'app' })).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(run_id),
    });
    exec.running.get('t')!.finish();
    await app.engine.whenSettled(run_id);
    expect(await call(app, 'workspaces.remove', { workspace_id: 'app' })).toEqual({ removed: true });
    expect(await failure(app, 'runs.start', { plan_id: 'p' })).toMatchObject({
      code: 'invalid_input',
      paths: ['workspace'],
    });
    expect(await failure(app, 'workspaces.remove', { workspace_id: 'app' })).toMatchObject({
      code: 'not_found',
    });
  });
});

describe('workspaces.prune', () => {
  it("removes the worktrees of runs that ended and Baton's strays, leaving kept ones unless asked, and executing runs' always", async () => {
    const { app } = open();
    const r = repo();
    await call(app, 'workspaces.add', { id: 'app', path: r.repo });
    const root = app.coding.worktreeRoot;
    const addRun = app.store.db.prepare(
      `INSERT INTO runs (id, plan_id, plan_version, project_id, status, memory_id, created_at)
       VALUES (?, 'p', 1, NULL, ?, 'mem', '2026-01-01T00:00:00.000Z')`,
    );
    addRun.run('ended', 'completed');
    addRun.run('going', 'executing');
    const worktree = async (run: string, taskId: string, state: 'active' | 'kept') => {
      const dir = join(root, run, taskId, 'tree');
      const w = await prepareWorktree({
        repo: r.repo,
        baseBranch: 'main',
        branch: `baton/${run}/${taskId}`,
        dir,
      });
      if (!w.ok) throw new Error('conflict');
      app!.store.sessions.upsert({
        run_id: run,
        task_id: taskId,
        workspace_id: 'app',
        agent_id: 'coder',
        cli: 'claude',
        dir: w.dir,
        branch: w.branch,
        start_commit: w.startCommit,
        session_id: null,
        home: null,
        attempt: 1,
        state,
        updated_at: '2026-01-01T00:00:00.000Z',
      });
      return w.dir;
    };
    const leftover = await worktree('ended', 'a', 'active');
    const kept = await worktree('ended', 'b', 'kept');
    const running = await worktree('going', 'c', 'active');
    // A worktree no session knows of (Baton died while making it).
    const stray = join(root, 'lost', 'x', 'tree');
    const w = await prepareWorktree({ repo: r.repo, baseBranch: 'main', branch: 'baton/lost/x', dir: stray });
    if (!w.ok) throw new Error('conflict');

    const [first] = await call<{ removed: string[]; left: { dir: string; why: string }[] }[]>(
      app,
      'workspaces.prune',
      { workspace_id: 'app' },
    );
    expect(first!.removed).toEqual([leftover]);
    expect(first!.left.map((l) => [l.dir, l.why]).sort()).toEqual([
      [kept, 'kept by a person'],
      [running, 'its run is executing'],
    ]);
    expect(existsSync(stray)).toBe(true); // a run of this workspace executes: no sweep
    expect(app.store.sessions.get('ended', 'a')?.state).toBe('removed');
    expect(existsSync(leftover)).toBe(false);
    expect(r.git(['branch', '--list', 'baton/ended/a'])).toContain('baton/ended/a'); // the result stays

    app.store.db.prepare("UPDATE runs SET status = 'cancelled' WHERE id = 'going'").run();
    const [second] = await call<{ removed: string[]; left: unknown[] }[]>(app, 'workspaces.prune', {
      include_kept: true,
    });
    expect(second!.removed.sort()).toEqual([kept, running, w.dir].sort());
    expect(second!.left).toEqual([]);
    expect(r.git(['worktree', 'list', '--porcelain']).match(/^worktree /gm)).toHaveLength(1);
    expect(await call(app, 'workspaces.remove', { workspace_id: 'app' })).toEqual({ removed: true });
  });
});

describe('detectClis', () => {
  it('finds the CLIs on PATH with their versions, and offers an agent for each', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'baton-bin-'));
    cleanups.push(() => rmSync(bin, { recursive: true, force: true }));
    const script = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    script('claude', 'echo "2.1.330 (Claude Code)"');
    script('codex', 'echo "oops" >&2; exit 3');
    writeFileSync(join(bin, 'qwen'), 'not executable');
    const found = await detectClis({ PATH: bin, HOME: bin });
    expect(found.map((c) => [c.cli, c.found, c.version])).toEqual([
      ['claude', true, '2.1.330 (Claude Code)'],
      ['codex', true, null],
      ['opencode', false, null],
      ['qwen', false, null],
    ]);
    expect(found[1]!.error).toContain('oops');
    // A CLI not found says how it is installed: its own npm package.
    expect(found.map((c) => c.install)).toEqual([
      'npm install -g @anthropic-ai/claude-code',
      'npm install -g @openai/codex',
      'npm install -g opencode-ai',
      'npm install -g @qwen-code/qwen-code',
    ]);
    expect(found[0]!.suggested_agent).toEqual({
      id: 'claude-coder',
      kind: 'coding',
      cli: 'claude',
      skills: ['coding'],
    });
  });

  it('says what is wrong with the program an agent names itself, rather than that PATH lacks it', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'baton-bin-'));
    cleanups.push(() => rmSync(bin, { recursive: true, force: true }));
    const runnable = join(bin, 'my-claude');
    writeFileSync(runnable, '#!/bin/sh\necho 1\n');
    chmodSync(runnable, 0o755);
    writeFileSync(join(bin, 'plain'), 'not executable');
    const agent = (id: string, executable: string) =>
      ({ id, kind: 'coding', cli: 'claude', executable, skills: [], args: [], env: {} }) as never;
    const found = await detectClis({ PATH: '/nowhere', HOME: bin }, [
      agent('gone', join(bin, 'missing', 'claude')),
      agent('plain', join(bin, 'plain')),
      agent('dir', bin),
      agent('ok', runnable),
      agent('named', 'my-claude'),
    ]);
    const claude = found.find((c) => c.cli === 'claude')!;
    expect(claude.found).toBe(false);
    expect(claude.programs.map((p) => [p.agent_id, p.problem])).toEqual([
      ['gone', `no file at ${join(bin, 'missing', 'claude')} (missing, or a folder on the way is)`],
      ['plain', `${join(bin, 'plain')} is not executable (its mode lacks x: chmod +x it)`],
      ['dir', `${bin} is a folder, not a program`],
      ['ok', null],
      ['named', '"my-claude" is not found on PATH'],
    ]);
    expect(found.find((c) => c.cli === 'codex')!.programs).toEqual([]);
  });
});
