import { giteaApi } from 'gitea-js';
import { afterEach, describe, expect, it } from 'vitest';
import { type GiteaServer, signGiteaWebhook, startGiteaServer } from './gitea.ts';

let server: GiteaServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});
const start = async () => {
  server = await startGiteaServer({
    repo: 'acme/app',
    tokens: { good: 'write', readonly: 'read', norights: 'none' },
  });
  return server;
};
const client = (s: GiteaServer, token: string) => giteaApi(s.url, { token });
const json = { headers: { 'Content-Type': 'application/json' } };

describe('the scripted Gitea REST server, through gitea-js', () => {
  it('opens, lists, reads and edits pull requests (a WIP: title is a draft); labels and reviewers', async () => {
    const s = await start();
    const g = client(s, 'good').repos;
    const { data: label } = await g.issueCreateLabel('acme', 'app', { name: 'baton', color: '#ededed' });
    const { data: pr, status } = await g.repoCreatePullRequest('acme', 'app', {
      title: 'WIP: T',
      head: 'baton/r1/a',
      base: 'main',
      body: 'B',
      labels: [label.id ?? 0],
    });
    expect(status).toBe(201);
    expect(pr).toMatchObject({
      number: 1,
      state: 'open',
      draft: true,
      mergeable: false,
      head: { ref: 'baton/r1/a' },
      base: { ref: 'main' },
      labels: [{ name: 'baton' }],
    });
    expect(pr.html_url).toBe(`${s.url}/acme/app/pulls/1`);
    await g.repoCreatePullReviewRequests('acme', 'app', 1, { reviewers: ['alice'] }, json);
    const { data: listed } = await g.repoListPullRequests('acme', 'app', { state: 'open' });
    expect(listed.map((p) => p.number)).toEqual([1]);
    const { status: edited } = await g.repoEditPullRequest('acme', 'app', 1, { title: 'T' });
    expect(edited).toBe(201);
    const { data: got } = await g.repoGetPullRequest('acme', 'app', 1);
    expect(got).toMatchObject({ title: 'T', draft: false, mergeable: true });
    expect(got.requested_reviewers?.map((u) => u.login)).toEqual(['alice']);
    expect(got.merge_base).toBe(got.base?.sha);
    s.merge(1, 'a'.repeat(40));
    const { data: merged } = await g.repoGetPullRequest('acme', 'app', 1);
    expect(merged).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: 'a'.repeat(40) });
  });

  it('answers combined statuses, reviews with their line comments, and issue comments', async () => {
    const s = await start();
    const g = client(s, 'good').repos;
    const { data: pr } = await g.repoCreatePullRequest('acme', 'app', {
      title: 'T',
      head: 'x',
      base: 'main',
    });
    const sha = pr.head?.sha ?? '';
    s.setStatuses(sha, [{ context: 'ci/test', status: 'pending' }]);
    s.setStatuses(sha, [
      { context: 'ci/test', status: 'failure', description: 'expected 1, got 2', target_url: 'http://ci/1' },
      { context: 'ci/lint', status: 'success' },
    ]);
    const { data: combined } = await g.repoGetCombinedStatusByRef('acme', 'app', sha);
    expect(combined).toMatchObject({ state: 'failure', total_count: 2 });
    expect(combined.statuses?.find((x) => x.context === 'ci/test')).toMatchObject({
      status: 'failure',
      description: 'expected 1, got 2',
      target_url: 'http://ci/1',
    });
    const { data: history } = await g.repoListStatuses('acme', 'app', sha);
    expect(history).toHaveLength(3);
    s.review(1, 'REQUEST_CHANGES', 'please rename', [{ path: 'a.ts', line: 3, body: 'call it b' }]);
    const { data: reviews } = await g.repoListPullReviews('acme', 'app', 1);
    expect(reviews[0]).toMatchObject({ state: 'REQUEST_CHANGES', body: 'please rename', comments_count: 1 });
    const { data: lines } = await g.repoGetPullReviewComments('acme', 'app', 1, reviews[0]?.id ?? 0);
    expect(lines[0]).toMatchObject({ path: 'a.ts', position: 3, body: 'call it b' });
    await g.issueCreateComment('acme', 'app', 1, { body: 'on it' });
    const { data: comments } = await g.issueGetComments('acme', 'app', 1);
    expect(comments.map((c) => c.body)).toEqual(['on it']);
  });

  it("fails as Gitea does: 401 a bad token, 403 a token's scope, 404 gone, 409 a second PR for one head", async () => {
    const s = await start();
    await expect(client(s, 'wrong').repos.repoListPullRequests('acme', 'app')).rejects.toMatchObject({
      status: 401,
      error: { message: 'invalid username, password or token' },
    });
    await expect(
      client(s, 'readonly').repos.repoCreatePullRequest('acme', 'app', {
        title: 'T',
        head: 'x',
        base: 'main',
      }),
    ).rejects.toMatchObject({
      status: 403,
      error: { message: expect.stringContaining('required scope(s): [write:repository]') },
    });
    const g = client(s, 'good').repos;
    await g.repoCreatePullRequest('acme', 'app', { title: 'T', head: 'x', base: 'main' });
    await expect(
      g.repoCreatePullRequest('acme', 'app', { title: 'T', head: 'x', base: 'main' }),
    ).rejects.toMatchObject({ status: 409 });
    s.remove(1);
    await expect(g.repoGetPullRequest('acme', 'app', 1)).rejects.toMatchObject({ status: 404 });
    await expect(client(s, 'norights').repos.repoGet('acme', 'app')).rejects.toMatchObject({ status: 403 });
    await expect(g.repoGet('other', 'app')).rejects.toMatchObject({ status: 404 });
    // A body without its Content-Type is refused, as Gitea's binding does.
    await expect(
      g.repoCreatePullReviewRequests('acme', 'app', 1, { reviewers: ['a'] }),
    ).rejects.toMatchObject({
      status: 422,
    });
  });

  it('signs a webhook body as Gitea does: the HMAC-SHA256 hex, no prefix', () => {
    expect(signGiteaWebhook("It's a Secret to Everybody", 'Hello, World!')).toBe(
      '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });
});
