import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Landing } from '../../src-shared/schemas/landing.ts';
import type { Run } from '../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually } from '../kit/engine-kit.ts';
import { type GitHubServer, startGitHubServer } from '../kit/forge/github.ts';
import { type GitRemote, startGitRemote } from '../kit/git-remote.ts';

// SIGKILL Baton once a pull request's failing CI is recorded as a fix round and its agent works
// on it, before the fix is pushed (pr-fix-child.ts): the next Baton takes the same round up (its
// run resumed, no second one started) and pushes the fix once.
const child = join(import.meta.dirname, 'pr-fix-child.ts');
const TOKEN = 'ghp_crash';
const cleanups: (() => void | Promise<void>)[] = [];
const running = new Set<ChildProcess>();
afterEach(async () => {
  for (const p of running) p.kill('SIGKILL');
  for (const c of cleanups.splice(0).reverse()) await c();
});

function launch(args: string[]) {
  const proc = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
      `a line "${prefix}…" (${process.execPath} ${process.version}; it said: ${err.slice(-2000)})`,
    );
    return lines.find((l) => l.startsWith(prefix))!.split(' ');
  };
  return { proc, exited, line };
}

describe("a pull request's fix round across a SIGKILL", () => {
  it('is taken up by the next Baton: its run resumed, not started twice, its fix pushed once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-pr-fix-crash-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    const remote: GitRemote = await startGitRemote({ auth: { user: 'x-access-token', password: TOKEN } });
    cleanups.push(() => remote.close());
    const gh: GitHubServer = await startGitHubServer({
      repo: 'acme/app',
      tokens: { [TOKEN]: 'write' },
      branchTip: (b) => remote.tip(b),
    });
    cleanups.push(() => gh.stop());

    const first = launch([dataDir, repo.repo, remote.url, gh.url, TOKEN]);
    const [, runId, commit] = await first.line('OPEN ');
    gh.setChecks(commit!, [{ name: 'test', conclusion: 'failure', text: 'expected ok' }]);
    const [, fixRun] = await first.line('FIXING ');
    const pushes = remote.requests.filter((q) => q.path.endsWith('/git-receive-pack')).length;
    first.proc.kill('SIGKILL');
    await first.exited;

    const exec = controlledExecutor();
    const app: BatonApp = createApp({
      dataDir,
      executors: { echo: exec.executor },
      log: () => {},
      landing: { follow: { firstMs: 0, maxMs: 0 }, tickMs: 3_600_000 },
    });
    cleanups.push(() => app.close());
    const landing = async () => (await call<Landing[]>(app, 'runs.landings', { run_id: runId }))[0]!;
    expect(await landing()).toMatchObject({ state: 'fixing', fix_rounds: 1, fix: { run_id: fixRun } });
    await app.landing.tick();
    await eventually(() => exec.running.get('api')?.ctx.run_id === fixRun, 60_000, 'the fix run resumed');
    // Its fix: one more commit on the task's branch.
    const dir = join(repo.worktrees, 'fix');
    repo.git(['worktree', 'add', '-q', dir, `baton/${runId}/api`]);
    repo.write('health.ts', 'export const ok = true;\n', dir);
    const fixed = repo.commitAll('fix', dir);
    repo.git(['worktree', 'remove', dir]);
    const before = repo.git(['rev-parse', `${fixed}~1`]);
    exec.running.get('api')!.finish({
      workspace_id: 'app',
      branch: `baton/${runId}/api`,
      commit: fixed,
      start_commit: before,
      files: [{ path: 'health.ts', status: 'modified', additions: 1, deletions: 1 }],
      additions: 1,
      deletions: 1,
      summary: 'fixed',
      session_id: null,
      diff_artifact: null,
    });
    await app.engine.whenSettled(fixRun!);
    await expect.poll(async () => (await landing()).state).toBe('open');
    await app.landing.tick();
    expect(await landing()).toMatchObject({ commit: fixed, fix: null, fix_rounds: 1 });
    expect(await remote.tip(`baton/${runId}/api`)).toBe(fixed);
    expect(remote.requests.filter((q) => q.path.endsWith('/git-receive-pack')).length - pushes).toBe(1);
    expect((await call<Run[]>(app, 'runs.list', {})).map((r) => r.id).sort()).toEqual([runId, fixRun].sort());
  });
});
