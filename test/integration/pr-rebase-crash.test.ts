import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, type TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Landing } from '../../src-shared/schemas/landing.ts';
import { call, controlledExecutor, eventually } from '../kit/engine-kit.ts';
import { type GitHubServer, startGitHubServer } from '../kit/forge/github.ts';
import { type GitRemote, startGitRemote } from '../kit/git-remote.ts';

// SIGKILL Baton (its process group: the git it runs dies with it, as in a power cut) while it
// pushes its own rebase of a pull request whose protected base moved (pr-fix-child.ts polls its
// pull requests all the time; the remote holds the push): the next Baton pushes the recorded
// rebase once, and never over commits someone else pushed to the branch meanwhile.
const child = join(import.meta.dirname, 'pr-fix-child.ts');
const TOKEN = 'ghp_crash';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
const cleanups: (() => void | Promise<void>)[] = [];
const running = new Set<ChildProcess>();
afterEach(async () => {
  for (const p of running) if (p.pid) process.kill(-p.pid, 'SIGKILL');
  for (const c of cleanups.splice(0).reverse()) await c();
});

function launch(args: string[]) {
  // Its own process group, killed whole.
  const proc = spawn(process.execPath, [child, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => {
    err += d;
  });
  running.add(proc);
  const lines: string[] = [];
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<void>((r) =>
    proc.on('close', () => {
      running.delete(proc);
      r();
    }),
  );
  const line = async (prefix: string) => {
    await eventually(
      () => lines.some((l) => l.startsWith(prefix)),
      30_000,
      `a line "${prefix}…" (it said: ${err.slice(-2000)})`,
    );
    return lines.find((l) => l.startsWith(prefix))!.split(' ');
  };
  const kill = async () => {
    process.kill(-proc.pid!, 'SIGKILL');
    await exited;
  };
  return { line, kill };
}

/** The pushes that reached git on the remote (let in and answered by git http-backend). */
const pushesOf = (r: GitRemote) =>
  r.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/git-receive-pack') && q.status === 200)
    .length;

/** A remote holding the workspace's main, a GitHub whose base requires up-to-date branches; Baton killed mid-push of its rebase. */
async function killedWhileRebasing() {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-pr-rebase-crash-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const repo: TempRepo = makeRepo({ 'health.ts': 'export const ok = 0;\n' });
  cleanups.push(repo.cleanup);
  const remote = await startGitRemote({ auth: { user: 'x-access-token', password: TOKEN }, files: {} });
  cleanups.push(() => remote.close());
  await promisify(execFile)(
    'git',
    [
      '-c',
      `http.extraHeader=Authorization: Basic ${BASIC}`,
      'push',
      '-q',
      remote.url,
      'main:refs/heads/main',
    ],
    { cwd: repo.repo },
  );
  const gh: GitHubServer = await startGitHubServer({
    repo: 'acme/app',
    tokens: { [TOKEN]: 'write' },
    branchTip: (b) => remote.tip(b),
    mergeability: (base, head) => remote.mergeability(base, head),
    upToDateRequired: true,
  });
  cleanups.push(() => gh.stop());

  const first = launch([dataDir, repo.repo, remote.url, gh.url, TOKEN]);
  const [, runId, commit] = await first.line('OPEN ');
  const branch = `baton/${runId}/api`;
  // The base moves without conflicting; Baton rebases on it and pushes, and dies during the push.
  const held = remote.holdNextPush();
  const moved = await remote.commitAs('main', 'docs.md', 'Docs\n');
  await held.reached;
  const pushes = pushesOf(remote);
  await first.kill();
  held.release();
  expect(await remote.tip(branch)).toBe(commit);
  return { dataDir, repo, remote, runId: runId!, commit: commit!, branch, moved, pushes };
}

function reopen(dataDir: string): BatonApp {
  const app = createApp({
    dataDir,
    executors: { echo: controlledExecutor().executor },
    log: () => {},
    landing: { follow: { firstMs: 0, maxMs: 0 }, tickMs: 3_600_000 },
  });
  cleanups.push(() => app.close());
  return app;
}

describe("Baton's own rebase of a pull request across a SIGKILL", () => {
  it('is pushed once by the next Baton, the rebase it recorded before its push', async () => {
    const w = await killedWhileRebasing();
    const app = reopen(w.dataDir);
    const landing = async () => (await call<Landing[]>(app, 'runs.landings', { run_id: w.runId }))[0]!;
    const recorded = await landing();
    expect(recorded).toMatchObject({ state: 'fixing', pushed_commit: w.commit, fix: { kind: 'conflict' } });
    await app.landing.tick();
    const tip = (await w.remote.tip(w.branch))!;
    expect(w.repo.git(['rev-parse', `${tip}^`])).toBe(w.moved);
    expect(await landing()).toMatchObject({
      state: 'open',
      fix: null,
      fix_rounds: 0,
      commit: tip,
      pushed_commit: tip,
      message: `Baton rebased pull request #1 on main and pushed it: ${tip.slice(0, 12)}`,
    });
    expect(pushesOf(w.remote) - w.pushes).toBe(1);
    // Up to date now: more polls push nothing.
    await app.landing.tick();
    await app.landing.tick();
    expect(pushesOf(w.remote) - w.pushes).toBe(1);
    expect(await w.remote.tip(w.branch)).toBe(tip);
  });

  it('is not pushed over commits someone else pushed to the branch while Baton was down, and says so', async () => {
    const w = await killedWhileRebasing();
    const theirs = await w.remote.commitAs(w.branch, 'mine.ts', 'export const mine = 1;\n');
    const app = reopen(w.dataDir);
    const landing = async () => (await call<Landing[]>(app, 'runs.landings', { run_id: w.runId }))[0]!;
    await app.landing.tick();
    expect(await w.remote.tip(w.branch)).toBe(theirs);
    expect(pushesOf(w.remote) - w.pushes).toBe(0);
    expect(await landing()).toMatchObject({ state: 'open', fix: null, pushed_commit: w.commit });
    expect((await landing()).message).toMatch(
      /^Baton's rebase of pull request #1 on main was not pushed: the remote branch .* someone else pushed to it/,
    );
  });
});
