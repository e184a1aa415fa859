import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type GitRemote, startGitRemote } from '../../../../test/kit/git-remote.ts';
import { makeRepo, type TempRepo } from '../workspaces/testing/temp-repo.ts';
import { LandingError, pushBranch } from './push.ts';

const TOKEN = 'ghp_right';
let remote: GitRemote | undefined;
let local: TempRepo | undefined;
afterEach(async () => {
  await remote?.close();
  local?.cleanup();
  remote = undefined;
  local = undefined;
});

async function setup() {
  remote = await startGitRemote({ auth: { user: 'x-access-token', password: TOKEN } });
  local = makeRepo();
  local.git(['checkout', '-q', '-b', 'baton/r1/api']);
  local.write('api.ts', 'export const a = 1;\n');
  const first = local.commitAll('api');
  return { remote, local, first };
}
const receivePacks = (r: GitRemote) =>
  r.requests.filter((q) => q.path.endsWith('/git-receive-pack') && q.method === 'POST').length;

describe('pushing a task branch to a real remote over HTTP', () => {
  it('pushes with the token as a header, and pushes nothing twice', async () => {
    const { remote, local, first } = await setup();
    const base = { repo: local.repo, url: remote.url, branch: 'baton/r1/api', token: TOKEN, tokenName: 'gh' };
    expect(await pushBranch({ ...base, commit: first, pushedBefore: null })).toEqual({
      outcome: 'pushed',
      before: null,
    });
    expect(await remote.tip('baton/r1/api')).toBe(first);
    const pushes = receivePacks(remote);
    expect(await pushBranch({ ...base, commit: first, pushedBefore: first })).toEqual({
      outcome: 'already',
      before: first,
    });
    expect(receivePacks(remote)).toBe(pushes);
    // Baton's own next commit goes on top; a rewrite of what Baton pushed (a new attempt) replaces it.
    local.write('api.ts', 'export const a = 2;\n');
    const second = local.commitAll('api again');
    expect((await pushBranch({ ...base, commit: second, pushedBefore: first })).outcome).toBe('pushed');
    local.git(['reset', '-q', '--hard', 'main']);
    local.write('api.ts', 'export const a = 3;\n');
    const rewritten = local.commitAll('api, rewritten');
    expect((await pushBranch({ ...base, commit: rewritten, pushedBefore: second })).outcome).toBe('pushed');
    expect(await remote.tip('baton/r1/api')).toBe(rewritten);
  });

  it('pushes a rebase only over the commit Baton pushed last, even when the remote tip is in its history', async () => {
    const { remote, local, first } = await setup();
    const base = { repo: local.repo, url: remote.url, branch: 'baton/r1/api', token: TOKEN, tokenName: 'gh' };
    await pushBranch({ ...base, commit: first, pushedBefore: null });
    // Someone pushes a commit on top of Baton's; Baton's rebase happens to contain it (fetched before).
    const theirs = await remote.commitAs('baton/r1/api', 'theirs.txt', 'mine\n');
    // Not execFileSync: the remote answers from this process.
    await promisify(execFile)('git', ['fetch', '-q', remote.urlWithAuth, 'baton/r1/api'], {
      cwd: local.repo,
    });
    local.git(['reset', '-q', '--hard', theirs]);
    local.write('api.ts', 'export const a = 4;\n');
    const rebased = local.commitAll('rebased');
    const pushes = receivePacks(remote);
    const err = await pushBranch({ ...base, commit: rebased, pushedBefore: first, rewrites: true }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LandingError);
    expect((err as LandingError).reason).toBe('not_ours');
    expect((err as LandingError).message).toMatch(
      /not at [0-9a-f]{12} that Baton pushed last: someone else pushed to it/,
    );
    expect(receivePacks(remote)).toBe(pushes);
    expect(await remote.tip('baton/r1/api')).toBe(theirs);
    // Over what Baton pushed last, the rewrite is pushed (leased on it).
    expect(
      (await pushBranch({ ...base, commit: rebased, pushedBefore: theirs, rewrites: true })).outcome,
    ).toBe('pushed');
    expect(await remote.tip('baton/r1/api')).toBe(rebased);
  });

  it("refuses to push over someone else's commits, and leaves them there", async () => {
    const { remote, local, first } = await setup();
    const theirs = await remote.commitAs('baton/r1/api', 'theirs.txt', 'mine\n');
    const err = await pushBranch({
      repo: local.repo,
      url: remote.url,
      branch: 'baton/r1/api',
      token: TOKEN,
      commit: first,
      pushedBefore: null,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LandingError);
    expect((err as LandingError).reason).toBe('not_ours');
    expect((err as Error).message).toMatch(
      /^the remote branch baton\/r1\/api has commits Baton did not push \(its tip is [0-9a-f]{12}\)/,
    );
    expect(await remote.tip('baton/r1/api')).toBe(theirs);
    // What Baton pushed before does not count as someone else's once a person pushed on top of it.
    await expect(
      pushBranch({
        repo: local.repo,
        url: remote.url,
        branch: 'baton/r1/api',
        token: TOKEN,
        commit: first,
        pushedBefore: 'f'.repeat(40),
      }),
    ).rejects.toMatchObject({ reason: 'not_ours' });
  });

  it('says a wrong token and a refused push plainly, and pushes nothing', async () => {
    const { remote, local, first } = await setup();
    const push = (token: string) =>
      pushBranch({
        repo: local.repo,
        url: remote.url,
        branch: 'baton/r1/api',
        token,
        tokenName: 'github.token',
        commit: first,
        pushedBefore: null,
      });
    await expect(push('ghp_wrong')).rejects.toMatchObject({
      reason: 'auth',
      message: `Reading baton/r1/api on the remote: ${remote.url} refused the token in secret "github.token" (authentication failed)`,
    });
    await remote.refusePushes('branch names under baton/ are protected here');
    await expect(push(TOKEN)).rejects.toMatchObject({
      reason: 'refused',
      message: expect.stringMatching(
        /^Pushing baton\/r1\/api: the remote refused the push of baton\/r1\/api: branch names under baton\/ are protected here/,
      ),
    });
    expect(await remote.tip('baton/r1/api')).toBeNull();
  });
});
