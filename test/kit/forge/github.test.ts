import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { githubForge } from '../../../src-main/forges/github/client.ts';
import { type GitHubServer, signWebhook, startGitHubServer } from './github.ts';

let server: GitHubServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});
const start = async () => {
  server = await startGitHubServer({
    repo: 'acme/app',
    tokens: { good: 'write', readonly: 'read', norights: 'none' },
  });
  return server;
};
const client = (s: GitHubServer, auth: string) =>
  new Octokit({ auth, baseUrl: s.url, log: { debug() {}, info() {}, warn() {}, error() {} } });
const repo = { owner: 'acme', repo: 'app' };

describe('the scripted GitHub REST server, through @octokit/rest', () => {
  it('opens, lists, reads and updates pull requests; labels and reviewers; readies a draft', async () => {
    const s = await start();
    const gh = client(s, 'good');
    const { data: pr, status } = await gh.pulls.create({
      ...repo,
      title: 'T',
      head: 'baton/r1/a',
      base: 'main',
      body: 'B',
      draft: true,
    });
    expect(status).toBe(201);
    expect(pr).toMatchObject({
      number: 1,
      state: 'open',
      draft: true,
      head: { ref: 'baton/r1/a' },
      base: { ref: 'main' },
    });
    expect(pr.html_url).toBe(`${s.url}/acme/app/pull/1`);
    await gh.issues.addLabels({ ...repo, issue_number: 1, labels: ['baton'] });
    await gh.pulls.requestReviewers({ ...repo, pull_number: 1, reviewers: ['alice'] });
    const { data: listed } = await gh.pulls.list({ ...repo, head: 'acme:baton/r1/a', state: 'open' });
    expect(listed.map((p) => p.number)).toEqual([1]);
    expect(listed[0]?.labels.map((l) => l.name)).toEqual(['baton']);
    await gh.graphql(
      'mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }',
      {
        id: pr.node_id,
      },
    );
    const { data: got } = await gh.pulls.get({ ...repo, pull_number: 1 });
    expect(got.draft).toBe(false);
    expect(got.requested_reviewers?.map((u) => u.login)).toEqual(['alice']);
    s.merge(1, 'a'.repeat(40));
    const { data: merged } = await gh.pulls.get({ ...repo, pull_number: 1 });
    expect(merged).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: 'a'.repeat(40) });
  });

  it("answers a commit's combined status, a page at a time, and Baton's client reads every page with the check runs", async () => {
    const s = await start();
    const gh = client(s, 'good');
    const { data: pr } = await gh.pulls.create({ ...repo, title: 'T', head: 'x', base: 'main' });
    const { data: none } = await gh.repos.getCombinedStatusForRef({ ...repo, ref: pr.head.sha });
    expect(none).toMatchObject({ state: 'pending', total_count: 0, statuses: [] });
    s.setStatuses(pr.head.sha, [
      ...Array.from({ length: 149 }, (_, i) => ({ context: `ci/shard-${i}`, state: 'success' as const })),
      { context: 'ci/last', state: 'error', description: 'runner lost', target_url: 'https://ci.example/9' },
    ]);
    const { data: first } = await gh.repos.getCombinedStatusForRef({
      ...repo,
      ref: pr.head.sha,
      per_page: 100,
    });
    expect(first).toMatchObject({ state: 'failure', total_count: 150, sha: pr.head.sha });
    expect(first.statuses).toHaveLength(100);
    s.setChecks(pr.head.sha, [{ name: 'test', conclusion: null }]);
    const seen = await githubForge({
      apiUrl: s.url,
      repo: 'acme/app',
      token: 'good',
      tokenName: 'gh',
    }).checks(pr.head.sha);
    expect(seen).toEqual({
      total: 151,
      failed: ['ci/last'],
      failures: [{ name: 'ci/last', conclusion: 'error', output: 'runner lost\nhttps://ci.example/9' }],
      pending: 1,
    });
  });

  it("pages reviews, review comments and issue comments as GitHub does, and Baton's client reads every page", async () => {
    const s = await start();
    const gh = client(s, 'good');
    const { data: pr } = await gh.pulls.create({ ...repo, title: 'T', head: 'x', base: 'main' });
    // Bots' reviews and comments first: the one asking for changes, and Baton's marker, come after.
    for (let i = 0; i < 149; i++) s.review(pr.number, 'COMMENTED', `bot ${i}`);
    s.review(pr.number, 'CHANGES_REQUESTED', 'please rename', [{ path: 'a.ts', line: 3, body: 'call it b' }]);
    for (let i = 0; i < 119; i++)
      await gh.issues.createComment({ ...repo, issue_number: pr.number, body: `ci ${i}` });
    await gh.issues.createComment({
      ...repo,
      issue_number: pr.number,
      body: 'fixed <!-- baton:review:77 -->',
    });
    const { data: first, headers } = await gh.pulls.listReviews({ ...repo, pull_number: pr.number });
    expect(first).toHaveLength(30);
    expect(headers.link).toMatch(/rel="next"/);
    const forge = githubForge({ apiUrl: s.url, repo: 'acme/app', token: 'good', tokenName: 'gh' });
    const reviews = await forge.reviews(pr.number);
    expect(reviews).toHaveLength(150);
    expect(reviews.at(-1)).toMatchObject({
      state: 'CHANGES_REQUESTED',
      body: 'please rename',
      comments: [{ path: 'a.ts', line: 3, body: 'call it b' }],
    });
    const comments = await forge.comments(pr.number);
    expect(comments).toHaveLength(120);
    expect(comments.at(-1)).toContain('<!-- baton:review:77 -->');
  });

  it('answers check runs, reviews, review comments, issues and issue comments', async () => {
    const s = await start();
    const gh = client(s, 'good');
    const { data: pr } = await gh.pulls.create({ ...repo, title: 'T', head: 'x', base: 'main' });
    s.setChecks(pr.head.sha, [{ name: 'test', conclusion: 'failure', text: 'expected 1, got 2' }]);
    const { data: checks } = await gh.checks.listForRef({ ...repo, ref: pr.head.sha });
    expect(checks.total_count).toBe(1);
    expect(checks.check_runs[0]).toMatchObject({ name: 'test', status: 'completed', conclusion: 'failure' });
    s.review(pr.number, 'CHANGES_REQUESTED', 'please rename', [{ path: 'a.ts', line: 3, body: 'call it b' }]);
    const { data: reviews } = await gh.pulls.listReviews({ ...repo, pull_number: pr.number });
    expect(reviews[0]).toMatchObject({ state: 'CHANGES_REQUESTED', body: 'please rename' });
    const { data: comments } = await gh.pulls.listReviewComments({ ...repo, pull_number: pr.number });
    expect(comments[0]).toMatchObject({
      path: 'a.ts',
      line: 3,
      body: 'call it b',
      pull_request_review_id: reviews[0]?.id,
    });
    const n = s.addIssue('Broken login', 'It fails', ['baton']);
    const { data: issues } = await gh.issues.listForRepo({ ...repo, labels: 'baton' });
    expect(issues.map((i) => i.number)).toEqual([n]);
    // GitHub lists pull requests as issues too, each with its `pull_request` key.
    await gh.issues.addLabels({ ...repo, issue_number: pr.number, labels: ['baton'] });
    const { data: both } = await gh.issues.listForRepo({ ...repo, labels: 'baton', state: 'open' });
    expect(both.map((i) => [i.number, i.pull_request?.html_url ?? null])).toEqual([
      [n, null],
      [pr.number, `${s.url}/acme/app/pull/${pr.number}`],
    ]);
    const later = s.addIssue('Unlabelled', 'not yet', []);
    s.labelIssue(later, 'baton');
    expect(JSON.parse(s.issuesEvent(later, 'labeled', 'baton'))).toMatchObject({
      action: 'labeled',
      issue: { number: later, title: 'Unlabelled', labels: [{ name: 'baton' }] },
      label: { name: 'baton' },
      repository: { full_name: 'acme/app' },
    });
    await gh.issues.createComment({ ...repo, issue_number: n, body: 'on it' });
    const { data: ic } = await gh.issues.listComments({ ...repo, issue_number: n });
    expect(ic.map((c) => c.body)).toEqual(['on it']);
  });

  it('fails as GitHub does: 401 bad token, 403 no rights, 404 gone, 422 a second PR for one head', async () => {
    const s = await start();
    await expect(client(s, 'wrong').pulls.list(repo)).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('Bad credentials'),
    });
    await expect(
      client(s, 'readonly').pulls.create({ ...repo, title: 'T', head: 'x', base: 'main' }),
    ).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by personal access token'),
    });
    const gh = client(s, 'good');
    await gh.pulls.create({ ...repo, title: 'T', head: 'x', base: 'main' });
    await expect(gh.pulls.create({ ...repo, title: 'T', head: 'x', base: 'main' })).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('A pull request already exists for acme:x.'),
    });
    s.remove(1);
    await expect(gh.pulls.get({ ...repo, pull_number: 1 })).rejects.toMatchObject({ status: 404 });
    await expect(client(s, 'norights').issues.listForRepo(repo)).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by personal access token'),
    });
    await expect(client(s, 'good').repos.get({ owner: 'other', repo: 'app' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('signs a webhook body as GitHub does', () => {
    // GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
    expect(signWebhook("It's a Secret to Everybody", 'Hello, World!')).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });
});
