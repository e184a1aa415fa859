import { afterEach, describe, expect, it } from 'vitest';
import { type GiteaServer, startGiteaServer } from '../../../test/kit/forge/gitea.ts';
import { LandingError } from '../errors.ts';
import { forgeClient } from '../index.ts';
import { giteaForge, pullOf } from './client.ts';

// giteaForge through the real gitea-js against a scripted Gitea (test/kit/forge/gitea.ts).
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
const forgeOf = (s: GiteaServer, token: string) =>
  giteaForge({ apiUrl: s.url, repo: 'acme/app', token, tokenName: 'gitea.token' });
const opening = {
  title: 'Health check',
  body: 'Adds /health',
  head: 'baton/r1/api',
  base: 'main',
  draft: true,
  labels: ['baton', 'bug'],
  reviewers: ['alice'],
};

describe('giteaForge, through gitea-js', () => {
  it('opens a draft as a WIP: title with its labels (made when missing) and reviewers, finds it again, readies it', async () => {
    const s = await start();
    s.labels.push({ id: 1, name: 'bug', color: '#ee0701' });
    const gitea = forgeOf(s, 'good');
    expect(gitea.label).toBe('Gitea');
    expect(await gitea.openFrom('baton/r1/api')).toBeNull();
    const pr = await gitea.open(opening);
    expect(pr).toMatchObject({
      number: 1,
      url: `${s.url}/acme/app/pulls/1`,
      state: 'open',
      draft: true,
      merged: false,
      base: 'main',
      mergeable: true,
      mergeable_state: 'clean',
    });
    const p = s.pulls.get(1)!;
    expect(p.title).toBe('WIP: Health check');
    expect(s.labels.map((l) => l.name)).toEqual(['bug', 'baton']);
    expect(p.labels.map((id) => s.labels.find((l) => l.id === id)?.name).sort()).toEqual(['baton', 'bug']);
    expect(p.requested_reviewers).toEqual(['alice']);
    expect(await gitea.openFrom('baton/r1/api')).toMatchObject({ number: 1, draft: true });
    expect(await gitea.openFrom('baton/r1/other')).toBeNull();

    await gitea.readyForReview(pr);
    expect(s.pulls.get(1)!.title).toBe('Health check');
    expect(await gitea.get(1)).toMatchObject({ draft: false, mergeable: true, mergeable_state: 'clean' });
    s.merge(1, 'c'.repeat(40));
    expect(await gitea.get(1)).toMatchObject({ state: 'closed', merged: true, merge_commit: 'c'.repeat(40) });
    s.remove(1);
    expect(await gitea.get(1)).toBeNull();
  });

  it("reads a commit's statuses: a failing one with its description and link, pending ones", async () => {
    const s = await start();
    const gitea = forgeOf(s, 'good');
    const sha = 'a'.repeat(40);
    expect(await gitea.checks(sha)).toEqual({ total: 0, failed: [], failures: [], pending: 0 });
    s.setStatuses(sha, [
      { context: 'ci/test', status: 'pending' },
      { context: 'ci/lint', status: 'pending' },
    ]);
    expect(await gitea.checks(sha)).toMatchObject({ total: 2, failed: [], pending: 2 });
    s.setStatuses(sha, [
      {
        context: 'ci/test',
        status: 'failure',
        description: 'expected ok to be true',
        target_url: 'https://ci.example/runs/7',
      },
      { context: 'ci/lint', status: 'success' },
    ]);
    expect(await gitea.checks(sha)).toEqual({
      total: 2,
      failed: ['ci/test'],
      failures: [
        {
          name: 'ci/test',
          conclusion: 'failure',
          output: 'expected ok to be true\nhttps://ci.example/runs/7',
        },
      ],
      pending: 0,
    });
  });

  it('reads reviews in GitHub’s words, a request for changes with its line comments, and comments', async () => {
    const s = await start();
    const gitea = forgeOf(s, 'good');
    await gitea.open({ ...opening, draft: false, labels: [], reviewers: [] });
    s.review(1, 'APPROVED', 'fine', [], 'bob');
    s.review(1, 'REQUEST_CHANGES', 'Call it healthz', [
      { path: 'health.ts', line: 3, body: 'rename' },
      { path: 'index.ts', line: 10, body: 'export it' },
    ]);
    const reviews = await gitea.reviews(1);
    expect(reviews.map((r) => [r.state, r.user])).toEqual([
      ['APPROVED', 'bob'],
      ['CHANGES_REQUESTED', 'reviewer'],
    ]);
    expect(reviews[1]).toMatchObject({
      body: 'Call it healthz',
      commit_id: s.pulls.get(1)!.head_sha,
      comments: [
        { path: 'health.ts', line: 3, body: 'rename' },
        { path: 'index.ts', line: 10, body: 'export it' },
      ],
    });
    await gitea.comment(1, 'Baton pushed a fix');
    expect(await gitea.comments(1)).toEqual(['Baton pushed a fix']);
  });

  it('says a refused token, missing rights and a missing repository plainly, naming the secret', async () => {
    const s = await start();
    const refused = await forgeOf(s, 'wrong')
      .openFrom('x')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LandingError);
    expect(refused).toMatchObject({
      reason: 'auth',
      message:
        'Looking for a pull request from x: Gitea refused the token in secret "gitea.token" (401 invalid username, password or token)',
    });
    await expect(forgeOf(s, 'readonly').open(opening)).rejects.toMatchObject({
      reason: 'rights',
      message:
        'Opening a pull request from baton/r1/api: the token in secret "gitea.token" lacks the rights on acme/app (403 token does not have at least one of required scope(s): [write:repository])',
    });
    await expect(forgeOf(s, 'norights').checks('a'.repeat(40))).rejects.toMatchObject({ reason: 'rights' });
    const elsewhere = giteaForge({
      apiUrl: s.url,
      repo: 'acme/gone',
      token: 'good',
      tokenName: 'gitea.token',
    });
    await expect(elsewhere.reviews(1)).rejects.toMatchObject({
      reason: 'gone',
      message:
        "Reading the reviews of pull request #1: Gitea answered 404 (The target couldn't be found.) for acme/gone",
    });
    s.failNext(500, 'database is locked');
    await expect(forgeOf(s, 'good').comment(1, 'x')).rejects.toMatchObject({
      reason: 'forge',
      message: 'Commenting on pull request #1: Gitea answered 500 (database is locked)',
    });
    await forgeOf(s, 'good').open({ ...opening, labels: [], reviewers: [] });
    await expect(forgeOf(s, 'good').open({ ...opening, labels: [], reviewers: [] })).rejects.toMatchObject({
      reason: 'forge',
      message: expect.stringContaining('Gitea answered 409 (pull request already exists for these targets'),
    });
  });

  it("is the client of a workspace whose forge is gitea, at its API's address with or without /api/v1", async () => {
    const s = await start();
    const forge = { kind: 'gitea' as const, api_url: `${s.url}/api/v1`, repo: 'acme/app', token_secret: 't' };
    expect(await (await forgeClient(forge, 'good')).openFrom('x')).toBeNull();
    expect(s.requests.at(-1)?.path).toBe('/api/v1/repos/acme/app/pulls?state=open&page=1&limit=50');
  });
});

describe("Gitea's mergeable in GitHub's words", () => {
  const base = {
    number: 1,
    state: 'open' as const,
    base: { ref: 'main', sha: 'b1' },
    head: { ref: 'x', sha: 'h1' },
  };
  it('its base not moved: clean, whatever Gitea says while it checks', () => {
    expect(pullOf({ ...base, mergeable: false, merge_base: 'b1' })).toMatchObject({
      mergeable: true,
      mergeable_state: 'clean',
    });
  });
  it('its base moved: behind when it merges, dirty when Gitea says it does not', () => {
    expect(pullOf({ ...base, mergeable: true, merge_base: 'b0' })).toMatchObject({
      mergeable: true,
      mergeable_state: 'behind',
    });
    expect(pullOf({ ...base, mergeable: false, merge_base: 'b0' })).toMatchObject({
      mergeable: false,
      mergeable_state: 'dirty',
    });
  });
  it('a draft: Gitea calls no draft mergeable, so a moved base is only behind; a WIP title is a draft on an older Gitea', () => {
    expect(pullOf({ ...base, title: 'WIP: x', mergeable: false, merge_base: 'b0' })).toMatchObject({
      draft: true,
      mergeable: true,
      mergeable_state: 'behind',
    });
  });
});
