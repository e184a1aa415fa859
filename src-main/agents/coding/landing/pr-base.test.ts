import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import type { AuditEntry } from '../../../../src-shared/schemas/memory.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../../../test/kit/engine-kit.ts';
import type { GitHubServer } from '../../../../test/kit/forge/github.ts';
import type { GitRemote } from '../../../../test/kit/git-remote.ts';
import { LANDING_TOKEN, LandingWorlds } from '../../../../test/kit/landing-world.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { codingWork } from '../workspaces/testing/coding-output.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { fetchBranch } from './push.ts';
import { tryRebase } from './rebase.ts';

// A pull request whose base branch moves under it, through the app, against a real git remote (git
// http-backend) whose mergeability GitHub's scripted API reads with real git; the agent is a
// controlled executor that rebases with real git, as a coding CLI would in its worktree.
const TOKEN = LANDING_TOKEN;
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
const worlds = new LandingWorlds();
let app: BatonApp | undefined;
let remote: GitRemote | undefined;
let gh: GitHubServer | undefined;
afterEach(async () => {
  await worlds.close();
  app = remote = gh = undefined;
});

const landingOf = async (a: BatonApp, run: string) =>
  (await call<Landing[]>(a, 'runs.landings', { run_id: run }))[0]!;
const runs = (a: BatonApp) => call<Run[]>(a, 'runs.list', {});
const receivePacks = (r: GitRemote) =>
  r.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/git-receive-pack')).length;

/** A push to the remote as someone else would (not execFileSync: the remote answers from this process). */
const pushAs = (repo: TempRepo, commit: string, branch: string) =>
  promisify(execFile)(
    'git',
    [
      '-c',
      `http.extraHeader=Authorization: Basic ${BASIC}`,
      'push',
      '-q',
      remote!.url,
      `${commit}:refs/heads/${branch}`,
    ],
    { cwd: repo.repo },
  );

/** What an agent does when told to rebase on the moved base: `git rebase`, each conflict resolved with `resolved`, the rebase finished. */
function agentRebases(repo: TempRepo, before: CodingOutput, onto: string, resolved: Record<string, string>) {
  const dir = join(repo.worktrees, 'agent-rebase');
  repo.git(['worktree', 'add', '-q', dir, before.branch]);
  try {
    repo.git(['rebase', onto], dir);
  } catch {
    for (const [path, content] of Object.entries(resolved)) repo.write(path, content, dir);
    repo.git(['add', '-A'], dir);
    repo.git(['-c', 'core.editor=true', 'rebase', '--continue'], dir);
  }
  const commit = repo.git(['rev-parse', 'HEAD'], dir);
  repo.git(['worktree', 'remove', dir]);
  return { ...before, commit };
}

/**
 * An app whose workspace lands on a real remote holding the workspace's own main, and a scripted
 * GitHub reading the remote's mergeability; a started one-task run landing as a pull request.
 * `dirty`: GitHub says the pull request conflicts whatever git says (its answer can lag).
 */
async function world(opts: { on_conflict?: 'ask'; dirty?: () => boolean; upToDate?: boolean } = {}) {
  const w = await worlds.open({
    prefix: 'pr-base',
    repoFiles: { 'health.ts': 'export const status = "ok";\n' },
    remoteFiles: {},
    before: ({ repo, remote: r }) => {
      remote = r;
      return pushAs(repo, 'main', 'main');
    },
    github: (r) => ({
      upToDateRequired: opts.upToDate === true,
      mergeability: async (base, head) =>
        opts.dirty?.() ? { mergeable: false, state: 'dirty' } : r.mergeability(base, head),
    }),
  });
  ({ app, remote, gh } = w);
  const { dataDir, repo, exec } = w;
  const run = await setup(app, [{ id: 'e', skills: ['x'] }], {
    plan_id: 'health',
    name: 'Health check',
    workspace: 'app',
    land: 'pull_request',
    tasks: [
      task('api', {
        description: 'Say healthy',
        fix_rounds: 2,
        ...(opts.on_conflict ? { on_conflict: opts.on_conflict } : {}),
      }),
    ],
  });
  await eventually(() => exec.running.has('api'));
  const first = codingWork(repo, `baton/${run}/api`, 'main', {
    'health.ts': 'export const status = "healthy";\n',
  });
  exec.running.get('api')!.finish(first);
  await app.engine.whenSettled(run);
  await expect.poll(async () => (await landingOf(app!, run)).state).toBe('open');
  return { dataDir, repo, exec, run, first };
}

/** Polls until the landing's pull request was read with GitHub's mergeability computed (it answers null once after a move). */
async function pollTwice(a: BatonApp) {
  await a.landing.tick();
  await a.landing.tick();
}

describe('a pull request whose base branch moved', () => {
  it('asks nothing of the agent when the base moved without conflicting', async () => {
    const w = await world();
    const a = app!;
    const pushes = receivePacks(remote!);
    await remote!.commitAs('main', 'docs.md', 'Docs\n');
    await pollTwice(a);
    expect(await landingOf(a, w.run)).toMatchObject({ state: 'open', fix: null, fix_rounds: 0 });
    expect((await runs(a)).length).toBe(1);
    expect(receivePacks(remote!)).toBe(pushes);
    expect(await remote!.tip(w.first.branch)).toBe(w.first.commit);
  });

  it('rebases by itself, once, when the base moved without conflicting and its protection wants branches up to date', async () => {
    const w = await world({ upToDate: true });
    const a = app!;
    const pushes = receivePacks(remote!);
    const moved = await remote!.commitAs('main', 'docs.md', 'Docs\n');
    await pollTwice(a);
    await expect.poll(async () => (await landingOf(a, w.run)).state).toBe('open');
    const tip = (await remote!.tip(w.first.branch))!;
    expect(w.repo.git(['rev-parse', `${tip}^`])).toBe(moved);
    expect(await landingOf(a, w.run)).toMatchObject({
      fix: null,
      fix_rounds: 0,
      commit: tip,
      pushed_commit: tip,
      message: `Baton rebased pull request #1 on main and pushed it: ${tip.slice(0, 12)}`,
    });
    expect(receivePacks(remote!) - pushes).toBe(1);
    // Up to date now: GitHub says it is clean, and nothing more is pushed; no agent was asked.
    await pollTwice(a);
    expect(await remote!.mergeability('main', w.first.branch)).toEqual({ mergeable: true, state: 'clean' });
    expect(receivePacks(remote!) - pushes).toBe(1);
    expect((await runs(a)).length).toBe(1);
  });

  it('sends a conflict to the agent to rebase, pushes its rebase once under a lease across a restart, and lands when merged', async () => {
    const w = await world();
    let exec = w.exec;
    const { dataDir, repo, run, first } = w;
    if (!app || !remote || !gh) throw new Error('no world');
    // Someone merges a conflicting change into main: GitHub computes (null), then says "dirty".
    const theirs = await remote.commitAs('main', 'health.ts', 'export const status = "fine";\n');
    await app.landing.tick();
    expect((await landingOf(app, run)).state).toBe('open');
    await app.landing.tick();
    const fixing = await landingOf(app, run);
    expect(fixing).toMatchObject({
      state: 'fixing',
      fix_rounds: 1,
      fix: {
        kind: 'conflict',
        round: 1,
        summary: 'main moved and conflicts in health.ts',
        base: { branch: 'main', commit: theirs },
        files: ['health.ts'],
      },
    });
    expect(fixing.fix!.prompt).toContain(`refs/baton/base/${first.branch} (commit ${theirs.slice(0, 12)})`);
    expect(fixing.fix!.prompt).toContain('- health.ts');
    expect(fixing.fix!.prompt).toContain('Baton merged main as it is now');
    // The base was fetched into the workspace over git: the agent rebases on it there.
    expect(repo.git(['rev-parse', `refs/baton/base/${first.branch}`])).toBe(theirs);
    const fixRun = fixing.fix!.run_id!;
    await eventually(() => exec.running.get('api')?.ctx.run_id === fixRun);
    // Said on the task's trace (a step of its last attempt), and as an audit entry.
    const steps = await call<{ text?: string }[]>(app, 'runs.steps', { run_id: run, task_id: 'api' });
    expect(steps.map((x) => x.text ?? '')).toContainEqual(
      expect.stringMatching(/^Landing: fix round 1: main moved and conflicts in health\.ts/),
    );
    await app.landing.tick();
    expect((await runs(app)).length).toBe(2);

    // Baton stops while the agent rebases: the restart takes the same round up and pushes once.
    const pushes = receivePacks(remote);
    await app.close();
    exec = controlledExecutor();
    app = worlds.app(dataDir, { echo: exec.executor });
    await eventually(() => exec.running.get('api')?.ctx.run_id === fixRun);
    const rebased = agentRebases(repo, first, theirs, {
      'health.ts': 'export const status = "fine and healthy";\n',
    });
    exec.running.get('api')!.finish(rebased);
    await app.engine.whenSettled(fixRun);
    await expect.poll(async () => (await landingOf(app!, run)).state).toBe('open');
    // The rebase replaced Baton's commit (not a fast-forward): pushed over it under the lease, once.
    expect(() => repo.git(['merge-base', '--is-ancestor', first.commit, rebased.commit])).toThrow();
    expect(await remote.tip(first.branch)).toBe(rebased.commit);
    expect(receivePacks(remote) - pushes).toBe(1);
    expect(await landingOf(app, run)).toMatchObject({
      commit: rebased.commit,
      pushed_commit: rebased.commit,
      fix: null,
      message: `fix round 1 pushed to pull request #1: ${rebased.commit.slice(0, 12)} (main moved and conflicts in health.ts)`,
    });
    await pollTwice(app);
    expect(await remote.mergeability('main', first.branch)).toEqual({ mergeable: true, state: 'clean' });
    expect((await landingOf(app, run)).state).toBe('open');
    expect((await runs(app)).length).toBe(2);
    expect(receivePacks(remote) - pushes).toBe(1);

    gh.merge(1, 'd'.repeat(40));
    await app.landing.tick();
    expect(await landingOf(app, run)).toMatchObject({ state: 'merged' });
    // Its pull request over, the base Baton fetched for it is forgotten.
    expect(repo.git(['for-each-ref', `refs/baton/base/${first.branch}`])).toBe('');
    const done = (await runs(app)).find((r) => r.id === run)!;
    expect(done.status).toBe('completed');
  });

  it('does not force-push over commits someone else pushed to the branch while the agent rebased, and says so', async () => {
    const w = await world();
    const a = app!;
    const theirs = await remote!.commitAs('main', 'health.ts', 'export const status = "fine";\n');
    await pollTwice(a);
    const fixRun = (await landingOf(a, w.run)).fix!.run_id!;
    await eventually(() => w.exec.running.get('api')?.ctx.run_id === fixRun);
    const someone = codingWork(w.repo, 'someone', w.first.commit, { 'mine.ts': 'export const mine = 1;\n' });
    await pushAs(w.repo, someone.commit, w.first.branch);
    const rebased = agentRebases(w.repo, w.first, theirs, { 'health.ts': 'export const status = "both";\n' });
    w.exec.running.get('api')!.finish(rebased);
    await a.engine.whenSettled(fixRun);
    await expect.poll(async () => (await landingOf(a, w.run)).state).toBe('open');
    expect((await landingOf(a, w.run)).message).toMatch(
      /^fix round 1 was not pushed: the remote branch baton\/.+\/api is at [0-9a-f]{12}, not at [0-9a-f]{12} that Baton pushed last: someone else pushed to it/,
    );
    expect(await remote!.tip(w.first.branch)).toBe(someone.commit);
    // Its next look at the pull request rebases nothing over their commits either: said once.
    await pollTwice(a);
    expect(await landingOf(a, w.run)).toMatchObject({ state: 'open', fix: null });
    expect((await landingOf(a, w.run)).message).toMatch(
      /has commits Baton did not push .*Baton does not rebase over them/,
    );
    expect(await remote!.tip(w.first.branch)).toBe(someone.commit);
  });

  it("rebases by itself, without the agent, when GitHub says it conflicts but Baton's rebase goes through", async () => {
    let dirty = false;
    const w = await world({ dirty: () => dirty });
    const a = app!;
    const moved = await remote!.commitAs('main', 'docs.md', 'Docs\n');
    dirty = true;
    await pollTwice(a);
    await expect.poll(async () => (await landingOf(a, w.run)).state).toBe('open');
    const l = await landingOf(a, w.run);
    const tip = (await remote!.tip(w.first.branch))!;
    expect(l).toMatchObject({ fix: null, fix_rounds: 0, commit: tip, pushed_commit: tip });
    expect(l.message).toBe(`Baton rebased pull request #1 on main and pushed it: ${tip.slice(0, 12)}`);
    expect(w.repo.git(['rev-parse', `${tip}^`])).toBe(moved);
    expect((await runs(a)).length).toBe(1);
  });

  it("puts a later fix round's commits on Baton's own rebase, never pushing the older history that would undo it", async () => {
    let dirty = false;
    const w = await world({ dirty: () => dirty });
    const a = app!;
    const moved = await remote!.commitAs('main', 'docs.md', 'Docs\n');
    dirty = true;
    await pollTwice(a);
    await expect.poll(async () => (await landingOf(a, w.run)).state).toBe('open');
    const rebased = (await remote!.tip(w.first.branch))!;
    expect(w.repo.git(['rev-parse', `${rebased}^`])).toBe(moved);
    dirty = false;
    // CI fails on the rebased head: the fix round's agent works in the task's worktree, whose
    // branch is still the work from before Baton's rebase.
    gh!.setChecks(rebased, [{ name: 'test', conclusion: 'failure', text: 'expected healthz' }]);
    await a.landing.tick();
    const fixRun = (await landingOf(a, w.run)).fix!.run_id!;
    await eventually(() => w.exec.running.get('api')?.ctx.run_id === fixRun);
    const dir = join(w.repo.worktrees, 'fix-after-rebase');
    w.repo.git(['worktree', 'add', '-q', dir, w.first.branch]);
    w.repo.write('health.ts', 'export const status = "healthz";\n', dir);
    const fixed = w.repo.commitAll('fix', dir);
    w.repo.git(['worktree', 'remove', dir]);
    expect(() => w.repo.git(['merge-base', '--is-ancestor', rebased, fixed])).toThrow();
    w.exec.running.get('api')!.finish({ ...w.first, commit: fixed });
    await a.engine.whenSettled(fixRun);
    await expect.poll(async () => (await landingOf(a, w.run)).state).toBe('open');
    // What was pushed holds the rebase (the moved base) and the fix on top.
    const tip = (await remote!.tip(w.first.branch))!;
    expect(tip).not.toBe(fixed);
    expect(w.repo.git(['rev-parse', `${tip}^`])).toBe(rebased);
    expect(w.repo.git(['show', `${tip}:health.ts`])).toBe('export const status = "healthz";');
    expect(w.repo.git(['show', `${tip}:docs.md`])).toBe('Docs');
    expect(await landingOf(a, w.run)).toMatchObject({ commit: tip, pushed_commit: tip, fix: null });
  });

  it('pushes a rebase Baton recorded before it stopped once after the restart, and nothing when it was pushed already', async () => {
    const w = await world();
    const { dataDir, repo, run, first } = w;
    const moved = await remote!.commitAs('main', 'docs.md', 'Docs\n');
    // What Baton records just before its push of its own rebase, and then stops.
    const onto = await fetchBranch({
      repo: repo.repo,
      url: remote!.url,
      branch: 'main',
      token: TOKEN,
      into: 'refs/baton/base/test',
    });
    expect(onto).toBe(moved);
    const tried = await tryRebase({
      repo: repo.repo,
      head: first.commit,
      onto,
      keep: 'refs/baton/rebased/test',
    });
    if (!tried.ok) throw new Error('the rebase conflicted');
    const recorded = {
      ...app!.store.landings.get(run, 'api')!,
      state: 'fixing' as const,
      next_poll_at: 0,
      fix: {
        kind: 'conflict' as const,
        key: `base:${moved}:${first.commit}`,
        round: 0,
        summary: 'rebasing on main',
        prompt: '',
        run_id: null,
        base: { branch: 'main', commit: moved },
        rebased: tried.commit,
      },
    };
    const restart = async () => {
      await app!.close();
      app = worlds.app(dataDir, { echo: controlledExecutor().executor });
      await app.landing.tick();
      return app;
    };
    app!.store.landings.save(recorded);
    const pushes = receivePacks(remote!);
    let a = await restart();
    expect(await remote!.tip(first.branch)).toBe(tried.commit);
    expect(receivePacks(remote!) - pushes).toBe(1);
    expect(await landingOf(a, run)).toMatchObject({
      state: 'open',
      fix: null,
      pushed_commit: tried.commit,
      message: `Baton rebased pull request #1 on main and pushed it: ${tried.commit.slice(0, 12)}`,
    });
    // Stopped after the push, before it was recorded: the restart finds it pushed, and pushes nothing.
    a.store.landings.save(recorded);
    a = await restart();
    expect(receivePacks(remote!) - pushes).toBe(1);
    expect((await landingOf(a, run)).message).toBe(
      `Baton rebased pull request #1 on main and found it pushed: ${tried.commit.slice(0, 12)}`,
    );
  });
  it('says once that its base could not be fetched, reads its reviews meanwhile, and fetches the base again at the next poll', async () => {
    let dirty = false;
    const w = await world({ dirty: () => dirty });
    const a = app!;
    const good = remote!.url;
    const setUrl = (url: string) =>
      call(a, 'workspaces.update', {
        workspace_id: 'app',
        remote: {
          url,
          forge: { kind: 'github', api_url: gh!.url, repo: 'acme/app', token_secret: 'github.token' },
        },
      });
    const moved = await remote!.commitAs('main', 'docs.md', 'Docs\n');
    dirty = true;
    // The git remote cannot be reached (the forge's API can): the base is not fetched.
    await setUrl('http://127.0.0.1:1/app.git');
    await pollTwice(a);
    await pollTwice(a);
    const l = await landingOf(a, w.run);
    expect(l).toMatchObject({ state: 'open', fix: null });
    expect(l.message).toMatch(/^main moved, but fetching it failed: .*the next poll$/);
    const said = (await call<AuditEntry[]>(a, 'audit.list', { run_id: w.run })).filter((e) =>
      e.why?.startsWith('main moved, but fetching it failed'),
    );
    expect(said).toHaveLength(1);
    // A review asking for changes is read all the same: its round starts.
    gh!.review(1, 'CHANGES_REQUESTED', 'Say "fine"', []);
    await a.landing.tick();
    const fixing = await landingOf(a, w.run);
    expect(fixing).toMatchObject({ state: 'fixing', fix: { kind: 'review' } });
    const fixRun = fixing.fix!.run_id!;
    await eventually(() => w.exec.running.get('api')?.ctx.run_id === fixRun);
    // The remote is back: the round's commit is pushed, and the next poll fetches the base and rebases.
    await setUrl(good);
    const dir = join(w.repo.worktrees, 'review-fix');
    w.repo.git(['worktree', 'add', '-q', dir, w.first.branch]);
    w.repo.write('health.ts', 'export const status = "fine";\n', dir);
    const fixed = w.repo.commitAll('fix', dir);
    w.repo.git(['worktree', 'remove', dir]);
    w.exec.running.get('api')!.finish({ ...w.first, commit: fixed });
    await a.engine.whenSettled(fixRun);
    await expect.poll(async () => (await landingOf(a, w.run)).pushed_commit).toBe(fixed);
    await pollTwice(a);
    const tip = (await remote!.tip(w.first.branch))!;
    // Its work and the review's fix, on the moved base.
    expect(w.repo.git(['rev-parse', `${tip}~2`])).toBe(moved);
    expect(w.repo.git(['show', `${tip}:health.ts`])).toBe('export const status = "fine";');
    expect((await landingOf(a, w.run)).message).toBe(
      `Baton rebased pull request #1 on main and pushed it: ${tip.slice(0, 12)}`,
    );
  });
});
