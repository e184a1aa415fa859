import {
  Jobs,
  MergeRequestDiscussions,
  MergeRequestNotes,
  MergeRequests,
  Pipelines,
  Users,
} from '@gitbeaker/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { type GitLabServer, startGitLabServer } from './gitlab.ts';

let server: GitLabServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});
const start = async () => {
  server = await startGitLabServer({
    repo: 'acme/platform/app',
    tokens: { good: 'write', readonly: 'read', hidden: 'none' },
    users: ['alice'],
  });
  return server;
};
const conn = (s: GitLabServer, token: string) => ({ host: s.url, token });
const P = 'acme/platform/app';

describe('the scripted GitLab REST server, through @gitbeaker/rest', () => {
  it('opens, lists, reads and edits merge requests in a subgroup project, with labels and reviewers', async () => {
    const s = await start();
    const mrs = new MergeRequests(conn(s, 'good'));
    const [alice] = await new Users(conn(s, 'good')).all({ username: 'alice' });
    const mr = await mrs.create(P, 'baton/r1/a', 'main', 'Draft: T', {
      description: 'B',
      labels: 'baton,bot',
      reviewerIds: [alice!.id],
    });
    expect(mr).toMatchObject({
      iid: 1,
      state: 'opened',
      draft: true,
      source_branch: 'baton/r1/a',
      target_branch: 'main',
    });
    expect(mr.labels).toEqual(['baton', 'bot']);
    expect(mr.web_url).toBe(`${s.url}/acme/platform/app/-/merge_requests/1`);
    // The project path travels URL-encoded, as GitLab takes it.
    expect(s.requests.at(-1)?.path).toContain('/api/v4/projects/acme%2Fplatform%2Fapp/merge_requests');
    const listed = await mrs.all({ projectId: P, sourceBranch: 'baton/r1/a', state: 'opened' });
    expect(listed.map((m) => m.iid)).toEqual([1]);
    await mrs.edit(P, 1, { title: 'T' });
    const got = await mrs.show(P, 1);
    expect(got).toMatchObject({ draft: false, title: 'T', detailed_merge_status: 'mergeable' });
    expect(got.reviewers?.map((u) => u.username)).toEqual(['alice']);
    s.merge(1, 'a'.repeat(40));
    expect(await mrs.show(P, 1)).toMatchObject({ state: 'merged', merge_commit_sha: 'a'.repeat(40) });
  });

  it('answers pipelines, jobs and their logs, reviewers, discussions and notes', async () => {
    const s = await start();
    const c = conn(s, 'good');
    const mr = await new MergeRequests(c).create(P, 'x', 'main', 'T');
    s.pipeline(mr.sha, [
      { name: 'lint', status: 'success' },
      { name: 'test', status: 'failed', log: '\u001b[31mexpected 1, got 2\u001b[0m\n' },
    ]);
    const [pipeline] = await new Pipelines(c).all(P, { sha: mr.sha, orderBy: 'id', sort: 'desc' });
    expect(pipeline).toMatchObject({ sha: mr.sha, status: 'failed' });
    const jobs = new Jobs(c);
    const list = await jobs.all(P, { pipelineId: pipeline!.id });
    expect(list.map((j) => [j.name, j.status])).toEqual([
      ['lint', 'success'],
      ['test', 'failed'],
    ]);
    expect(await jobs.showLog(P, list[1]!.id)).toContain('expected 1, got 2');
    s.review(1, 'alice', 'requested_changes', 'please rename', [
      { path: 'a.ts', line: 3, body: 'call it b' },
    ]);
    expect(await new MergeRequests(c).showReviewers(P, 1)).toMatchObject([
      { user: { username: 'alice' }, state: 'requested_changes' },
    ]);
    const threads = await new MergeRequestDiscussions(c).all(P, 1);
    expect(threads[0]?.notes?.[0]).toMatchObject({
      type: 'DiffNote',
      body: 'call it b',
      resolved: false,
      position: { new_path: 'a.ts', new_line: 3 },
    });
    const notes = new MergeRequestNotes(c);
    await notes.create(P, 1, 'on it');
    expect((await notes.all(P, 1, { sort: 'asc' })).map((n) => n.body)).toEqual([
      'call it b',
      'please rename',
      'on it',
    ]);
  });

  it('fails as GitLab does: 401 bad token, 403 a read-only scope, 404 a project one may not see, 409 a second MR', async () => {
    const s = await start();
    const fails = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: { message: string; cause?: { response?: { status: number } } }) => [
          e.cause?.response?.status,
          e.message,
        ],
      );
    expect(await fails(new MergeRequests(conn(s, 'wrong')).all({ projectId: P }))).toEqual([
      401,
      '401 Unauthorized',
    ]);
    expect(await fails(new MergeRequests(conn(s, 'readonly')).create(P, 'x', 'main', 'T'))).toEqual([
      403,
      'insufficient_scope',
    ]);
    expect(await fails(new MergeRequests(conn(s, 'hidden')).show(P, 1))).toEqual([
      404,
      '404 Project Not Found',
    ]);
    const mrs = new MergeRequests(conn(s, 'good'));
    await mrs.create(P, 'x', 'main', 'T');
    expect(await fails(mrs.create(P, 'x', 'main', 'T'))).toEqual([
      409,
      '["Another open merge request already exists for this source branch: !1"]',
    ]);
    s.remove(1);
    expect(await fails(mrs.show(P, 1))).toEqual([404, '404 Not found']);
    expect(await fails(mrs.show('other/app', 1))).toEqual([404, '404 Project Not Found']);
  });
});
