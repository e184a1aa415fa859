import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../../../test/kit/engine-kit.ts';
import { type GiteaServer, signGiteaWebhook, startGiteaServer } from '../../../../test/kit/forge/gitea.ts';
import { type GitRemote, startGitRemote } from '../../../../test/kit/git-remote.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { parseTarget } from '../../../http/request-target.ts';
import { codingWork } from '../workspaces/testing/coding-output.ts';
import { makeRepo, type TempRepo } from '../workspaces/testing/temp-repo.ts';

// Landing through Gitea (or Forgejo): a real git remote (git http-backend, taking the token as
// the password of basic auth, as Gitea does), a scripted Gitea REST API through the real gitea-js,
// real SQLite, the agent a controlled executor. A task's branch lands as a draft pull request
// (a `WIP:` title), a failing commit status sends its agent back to work and its fix is pushed,
// passing statuses ready it, a signed review delivery starts a round at once, merged is landed.
const TOKEN = 'gitea_good';
const FOLLOW = { landing: { follow: { firstMs: 0, maxMs: 0 }, tickMs: 3_600_000 } };
let app: BatonApp | undefined;
let remote: GitRemote | undefined;
let gitea: GiteaServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  await remote?.close();
  await gitea?.stop();
  app = remote = gitea = undefined;
  for (const c of cleanups.splice(0)) c();
});

/** One more commit on a task's branch, as its agent's fix leaves it. */
function fixWork(repo: TempRepo, before: CodingOutput, files: Record<string, string>): CodingOutput {
  const dir = join(repo.worktrees, `fix-${Object.keys(files).join('-')}`);
  repo.git(['worktree', 'add', '-q', dir, before.branch]);
  for (const [path, content] of Object.entries(files)) repo.write(path, content, dir);
  const commit = repo.commitAll('fix', dir);
  repo.git(['worktree', 'remove', dir]);
  return { ...before, commit };
}

const landingOf = async (a: BatonApp, run: string) =>
  (await call<Landing[]>(a, 'runs.landings', { run_id: run }))[0]!;

/** An app whose workspace lands on a real remote and a scripted Gitea, and a started one-task run landing as a draft pull request. */
async function world() {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-gitea-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const repo = makeRepo();
  cleanups.push(repo.cleanup);
  remote = await startGitRemote({ auth: { user: 'x-access-token', password: TOKEN } });
  const r = remote;
  gitea = await startGiteaServer({
    repo: 'acme/app',
    tokens: { [TOKEN]: 'write' },
    branchTip: (b) => r.tip(b),
  });
  const exec = controlledExecutor();
  app = createApp({ dataDir, executors: { echo: exec.executor }, log: () => {}, ...FOLLOW });
  await call(app, 'secrets.set', { name: 'gitea.token', value: TOKEN });
  await call(app, 'secrets.set', { name: 'gitea.hook', value: 'hook-secret' });
  await call(app, 'workspaces.add', {
    id: 'app',
    path: repo.repo,
    remote: {
      url: remote.url,
      forge: {
        kind: 'gitea',
        api_url: gitea.url,
        repo: 'acme/app',
        token_secret: 'gitea.token',
        webhook_secret: 'gitea.hook',
      },
    },
  });
  const run = await setup(app, [{ id: 'e', skills: ['x'] }], {
    plan_id: 'health',
    name: 'Health check',
    workspace: 'app',
    land: 'pull_request',
    pull_request: { draft_until_checks: true, labels: ['baton'], reviewers: ['alice'] },
    tasks: [task('api', { description: 'Add the /health endpoint', fix_rounds: 2 })],
  });
  await eventually(() => exec.running.has('api'));
  const first = codingWork(repo, `baton/${run}/api`, 'main', { 'health.ts': 'export const ok = false;\n' });
  exec.running.get('api')!.finish(first);
  await app.engine.whenSettled(run);
  await expect.poll(async () => (await landingOf(app!, run)).state).toBe('open');
  return { repo, exec, run, first, app, gitea, remote: r };
}

describe('landing through Gitea', () => {
  it('opens a draft pull request, sends a failing status back to the agent, pushes its fix, readies it and lands when merged', async () => {
    const w = await world();
    const { app: a, gitea: g } = w;
    expect(await landingOf(a, w.run)).toMatchObject({ pr_number: 1, pr_draft: true, commit: w.first.commit });
    expect(await w.remote.tip(w.first.branch)).toBe(w.first.commit);
    const pr = g.pulls.get(1)!;
    expect(pr).toMatchObject({ head: w.first.branch, base: 'main', requested_reviewers: ['alice'] });
    expect(pr.title).toMatch(/^WIP: /);
    expect(pr.labels.map((id) => g.labels.find((l) => l.id === id)?.name)).toEqual(['baton']);

    // CI posts a failing status on the head: a fix round, its prompt with what the status said.
    g.setStatuses(w.first.commit, [
      {
        context: 'ci/test',
        status: 'failure',
        description: 'expected ok to be true',
        target_url: 'https://ci/7',
      },
    ]);
    await a.landing.tick();
    const fixing = await landingOf(a, w.run);
    expect(fixing).toMatchObject({ state: 'fixing', fix_rounds: 1, fix: { kind: 'checks', round: 1 } });
    expect(fixing.fix!.prompt).toContain('its CI checks on Gitea failed');
    expect(fixing.fix!.prompt).toContain('Check ci/test (failure):\nexpected ok to be true\nhttps://ci/7');
    const fixRun = fixing.fix!.run_id!;
    await eventually(() => w.exec.running.get('api')?.ctx.run_id === fixRun);
    const second = fixWork(w.repo, w.first, { 'health.ts': 'export const ok = true;\n' });
    w.exec.running.get('api')!.finish(second);
    await a.engine.whenSettled(fixRun);
    await expect.poll(async () => (await landingOf(a, w.run)).state).toBe('open');
    expect(await w.remote.tip(w.first.branch)).toBe(second.commit);
    expect(await landingOf(a, w.run)).toMatchObject({
      commit: second.commit,
      message: `fix round 1 pushed to pull request #1: ${second.commit.slice(0, 12)} (the check ci/test failed)`,
    });

    // Its statuses pass on the fix: the draft is readied (its WIP: title edited away).
    g.setStatuses(second.commit, [{ context: 'ci/test', status: 'success' }]);
    await a.landing.tick();
    expect(g.pulls.get(1)!.title).not.toMatch(/^WIP:/);
    expect(await landingOf(a, w.run)).toMatchObject({ state: 'open', pr_draft: false });

    g.merge(1, 'd'.repeat(40));
    await a.landing.tick();
    expect(await landingOf(a, w.run)).toMatchObject({ state: 'merged', merge_commit: 'd'.repeat(40) });
    expect((await call<Run[]>(a, 'runs.list', {})).length).toBe(2);
  });

  it("starts a round on Gitea's signed review delivery, answering before it polls; a bad signature is refused", async () => {
    const w = await world();
    const a = w.app;
    const server = createServer((req, res) => {
      const t = parseTarget(req.url);
      if (t.ok) void a.landing.hookRoute(req, res, t.target);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => void server.close());
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/forge`;
    const deliver = async (payload: unknown, headers: Record<string, string>, kind = 'gitea') => {
      const body = JSON.stringify(payload);
      const res = await fetch(`${base}/${kind}/app`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const review = {
      action: 'reviewed',
      number: 1,
      pull_request: { number: 1 },
      review: { type: 'pull_request_review_rejected' },
    };
    const signed = (payload: unknown, secret = 'hook-secret') => ({
      'x-gitea-event': 'pull_request_rejected',
      'x-gitea-event-type': 'pull_request_review_rejected',
      'x-gitea-signature': signGiteaWebhook(secret, JSON.stringify(payload)),
    });
    expect(await deliver(review, signed(review, 'wrong'))).toMatchObject({
      status: 401,
      body: { error: { code: 'bad_signature' } },
    });
    // A forge Baton has no webhooks for: 404.
    expect((await deliver(review, signed(review), 'gitlab')).status).toBe(404);
    // A status delivery: a hint to poll; nothing failed, nothing starts.
    const status = { sha: w.first.commit, context: 'ci/test', state: 'pending' };
    expect(
      await deliver(status, {
        'x-forgejo-event': 'status',
        'x-forgejo-event-type': 'status',
        'x-forgejo-signature': signGiteaWebhook('hook-secret', JSON.stringify(status)),
      }),
    ).toMatchObject({ status: 202, body: { event: 'status', due: 1 } });
    w.gitea.review(1, 'REQUEST_CHANGES', 'Call it healthz', [{ path: 'health.ts', line: 1, body: 'rename' }]);
    expect(await deliver(review, signed(review))).toMatchObject({
      status: 202,
      body: { event: 'pull_request_review_rejected', due: 1 },
    });
    await expect.poll(async () => (await landingOf(a, w.run)).state).toBe('fixing');
    const fix = (await landingOf(a, w.run)).fix!;
    expect(fix).toMatchObject({
      kind: 'review',
      reviewer: 'reviewer',
      summary: 'reviewer asked for changes',
    });
    expect(fix.prompt).toContain('Call it healthz');
    expect(fix.prompt).toContain('- health.ts:1: rename');
  });
});
