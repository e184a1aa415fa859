import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Landing } from '../../../src-shared/schemas/landing.ts';
import type { Trigger } from '../../../src-shared/schemas/trigger.ts';
import { call, controlledExecutor, eventually } from '../../../test/kit/engine-kit.ts';
import { type GitHubServer, startGitHubServer } from '../../../test/kit/forge/github.ts';
import { type GitRemote, startGitRemote } from '../../../test/kit/git-remote.ts';
import { codingWork } from '../../agents/coding/workspaces/testing/coding-output.ts';
import { makeRepo, type TempRepo } from '../../agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';

// A `github_issues` trigger that comments on its issues: against a scripted GitHub REST server
// (through the real @octokit/rest), a real git remote over smart HTTP and a real SQLite store,
// each milestone of the issue's run is one comment on the issue, across restarts.
const TOKEN = 'ghp_good';
let app: BatonApp | undefined;
let remote: GitRemote | undefined;
let gh: GitHubServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.reach.issues.settled();
  await app?.reach.comments.settled();
  await app?.close();
  await remote?.close();
  await gh?.stop();
  app = remote = gh = undefined;
  for (const c of cleanups.splice(0)) c();
});

// Looks and polls are asked for; every followed landing is due at once.
const OPTS = {
  log: () => {},
  landing: { follow: { firstMs: 0, maxMs: 0 }, tickMs: 3_600_000 },
  reach: { pollMs: 3_600_000 },
};

const PLAN = {
  plan_id: 'fix-issue',
  name: 'Fix an issue',
  workspace: 'app',
  land: 'pull_request',
  run_inputs: { title: { type: 'string', required: true } },
  tasks: [{ task_id: 'fix', description: 'Fix what the issue says', required_skills: ['x'] }],
};

async function world() {
  const dataDir = mkdtempSync(join(tmpdir(), 'baton-issue-comments-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const repo: TempRepo = makeRepo();
  cleanups.push(repo.cleanup);
  remote = await startGitRemote({ auth: { user: 'x-access-token', password: TOKEN } });
  const r = remote;
  gh = await startGitHubServer({
    repo: 'acme/app',
    tokens: { [TOKEN]: 'write' },
    branchTip: (b) => r.tip(b),
  });
  const exec = controlledExecutor();
  app = createApp({ dataDir, executors: { echo: exec.executor }, ...OPTS });
  await call(app, 'secrets.set', { name: 'github.token', value: TOKEN });
  await call(app, 'workspaces.add', {
    id: 'app',
    path: repo.repo,
    remote: {
      url: remote.url,
      forge: { kind: 'github', api_url: gh.url, repo: 'acme/app', token_secret: 'github.token' },
    },
  });
  await call(app, 'agents.import', { agents: [{ id: 'e', skills: ['x'] }] });
  await call(app, 'plans.import', { plan: PLAN });
  return { dataDir, repo, exec, gh };
}

const addTrigger = (a: BatonApp, comment: unknown) =>
  call<Trigger>(a, 'triggers.addGithubIssues', {
    id: 'issues',
    plan_id: 'fix-issue',
    github_issues: {
      workspace: 'app',
      label: 'baton',
      inputs_from: { title: 'title' },
      comment_on_issue: comment,
    },
  });

describe("a trigger commenting on its issues at its run's milestones", () => {
  it('comments once each when the run starts, its pull request opens and is merged, across restarts', async () => {
    const w = await world();
    await expect(addTrigger(app!, 'yes')).rejects.toThrow(/github_issues\.comment_on_issue/);
    expect(await addTrigger(app!, true)).toMatchObject({ github_issues: { comment_on_issue: true } });
    const n = w.gh.addIssue('Login fails', 'Passwords are cut.', ['baton']);
    const said = () => w.gh.issueComments.filter((c) => c.issue === n).map((c) => c.body);
    await app!.reach.issues.pollNow();
    await eventually(() => w.exec.running.has('fix'));
    const run = w.exec.running.get('fix')!.ctx.run_id;
    await expect
      .poll(said)
      .toEqual([expect.stringContaining(`Baton started run \`${run}\` of plan "fix-issue"`)]);

    w.exec.running
      .get('fix')!
      .finish(codingWork(w.repo, `baton/${run}/fix`, 'main', { 'login.ts': 'export const max = 1024;\n' }));
    await app!.engine.whenSettled(run);
    await expect
      .poll(async () => (await call<Landing[]>(app!, 'runs.landings', { run_id: run }))[0]?.state)
      .toBe('open');
    const [l] = await call<Landing[]>(app!, 'runs.landings', { run_id: run });
    await expect.poll(() => said().length).toBe(2);
    expect(said()[1]).toContain(`Baton opened pull request #${l!.pr_number} for this issue`);
    expect(said()[1]).toContain(l!.pr_url!);

    // A restart says nothing again.
    const restart = async () => {
      await app!.reach.comments.settled();
      await app!.close();
      app = createApp({ dataDir: w.dataDir, executors: { echo: controlledExecutor().executor }, ...OPTS });
      await app.reach.comments.settled();
    };
    await restart();
    expect(said()).toHaveLength(2);

    w.gh.merge(l!.pr_number!, 'e'.repeat(40));
    await app!.landing.tick();
    await expect.poll(() => said().length).toBe(3);
    expect(said()[2]).toContain(`Pull request #${l!.pr_number} was merged as eeeeeeeeeeee`);

    // Baton stopped after posting, before recording it: the comment's marker on GitHub keeps it from a second post.
    app!.store.db.prepare("DELETE FROM issue_comments WHERE milestone LIKE 'merged:%'").run();
    await restart();
    expect(said()).toHaveLength(3);
    expect(app!.store.db.prepare('SELECT milestone FROM issue_comments ORDER BY milestone').all()).toEqual([
      { milestone: `merged:${l!.pr_number}` },
      { milestone: `pr:${l!.pr_number}` },
      { milestone: 'started' },
    ]);
  });

  it('says nothing on the issue when the trigger does not comment', async () => {
    const w = await world();
    expect(await addTrigger(app!, undefined)).toMatchObject({ github_issues: { comment_on_issue: false } });
    w.gh.addIssue('Login fails', 'Passwords are cut.', ['baton']);
    await app!.reach.issues.pollNow();
    await eventually(() => w.exec.running.has('fix'));
    await app!.reach.comments.settled();
    expect(w.gh.issueComments).toEqual([]);
  });
});
