import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitLeftovers } from './commits.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import { parkInPool } from './worktree-pool.ts';
import { prepareWorktree } from './worktrees.ts';

// What one agent leaves in an ignored folder of its worktree, parked for the next task, may hold
// git for good: a FIFO as a nested repository's `.git/HEAD` (git reads it to tell whether the
// folder is a repository). The next task must not wait out git's 2 minutes and fail.
let t: TempRepo;
let pool: string;
beforeEach(() => {
  t = makeRepo({ 'README.md': 'hello\n', '.gitignore': 'dist/\n' });
  pool = join(t.worktrees, '.parked', 'app');
});
afterEach(() => t.cleanup());

const prepare = (run: string, task: string) =>
  prepareWorktree({
    repo: t.repo,
    baseBranch: 'main',
    branch: `baton/${run}/${task}`,
    dir: join(t.worktrees, run, task, 'tree'),
    pool,
    scrubTimeoutMs: 2_000,
  });

describe('a parked worktree whose leftovers hold git', () => {
  it('is dropped, and the next task gets a new worktree', async () => {
    const a = await prepare('r1', 'a');
    if (!a.ok) throw new Error('conflict');
    mkdirSync(join(a.dir, 'dist', 'x', '.git', 'objects'), { recursive: true });
    mkdirSync(join(a.dir, 'dist', 'x', '.git', 'refs'), { recursive: true });
    execFileSync('mkfifo', [join(a.dir, 'dist', 'x', '.git', 'HEAD')]);
    expect(
      (await commitLeftovers({ repo: t.repo, dir: a.dir, message: 'm', branch: 'baton/r1/a' })).committed,
    ).toBe(false);
    expect((await parkInPool({ repo: t.repo, dir: a.dir, pool, max: 2 })).parked).not.toBeNull();
    const b = await prepare('r2', 'b');
    expect(b).toMatchObject({ ok: true, state: 'created', recycled: false });
    if (!b.ok) return;
    expect(existsSync(join(b.dir, 'README.md'))).toBe(true);
    expect(existsSync(join(b.dir, 'dist'))).toBe(false);
    expect(t.git(['rev-parse', '--abbrev-ref', 'HEAD'], b.dir)).toBe('baton/r2/b');
  });
});
