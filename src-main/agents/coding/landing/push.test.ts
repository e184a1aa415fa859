import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type GitRemote, startGitRemote } from '../../../../test/kit/git-remote.ts';
import { LandingError } from '../../../forges/index.ts';
import { makeRepo, type TempRepo } from '../workspaces/testing/temp-repo.ts';
import { pushBranch } from './push.ts';

const TOKEN = 'ghp_right';
/** No secret to look for. */
const NONE = { held: [], base: null };
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
    const base = {
      repo: local.repo,
      url: remote.url,
      branch: 'baton/r1/api',
      token: TOKEN,
      tokenName: 'gh',
      secrets: NONE,
    };
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
    const base = {
      repo: local.repo,
      url: remote.url,
      branch: 'baton/r1/api',
      token: TOKEN,
      tokenName: 'gh',
      secrets: NONE,
    };
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
      secrets: NONE,
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
        secrets: NONE,
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
        secrets: NONE,
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

describe('a branch holding a secret Baton holds', () => {
  const KEY = 'sk-live-4f1e9a7c2b8d6e30';
  const held = [
    { name: 'secret "openai.key"', value: KEY },
    { name: 'secret "short"', value: 'abc123' },
  ];

  it('is not pushed: the refusal names the secret, the file and the commit, never the value', async () => {
    const { remote, local } = await setup();
    local.write('config/env.txt', `OPENAI_API_KEY=${KEY}\n`);
    const leaked = local.commitAll('config');
    const err = await pushBranch({
      repo: local.repo,
      url: remote.url,
      branch: 'baton/r1/api',
      token: TOKEN,
      commit: leaked,
      pushedBefore: null,
      secrets: { held, base: 'main' },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'secret' });
    expect((err as Error).message).toBe(
      `baton/r1/api was not pushed: it holds the value of secret "openai.key" in config/env.txt (commit ${leaked.slice(0, 12)}). Baton does not push a secret it holds: take it out of the branch's history (the commit that added it, not only the last one) and land again; if it must be there, it is no secret of Baton's: remove it from Baton's secrets`,
    );
    expect((err as Error).message).not.toContain(KEY);
    expect(await remote.tip('baton/r1/api')).toBeNull();
  });

  it('finds it in a commit a later one undid, base64-encoded, URL-encoded, and a worker token by its shape', async () => {
    const { remote, local } = await setup();
    local.write('a.txt', `${KEY}\n`);
    local.commitAll('add');
    local.write('a.txt', 'gone\n');
    local.write('b.json', JSON.stringify({ auth: Buffer.from(`user:${KEY}`).toString('base64') }));
    local.write('c.txt', `https://x.test/?k=${encodeURIComponent(`${KEY}/`)}\n`);
    const worker = `bwk_${'A'.repeat(43)}`;
    local.write('d.sh', `baton worker --token ${worker}\n`);
    const tip = local.commitAll('undo');
    const err = await pushBranch({
      repo: local.repo,
      url: remote.url,
      branch: 'baton/r1/api',
      token: TOKEN,
      commit: tip,
      pushedBefore: null,
      secrets: { held, base: 'main', tokenOf: (t) => (t === worker ? 'worker token "lab box"' : null) },
    }).catch((e: unknown) => e);
    const message = (err as Error).message;
    expect(message).toContain('secret "openai.key" in a.txt');
    expect(message).toContain('secret "openai.key" (base64) in b.json');
    expect(message).toContain('secret "openai.key" in c.txt');
    expect(message).toContain('worker token "lab box" in d.sh');
    expect(await remote.tip('baton/r1/api')).toBeNull();
  });

  it('what the base already holds, a value too short to tell, and a clean branch are pushed', async () => {
    const { remote, local, first } = await setup();
    // On the base before the task started: not what this push adds.
    local.git(['checkout', '-q', 'main']);
    local.write('old.txt', `${KEY}\n`);
    local.commitAll('old');
    local.git(['checkout', '-q', 'baton/r1/api']);
    local.git(['merge', '-q', '--no-edit', 'main']);
    local.write('api.ts', 'export const a = "abc123";\n');
    const tip = local.commitAll('short');
    const push = (commit: string) =>
      pushBranch({
        repo: local.repo,
        url: remote.url,
        branch: 'baton/r1/api',
        token: TOKEN,
        commit,
        pushedBefore: null,
        secrets: { held, base: 'main' },
      });
    expect((await push(first)).outcome).toBe('pushed');
    expect((await push(tip)).outcome).toBe('pushed');
    expect(await remote.tip('baton/r1/api')).toBe(tip);
  });
});
