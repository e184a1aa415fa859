import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../../../test/kit/engine-kit.ts';
import { type GitLabServer, startGitLabServer } from '../../../../test/kit/forge/gitlab.ts';
import { type GitRemote, startGitRemote } from '../../../../test/kit/git-remote.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { parseTarget } from '../../../http/request-target.ts';
import { codingWork } from '../workspaces/testing/coding-output.ts';
import { makeRepo, type TempRepo } from '../workspaces/testing/temp-repo.ts';

// A task's work landed on GitLab through the app: a real git remote (git http-backend) that takes
// the token only as GitLab's `oauth2` user, the scripted GitLab through the real @gitbeaker/rest,
// real SQLite; the agent is a controlled executor. A failing pipeline job and a reviewer's
// requested changes (delivered by GitLab's webhook) each start a fix round, pushed to the merge
// request's branch; merged, the work is landed.
const TOKEN = 'glpat-landing';
const FOLLOW = { landing: { follow: { firstMs: 0, maxMs: 0 }, tickMs: 3_600_000 } };
let app: BatonApp | undefined;
let remote: GitRemote | undefined;
let gl: GitLabServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  await remote?.close();
  await gl?.stop();
  app = remote = gl = undefined;
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

/** The app's forge webhook route on a port of its own; `deliver` posts a GitLab hook to it. */
async function hooks(a: BatonApp) {
  const server = createServer((req, res) => {
    const t = parseTarget(req.url);
    if (t.ok) void a.landing.hookRoute(req, res, t.target);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => void server.close());
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (event: string, payload: unknown, token = 'hook-secret', path = '/api/forge/gitlab/app') => {
    const res = await fetch(`${origin}${path}`, {
      method: 'POST',
      body: JSON.stringify(payload),
      headers: { 'content-type': 'application/json', 'x-gitlab-event': event, 'x-gitlab-token': token },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}

/**
 * An app whose workspace lands on a real remote (taking the token only as `oauth2`) and the
 * scripted GitLab reading its mergeability with real git (`dirty`: GitLab says it conflicts
 * whatever git says); a started one-task run landing as a merge request.
 */
async function world(opts: { dirty?: () => boolean } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-gitlab-landing-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const repo = makeRepo();
  cleanups.push(repo.cleanup);
  // The remote starts from the workspace's main, so whether a branch merges is real git's word.
  remote = await startGitRemote({ auth: { user: 'oauth2', password: TOKEN }, files: {} });
  const r = remote;
  const basic = Buffer.from(`oauth2:${TOKEN}`).toString('base64');
  // Not execFileSync: the remote answers from this process.
  await promisify(execFile)(
    'git',
    ['-c', `http.extraHeader=Authorization: Basic ${basic}`, 'push', '-q', r.url, 'main:refs/heads/main'],
    { cwd: repo.repo },
  );
  gl = await startGitLabServer({
    repo: 'acme/platform/app',
    tokens: { [TOKEN]: 'write' },
    users: ['alice'],
    branchTip: (b) => r.tip(b),
    mergeability: async (base, head) =>
      opts.dirty?.() ? { mergeable: false, state: 'dirty' } : r.mergeability(base, head),
  });
  const exec = controlledExecutor();
  app = createApp({ dataDir, executors: { echo: exec.executor }, log: () => {}, ...FOLLOW });
  await call(app, 'secrets.set', { name: 'gitlab.token', value: TOKEN });
  await call(app, 'secrets.set', { name: 'gitlab.hook', value: 'hook-secret' });
  await call(app, 'workspaces.add', {
    id: 'app',
    path: repo.repo,
    remote: {
      url: remote.url,
      forge: {
        kind: 'gitlab',
        api_url: gl.apiUrl,
        repo: 'acme/platform/app',
        token_secret: 'gitlab.token',
        webhook_secret: 'gitlab.hook',
      },
    },
  });
  const run = await setup(app, [{ id: 'e', skills: ['x'] }], {
    plan_id: 'health',
    name: 'Health check',
    workspace: 'app',
    land: 'pull_request',
    tasks: [task('api', { description: 'Add the /health endpoint', fix_rounds: 2 })],
  });
  return { a: app, remote, gl, repo, exec, run, deliver: await hooks(app) };
}

describe('landing on GitLab', () => {
  it('opens a merge request, fixes a failing job and a review asked by webhook, pushes each fix, and lands when merged', async () => {
    const { a, remote, gl, repo, exec, run, deliver } = await world();

    // The task's work is pushed (the token as GitLab's oauth2 user) and a merge request opened for it.
    await eventually(() => exec.running.has('api'));
    const first = codingWork(repo, `baton/${run}/api`, 'main', { 'health.ts': 'export const ok = false;\n' });
    exec.running.get('api')!.finish(first);
    await a.engine.whenSettled(run);
    await expect.poll(async () => (await landingOf(a, run)).state).toBe('open');
    expect(await remote.tip(first.branch)).toBe(first.commit);
    expect(remote.requests.filter((q) => q.status === 200).every((q) => q.user === 'oauth2')).toBe(true);
    const mr = gl.mergeRequests.get(1)!;
    expect(mr).toMatchObject({ source_branch: first.branch, target_branch: 'main', state: 'opened' });
    expect(mr.title).toContain('Health check');
    expect(await landingOf(a, run)).toMatchObject({
      pr_number: 1,
      pr_url: `${gl.url}/acme/platform/app/-/merge_requests/1`,
    });

    // Its pipeline's test job fails: a Pipeline Hook makes it due; a fix round starts with the job's log.
    gl.pipeline(first.commit, [
      { name: 'lint', status: 'success' },
      { name: 'test', status: 'failed', log: 'Running tests\nFAIL health.test.ts\nexpected ok to be true\n' },
    ]);
    const piped = await deliver('Pipeline Hook', {
      object_kind: 'pipeline',
      object_attributes: { ref: first.branch, sha: first.commit, status: 'failed' },
      merge_request: { iid: 1 },
    });
    expect(piped).toEqual({ status: 202, body: { event: 'pipeline', due: 1 } });
    await expect.poll(async () => (await landingOf(a, run)).state).toBe('fixing');
    const fixing = await landingOf(a, run);
    expect(fixing).toMatchObject({ fix_rounds: 1, fix: { kind: 'checks', round: 1 } });
    expect(fixing.fix!.prompt).toContain('its CI checks on GitLab failed');
    expect(fixing.fix!.prompt).toContain('Check test (script_failure):');
    expect(fixing.fix!.prompt).toContain('FAIL health.test.ts\nexpected ok to be true');
    const fixRun = fixing.fix!.run_id!;
    await eventually(() => exec.running.get('api')?.ctx.run_id === fixRun);
    const second = fixWork(repo, first, { 'health.ts': 'export const ok = true;\n' });
    exec.running.get('api')!.finish(second);
    await a.engine.whenSettled(fixRun);
    await expect.poll(async () => (await landingOf(a, run)).state).toBe('open');
    expect(await remote.tip(first.branch)).toBe(second.commit);
    expect((await landingOf(a, run)).message).toBe(
      `fix round 1 pushed to pull request #1: ${second.commit.slice(0, 12)} (the check test failed)`,
    );

    // A reviewer requests changes with a comment on a line; a Note Hook makes it due.
    gl.pipeline(second.commit, [{ name: 'test', status: 'success' }]);
    gl.review(1, 'alice', 'requested_changes', 'Call it healthz', [
      { path: 'health.ts', line: 1, body: 'rename' },
    ]);
    const noted = await deliver('Note Hook', { object_kind: 'note', merge_request: { iid: 1 } });
    expect(noted.body).toMatchObject({ due: 1 });
    await expect.poll(async () => (await landingOf(a, run)).state).toBe('fixing');
    const review = await landingOf(a, run);
    expect(review).toMatchObject({ fix_rounds: 2, fix: { kind: 'review', reviewer: 'alice' } });
    expect(review.fix!.prompt).toContain('Call it healthz');
    expect(review.fix!.prompt).toContain('- health.ts:1: rename');
    const reviewRun = review.fix!.run_id!;
    await eventually(() => exec.running.get('api')?.ctx.run_id === reviewRun);
    const third = fixWork(repo, second, { 'healthz.ts': 'export const ok = true;\n' });
    exec.running.get('api')!.finish(third);
    await a.engine.whenSettled(reviewRun);
    await expect.poll(async () => (await landingOf(a, run)).state).toBe('open');
    expect(await remote.tip(first.branch)).toBe(third.commit);
    // The reviewer is told once, on the merge request.
    const said = gl.notesOf(1).filter((b) => b.includes('Baton pushed'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(
      `@alice Baton pushed ${third.commit.slice(0, 12)} for the changes you asked for`,
    );
    // Polled again, the same review asks nothing more.
    await a.landing.tick();
    expect((await landingOf(a, run)).state).toBe('open');
    expect((await call<Run[]>(a, 'runs.list', {})).length).toBe(3);

    // Merged on GitLab: a Merge Request Hook; the work is landed.
    gl.merge(1, 'd'.repeat(40));
    const merged = await deliver('Merge Request Hook', {
      object_kind: 'merge_request',
      object_attributes: { iid: 1, action: 'merge', state: 'merged' },
    });
    expect(merged.body).toMatchObject({ due: 1 });
    await expect.poll(async () => (await landingOf(a, run)).state).toBe('merged');
    expect(await landingOf(a, run)).toMatchObject({ merge_commit: 'd'.repeat(40) });
  });

  it('rebases a merge request GitLab says conflicts with its moved target, fetching and pushing as oauth2', async () => {
    let dirty = false;
    const { a, remote, repo, exec, run } = await world({ dirty: () => dirty });
    await eventually(() => exec.running.has('api'));
    const first = codingWork(repo, `baton/${run}/api`, 'main', { 'health.ts': 'export const ok = true;\n' });
    exec.running.get('api')!.finish(first);
    await a.engine.whenSettled(run);
    await expect.poll(async () => (await landingOf(a, run)).state).toBe('open');
    const moved = await remote.commitAs('main', 'docs.md', 'Docs\n');
    dirty = true;
    // GitLab answers `checking` once after the move, then `conflict`.
    await a.landing.tick();
    await a.landing.tick();
    await expect.poll(async () => (await landingOf(a, run)).state).toBe('open');
    const tip = (await remote.tip(first.branch))!;
    expect(await landingOf(a, run)).toMatchObject({
      fix: null,
      fix_rounds: 0,
      commit: tip,
      pushed_commit: tip,
    });
    expect((await landingOf(a, run)).message).toBe(
      `Baton rebased pull request #1 on main and pushed it: ${tip.slice(0, 12)}`,
    );
    expect(repo.git(['rev-parse', `${tip}^`])).toBe(moved);
    expect(remote.requests.filter((q) => q.status === 200).every((q) => q.user === 'oauth2')).toBe(true);
  });

  it("refuses a hook without the workspace's secret, and answers 404 where there is no GitLab webhook", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-gitlab-hook-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    app = createApp({ dataDir, log: () => {}, resume: false, ...FOLLOW });
    await call(app, 'secrets.set', { name: 'gitlab.hook', value: 'hook-secret' });
    await call(app, 'workspaces.add', {
      id: 'app',
      path: repo.repo,
      remote: {
        url: 'https://gitlab.example/acme/app.git',
        forge: {
          kind: 'gitlab',
          repo: 'acme/app',
          token_secret: 'gitlab.token',
          webhook_secret: 'gitlab.hook',
        },
      },
    });
    const deliver = await hooks(app);
    const hook = { object_kind: 'merge_request', object_attributes: { iid: 1 } };
    expect(await deliver('Merge Request Hook', hook, 'wrong')).toMatchObject({
      status: 401,
      body: { error: { code: 'bad_token' } },
    });
    expect(await deliver('Merge Request Hook', hook, '')).toMatchObject({ status: 401 });
    expect(await deliver('Merge Request Hook', hook)).toEqual({
      status: 202,
      body: { event: 'merge_request', due: 0 },
    });
    expect((await deliver('Merge Request Hook', hook, 'hook-secret', '/api/forge/gitlab/other')).status).toBe(
      404,
    );
    expect(
      (await deliver('Merge Request Hook', hook, 'hook-secret', '/api/forge/bitbucket/app')).status,
    ).toBe(404);
    // The workspace's forge is GitLab, with gitlab.com's API by default.
    const [w] = await call<{ remote: { forge: { api_url: string } } }[]>(app, 'workspaces.list', {});
    expect(w?.remote.forge.api_url).toBe('https://gitlab.com/api/v4');
  });
});
