import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Landing } from '../../../src-shared/schemas/landing.ts';
import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type { Run, RunDetail } from '../../../src-shared/schemas/run.ts';
import type { Trigger, TriggerIssue } from '../../../src-shared/schemas/trigger.ts';
import { call, controlledExecutor, eventually } from '../../../test/kit/engine-kit.ts';
import { type GitHubServer, signWebhook, startGitHubServer } from '../../../test/kit/forge/github.ts';
import { type GitRemote, startGitRemote } from '../../../test/kit/git-remote.ts';
import { codingWork } from '../../agents/coding/workspaces/testing/coding-output.ts';
import { makeRepo, type TempRepo } from '../../agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';
import { parseTarget } from '../../http/request-target.ts';

// Issues as a source of work, against a scripted GitHub REST server (GitHub's documented
// payloads, through the real @octokit/rest), a real git remote over smart HTTP (git
// http-backend) and a real SQLite store: a labelled issue starts one run, ever, whose pull
// request closes it; a wrong token, one lacking rights, a secret not set and a repository not
// found are the trigger's last error, and start nothing.
const TOKEN = 'ghp_good';
const HOOK_SECRET = 'hook-secret';
let app: BatonApp | undefined;
let remote: GitRemote | undefined;
let gh: GitHubServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.reach.issues.settled();
  await app?.close();
  await remote?.close();
  await gh?.stop();
  app = remote = gh = undefined;
  for (const c of cleanups.splice(0)) c();
});

// Nothing happens on a timer in these tests: each look is asked for (`pollNow`), or is the one a start makes.
const QUIET = {
  log: () => {},
  landing: { follow: { firstMs: 3_600_000, maxMs: 3_600_000 }, tickMs: 3_600_000 },
  reach: { pollMs: 3_600_000 },
};

const PLAN = {
  plan_id: 'fix-issue',
  name: 'Fix an issue',
  workspace: 'app',
  land: 'pull_request',
  run_inputs: {
    title: { type: 'string', required: true },
    body: { type: 'string' },
    number: { type: 'number' },
    url: { type: 'string' },
  },
  tasks: [{ task_id: 'fix', description: 'Fix what the issue says', required_skills: ['x'] }],
};

async function world(tokens: Record<string, 'write' | 'read' | 'none'> = { [TOKEN]: 'write' }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-issues-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const repo: TempRepo = makeRepo();
  cleanups.push(repo.cleanup);
  remote = await startGitRemote({ auth: { user: 'x-access-token', password: TOKEN } });
  const r = remote;
  gh = await startGitHubServer({ repo: 'acme/app', tokens, branchTip: (b) => r.tip(b) });
  const exec = controlledExecutor();
  app = createApp({ dataDir, executors: { echo: exec.executor }, ...QUIET });
  await call(app, 'secrets.set', { name: 'github.token', value: TOKEN });
  await call(app, 'secrets.set', { name: 'github.hook', value: HOOK_SECRET });
  await call(app, 'workspaces.add', {
    id: 'app',
    path: repo.repo,
    remote: {
      url: remote.url,
      forge: {
        kind: 'github',
        api_url: gh.url,
        repo: 'acme/app',
        token_secret: 'github.token',
        webhook_secret: 'github.hook',
      },
    },
  });
  await call(app, 'agents.import', { agents: [{ id: 'e', skills: ['x'] }] });
  await call(app, 'plans.import', { plan: PLAN });
  return { dataDir, repo, exec, remote, gh, app };
}

const addTrigger = (a: BatonApp, workspace = 'app') =>
  call<Trigger>(a, 'triggers.addGithubIssues', {
    id: 'issues',
    plan_id: 'fix-issue',
    github_issues: {
      workspace,
      label: 'baton',
      inputs_from: { title: 'title', body: 'body', number: 'number', url: 'url' },
    },
  });
const runs = async (a: BatonApp) =>
  (await call<Run[]>(a, 'runs.list', {})).filter((r) => r.plan_id === 'fix-issue');
const started = (a: BatonApp) => call<TriggerIssue[]>(a, 'triggers.issues', { trigger_id: 'issues' });
const shown = async (a: BatonApp) =>
  (await call<Trigger[]>(a, 'triggers.list', {})).find((t) => t.id === 'issues')!;
const triggerAudit = async (a: BatonApp) =>
  (await call<AuditEntry[]>(a, 'audit.list', { entity: 'trigger' })).filter((e) => e.entity_id === 'issues');

/** GitHub's webhooks for the app's workspace, on a real socket, signed with `secret`. */
async function hooks(a: BatonApp) {
  const server = createServer((req, res) => {
    const t = parseTarget(req.url);
    if (t.ok) void a.landing.hookRoute(req, res, t.target);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/forge/github/app`;
  return async (body: string, secret: string) => {
    const r = await fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
        'x-hub-signature-256': signWebhook(secret, body),
      },
    });
    return { status: r.status, body: (await r.json()) as unknown };
  };
}

describe('a trigger watching GitHub issues', () => {
  it('starts one run per labelled issue, ever, with its title and body, and the run’s pull request closes the issue', async () => {
    const w = await world();
    const n = w.gh.addIssue('Login fails with a long password', 'Passwords over 72 bytes are cut.', [
      'baton',
    ]);
    w.gh.addIssue('Dark mode', 'Not for Baton', ['enhancement']);
    // A pull request labelled `baton`: GitHub lists it among the issues; it starts nothing.
    w.gh.pulls.set(90, {
      number: 90,
      title: 'Someone’s own change',
      body: null,
      head: 'feature/x',
      head_sha: 'a'.repeat(40),
      base: 'main',
      draft: false,
      state: 'open',
      merged: false,
      merge_commit_sha: null,
      labels: ['baton'],
      requested_reviewers: [],
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      closed_at: null,
      merged_at: null,
    });
    const made = await addTrigger(w.app);
    expect(made).toMatchObject({ kind: 'github_issues', url: '', last_error: null });
    await w.app.reach.issues.pollNow();
    await eventually(() => w.exec.running.has('fix'));

    const [issue, ...more] = await started(w.app);
    expect(more).toEqual([]);
    expect(issue).toMatchObject({ repo: 'acme/app', number: n, url: `${w.gh.url}/acme/app/issues/${n}` });
    const all = await runs(w.app);
    expect(all.map((r) => [r.id, r.started_by])).toEqual([[issue!.run_id, `github-issue:acme/app#${n}`]]);
    expect(w.exec.running.get('fix')!.ctx.task.inputs).toMatchObject({
      run: {
        title: 'Login fails with a long password',
        body: 'Passwords over 72 bytes are cut.',
        number: n,
        url: `${w.gh.url}/acme/app/issues/${n}`,
      },
    });

    // Another look, and GitHub's `issues` deliveries (a repeat too), start nothing more; a forged one is refused.
    expect(await w.app.reach.issues.pollNow()).toBe(0);
    const deliver = await hooks(w.app);
    const body = w.gh.issuesEvent(n, 'labeled', 'baton');
    expect(await deliver(body, 'not-the-secret')).toEqual({
      status: 401,
      body: {
        error: {
          code: 'bad_signature',
          message: 'X-Hub-Signature-256 does not match the workspace’s webhook secret',
        },
      },
    });
    expect(await deliver(body, HOOK_SECRET)).toEqual({
      status: 202,
      body: { event: 'issues', reading: true },
    });
    expect(await deliver(body, HOOK_SECRET)).toEqual({
      status: 202,
      body: { event: 'issues', reading: true },
    });
    expect(await runs(w.app)).toHaveLength(1);

    // The run completes; its pull request says it closes the issue.
    const run = issue!.run_id;
    w.exec.running
      .get('fix')!
      .finish(codingWork(w.repo, `baton/${run}/fix`, 'main', { 'login.ts': 'export const max = 1024;\n' }));
    await w.app.engine.whenSettled(run);
    await eventually(
      async () => (await call<Landing[]>(w.app, 'runs.landings', { run_id: run }))[0]?.state === 'open',
      30_000,
      'the pull request opened',
    );
    const [landing] = await call<Landing[]>(w.app, 'runs.landings', { run_id: run });
    const pr = w.gh.pulls.get(landing!.pr_number!)!;
    expect(pr.body?.split('\n')[0]).toBe(
      `Closes #${n} ([the issue](${w.gh.url}/acme/app/issues/${n}) started this run).`,
    );
    expect(pr.head).toBe(`baton/${run}/fix`);
    expect(await w.remote.tip(`baton/${run}/fix`)).toBe(landing!.commit);
    // The run's pull request is labelled too (someone did): it is no issue, and starts nothing.
    pr.labels = ['baton'];

    // A new labelled issue, told by a signed delivery, starts its own run at once.
    const second = w.gh.addIssue('Typo on the login page', 'It says "pasword".', []);
    w.gh.labelIssue(second, 'baton');
    expect(await deliver(w.gh.issuesEvent(second, 'labeled', 'baton'), HOOK_SECRET)).toEqual({
      status: 202,
      body: { event: 'issues', reading: true },
    });
    await eventually(() => w.exec.started.length === 2);

    // After a restart, the issues are read again at once: nothing starts twice.
    await w.app.reach.issues.settled();
    await w.app.close();
    const exec = controlledExecutor();
    app = createApp({ dataDir: w.dataDir, executors: { echo: exec.executor }, ...QUIET });
    await app.reach.issues.settled();
    expect(await app.reach.issues.pollNow()).toBe(0);
    expect((await started(app)).map((i) => i.number).sort()).toEqual([n, second].sort());
    expect(await runs(app)).toHaveLength(2);
    const audit = await triggerAudit(app);
    expect(audit.filter((e) => e.to_status === 'started').map((e) => [e.actor, e.run_id])).toEqual(
      expect.arrayContaining([['trigger:issues', run]]),
    );
    expect(audit.filter((e) => e.to_status === 'started')).toHaveLength(2);
    const detail = await call<RunDetail>(app, 'runs.get', { run_id: run });
    expect(detail.started_by).toBe(`github-issue:acme/app#${n}`);
  });

  it('says a wrong token (401), one lacking rights (403), a secret not set and a repository not found on the trigger, audited once each, and starts nothing until GitHub answers', async () => {
    const w = await world({ [TOKEN]: 'write', ghp_norights: 'none' });
    w.gh.addIssue('Login fails', 'cut passwords', ['baton']);
    await call(w.app, 'secrets.set', { name: 'github.token', value: 'ghp_stale' });
    await addTrigger(w.app);
    const look = async () => {
      await w.app.reach.issues.pollNow();
      return (await shown(w.app)).last_error;
    };
    const doing = `Reading the issues labelled "baton" of acme/app`;
    expect(await look()).toBe(
      `${doing}: GitHub refused the token in secret "github.token" (401 Bad credentials)`,
    );
    // The same error again is not audited again.
    expect(await look()).toContain('(401 Bad credentials)');
    await call(w.app, 'secrets.set', { name: 'github.token', value: 'ghp_norights' });
    expect(await look()).toBe(
      `${doing}: the token in secret "github.token" lacks the rights on acme/app (403 Resource not accessible by personal access token)`,
    );
    await call(w.app, 'secrets.delete', { name: 'github.token' });
    expect(await look()).toBe('the secret "github.token" (the forge token of workspace "app") is not set');
    await call(w.app, 'secrets.set', { name: 'github.token', value: TOKEN });
    await call(w.app, 'workspaces.update', {
      workspace_id: 'app',
      remote: {
        url: w.remote.url,
        forge: { kind: 'github', api_url: w.gh.url, repo: 'acme/moved', token_secret: 'github.token' },
      },
    });
    expect(await look()).toBe(
      `Reading the issues labelled "baton" of acme/moved: GitHub answered 404 (Not Found): no repository acme/moved, or the token in secret "github.token" cannot see it`,
    );
    expect(await runs(w.app)).toEqual([]);
    expect(await started(w.app)).toEqual([]);
    // The audit log lists the newest first.
    const failed = (await triggerAudit(w.app)).filter((e) => e.to_status === 'failed').reverse();
    expect(failed.map((e) => e.why)).toEqual([
      expect.stringMatching(/401 Bad credentials\); nothing was started$/),
      expect.stringMatching(/403 Resource not accessible by personal access token\); nothing was started$/),
      expect.stringMatching(/is not set; nothing was started$/),
      expect.stringMatching(/acme\/moved.*cannot see it; nothing was started$/),
    ]);

    // GitHub answers again: the error is cleared, said, and the issue starts its run.
    await call(w.app, 'workspaces.update', {
      workspace_id: 'app',
      remote: {
        url: w.remote.url,
        forge: { kind: 'github', api_url: w.gh.url, repo: 'acme/app', token_secret: 'github.token' },
      },
    });
    expect(await look()).toBeNull();
    expect(await runs(w.app)).toHaveLength(1);
    expect((await triggerAudit(w.app)).map((e) => e.to_status)).toContain('watching');
  });

  it('is refused naming the field: a workspace without a GitHub forge, a run input the plan does not take', async () => {
    const w = await world();
    const other = makeRepo();
    cleanups.push(other.cleanup);
    await call(w.app, 'workspaces.add', { id: 'local', path: other.repo });
    await expect(addTrigger(w.app, 'local')).rejects.toThrow(
      /github_issues\.workspace: workspace "local" has no GitHub forge/,
    );
    await expect(
      call(w.app, 'triggers.addGithubIssues', {
        plan_id: 'fix-issue',
        github_issues: { workspace: 'app', label: 'baton', inputs_from: { title: 'summary' } },
      }),
    ).rejects.toThrow(/github_issues\.inputs_from\.title: plan "fix-issue" takes no run input "summary"/);
    // What an issue gives must fit the plan's inputs: text into a number, a required input nobody gives.
    await call(w.app, 'plans.import', {
      plan: {
        ...PLAN,
        plan_id: 'strict',
        run_inputs: { n: { type: 'number' }, env: { type: 'string', required: true } },
      },
    });
    const strict = (inputs: Record<string, unknown>, inputs_from: Record<string, string>) =>
      call(w.app, 'triggers.addGithubIssues', {
        plan_id: 'strict',
        inputs,
        github_issues: { workspace: 'app', label: 'baton', inputs_from },
      });
    await expect(strict({ env: 'prod' }, { title: 'n' })).rejects.toThrow(
      'github_issues.inputs_from.title: run input "n" must be number, got string: the issue\'s title is text',
    );
    await expect(strict({}, { number: 'n' })).rejects.toThrow(
      /inputs\.env: is required \(string\): give it in the trigger's inputs, or from the issue/,
    );
    expect(await call<Trigger[]>(w.app, 'triggers.list', {})).toEqual([]);
  });
});
