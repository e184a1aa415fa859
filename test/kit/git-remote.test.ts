import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type GitRemote, startGitRemote } from './git-remote.ts';

const run = promisify(execFile);
const ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'T',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'T',
  GIT_COMMITTER_EMAIL: 't@example.com',
};
const git = async (args: string[], cwd: string) => (await run('git', args, { cwd, env: ENV })).stdout.trim();

const dirs: string[] = [];
const remotes: GitRemote[] = [];
afterEach(async () => {
  for (const r of remotes.splice(0)) await r.close();
});
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'baton-git-remote-test-'));
  dirs.push(d);
  return d;
};

describe('a bare repository served by git http-backend', () => {
  it('is cloned, pushed to and fetched from over smart HTTP', async () => {
    const remote = await startGitRemote();
    remotes.push(remote);
    const work = join(await tmp(), 'clone');
    await git(['clone', '-q', remote.url, work], tmpdir());
    await writeFile(join(work, 'a.txt'), 'a\n');
    await git(['add', '-A'], work);
    await git(['commit', '-q', '-m', 'a'], work);
    await git(['push', '-q', 'origin', 'HEAD:refs/heads/feature'], work);
    expect(await remote.tip('feature')).toBe(await git(['rev-parse', 'HEAD'], work));
    expect(Object.keys(await remote.branches()).sort()).toEqual(['feature', 'main']);
    // Someone else's commit on main, fetched back.
    const theirs = await remote.commitAs('main', 'b.txt', 'b\n');
    await git(['fetch', '-q', 'origin'], work);
    expect(await git(['rev-parse', 'origin/main'], work)).toBe(theirs);
    expect(remote.requests.some((r) => r.path.endsWith('/git-receive-pack') && r.status === 200)).toBe(true);
  });

  it('asks for basic auth and lets in only the right credentials', async () => {
    const remote = await startGitRemote({ auth: { user: 'baton', password: 's3cret' } });
    remotes.push(remote);
    const base = await tmp();
    await expect(git(['clone', '-q', remote.url, join(base, 'no')], base)).rejects.toThrow(
      /Authentication failed|could not read Username/,
    );
    const wrong = remote.urlWithAuth.replace('s3cret', 'nope');
    await expect(git(['clone', '-q', wrong, join(base, 'wrong')], base)).rejects.toThrow(
      /Authentication failed/,
    );
    await git(['clone', '-q', remote.urlWithAuth, join(base, 'yes')], base);
    expect(remote.requests.some((r) => r.status === 401)).toBe(true);
  });

  it('refuses pushes with the message its pre-receive hook prints', async () => {
    const remote = await startGitRemote();
    remotes.push(remote);
    const work = join(await tmp(), 'clone');
    await git(['clone', '-q', remote.url, work], tmpdir());
    await remote.refusePushes('protected branch: pushes are not allowed');
    await git(['commit', '-q', '--allow-empty', '-m', 'x'], work);
    await expect(git(['push', 'origin', 'HEAD:refs/heads/x'], work)).rejects.toThrow(/protected branch/);
    expect(await remote.tip('x')).toBeNull();
  });
});
