import { afterEach, describe, expect, it } from 'vitest';
import { type GitLabServer, startGitLabServer } from '../../../test/kit/forge/gitlab.ts';
import { forgeClient } from '../index.ts';
import { gitlabForge, plainLog, pullOfMergeRequest } from './client.ts';

// gitlabForge through the real @gitbeaker/rest against the scripted GitLab (test/kit/forge/gitlab.ts).
let gl: GitLabServer | null = null;
afterEach(async () => {
  await gl?.stop();
  gl = null;
});
const REPO = 'acme/platform/app';
const start = async () => {
  gl = await startGitLabServer({
    repo: REPO,
    tokens: { 'glpat-good': 'write', 'glpat-read': 'read', 'glpat-hidden': 'none' },
    users: ['alice', 'bob'],
  });
  return gl;
};
const client = (s: GitLabServer, token = 'glpat-good') =>
  gitlabForge({ apiUrl: s.apiUrl, repo: REPO, token, tokenName: 'gitlab.token' });
const opening = { title: 'Add /health', body: 'Closes nothing', head: 'baton/r1/api', base: 'main' };

describe('gitlabForge', () => {
  it('opens a merge request with labels and reviewers, finds it again by its branch, and reads it', async () => {
    const s = await start();
    const forge = await forgeClient(
      { kind: 'gitlab', api_url: s.apiUrl, repo: REPO, token_secret: 'gitlab.token' },
      'glpat-good',
    );
    expect(forge.label).toBe('GitLab');
    expect(await forge.openFrom(opening.head)).toBeNull();
    const pr = await forge.open({ ...opening, draft: false, labels: ['baton', 'bot'], reviewers: ['alice'] });
    expect(pr).toMatchObject({
      number: 1,
      url: `${s.url}/${REPO}/-/merge_requests/1`,
      state: 'open',
      draft: false,
      merged: false,
      base: 'main',
      mergeable: true,
      mergeable_state: 'clean',
    });
    const mr = s.mergeRequests.get(1)!;
    expect(mr.labels).toEqual(['baton', 'bot']);
    expect(mr.reviewers.map((r) => r.user.username)).toEqual(['alice']);
    expect(mr.description).toBe('Closes nothing');
    expect((await forge.openFrom(opening.head))?.number).toBe(1);
    expect(await forge.get(1)).toMatchObject({ number: 1, head_sha: pr.head_sha });
    s.merge(1, 'c'.repeat(40));
    expect(await forge.get(1)).toMatchObject({ state: 'closed', merged: true, merge_commit: 'c'.repeat(40) });
    s.remove(1);
    expect(await forge.get(1)).toBeNull();
  });

  it('says plainly that a reviewer is unknown', async () => {
    const s = await start();
    await expect(
      client(s).open({ ...opening, draft: false, labels: [], reviewers: ['nobody'] }),
    ).rejects.toThrow('GitLab has no user named "nobody" to ask for a review');
  });

  it('opens a draft by its title and readies it by dropping the prefix', async () => {
    const s = await start();
    const forge = client(s);
    const pr = await forge.open({ ...opening, draft: true, labels: [], reviewers: [] });
    expect(pr.draft).toBe(true);
    expect(s.mergeRequests.get(1)?.title).toBe('Draft: Add /health');
    await forge.readyForReview(pr);
    expect(s.mergeRequests.get(1)?.title).toBe('Add /health');
    expect((await forge.get(1))?.draft).toBe(false);
  });

  it("reads a commit's newest pipeline: running jobs pending, a failed job with its log's tail", async () => {
    const s = await start();
    const forge = client(s);
    const sha = 'a'.repeat(40);
    expect(await forge.checks(sha)).toEqual({ total: 0, failed: [], failures: [], pending: 0 });
    s.pipeline(sha, [
      { name: 'lint', status: 'success' },
      { name: 'test', status: 'running' },
    ]);
    expect(await forge.checks(sha)).toMatchObject({ total: 2, failed: [], pending: 1 });
    const long = `${'x'.repeat(9_000)}\n`;
    s.pipeline(sha, [
      { name: 'lint', status: 'success' },
      { name: 'flaky', status: 'failed', allow_failure: true, log: 'ignored' },
      {
        name: 'test',
        status: 'failed',
        log: `${long}section_start:1700000000:step_script\r\u001b[0K\u001b[31mFAIL health.test.ts\u001b[0m\r\nexpected ok to be true\n`,
      },
    ]);
    const seen = await forge.checks(sha);
    expect(seen).toMatchObject({ total: 3, failed: ['test'], pending: 0 });
    expect(seen.failures).toHaveLength(1);
    expect(seen.failures[0]).toMatchObject({ name: 'test', conclusion: 'script_failure' });
    expect(seen.failures[0]!.output.length).toBeLessThanOrEqual(4_000);
    expect(seen.failures[0]!.output.endsWith('FAIL health.test.ts\nexpected ok to be true')).toBe(true);
  });

  it("reads a reviewer's requested changes with their line comments, and the notes", async () => {
    const s = await start();
    const forge = client(s);
    const pr = await forge.open({ ...opening, draft: false, labels: [], reviewers: ['alice', 'bob'] });
    expect(await forge.reviews(pr.number)).toEqual([]);
    s.review(pr.number, 'bob', 'approved', 'looks good');
    s.review(pr.number, 'alice', 'requested_changes', 'please rename', [
      { path: 'src/health.ts', line: 3, body: 'call it ok' },
    ]);
    const reviews = await forge.reviews(pr.number);
    expect(reviews.map((r) => [r.user, r.state])).toEqual([
      ['alice', 'CHANGES_REQUESTED'],
      ['bob', 'APPROVED'],
    ]);
    const alice = reviews[0]!;
    expect(alice).toMatchObject({
      body: 'please rename',
      comments: [{ path: 'src/health.ts', line: 3, body: 'call it ok' }],
    });
    // Asked again, with more to say: a new review (its id moves), answered once more.
    s.resolveAll(pr.number);
    s.review(pr.number, 'alice', 'requested_changes', 'and the test');
    const again = (await forge.reviews(pr.number))[0]!;
    expect(again.id).not.toBe(alice.id);
    expect(again).toMatchObject({ body: 'and the test', comments: [] });
    await forge.comment(pr.number, 'Baton pushed a fix');
    expect(await forge.comments(pr.number)).toEqual([
      'looks good',
      'call it ok',
      'please rename',
      'and the test',
      'Baton pushed a fix',
    ]);
  });

  it('says 401, 403 and 404 as Baton says them, naming the secret and never the token', async () => {
    const s = await start();
    const open = (token: string) =>
      client(s, token).open({ ...opening, draft: false, labels: [], reviewers: [] });
    const refused = await open('glpat-wrong').catch((e: unknown) => e);
    expect(refused).toMatchObject({ reason: 'auth' });
    expect(String((refused as Error).message)).toBe(
      'Opening a merge request from baton/r1/api: GitLab refused the token in secret "gitlab.token" (401 401 Unauthorized)',
    );
    const narrow = await open('glpat-read').catch((e: unknown) => e);
    expect(narrow).toMatchObject({ reason: 'rights' });
    expect((narrow as Error).message).toContain(
      `the token in secret "gitlab.token" lacks the rights on ${REPO} (403 insufficient_scope)`,
    );
    const hidden = await client(s, 'glpat-hidden')
      .checks('a'.repeat(40))
      .catch((e: unknown) => e);
    expect(hidden).toMatchObject({ reason: 'gone' });
    expect((hidden as Error).message).toContain(`GitLab answered 404 (404 Project Not Found) for ${REPO}`);
    for (const e of [refused, narrow, hidden]) expect(String((e as Error).message)).not.toContain('glpat-');
    s.failNext(500, '500 Internal Server Error');
    await expect(client(s).get(1)).rejects.toMatchObject({
      reason: 'forge',
      message: 'Reading merge request !1: GitLab answered 500 (500 Internal Server Error)',
    });
  });
});

describe("GitLab's words in GitHub's", () => {
  const mr = {
    id: 7,
    iid: 3,
    web_url: 'u',
    title: 't',
    state: 'opened',
    sha: 'h',
    target_branch: 'main',
    diff_refs: { base_sha: 'b' },
  };
  it('maps the merge status onto mergeable and mergeable_state', () => {
    const of = (x: object) => {
      const p = pullOfMergeRequest({ ...mr, ...x });
      return [p.mergeable, p.mergeable_state];
    };
    expect(of({ detailed_merge_status: 'checking' })).toEqual([null, 'unknown']);
    expect(of({ detailed_merge_status: 'unchecked' })).toEqual([null, 'unknown']);
    expect(of({ detailed_merge_status: 'mergeable' })).toEqual([true, 'clean']);
    expect(of({ detailed_merge_status: 'need_rebase' })).toEqual([true, 'behind']);
    expect(of({ detailed_merge_status: 'conflict', has_conflicts: true })).toEqual([false, 'dirty']);
    expect(of({ detailed_merge_status: 'broken_status' })).toEqual([false, 'dirty']);
    expect(of({ detailed_merge_status: 'ci_still_running' })).toEqual([true, 'blocked']);
  });
  it('takes a squash or a fast-forward merge as what landed', () => {
    expect(pullOfMergeRequest({ ...mr, state: 'merged', squash_commit_sha: 's' }).merge_commit).toBe('s');
    expect(pullOfMergeRequest({ ...mr, state: 'merged' }).merge_commit).toBe('h');
    expect(pullOfMergeRequest({ ...mr, state: 'locked' }).state).toBe('open');
  });
  it("reads a job's log without colours or section markers", () => {
    expect(
      plainLog('section_start:1:build\r\u001b[0K\u001b[32mok\u001b[0m\r\nsection_end:1:build\r\u001b[0K'),
    ).toBe('ok\n');
  });
});
