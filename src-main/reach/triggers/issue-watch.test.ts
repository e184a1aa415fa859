import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Run } from '../../../src-shared/schemas/run.ts';
import type { Trigger } from '../../../src-shared/schemas/trigger.ts';
import { call } from '../../../test/kit/engine-kit.ts';
import { type GitHubServer, startGitHubServer } from '../../../test/kit/forge/github.ts';
import { makeRepo } from '../../agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';
import { githubIssues } from '../../forges/github/issues.ts';
import { IssueWatch } from './issue-watch.ts';

// When a `github_issues` trigger reads GitHub, on the test's clock: every `poll_seconds` while
// GitHub answers, twice as long after each failed look, and at the usual pace again once one
// succeeds. Against the scripted GitHub REST server and a real SQLite store.
let now = Date.parse('2026-03-28T10:00:00Z');
let app: BatonApp | undefined;
let gh: GitHubServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.reach.issues.settled();
  await app?.close();
  await gh?.stop();
  app = gh = undefined;
  for (const c of cleanups.splice(0)) c();
});

/** A workspace on GitHub (its token `token` in secret github.token), an agent, and a plan `fix` taking a title. */
async function issueWorld(a: BatonApp, path: string, apiUrl: string, token: string): Promise<void> {
  await call(a, 'secrets.set', { name: 'github.token', value: token });
  await call(a, 'workspaces.add', {
    id: 'app',
    path,
    remote: {
      url: 'https://example.invalid/acme/app.git',
      forge: { kind: 'github', api_url: apiUrl, repo: 'acme/app', token_secret: 'github.token' },
    },
  });
  await call(a, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
  await call(a, 'plans.import', {
    plan: {
      plan_id: 'fix',
      run_inputs: { title: { type: 'string', required: true } },
      tasks: [{ task_id: 'fix', description: 'fix it', required_skills: ['x'] }],
    },
  });
}

describe('a github_issues trigger’s looks', () => {
  it('waits twice as long after each failed look, and goes back to its pace once GitHub answers', async () => {
    gh = await startGitHubServer({ repo: 'acme/app', tokens: { ghp_good: 'write' } });
    gh.addIssue('Login fails', 'cut passwords', ['baton']);
    const dir = mkdtempSync(join(tmpdir(), 'baton-issue-watch-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    // No timer: each look is the test's `step`, at the test's time.
    app = createApp({
      dataDir: dir,
      clock: { now: () => now },
      log: () => {},
      reach: { enabled: false, leaseTtlMs: 86_400_000 },
    });
    const a = app;
    await issueWorld(a, repo.repo, gh.url, 'ghp_stale');
    const reads = () => gh!.requests.filter((r) => r.path.startsWith('/repos/acme/app/issues')).length;
    const lookAfter = async (seconds: number) => {
      now += seconds * 1_000;
      await a.reach.issues.step();
      return reads();
    };
    await call(a, 'triggers.addGithubIssues', {
      id: 'issues',
      plan_id: 'fix',
      github_issues: {
        workspace: 'app',
        label: 'baton',
        inputs_from: { title: 'title' },
        poll_seconds: 60,
        comment_on_issue: false,
      },
    });
    // Not started (no timer), the watch reads nothing when a trigger is made: an app opened for one
    // command does not read GitHub. Started, it would look at once; here the test's step does.
    await a.reach.issues.settled();
    expect(reads()).toBe(0);
    await a.reach.issues.step();
    // Read, refused (401); next after 2 × 60 s, then 4 ×, then 8 ×.
    expect(reads()).toBe(1);
    expect(await lookAfter(60)).toBe(1);
    expect(await lookAfter(60)).toBe(2);
    expect(await lookAfter(200)).toBe(2);
    expect(await lookAfter(40)).toBe(3);
    const listed = await call<Trigger[]>(a, 'triggers.list', {});
    expect(listed[0]!.last_error).toContain('(401 Bad credentials)');
    expect(await call<Run[]>(a, 'runs.list', { plan_id: 'fix' })).toEqual([]);

    await call(a, 'secrets.set', { name: 'github.token', value: 'ghp_good' });
    expect(await lookAfter(479)).toBe(3);
    expect(await lookAfter(1)).toBe(4);
    expect((await call<Trigger[]>(a, 'triggers.list', {}))[0]!.last_error).toBeNull();
    expect(await call<Run[]>(a, 'runs.list', { plan_id: 'fix' })).toHaveLength(1);
    // Back to every 60 s.
    expect(await lookAfter(59)).toBe(4);
    expect(await lookAfter(1)).toBe(5);
    expect(await call<Run[]>(a, 'runs.list', { plan_id: 'fix' })).toHaveLength(1);
  });

  it('an issue another process started meanwhile (its record written first) starts no second run: the run is not stored', async () => {
    gh = await startGitHubServer({ repo: 'acme/app', tokens: { ghp_good: 'write' } });
    for (const n of [1, 2]) gh.addIssue(`Issue ${n}`, 'body', ['baton']);
    const dir = mkdtempSync(join(tmpdir(), 'baton-issue-watch-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    app = createApp({
      dataDir: dir,
      executors: { echo: undefined },
      log: () => {},
      reach: { enabled: false },
    });
    const a = app;
    await issueWorld(a, repo.repo, gh.url, 'ghp_good');
    const audited: string[] = [];
    // A second watch over the same store whose run start loses a race for GitHub issue #1: another
    // process records it (with its own run) after this one read GitHub, before its run is stored.
    const watch = new IssueWatch({
      store: a.store,
      repo: a.reach.triggers.repo,
      now: () => now,
      owner: 'test',
      secrets: { get: (name) => (name === 'github.token' ? 'ghp_good' : undefined) },
      forgeOf: () => ({
        api_url: gh!.url,
        repo: 'acme/app',
        token_secret: 'github.token',
        issues: githubIssues,
      }),
      startRun: async (planId, inputs, actor, alongside) => {
        if (actor.endsWith('#1'))
          a.reach.triggers.repo.addIssue({
            trigger_id: 'issues',
            repo: 'acme/app',
            number: 1,
            title: 'The first issue',
            url: 'elsewhere',
            run_id: 'run_elsewhere',
            started_at: new Date(now).toISOString(),
          });
        return a.engine.startRun(planId, actor, inputs, alongside);
      },
      audit: (e) => audited.push(`${e.to}: ${e.why}`),
    });
    a.reach.triggers.createWatching({
      id: 'issues',
      kind: 'github_issues',
      plan_id: 'fix',
      inputs: {},
      source: {
        workspace: 'app',
        label: 'baton',
        inputs_from: { title: 'title' },
        poll_seconds: 60,
        comment_on_issue: false,
      },
    });
    expect(await watch.pollNow()).toBe(1);
    const runs = await call<Run[]>(a, 'runs.list', { plan_id: 'fix' });
    expect(runs.map((r) => r.started_by)).toEqual(['github-issue:acme/app#2']);
    expect(a.reach.triggers.repo.issue('issues', 'acme/app', 1)?.run_id).toBe('run_elsewhere');
    expect(audited).toEqual([expect.stringMatching(/^started: issue #2 of acme\/app/)]);
    watch.stop();
  });
});
