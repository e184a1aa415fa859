import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import type { AuditEntry } from '../../../../src-shared/schemas/memory.ts';
import type { TaskLogLine } from '../../../../src-shared/schemas/run.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../../../test/kit/engine-kit.ts';
import { signWebhook } from '../../../../test/kit/forge/github.ts';
import type { GitRemote } from '../../../../test/kit/git-remote.ts';
import { LANDING_TOKEN, LandingWorlds } from '../../../../test/kit/landing-world.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { parseTarget } from '../../../http/request-target.ts';
import { codingWork } from '../workspaces/testing/coding-output.ts';

// Landing a run's work against a real git remote served over HTTP by git http-backend and a
// scripted GitHub REST server, through the real @octokit/rest: pushed, a pull request opened
// from the plan and its tasks, followed until merged, closed or deleted; a wrong token, one
// lacking rights and a remote refusing the push each said on the task, nothing pushed twice.
const TOKEN = LANDING_TOKEN;
const worlds = new LandingWorlds();
let app: BatonApp | undefined;
afterEach(async () => {
  await worlds.close();
  app = undefined;
});

function world(opts: { remoteAuth?: boolean; tokens?: Record<string, 'write' | 'read'> } = {}) {
  return worlds.open({
    prefix: 'landing',
    ...(opts.remoteAuth === false ? { remoteAuth: false } : {}),
    ...(opts.tokens ? { github: () => ({ tokens: opts.tokens }) } : {}),
    webhook: true,
  });
}

/** A one-task coding run of a plan that lands as told, finished with real commits on its branch (`files`). */
async function landedRun(
  w: Awaited<ReturnType<typeof world>>,
  land: Record<string, unknown>,
  files: Record<string, string> = { 'health.ts': 'export const ok = true;\n' },
) {
  const run = await setup(w.app, [{ id: 'e', skills: ['x'] }], {
    plan_id: 'health',
    name: 'Health check',
    goal: 'Expose liveness',
    workspace: 'app',
    ...land,
    tasks: [task('api', { description: 'Add the /health endpoint' })],
  });
  await eventually(() => w.exec.running.has('api'));
  const out = codingWork(w.repo, `baton/${run}/api`, 'main', files);
  w.exec.running.get('api')!.finish(out);
  await w.app.engine.whenSettled(run);
  return { run, out };
}

const landings = (a: BatonApp, run: string) => call<Landing[]>(a, 'runs.landings', { run_id: run });
const receivePacks = (r: GitRemote) =>
  r.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/git-receive-pack')).length;

describe('landing a run as a pull request', () => {
  it('pushes, opens the pull request from the plan, follows it until merged, and says so in the audit log, the steps and log of the task', async () => {
    const w = await world();
    const { run, out } = await landedRun(w, {
      land: 'pull_request',
      pull_request: { labels: ['baton'], reviewers: ['alice'] },
    });
    await expect.poll(async () => (await landings(w.app, run))[0]?.state).toBe('open');
    const [l] = await landings(w.app, run);
    expect(l).toMatchObject({
      task_id: 'api',
      mode: 'pull_request',
      branch: `baton/${run}/api`,
      commit: out.commit,
      pr_number: 1,
      pr_draft: false,
    });
    expect(l!.pr_url).toBe(`${w.gh.url}/acme/app/pull/1`);
    expect(await w.remote.tip(`baton/${run}/api`)).toBe(out.commit);
    const pr = w.gh.pulls.get(1)!;
    expect(pr).toMatchObject({
      title: 'Add the /health endpoint (Health check)',
      head: `baton/${run}/api`,
      base: 'main',
      labels: ['baton'],
      requested_reviewers: ['alice'],
    });
    expect(pr.body).toContain('**Goal:** Expose liveness');
    expect(pr.body).toContain('| `api`: Add the /health endpoint | e |');
    expect(pr.body).toContain(`run \`${run}\``);

    // Landing again opens nothing and pushes nothing twice.
    const pushes = receivePacks(w.remote);
    await call(w.app, 'runs.land', { run_id: run });
    expect(receivePacks(w.remote)).toBe(pushes);
    expect(w.gh.pulls.size).toBe(1);

    w.gh.merge(1, 'c'.repeat(40));
    await w.app.landing.tick();
    expect((await landings(w.app, run))[0]).toMatchObject({
      state: 'merged',
      merge_commit: 'c'.repeat(40),
      message: 'pull request #1 was merged as cccccccccccc',
    });
    const audit = await call<AuditEntry[]>(w.app, 'audit.list', { run_id: run });
    expect(audit.map((e) => e.to_status)).toEqual(
      expect.arrayContaining(['landing pushed', 'landing open', 'landing merged']),
    );
    const steps = await call<{ kind: string; text?: string }[]>(w.app, 'runs.steps', {
      run_id: run,
      task_id: 'api',
    });
    expect(
      steps.filter((x) => x.kind === 'message' && x.text?.startsWith('Landing: ')).map((x) => x.text),
    ).toEqual([
      `Landing: pushed baton/${run}/api to ${w.remote.url}`,
      `Landing: opened pull request #1: ${w.gh.url}/acme/app/pull/1`,
      'Landing: pull request #1 was merged as cccccccccccc',
    ]);
    const log = await call<TaskLogLine[]>(w.app, 'runs.taskLogs', { run_id: run, task_id: 'api' });
    expect(log.map((x) => x.text)).toEqual(
      expect.arrayContaining([
        `landing: opened pull request #1: ${w.gh.url}/acme/app/pull/1`,
        'landing: pull request #1 was merged as cccccccccccc',
      ]),
    );
  });

  it('follows an open pull request after a restart: closed unmerged, a landing a stop cut short taken up, one deleted under Baton', async () => {
    const w = await world();
    const { run } = await landedRun(w, { land: 'pull_request' });
    await expect.poll(async () => (await landings(w.app, run))[0]?.state).toBe('open');
    await w.app.close();
    w.gh.close(1);
    app = worlds.app(w.dataDir);
    await app.landing.tick();
    expect((await landings(app, run))[0]).toMatchObject({
      state: 'closed',
      message: 'pull request #1 was closed without being merged',
    });

    // A stop before its landing was recorded: the next start lands it, taking up the pull request
    // open from its branch rather than opening another, pushing nothing again.
    app.store.db.prepare('DELETE FROM landings WHERE run_id = ?').run(run);
    w.gh.pulls.get(1)!.state = 'open';
    const pushes = receivePacks(w.remote);
    await app.close();
    app = worlds.app(w.dataDir);
    await expect.poll(async () => (await landings(app!, run))[0]?.state).toBe('open');
    expect((await landings(app, run))[0]!.pr_number).toBe(1);
    expect(receivePacks(w.remote)).toBe(pushes);
    expect(w.gh.pulls.size).toBe(1);

    const second = await landedRunIn(app, w, 'second');
    await expect.poll(async () => (await landings(app!, second))[0]?.state).toBe('open');
    w.gh.remove(2);
    await app.landing.tick();
    const gone = (await landings(app, second))[0]!;
    expect(gone.state).toBe('gone');
    expect(gone.message).toMatch(
      /^pull request #2 is gone from acme\/app \(GitHub answers 404: deleted, or the repository moved\); the branch baton\/.+\/api and its commit [0-9a-f]{12} are kept$/,
    );
    expect(await w.remote.tip(gone.branch)).toBe(gone.commit);
  });

  it('says a wrong token (401) and one lacking rights (403) on the task, and lands once a right one is set, pushing nothing twice', async () => {
    const w = await world({ remoteAuth: false, tokens: { readonly: 'read', [TOKEN]: 'write' } });
    await call(w.app, 'secrets.set', { name: 'github.token', value: 'ghp_stale' });
    const { run, out } = await landedRun(w, { land: 'pull_request' });
    await expect.poll(async () => (await landings(w.app, run))[0]?.state).toBe('failed');
    expect((await landings(w.app, run))[0]!.message).toBe(
      `Looking for a pull request from baton/${run}/api: GitHub refused the token in secret "github.token" (401 Bad credentials)`,
    );
    expect(await w.remote.tip(`baton/${run}/api`)).toBe(out.commit);
    const pushes = receivePacks(w.remote);
    await call(w.app, 'secrets.set', { name: 'github.token', value: 'readonly' });
    const [denied] = await call<Landing[]>(w.app, 'runs.land', { run_id: run });
    expect(denied!.message).toBe(
      `Opening a pull request from baton/${run}/api: the token in secret "github.token" lacks the rights on acme/app (403 Resource not accessible by personal access token)`,
    );
    await call(w.app, 'secrets.set', { name: 'github.token', value: TOKEN });
    const [opened] = await call<Landing[]>(w.app, 'runs.land', { run_id: run });
    expect(opened).toMatchObject({ state: 'open', pr_number: 1 });
    expect(receivePacks(w.remote)).toBe(pushes);
    const log = await call<TaskLogLine[]>(w.app, 'runs.taskLogs', { run_id: run, task_id: 'api' });
    expect(log.some((x) => x.text.includes('(401 Bad credentials)'))).toBe(true);
  });

  it('says a remote refusing the push, and lands nothing', async () => {
    const w = await world();
    await w.remote.refusePushes('pushes to baton/ are not allowed here');
    const { run } = await landedRun(w, { land: 'push' });
    await expect.poll(async () => (await landings(w.app, run))[0]?.state).toBe('failed');
    expect((await landings(w.app, run))[0]!.message).toMatch(
      /^Pushing baton\/.+\/api: the remote refused the push of baton\/.+\/api: pushes to baton\/ are not allowed here/,
    );
    expect(await w.remote.branches()).toEqual({ main: expect.any(String) });
    expect(w.gh.requests).toEqual([]);
  });
});

describe('a branch holding a secret Baton holds', () => {
  it('is not landed: the landing fails naming each secret and its file, never the value, and nothing is pushed', async () => {
    const w = await world();
    const KEY = 'sk-deploy-0a9b8c7d6e5f4321';
    await call(w.app, 'secrets.set', { name: 'deploy.key', value: KEY });
    // The browser host's token, as it writes it while it serves this data directory.
    writeFileSync(
      join(w.dataDir, 'server.json'),
      JSON.stringify({ url: 'http://127.0.0.1:1', token: 'ui-token-5e6f7a8b9c' }),
    );
    const worker = await call<{ secret: string }>(w.app, 'workers.tokens.create', {
      name: 'lab box',
      server_url: 'http://127.0.0.1:1',
    });
    const { run, out } = await landedRun(
      w,
      { land: 'pull_request' },
      {
        'health.ts': 'export const ok = true;\n',
        'deploy.env': `KEY=${KEY}\n`,
        'notes/ui.md': 'opened http://127.0.0.1:1/?token=ui-token-5e6f7a8b9c\n',
        'worker.sh': `baton worker --token ${worker.secret}\n`,
      },
    );
    await expect.poll(async () => (await landings(w.app, run))[0]?.state).toBe('failed');
    const message = (await landings(w.app, run))[0]!.message!;
    const at = `(commit ${out.commit.slice(0, 12)})`;
    expect(message).toMatch(new RegExp(`^baton/${run}/api was not pushed: it holds the value of `));
    expect(message).toContain(`secret "deploy.key" in deploy.env ${at}`);
    expect(message).toContain(`Baton's UI token (server.json) in notes/ui.md ${at}`);
    expect(message).toContain(`worker token "lab box" in worker.sh ${at}`);
    for (const value of [KEY, 'ui-token-5e6f7a8b9c', worker.secret]) expect(message).not.toContain(value);
    expect(await w.remote.branches()).toEqual({ main: expect.any(String) });
    expect(w.gh.pulls.size).toBe(0);
    const log = await call<TaskLogLine[]>(w.app, 'runs.taskLogs', { run_id: run, task_id: 'api' });
    expect(log.map((x) => x.text)).toContain(`landing: ${message}`);
  });
});

describe("landing a run's merged branch, and a draft until its checks pass", () => {
  it('merges the final branches into baton/merge/<run>, opens one draft pull request, and readies it once every check passed', async () => {
    const w = await world();
    const run = await setup(w.app, [{ id: 'e', skills: ['x'] }], {
      plan_id: 'two',
      workspace: 'app',
      land: 'pull_request',
      land_branches: 'run',
      pull_request: { draft_until_checks: true },
      tasks: [task('a'), task('b')],
    });
    for (const t of ['a', 'b']) {
      await eventually(() => w.exec.running.has(t));
      w.exec.running
        .get(t)!
        .finish(codingWork(w.repo, `baton/${run}/${t}`, 'main', { [`${t}.txt`]: `${t}\n` }));
    }
    await w.app.engine.whenSettled(run);
    await expect.poll(async () => (await landings(w.app, run))[0]?.state).toBe('open');
    const [l] = await landings(w.app, run);
    expect(l).toMatchObject({ task_id: null, branch: `baton/merge/${run}`, pr_draft: true, pr_number: 1 });
    // The run's branch holds both tasks' work, on the remote too.
    const tip = w.repo.git(['rev-parse', `baton/merge/${run}`]);
    expect(await w.remote.tip(`baton/merge/${run}`)).toBe(tip);
    expect(w.repo.git(['ls-tree', '--name-only', tip]).split('\n').sort()).toEqual([
      'README.md',
      'a.txt',
      'b.txt',
    ]);
    expect(w.gh.pulls.get(1)).toMatchObject({ title: `two: run ${run}`, draft: true });
    // What each look saw is kept on the landing, before any fix round: the checks and the reviews.
    const seen = async () => (await landings(w.app, run))[0]?.pr_seen;
    // A check still running, then one failed: still a draft. All passed: ready for review.
    w.gh.setChecks(tip, [{ name: 'test', conclusion: null }]);
    await w.app.landing.tick();
    expect(w.gh.pulls.get(1)!.draft).toBe(true);
    expect(await seen()).toMatchObject({
      head: tip,
      checks: { total: 1, failed: [], pending: 1 },
      review: { approved: [], changes_requested: [] },
    });
    w.gh.setChecks(tip, [{ name: 'test', conclusion: 'failure' }]);
    await w.app.landing.tick();
    expect(w.gh.pulls.get(1)!.draft).toBe(true);
    expect((await seen())?.checks).toEqual({ total: 1, failed: ['test'], pending: 0 });
    w.gh.setChecks(tip, [
      { name: 'test', conclusion: 'success' },
      { name: 'lint', conclusion: 'success' },
    ]);
    // Every check run passed, but a CI service's commit status failed (or erred): still a draft.
    w.gh.setStatuses(tip, [{ context: 'ci/jenkins', state: 'failure', description: '2 tests failed' }]);
    await w.app.landing.tick();
    expect(w.gh.pulls.get(1)!.draft).toBe(true);
    w.gh.setStatuses(tip, [{ context: 'ci/jenkins', state: 'error' }]);
    await w.app.landing.tick();
    expect(w.gh.pulls.get(1)!.draft).toBe(true);
    w.gh.setStatuses(tip, [{ context: 'ci/jenkins', state: 'success' }]);
    await w.app.landing.tick();
    expect(w.gh.pulls.get(1)!.draft).toBe(false);
    expect((await landings(w.app, run))[0]).toMatchObject({
      pr_draft: false,
      message: 'pull request #1: its checks passed, marked ready for review',
    });
    expect((await seen())?.checks).toEqual({ total: 3, failed: [], pending: 0 });
    // A reviewer's approval is their word until they ask for changes (a comment alone says neither).
    w.gh.review(1, 'APPROVED', 'Looks good');
    w.gh.review(1, 'COMMENTED', 'One more thing later');
    await w.app.landing.tick();
    expect((await seen())?.review).toEqual({ approved: ['reviewer'], changes_requested: [] });
  });
});

describe("GitHub's signed webhooks", () => {
  it('refuses a delivery with a bad signature, and polls the pull request a signed one names at once', async () => {
    const w = await world();
    await call(w.app, 'secrets.set', { name: 'github.hook', value: 'hook-secret' });
    const { run } = await landedRun(w, { land: 'pull_request' });
    await expect.poll(async () => (await landings(w.app, run))[0]?.state).toBe('open');
    const route = w.app.landing.hookRoute;
    const server = createServer((req, res) => {
      const t = parseTarget(req.url);
      if (t.ok) void route(req, res, t.target);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    worlds.later(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/forge/github/app`;
    const deliver = (body: string, signature: string) =>
      fetch(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'pull_request',
          'x-hub-signature-256': signature,
        },
      });
    w.gh.merge(1, 'e'.repeat(40));
    const body = JSON.stringify({ action: 'closed', number: 1, pull_request: { number: 1, merged: true } });
    const forged = await deliver(body, signWebhook('not-the-secret', body));
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { message: string } }).error.message).toBe(
      'X-Hub-Signature-256 does not match the workspace’s webhook secret',
    );
    expect((await deliver(body, 'sha256=')).status).toBe(401);
    expect((await landings(w.app, run))[0]!.state).toBe('open');
    const signed = await deliver(body, signWebhook('hook-secret', body));
    expect(signed.status).toBe(202);
    expect(await signed.json()).toEqual({ event: 'pull_request', polled: 1 });
    await expect
      .poll(async () => (await landings(w.app, run))[0])
      .toMatchObject({ state: 'merged', merge_commit: 'e'.repeat(40) });
  });

  it('answers a signed delivery at once, while the poll it asked for waits on GitHub', async () => {
    const w = await world();
    await call(w.app, 'secrets.set', { name: 'github.hook', value: 'hook-secret' });
    const { run } = await landedRun(w, { land: 'pull_request' });
    await expect.poll(async () => (await landings(w.app, run))[0]?.state).toBe('open');
    const server = createServer((req, res) => {
      const t = parseTarget(req.url);
      if (t.ok) void w.app.landing.hookRoute(req, res, t.target);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    worlds.later(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/forge/github/app`;
    w.gh.merge(1, 'e'.repeat(40));
    // GitHub's API holds its answer to the poll the delivery asks for (GitHub gives a delivery 10 s).
    const slow = w.gh.holdNext();
    const body = JSON.stringify({ action: 'closed', number: 1, pull_request: { number: 1, merged: true } });
    const answered = fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-hub-signature-256': signWebhook('hook-secret', body),
      },
    });
    await slow.reached;
    const res = await answered;
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ event: 'pull_request', polled: 1 });
    expect((await landings(w.app, run))[0]!.state).toBe('open');
    // GitHub answers: the poll goes on in the background and the landing moves.
    slow.release();
    await expect
      .poll(async () => (await landings(w.app, run))[0])
      .toMatchObject({ state: 'merged', merge_commit: 'e'.repeat(40) });
  });
});

/** Another run of the same plan in a reopened app (its executor a fresh one). */
async function landedRunIn(
  a: BatonApp,
  w: Awaited<ReturnType<typeof world>>,
  _name: string,
): Promise<string> {
  await a.close();
  const exec = controlledExecutor();
  app = worlds.app(w.dataDir, { echo: exec.executor });
  const build = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'health' });
  const run = build.run_id;
  await eventually(() => exec.running.has('api'));
  exec.running
    .get('api')!
    .finish(codingWork(w.repo, `baton/${run}/api`, 'main', { 'health.ts': `export const ok = '${run}';\n` }));
  await app.engine.whenSettled(run);
  return run;
}
