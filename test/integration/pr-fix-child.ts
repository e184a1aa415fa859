// A Baton process for the pull-request fix test (pr-fix-crash.test.ts), which SIGKILLs it once a
// fix round of a pull request is recorded and its agent works on it, before the fix is pushed.
//
//   node pr-fix-child.ts <dataDir> <repo> <remote url> <GitHub API url> <token>
//
// Its coding task's first run leaves a commit on the task's branch; a fix run's attempt works
// until the process is killed. It polls its pull requests all the time. Lines on stdout:
//   OPEN <run> <commit>    the run's pull request is open
//   FIXING <run>           a fix run's attempt started (the parent kills the process now)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Executor } from '../../src-main/engine/executor.ts';
import type { Landing } from '../../src-shared/schemas/landing.ts';
import { call, setup, task } from '../kit/engine-kit.ts';

const [dataDir, repo, remoteUrl, apiUrl, token] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const say = (line: string) => process.stdout.write(`${line}\n`);
const git = (args: string[], cwd = repo) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
let firstRun = '';
/** Attempts started: the first is the run's, the next a fix run's. */
let starts = 0;

const executor: Executor = {
  async *start(ctx, signal) {
    if (starts++ > 0) {
      say(`FIXING ${ctx.run_id}`);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      yield { type: 'error', message: 'cancelled' };
      return;
    }
    const branch = `baton/${ctx.run_id}/api`;
    const dir = join(mkdtempSync(join(tmpdir(), 'baton-pr-fix-child-')), 'tree');
    const start = git(['rev-parse', 'main']);
    git(['worktree', 'add', '-q', '-b', branch, dir, 'main']);
    writeFileSync(join(dir, 'health.ts'), 'export const ok = false;\n');
    git(['add', '-A'], dir);
    git(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'work'], dir);
    const commit = git(['rev-parse', 'HEAD'], dir);
    git(['worktree', 'remove', dir]);
    execFileSync('rm', ['-rf', join(dir, '..')]);
    yield {
      type: 'result',
      output: {
        workspace_id: 'app',
        branch,
        commit,
        start_commit: start,
        files: [{ path: 'health.ts', status: 'added', additions: 1, deletions: 0 }],
        additions: 1,
        deletions: 0,
        summary: 'wrote health.ts',
        session_id: null,
        diff_artifact: null,
      },
    };
  },
};

const app = createApp({
  dataDir,
  executors: { echo: executor },
  log: () => {},
  landing: { follow: { firstMs: 0, maxMs: 0 }, tickMs: 3_600_000 },
});
await call(app, 'secrets.set', { name: 'github.token', value: token });
await call(app, 'workspaces.add', {
  id: 'app',
  path: repo,
  remote: {
    url: remoteUrl,
    forge: { kind: 'github', api_url: apiUrl, repo: 'acme/app', token_secret: 'github.token' },
  },
});
firstRun = await setup(app, [{ id: 'e', skills: ['x'] }], {
  plan_id: 'health',
  workspace: 'app',
  land: 'pull_request',
  tasks: [task('api', { fix_rounds: 2 })],
});
let open = false;
// Polls its pull requests until it is killed.
for (;;) {
  await app.landing.tick();
  const [l] = await call<Landing[]>(app, 'runs.landings', { run_id: firstRun });
  if (!open && l?.state === 'open') {
    open = true;
    say(`OPEN ${firstRun} ${l.commit}`);
  }
  await new Promise((r) => setTimeout(r, 20));
}
