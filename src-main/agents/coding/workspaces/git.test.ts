import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatCommand, GitError, git, gitText, heldLock } from './git.ts';
import { gitEnv } from './git-env.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';

let t: TempRepo;
beforeEach(() => {
  t = makeRepo();
});
afterEach(() => t.cleanup());

const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected a GitError'),
    (e: unknown) => e as GitError,
  );

describe('git()', () => {
  it("runs without Baton's GIT_* variables: GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE cannot point it elsewhere", async () => {
    const other = makeRepo({ 'other.txt': 'other\n' });
    const saved = { ...process.env };
    try {
      process.env.GIT_DIR = join(other.repo, '.git');
      process.env.GIT_WORK_TREE = other.repo;
      process.env.GIT_INDEX_FILE = join(other.root, 'index');
      expect(await gitText(['ls-files'], { cwd: t.repo })).toBe('README.md');
      const env = gitEnv();
      expect(Object.keys(env).filter((k) => k.startsWith('GIT_'))).toEqual(
        expect.arrayContaining(['GIT_TERMINAL_PROMPT', 'GIT_CONFIG_NOSYSTEM']),
      );
      expect(env).not.toHaveProperty('GIT_DIR');
      expect(env).toMatchObject({ GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' });
    } finally {
      for (const k of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete process.env[k];
      Object.assign(process.env, saved);
      other.cleanup();
    }
  });

  it('passes arguments as they are, never through a shell', async () => {
    const name = 'x; touch pwned $(touch pwned2) `touch pwned3`';
    t.write(name, 'content\n');
    expect(await gitText(['ls-files', '--others', '--', name], { cwd: t.repo })).toBe(name);
    for (const f of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(join(t.repo, f))).toBe(false);
  });

  it('fails with the command, the exit code and the first lines of what git said', async () => {
    const err = await failure(git(['rev-parse', '--verify', 'no-such-branch'], { cwd: t.repo }));
    expect(err).toBeInstanceOf(GitError);
    expect(err).toMatchObject({
      failure: 'failed',
      exitCode: 128,
      command: 'git rev-parse --verify no-such-branch',
      code: 'internal',
    });
    expect(err.message).toBe(
      'git rev-parse --verify no-such-branch failed (exit 128): fatal: Needed a single revision',
    );
  });

  it('says which folder is missing when cwd does not exist', async () => {
    const err = await failure(git(['status'], { cwd: join(t.root, 'gone') }));
    expect(err.message).toContain(`the folder ${join(t.root, 'gone')} does not exist`);
  });

  it('answers exit codes given as answers instead of failing', async () => {
    const r = await git(['diff', '--quiet'], { cwd: t.repo, okExitCodes: [1] });
    expect(r.exitCode).toBe(0);
    t.write('README.md', 'changed\n');
    expect((await git(['diff', '--quiet'], { cwd: t.repo, okExitCodes: [1] })).exitCode).toBe(1);
  });

  describe('stops git that takes too long or is cancelled', () => {
    // `git hash-object` on a FIFO nobody writes to blocks in open(2): a git that never ends.
    const blocked = () => {
      const fifo = join(t.root, 'fifo');
      execFileSync('mkfifo', [fifo]);
      return ['hash-object', '--', fifo];
    };

    it('after the timeout', async () => {
      const err = await failure(git(blocked(), { cwd: t.repo, timeoutMs: 200 }));
      expect(err).toMatchObject({ failure: 'timeout', code: 'unavailable' });
      expect(err.message).toMatch(/ran out of time \(200 ms\) and was stopped/);
    });

    it('when its signal aborts', async () => {
      const controller = new AbortController();
      const running = failure(git(blocked(), { cwd: t.repo, signal: controller.signal }));
      setTimeout(() => controller.abort(), 100);
      expect(await running).toMatchObject({ failure: 'aborted' });
      expect((await failure(git(['status'], { cwd: t.repo, signal: controller.signal }))).failure).toBe(
        'aborted',
      );
    });
  });

  describe('caps what it keeps of the output', () => {
    beforeEach(() => {
      t.write('big.txt', 'x'.repeat(100_000));
      t.commitAll('big');
    });

    it('fails past the cap by default', async () => {
      const err = await failure(
        git(['cat-file', '-p', 'HEAD:big.txt'], { cwd: t.repo, maxOutputBytes: 1000 }),
      );
      expect(err).toMatchObject({ failure: 'output_too_large' });
      expect(err.message).toContain('printed more than 1000 bytes');
    });

    it('or keeps the first bytes and counts them all', async () => {
      const r = await git(['cat-file', '-p', 'HEAD:big.txt'], {
        cwd: t.repo,
        maxOutputBytes: 1000,
        overflow: 'truncate',
      });
      expect(r).toMatchObject({ truncated: true, totalBytes: 100_000 });
      expect(r.stdout.length).toBe(1000);
    });
  });

  describe("waits out git's lock files held by another process", () => {
    const lock = () => join(t.repo, '.git', 'index.lock');

    it('retries while index.lock exists, and goes on once it is gone', async () => {
      writeFileSync(lock(), '');
      t.write('new.txt', 'new\n');
      setTimeout(() => rmSync(lock()), 300);
      await git(['add', '--all'], { cwd: t.repo, retryOnLock: true });
      expect(t.git(['diff', '--cached', '--name-only'])).toBe('new.txt');
    });

    it('gives up after a few seconds naming the lock file', async () => {
      writeFileSync(lock(), '');
      t.write('new.txt', 'new\n');
      const err = await failure(git(['add', '--all'], { cwd: t.repo, retryOnLock: true }));
      expect(err).toMatchObject({ failure: 'locked', code: 'unavailable' });
      expect(err.message).toContain(`${lock()} was still held after 6 tries`);
      rmSync(lock());
    });

    it('does not retry unless asked', async () => {
      writeFileSync(lock(), '');
      t.write('new.txt', 'new\n');
      expect((await failure(git(['add', '--all'], { cwd: t.repo }))).failure).toBe('failed');
      rmSync(lock());
    });
  });
});

describe('helpers', () => {
  it('formatCommand quotes what a shell would split', () => {
    expect(formatCommand(['worktree', 'add', '-b', 'baton/r1/a', '/tmp/a b', "it's"])).toBe(
      `git worktree add -b baton/r1/a '/tmp/a b' 'it'\\''s'`,
    );
  });

  it('heldLock finds the lock file in what git said', () => {
    expect(
      heldLock("fatal: Unable to create '/r/.git/index.lock': File exists.\n\nAnother git process"),
    ).toBe('/r/.git/index.lock');
    expect(
      heldLock(
        "error: cannot lock ref 'refs/heads/x': Unable to create '/r/.git/refs/heads/x.lock': File exists.",
      ),
    ).toBe('/r/.git/refs/heads/x.lock');
    expect(heldLock('fatal: not a git repository')).toBeNull();
  });
});
