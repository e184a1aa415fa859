import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { codingAgent, installed, startServers, waitFor, writeTurn } from './baton-kit.ts';

// A pull request's whole loop with a real coding CLI (claude, three starts): its work lands as a
// pull request on a scripted GitHub (the real @octokit/rest) from a real git remote (git
// http-backend); CI fails → the CLI's session is resumed with the failing check's output and its
// fix pushed; a reviewer asks for changes → resumed again with the review and its line comment,
// the fix pushed and said on the pull request; merged → the task's work is landed.
const TOKEN = 'ghp_loop';
const cli = 'claude' as const;
const TASK = `${cli}-pr`;
let servers: Servers;
let remote: GitRemote;
let gh: GitHubServer;
let dir: string;
let repo: TempRepo;
let app: BatonApp;
let runId: string;

const landing = async () => (await call<Landing[]>(app, 'runs.landings', { run_id: runId }))[0];
/** Polls the followed pull request until the landing is in `state` (a bound for a hung test, no timing asserted). */
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
      name: 'pr',
      match: (req) => req.tools.length > 0 && req.texts.some((t) => t.includes(`Task ${TASK}:`)),
      turns: [
        writeTurn(cli, 'health.txt', 'not ok\n'),
        { text: 'Wrote health.txt.' },
        // Resumed: the CI check failed.
        writeTurn(cli, 'health.txt', 'ok\n'),
        { text: 'Fixed health.txt.' },
        // Resumed: the reviewer asked for changes.
        writeTurn(cli, 'healthz.txt', 'ok\n'),
        { text: 'Added healthz.txt.' },
      ],
    },
  ]);
  remote = await startGitRemote({ auth: { user: 'x-access-token', password: TOKEN } });
  gh = await startGitHubServer({
    repo: 'acme/app',
    tokens: { [TOKEN]: 'write' },
    branchTip: (b) => remote.tip(b),
  });
  dir = mkdtempSync(join(tmpdir(), 'baton-pr-loop-'));
  repo = makeRepo({ 'README.md': '# A sample workspace\n' });
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
      plan_id: 'pr',
      workspace: 'app',
      land: 'pull_request',
      tasks: [
        {
          task_id: TASK,
          description: 'Write health.txt.',
          required_skills: [cli],
          review: 'none',
          fix_rounds: 2,
        },
      ],
    },
  });
  runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'pr' })).run_id;
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

describe.skipIf(!installed)(`${cli}'s work through its pull request`, () => {
  it('fixes failing CI and a review in its own session, each fix pushed, and lands when merged', async () => {
    const done = await call<RunDetail>(app, 'runs.get', { run_id: runId });
    expect(done.tasks[0]!.status, done.tasks[0]!.error ?? '').toBe('done');
    const open = await until((l) => l?.state === 'open');
    const branch = open.branch;
    expect(await remote.tip(branch)).toBe(open.commit);
    expect(repo.git(['show', `${open.commit}:health.txt`])).toBe('not ok');

    // CI fails: the session goes on, told the check's output; its fix is pushed to the branch.
    gh.setChecks(open.commit, [{ name: 'health', conclusion: 'failure', text: 'health.txt must say ok' }]);
    const fixing = await until((l) => l?.state === 'fixing' && l.fix?.run_id != null);
    const fixRun = fixing.fix!.run_id!;
    const pushed = await until((l) => l?.state === 'open' && l.fix_rounds === 1 && l.fix === null);
    const fixDone = await call<RunDetail>(app, 'runs.get', { run_id: fixRun });
    expect(fixDone.tasks[0]!.status, fixDone.tasks[0]!.error ?? '').toBe('done');
    expect(pushed.message).toContain('fix round 1 pushed to pull request #1');
    expect(await remote.tip(branch)).toBe(pushed.commit);
    expect(repo.git(['show', `${pushed.commit}:health.txt`])).toBe('ok');
    const calls = servers.calls(cli, 'pr');
    const ci = calls.find((c) => c.request?.texts.some((t) => t.includes('health.txt must say ok')))!;
    // The same CLI session: its history holds the first run's answers.
    expect(ci.request!.assistantTurns).toBeGreaterThan(0);

    // A reviewer asks for changes: resumed with the review and its line comment, pushed, said on the pull request.
    gh.setChecks(pushed.commit, [{ name: 'health', conclusion: 'success' }]);
    gh.review(1, 'CHANGES_REQUESTED', 'Serve it as healthz too', [
      { path: 'health.txt', line: 1, body: 'keep this one' },
    ]);
    const reviewed = await until((l) => l?.state === 'open' && l.fix_rounds === 2 && l.fix === null);
    expect(await remote.tip(branch)).toBe(reviewed.commit);
    expect(repo.git(['show', `${reviewed.commit}:healthz.txt`])).toBe('ok');
    const asked = servers
      .calls(cli, 'pr')
      .find((c) => c.request?.texts.some((t) => t.includes('Serve it as healthz too')))!;
    expect(asked.request!.texts.some((t) => t.includes('- health.txt:1: keep this one'))).toBe(true);
    expect(asked.request!.assistantTurns).toBeGreaterThan(ci.request!.assistantTurns);
    expect(gh.issueComments.map((c) => c.body).join('\n')).toContain(
      `@reviewer Baton pushed ${reviewed.commit.slice(0, 12)} for the changes you asked for (fix round 2`,
    );

    // The CLI's home (its session store) is kept for the fix rounds while the pull request is open.
    const home = app.store.sessions.get(runId, TASK)!.home!;
    expect(existsSync(home)).toBe(true);
    gh.merge(1, 'e'.repeat(40));
    expect(await until((l) => l?.state === 'merged')).toMatchObject({
      merge_commit: 'e'.repeat(40),
      fix_rounds: 2,
    });
    // Merged: no fix round comes any more, the home is removed.
    expect(existsSync(home)).toBe(false);
    expect(servers.phoneHome()).toEqual([]);
  });
});
