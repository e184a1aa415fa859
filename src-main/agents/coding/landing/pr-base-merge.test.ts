import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Approval, ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import { call, eventually, setup, task } from '../../../../test/kit/engine-kit.ts';
import { type GitHubServer, startGitHubServer } from '../../../../test/kit/forge/github.ts';
import { type GitRemote, startGitRemote } from '../../../../test/kit/git-remote.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

// A pull request whose base moved and conflicts, through the real coding executor: the fix round
// merges the base into the task's worktree and leaves its conflict markers to the agent (Baton
// concludes the merge, or fails the attempt while markers remain), or, with `on_conflict: "ask"`,
// asks a person in the inbox (the same merge-conflict approval as dependencies' branches) before
// its agent goes on. The agent is a fake `claude` program on its stream route; the remote is real
// git over HTTP, GitHub the scripted REST server reading the remote's mergeability.
const TOKEN = 'ghp_good';
const FOLLOW = { landing: { follow: { firstMs: 0, maxMs: 0 }, tickMs: 3_600_000 } };
let app: BatonApp | undefined;
let remote: GitRemote | undefined;
let gh: GitHubServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  await remote?.close();
  await gh?.stop();
  app = remote = gh = undefined;
  for (const c of cleanups.splice(0)) c();
});

const landingOf = async (a: BatonApp, run: string) =>
  (await call<Landing[]>(a, 'runs.landings', { run_id: run }))[0]!;
const receivePacks = (r: GitRemote) =>
  r.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/git-receive-pack')).length;

/**
 * A fake `claude`: in a worktree still saying "ok" it writes "healthy" (the task's work); where
 * conflict markers are, it resolves them when a file \`resolve\` is beside it; then a successful result.
 */
const FAKE_CLAUDE = `#!/bin/sh
grep -q '"ok"' health.ts && printf 'export const status = "healthy";\\n' > health.ts
grep -q '^<<<<<<<' health.ts && [ -f "$(dirname "$0")/resolve" ] && printf 'export const status = "fine and healthy";\\n' > health.ts
echo '{"type":"system","subtype":"init","session_id":"s-1","model":"m"}'
echo '{"type":"result","subtype":"success","is_error":false,"result":"Done.","session_id":"s-1"}'
`;

/**
 * An app landing one task of a coding agent (the fake claude) as a pull request on a real remote and
 * the scripted GitHub, its pull request open; `ask`: the task's `on_conflict` is "ask".
 */
async function world(ask: boolean) {
  const root = mkdtempSync(join(tmpdir(), 'baton-pr-base-merge-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const cli = join(root, 'claude');
  writeFileSync(cli, FAKE_CLAUDE, { mode: 0o755 });
  const repo = makeRepo({ 'health.ts': 'export const status = "ok";\n' });
  cleanups.push(repo.cleanup);
  remote = await startGitRemote({ auth: { user: 'x-access-token', password: TOKEN }, files: {} });
  const r = remote;
  const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
  await promisify(execFile)(
    'git',
    ['-c', `http.extraHeader=Authorization: Basic ${basic}`, 'push', '-q', r.url, 'main:refs/heads/main'],
    { cwd: repo.repo },
  );
  gh = await startGitHubServer({
    repo: 'acme/app',
    tokens: { [TOKEN]: 'write' },
    branchTip: (b) => r.tip(b),
    mergeability: (base, head) => r.mergeability(base, head),
  });
  app = createApp({ dataDir: join(root, 'data'), log: () => {}, ...FOLLOW });
  const a = app;
  await call(a, 'secrets.set', { name: 'github.token', value: TOKEN });
  await call(a, 'workspaces.add', {
    id: 'app',
    path: repo.repo,
    remote: {
      url: r.url,
      forge: { kind: 'github', api_url: gh.url, repo: 'acme/app', token_secret: 'github.token' },
    },
  });
  const run = await setup(
    a,
    [
      {
        id: 'coder',
        kind: 'coding',
        cli: 'claude',
        protocol: 'stream',
        executable: cli,
        skills: ['x'],
        sandbox: { mode: 'off' },
      },
    ],
    {
      plan_id: 'health',
      workspace: 'app',
      land: 'pull_request',
      tasks: [task('api', { description: 'Say healthy', ...(ask ? { on_conflict: 'ask' } : {}) })],
    },
  );
  await a.engine.whenSettled(run);
  await expect.poll(async () => (await landingOf(a, run)).state).toBe('open');
  const first = await landingOf(a, run);
  expect(repo.git(['show', `${first.commit}:health.ts`])).toBe('export const status = "healthy";');

  return { root, repo, r, a, run, first };
}

describe('a pull request whose base moved and conflicts, with on_conflict "ask"', () => {
  it('asks a person in the inbox to resolve the merge of the base in the worktree, then its agent goes on and the merge is pushed', async () => {
    const { root, repo, r, a, run, first } = await world(true);
    if (!gh) throw new Error('no world');
    // main moves with a conflicting commit: the round is recorded, and its run asks a person.
    const theirs = await r.commitAs('main', 'health.ts', 'export const status = "fine";\n');
    await a.landing.tick();
    await a.landing.tick();
    const fixing = await landingOf(a, run);
    expect(fixing).toMatchObject({
      state: 'fixing',
      fix: { kind: 'conflict', ask: true, files: ['health.ts'] },
    });
    expect(fixing.message).toContain(
      'a person resolves the merge with main in the inbox (on_conflict "ask"), then its agent goes on in run',
    );
    const fixRun = fixing.fix!.run_id!;
    const pending = async () =>
      (await call<Approval[]>(app!, 'approvals.list', { status: 'pending' })).filter(
        (x) => x.kind === 'merge_conflict',
      );
    await eventually(async () => (await pending()).length === 1);
    const [asked] = await pending();
    const dir = a.store.sessions.get(fixRun, 'api')!.dir;
    expect(asked).toMatchObject({ run_id: fixRun, task_id: 'api' });
    expect(asked!.reason).toContain(`merging main into the task's branch conflicts in 1 file: health.ts.`);
    const [view] = (await call<ApprovalView[]>(a, 'approvals.list', { status: 'pending' })).filter(
      (x) => x.kind === 'merge_conflict',
    );
    expect(view!.merge_conflict).toMatchObject({
      dir,
      merging: 'main',
      into: first.branch,
      files: [{ path: 'health.ts', kind: 'both_modified' }],
    });
    expect(repo.read('health.ts', dir)).toMatch(/^<<<<<<< HEAD\n/);

    // Baton stops while the question waits: the attempt after the restart waits on the same question, in the same worktree.
    await a.close();
    app = createApp({ dataDir: join(root, 'data'), log: () => {}, ...FOLLOW });
    const b = app;
    await eventually(
      () =>
        b.engine
          .waitingOnPeople(fixRun)
          ?.map((t) => t.task_id)
          .join() === 'api',
    );
    expect((await pending()).map((x) => x.id)).toEqual([asked!.id]);
    expect(b.store.runs.task(fixRun, 'api')!.attempt).toBe(2);

    // The person resolves it in the worktree and says so: the merge is concluded, the agent goes on, the merge is pushed.
    const pushes = receivePacks(r);
    repo.write('health.ts', 'export const status = "fine and healthy";\n', dir);
    await call(b, 'approvals.decide', { approval_id: asked!.id, decision: 'approve', actor: 'ana' });
    await b.engine.whenSettled(fixRun);
    await expect.poll(async () => (await landingOf(b, run)).state).toBe('open');
    const tip = (await r.tip(first.branch))!;
    expect(receivePacks(r) - pushes).toBe(1);
    expect(await landingOf(b, run)).toMatchObject({
      commit: tip,
      pushed_commit: tip,
      fix: null,
      fix_rounds: 1,
    });
    repo.git(['merge-base', '--is-ancestor', theirs, tip]);
    repo.git(['merge-base', '--is-ancestor', first.commit, tip]);
    expect(repo.git(['show', `${tip}:health.ts`])).toBe('export const status = "fine and healthy";');
    expect(await r.mergeability('main', first.branch)).toEqual({ mergeable: true, state: 'clean' });
    gh.merge(1, 'e'.repeat(40));
    await b.landing.tick();
    await b.landing.tick();
    expect((await landingOf(b, run)).state).toBe('merged');
  });
});

describe('a pull request whose base moved and conflicts: the merge left to its agent', () => {
  it('merges the base into the worktree with its markers, the agent resolves them, Baton concludes the merge and pushes it', async () => {
    const { root, repo, r, a, run, first } = await world(false);
    writeFileSync(join(root, 'resolve'), '');
    const theirs = await r.commitAs('main', 'health.ts', 'export const status = "fine";\n');
    await a.landing.tick();
    await a.landing.tick();
    const fixing = await landingOf(a, run);
    expect(fixing.fix).toMatchObject({ kind: 'conflict', files: ['health.ts'] });
    expect(fixing.fix!.prompt).toContain("Those files hold git's conflict markers");
    const pushes = receivePacks(r);
    await a.engine.whenSettled(fixing.fix!.run_id!);
    await expect.poll(async () => (await landingOf(a, run)).state).toBe('open');
    const tip = (await r.tip(first.branch))!;
    expect(receivePacks(r) - pushes).toBe(1);
    expect((await landingOf(a, run)).message).toBe(
      `fix round 1 pushed to pull request #1: ${tip.slice(0, 12)} (main moved and conflicts in health.ts)`,
    );
    repo.git(['merge-base', '--is-ancestor', theirs, tip]);
    repo.git(['merge-base', '--is-ancestor', first.commit, tip]);
    expect(repo.git(['show', `${tip}:health.ts`])).toBe('export const status = "fine and healthy";');
    expect(await r.mergeability('main', first.branch)).toEqual({ mergeable: true, state: 'clean' });
  });

  it('fails the attempt while conflict markers remain, and the round ends unpushed, said once', async () => {
    const { r, a, run, first } = await world(false);
    await r.commitAs('main', 'health.ts', 'export const status = "fine";\n');
    await a.landing.tick();
    await a.landing.tick();
    const fixRun = (await landingOf(a, run)).fix!.run_id!;
    const pushes = receivePacks(r);
    await a.engine.whenSettled(fixRun);
    await expect.poll(async () => (await landingOf(a, run)).state).toBe('open');
    expect(a.store.runs.task(fixRun, 'api')!.error).toContain(
      'the merge of main is not resolved: conflict markers remain in health.ts',
    );
    expect((await landingOf(a, run)).message).toMatch(/^fix round 1 did not finish: its run .* ended failed/);
    expect(receivePacks(r)).toBe(pushes);
    expect(await r.tip(first.branch)).toBe(first.commit);
    // The same conflict is not answered twice: no second round starts.
    await a.landing.tick();
    await a.landing.tick();
    expect((await landingOf(a, run)).fix).toBeNull();
    expect((await call<unknown[]>(a, 'runs.list', {})).length).toBe(2);
  });
});
