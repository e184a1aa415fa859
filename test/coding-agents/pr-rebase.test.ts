import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Landing } from '../../src-shared/schemas/landing.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call } from '../kit/engine-kit.ts';
import { type GitHubServer, startGitHubServer } from '../kit/forge/github.ts';
import { type GitRemote, startGitRemote } from '../kit/git-remote.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, startServers, waitFor } from './baton-kit.ts';
import { CLIS } from './clis.ts';

// A pull request whose base moves with a conflicting commit, with a real coding CLI (claude, two
// starts): its work lands as a pull request on a scripted GitHub (reading the real git remote's
// mergeability) from a real git remote (git http-backend); main moves and conflicts → Baton merges
// it into the task's worktree, the CLI's session is resumed, told the files, and resolves the
// conflict markers; Baton concludes the merge and pushes it under a lease; the pull request merges.
const TOKEN = 'ghp_rebase';
const cli = 'claude' as const;
const TASK = `${cli}-rebase`;
let servers: Servers;
let remote: GitRemote;
let gh: GitHubServer;
let dir: string;
let repo: TempRepo;
let app: BatonApp;
let runId: string;

const landing = async () => (await call<Landing[]>(app, 'runs.landings', { run_id: runId }))[0];
/** Polls the followed pull request until the landing is as asked (a bound for a hung test, no timing asserted). */
async function until(test: (l: Landing | undefined) => boolean): Promise<Landing> {
  let l: Landing | undefined;
  await waitFor(
    () => test(l),
    240_000,
    async () => {
      await app.landing.tick();
      l = await landing();
    },
  );
  return l!;
}

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  servers.script(cli, [
    {
      name: 'rebase',
      match: (req) => req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${TASK}:`)),
      turns: [
        // Its Write tool wants a Read before it changes a file: the shell writes it.
        CLIS[cli].shellTurn('printf "healthy\\n" > health.txt'),
        { text: 'Wrote health.txt.' },
        // Resumed: main moved and conflicts in health.txt, merged with markers left; its shell writes the resolution (its sandbox lets it write files, not git's own).
        CLIS[cli].shellTurn('printf "fine and healthy\\n" > health.txt'),
        { text: 'Rebased on main.' },
      ],
    },
  ]);
  repo = makeRepo({ 'health.txt': 'ok\n' });
  remote = await startGitRemote({ auth: { user: 'x-access-token', password: TOKEN }, files: {} });
  const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
  await promisify(execFile)(
    'git',
    [
      '-c',
      `http.extraHeader=Authorization: Basic ${basic}`,
      'push',
      '-q',
      remote.url,
      'main:refs/heads/main',
    ],
    { cwd: repo.repo },
  );
  gh = await startGitHubServer({
    repo: 'acme/app',
    tokens: { [TOKEN]: 'write' },
    branchTip: (b) => remote.tip(b),
    mergeability: (base, head) => remote.mergeability(base, head),
  });
  dir = mkdtempSync(join(tmpdir(), 'baton-pr-rebase-'));
  app = createApp({
    dataDir: dir,
    log: () => {},
    landing: { follow: { firstMs: 0, maxMs: 0 }, tickMs: 3_600_000 },
  });
  await call(app, 'secrets.set', { name: 'github.token', value: TOKEN });
  await call(app, 'workspaces.add', {
    id: 'app',
    path: repo.repo,
    remote: {
      url: remote.url,
      forge: { kind: 'github', api_url: gh.url, repo: 'acme/app', token_secret: 'github.token' },
    },
  });
  await call(app, 'agents.import', { agents: [codingAgent(servers, cli, { max_cost_usd: 100 })] });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'rebase',
      workspace: 'app',
      land: 'pull_request',
      tasks: [
        {
          task_id: TASK,
          description: 'Write health.txt.',
          required_skills: [cli],
          review: 'none',
          fix_rounds: 1,
        },
      ],
    },
  });
  runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'rebase' })).run_id;
  await app.engine.whenSettled(runId);
}, 600_000);

afterAll(async () => {
  if (!installed) return;
  await app?.close();
  await remote?.close();
  await gh?.stop();
  await servers?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  repo?.cleanup();
});

describe.skipIf(!installed)(`${cli}'s pull request when its base moved and conflicts`, () => {
  it('resolves the merge of main in its own session, pushed under a lease, and lands when merged', async () => {
    const done = await call<RunDetail>(app, 'runs.get', { run_id: runId });
    expect(done.tasks[0]!.status, done.tasks[0]!.error ?? '').toBe('done');
    const open = await until((l) => l?.state === 'open');
    const branch = open.branch;
    expect(repo.git(['show', `${open.commit}:health.txt`])).toBe('healthy');

    // Someone changes health.txt on main: GitHub says the pull request conflicts, the agent rebases.
    const theirs = await remote.commitAs('main', 'health.txt', 'fine\n');
    const fixing = await until((l) => l?.state === 'fixing' && l.fix?.run_id != null);
    expect(fixing.fix).toMatchObject({ kind: 'conflict', files: ['health.txt'] });
    const fixRun = fixing.fix!.run_id!;
    const pushed = await until((l) => l?.state === 'open' && l.fix === null);
    const fixDone = await call<RunDetail>(app, 'runs.get', { run_id: fixRun });
    expect(fixDone.tasks[0]!.status, fixDone.tasks[0]!.error ?? '').toBe('done');
    expect(pushed.message).toContain('fix round 1 pushed to pull request #1');
    expect(await remote.tip(branch)).toBe(pushed.commit);
    expect(repo.git(['show', `${pushed.commit}:health.txt`])).toBe('fine and healthy');
    // main merged in: its commit and the first push are both in the history of what was pushed.
    repo.git(['merge-base', '--is-ancestor', theirs, pushed.commit]);
    repo.git(['merge-base', '--is-ancestor', open.commit, pushed.commit]);
    const asked = servers
      .calls(cli, 'rebase')
      .find((c) => c.request?.texts.some((t) => t.includes("Those files hold git's conflict markers")))!;
    expect(asked.request!.texts.some((t) => t.includes('- health.txt'))).toBe(true);
    expect(asked.request!.assistantTurns).toBeGreaterThan(0);

    expect(await remote.mergeability('main', branch)).toEqual({ mergeable: true, state: 'clean' });
    gh.merge(1, 'e'.repeat(40));
    expect(await until((l) => l?.state === 'merged')).toMatchObject({ fix_rounds: 1 });
    expect(servers.phoneHome()).toEqual([]);
  });
});
