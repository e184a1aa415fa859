import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BatonClient } from '../../../../src-shared/contract/client.ts';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../../../test/kit/engine-kit.ts';
import { type GitHubServer, signWebhook } from '../../../../test/kit/forge/github.ts';
import type { GitRemote } from '../../../../test/kit/git-remote.ts';
import { LANDING_TOKEN, LandingWorlds } from '../../../../test/kit/landing-world.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { runShow, runsList } from '../../../cli/commands/runs.ts';
import { parseTarget } from '../../../http/request-target.ts';
import { codingWork } from '../workspaces/testing/coding-output.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';

// A pull request's fix rounds through the app, against a real git remote (git http-backend) and a
// scripted GitHub through the real @octokit/rest; the agent is a controlled executor (the real
// CLI's part is test/coding-agents/pr-loop.test.ts): failing checks and a review asking for
// changes each start a re-run of the task, whose commit is pushed to the pull request's branch.
const worlds = new LandingWorlds();
let app: BatonApp | undefined;
let remote: GitRemote | undefined;
let gh: GitHubServer | undefined;
afterEach(async () => {
  await worlds.close();
  app = remote = gh = undefined;
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
const runs = (a: BatonApp) => call<Run[]>(a, 'runs.list', {});
const receivePacks = (r: GitRemote) =>
  r.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/git-receive-pack')).length;

/** What `baton runs` and `baton show <run>` print, through a client of the app. */
async function cliSays(a: BatonApp, run: string): Promise<{ list: string; show: string }> {
  const client = { invoke: (m: string, i: unknown) => call(a, m, i) } as unknown as BatonClient;
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  try {
    await runsList(client, undefined, false);
    const list = out.splice(0).join('');
    await runShow(client, run, false);
    return { list, show: out.join('') };
  } finally {
    spy.mockRestore();
  }
}

/** An app whose workspace lands on a real remote and a scripted GitHub, and a started one-task run landing as a pull request. */
async function world() {
  const w = await worlds.open({ prefix: 'pr-fix', webhook: 'hook-secret' });
  ({ app, remote, gh } = w);
  const { dataDir, repo, exec } = w;
  const run = await setup(app, [{ id: 'e', skills: ['x'] }], {
    plan_id: 'health',
    name: 'Health check',
    workspace: 'app',
    land: 'pull_request',
    tasks: [task('api', { description: 'Add the /health endpoint', fix_rounds: 2 })],
  });
  return { dataDir, repo, exec, run };
}

/** The task done (its `health.ts` written) and landed: its pull request open. */
async function pullOpened() {
  const w = await world();
  const a = app!;
  await eventually(() => w.exec.running.has('api'));
  const first = codingWork(w.repo, `baton/${w.run}/api`, 'main', { 'health.ts': 'export const ok = 1;\n' });
  w.exec.running.get('api')!.finish(first);
  await a.engine.whenSettled(w.run);
  await expect.poll(async () => (await landingOf(a, w.run)).state).toBe('open');
  return { w, a, first };
}

describe("a pull request's fix rounds", () => {
  it('sends failing checks and a review back to the agent, pushes each fix once across a restart, and lands when merged', async () => {
    const w = await world();
    const { dataDir, repo, run } = w;
    let exec = w.exec;
    if (!app || !remote || !gh) throw new Error('no world');
    await eventually(() => exec.running.has('api'));
    const first = codingWork(repo, `baton/${run}/api`, 'main', { 'health.ts': 'export const ok = false;\n' });
    exec.running.get('api')!.finish(first);
    await app.engine.whenSettled(run);
    await expect.poll(async () => (await landingOf(app!, run)).state).toBe('open');

    // CI fails on the pull request's head: a fix round starts (a re-run from the task), recorded first.
    gh.setChecks(first.commit, [{ name: 'test', conclusion: 'failure', text: 'expected ok to be true' }]);
    await app.landing.tick();
    const fixing = await landingOf(app, run);
    expect(fixing).toMatchObject({ state: 'fixing', fix_rounds: 1, fix: { kind: 'checks', round: 1 } });
    expect(fixing.fix!.prompt).toContain('Check test (failure):');
    expect(fixing.fix!.prompt).toContain('expected ok to be true');
    const fixRun = fixing.fix!.run_id!;
    expect(fixRun).not.toBe(run);
    await eventually(() => exec.running.get('api')?.ctx.run_id === fixRun);
    // The run's stage while its agent fixes it; a poll meanwhile starts nothing twice.
    await app.landing.tick();
    expect((await runs(app)).length).toBe(2);

    // Baton stops between the recorded CI failure and the push of its fix: the restart takes the
    // same round up (its run resumed, not a second one started) and pushes its fix once.
    const pushes = receivePacks(remote);
    await app.close();
    exec = controlledExecutor();
    app = worlds.app(dataDir, { echo: exec.executor });
    await eventually(() => exec.running.get('api')?.ctx.run_id === fixRun);
    const second = fixWork(repo, first, { 'health.ts': 'export const ok = true;\n' });
    exec.running.get('api')!.finish(second);
    await app.engine.whenSettled(fixRun);
    await expect.poll(async () => (await landingOf(app!, run)).state).toBe('open');
    expect(await remote.tip(first.branch)).toBe(second.commit);
    expect(receivePacks(remote) - pushes).toBe(1);
    expect(await landingOf(app, run)).toMatchObject({
      commit: second.commit,
      fix: null,
      fix_rounds: 1,
      message: `fix round 1 pushed to pull request #1: ${second.commit.slice(0, 12)} (the check test failed)`,
    });
    expect((await runs(app)).length).toBe(2);
    // The fix run lands nothing of its own: the pull request's landing pushed it.
    expect(await call<Landing[]>(app, 'runs.landings', { run_id: fixRun })).toEqual([]);
    await app.landing.tick();
    expect((await runs(app)).length).toBe(2);

    // A reviewer asks for changes: the second round, its fix pushed and said on the pull request.
    gh.setChecks(second.commit, [{ name: 'test', conclusion: 'success' }]);
    gh.review(1, 'CHANGES_REQUESTED', 'Call it healthz', [{ path: 'health.ts', line: 1, body: 'rename' }]);
    await app.landing.tick();
    const review = await landingOf(app, run);
    expect(review).toMatchObject({
      state: 'fixing',
      fix_rounds: 2,
      fix: { kind: 'review', reviewer: 'reviewer' },
    });
    expect(review.fix!.prompt).toContain('Call it healthz');
    expect(review.fix!.prompt).toContain('- health.ts:1: rename');
    const reviewRun = review.fix!.run_id!;
    await eventually(() => exec.running.get('api')?.ctx.run_id === reviewRun);
    const third = fixWork(repo, second, { 'healthz.ts': 'export const ok = true;\n' });
    exec.running.get('api')!.finish(third);
    await app.engine.whenSettled(reviewRun);
    await expect.poll(async () => (await landingOf(app!, run)).state).toBe('open');
    expect(await remote.tip(first.branch)).toBe(third.commit);
    const said = gh.issueComments.filter((c) => c.issue === 1).map((c) => c.body);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain(
      `@reviewer Baton pushed ${third.commit.slice(0, 12)} for the changes you asked for (fix round 2, run ${reviewRun}).`,
    );

    // Its fix rounds used up, a failing check is said once and left to a person.
    gh.setChecks(third.commit, [{ name: 'lint', conclusion: 'failure' }]);
    await app.landing.tick();
    await app.landing.tick();
    expect(await landingOf(app, run)).toMatchObject({
      state: 'open',
      message:
        "the check lint failed, and the task's 2 fix rounds are used up: a person's turn on pull request #1",
    });
    expect((await runs(app)).length).toBe(3);

    // `baton runs` and `baton show` say where its work stands, in review and then landed.
    const printed = await cliSays(app, run);
    expect(printed.list).toContain('completed, in review on GitHub');
    expect(printed.show).toContain('in review on GitHub, pull request #1');
    expect(printed.show).toContain('In review on GitHub: pull request #1');

    gh.merge(1, 'd'.repeat(40));
    await app.landing.tick();
    expect(await landingOf(app, run)).toMatchObject({ state: 'merged', merge_commit: 'd'.repeat(40) });
    const merged = await cliSays(app, run);
    expect(merged.list).toContain('completed, landed');
    expect(merged.show).toContain('Landed: pull request #1 merged');
  });

  it("starts a round at once on GitHub's signed review and status deliveries", async () => {
    const { w, a, first } = await pullOpened();
    const server = createServer((req, res) => {
      const t = parseTarget(req.url);
      if (t.ok) void a.landing.hookRoute(req, res, t.target);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    worlds.later(() => void server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/forge/github/app`;
    const deliver = async (event: string, payload: unknown) => {
      const body = JSON.stringify(payload);
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-hub-signature-256': signWebhook('hook-secret', body),
        },
      });
      return (await res.json()) as { polled: number };
    };
    // A commit status: a hint to poll; no check failed, so nothing starts.
    expect(await deliver('status', { sha: first.commit, state: 'failure' })).toMatchObject({ polled: 1 });
    // A push (its base moved): a hint to read again whether it merges; it still does, so nothing starts.
    expect(await deliver('push', { ref: 'refs/heads/main' })).toMatchObject({ polled: 1 });
    // A push to another branch (or a tag, or Baton's own to the pull request's branch) moves no base.
    expect(await deliver('push', { ref: 'refs/heads/feature' })).toMatchObject({ polled: 0 });
    expect(await deliver('push', { ref: 'refs/tags/v1' })).toMatchObject({ polled: 0 });
    expect((await landingOf(a, w.run)).state).toBe('open');
    gh!.review(1, 'CHANGES_REQUESTED', 'Say true', []);
    expect(
      await deliver('pull_request_review', { action: 'submitted', pull_request: { number: 1 } }),
    ).toMatchObject({ polled: 1 });
    await expect
      .poll(() => landingOf(a, w.run))
      .toMatchObject({
        state: 'fixing',
        fix: { kind: 'review', summary: 'reviewer asked for changes' },
      });
    // Landing the run again while its agent fixes pushes nothing and keeps the round.
    const pushes = receivePacks(remote!);
    await call(a, 'runs.land', { run_id: w.run });
    expect(receivePacks(remote!)).toBe(pushes);
    expect((await landingOf(a, w.run)).state).toBe('fixing');
    // The round is said on the task's trace (a step of its last attempt).
    const steps = await call<{ kind: string; text?: string }[]>(a, 'runs.steps', {
      run_id: w.run,
      task_id: 'api',
    });
    expect(steps.map((x) => x.text ?? '')).toContainEqual(
      expect.stringMatching(
        /^Landing: fix round 1: reviewer asked for changes; its agent works on it in run /,
      ),
    );
  });

  it('takes a failed commit status (the older status API a CI service posts) as a failed check: a fix round with its description and link', async () => {
    const { w, a, first } = await pullOpened();
    // Every check run passed, and one status is still pending: nothing to fix yet.
    gh!.setChecks(first.commit, [{ name: 'test', conclusion: 'success' }]);
    gh!.setStatuses(first.commit, [{ context: 'ci/jenkins', state: 'pending' }]);
    await a.landing.tick();
    expect(await landingOf(a, w.run)).toMatchObject({ state: 'open', fix: null, fix_rounds: 0 });
    gh!.setStatuses(first.commit, [
      {
        context: 'ci/jenkins',
        state: 'failure',
        description: '2 of 40 tests failed',
        target_url: 'https://ci.example/job/7',
      },
      { context: 'license/cla', state: 'success' },
    ]);
    await a.landing.tick();
    const fixing = await landingOf(a, w.run);
    expect(fixing).toMatchObject({ state: 'fixing', fix_rounds: 1, fix: { kind: 'checks', round: 1 } });
    expect(fixing.fix!.prompt).toContain('Check ci/jenkins (failure):');
    expect(fixing.fix!.prompt).toContain('2 of 40 tests failed');
    expect(fixing.fix!.prompt).toContain('https://ci.example/job/7');
    expect(fixing.fix!.prompt).not.toContain('license/cla');
  });

  it("ends a round unpushed when someone else pushed to the pull request's branch meanwhile", async () => {
    const { w, a, first } = await pullOpened();
    gh!.setChecks(first.commit, [{ name: 'test', conclusion: 'failure' }]);
    await a.landing.tick();
    const fixRun = (await landingOf(a, w.run)).fix!.run_id!;
    await eventually(() => w.exec.running.get('api')?.ctx.run_id === fixRun);
    // A person pushes their own commit to the branch while the agent works.
    const theirs = codingWork(w.repo, 'theirs', first.commit, { 'mine.ts': 'export const mine = 1;\n' });
    const basic = Buffer.from(`x-access-token:${LANDING_TOKEN}`).toString('base64');
    // Not execFileSync: the remote answers from this process.
    await promisify(execFile)(
      'git',
      [
        '-c',
        `http.extraHeader=Authorization: Basic ${basic}`,
        'push',
        '-q',
        remote!.url,
        `${theirs.commit}:refs/heads/${first.branch}`,
      ],
      { cwd: w.repo.repo },
    );
    w.exec.running.get('api')!.finish(fixWork(w.repo, first, { 'health.ts': 'export const ok = 2;\n' }));
    await a.engine.whenSettled(fixRun);
    await expect.poll(async () => (await landingOf(a, w.run)).state).toBe('open');
    expect((await landingOf(a, w.run)).message).toMatch(
      /^fix round 1 was not pushed: the remote branch baton\/.+\/api has commits Baton did not push/,
    );
    expect(await remote!.tip(first.branch)).toBe(theirs.commit);
  });
  it('starts no fix round for a task a remote worker did, and says why', async () => {
    const w = await world();
    const a = app!;
    await eventually(() => w.exec.running.has('api'));
    const first = codingWork(w.repo, `baton/${w.run}/api`, 'main', {
      'health.ts': 'export const ok = false;\n',
    });
    w.exec.running.get('api')!.finish(first);
    await a.engine.whenSettled(w.run);
    await expect.poll(async () => (await landingOf(a, w.run)).state).toBe('open');
    // The task's agent is (now) run by a remote worker, on its own machine.
    const e = a.store.agents.get('e')!;
    if (e.kind !== 'echo') throw new Error(`agent e is ${e.kind}`);
    a.store.agents.save({ ...e, worker: 'laptop' }, new Date().toISOString());
    expect(a.store.agents.get('e')?.worker).toBe('laptop');
    gh!.setChecks(first.commit, [{ name: 'test', conclusion: 'failure', text: 'expected ok' }]);
    await a.landing.tick();
    expect(await landingOf(a, w.run)).toMatchObject({ state: 'open', fix: null });
    expect((await landingOf(a, w.run)).message).toBe(
      'fix round 1 (the check test failed) is not started: task "api" was done by agent "e" on remote worker "laptop", and pull requests\' fix rounds do not run on remote workers yet; a person\'s turn on pull request #1',
    );
    expect(await call<unknown[]>(a, 'runs.list', {})).toHaveLength(1);
  });
});
