import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitLeftovers } from './commits.ts';
import { traceGit } from './git.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import { adoptWorktree } from './worktree-adopt.ts';
import type { PreparedWorktree } from './worktrees.ts';
import { prepareWorktree } from './worktrees.ts';

let t: TempRepo;
beforeEach(() => {
  t = makeRepo({ 'README.md': 'hello\n', 'src/a.ts': 'a\n', '.gitignore': 'dist/\n' });
});
afterEach(() => t.cleanup());

async function prepared(branch: string, dir: string): Promise<PreparedWorktree> {
  const r = await prepareWorktree({ repo: t.repo, baseBranch: 'main', branch, dir });
  if (!r.ok) throw new Error('conflict');
  return r;
}

const record = (dir: string) =>
  t
    .git(['worktree', 'list', '--porcelain'])
    .split('\n\n')
    .find((r) => r.startsWith(`worktree ${dir}\n`));

/** A candidate's worktree with a commit of its own and the files its checks left (a build, a scratch file). */
async function candidate() {
  const c = await prepared('baton/r1/t-c2', join(t.worktrees, 'r1', 't', 'candidate-2'));
  t.write('won.txt', 'the winner\n', c.dir);
  const { head } = await commitLeftovers({ repo: t.repo, dir: c.dir, message: 'candidate 2' });
  t.write('dist/out.js', 'built\n', c.dir);
  t.write('scratch.txt', 'left untracked\n', c.dir);
  return { c, head };
}

describe('adoptWorktree', () => {
  it("moves a candidate's worktree to the task's folder on the task's branch, its files as they are, no checkout", async () => {
    const { c, head } = await candidate();
    const dir = join(t.worktrees, 'r1', 't', 'tree');
    const commands: string[] = [];
    traceGit((command) => commands.push(command));
    const got = await adoptWorktree({
      repo: t.repo,
      from: c.dir,
      dir,
      branch: 'baton/r1/t',
      to: head,
      start: c.startCommit,
    }).finally(() => traceGit(null));
    expect(got).toEqual({ dir, branch: 'baton/r1/t', startCommit: c.startCommit });
    // The task's branch at the winner's commit, with its start; the candidate's branch kept.
    expect(t.git(['rev-parse', 'baton/r1/t'])).toBe(head);
    expect(t.git(['rev-parse', 'refs/baton/start/baton/r1/t'])).toBe(c.startCommit);
    expect(t.git(['rev-parse', 'baton/r1/t-c2'])).toBe(head);
    // The same folder's files, moved: what the checks built (ignored) is still there, what was
    // left untracked is not, and git sees no change.
    expect(existsSync(c.dir)).toBe(false);
    expect(t.read('won.txt', dir)).toBe('the winner\n');
    expect(t.read('dist/out.js', dir)).toBe('built\n');
    expect(existsSync(join(dir, 'scratch.txt'))).toBe(false);
    expect(t.git(['status', '--porcelain'], dir)).toBe('');
    expect(record(dir)).toBe(`worktree ${dir}\nHEAD ${head}\nbranch refs/heads/baton/r1/t`);
    // Nothing checked the repository's files out again.
    expect(commands.filter((x) => / (read-tree|checkout|reset) /.test(` ${x} `))).toEqual([]);
  });

  it("leaves everything as it was when the task's folder holds a worktree, or the branch is held", async () => {
    const { c, head } = await candidate();
    const earlier = await prepared('baton/r1/t', join(t.worktrees, 'r1', 't', 'tree'));
    const input = { repo: t.repo, from: c.dir, to: head, start: c.startCommit };
    expect(await adoptWorktree({ ...input, dir: earlier.dir, branch: 'baton/r1/t' })).toBeNull();
    expect(await adoptWorktree({ ...input, dir: join(t.worktrees, 'x'), branch: 'baton/r1/t' })).toBeNull();
    // A worktree that is not at `to` (its work moved on) is not adopted either.
    expect(
      await adoptWorktree({ ...input, to: c.startCommit, dir: join(t.worktrees, 'y'), branch: 'baton/r1/y' }),
    ).toBeNull();
    expect(record(c.dir)).toBe(`worktree ${c.dir}\nHEAD ${head}\nbranch refs/heads/baton/r1/t-c2`);
    expect(t.git(['rev-parse', 'baton/r1/t'])).toBe(earlier.startCommit);
  });

  it("leaves a branch alone that the person's own checkout holds, or that Baton did not make", async () => {
    const { c, head } = await candidate();
    const input = { repo: t.repo, from: c.dir, to: head, start: c.startCommit, dir: join(t.worktrees, 'u') };
    t.git(['switch', '-q', '-c', 'baton/r1/mine']);
    expect(await adoptWorktree({ ...input, branch: 'baton/r1/mine' })).toBeNull();
    t.git(['switch', '-q', 'main']);
    // It exists, with no start: not one Baton prepared.
    expect(await adoptWorktree({ ...input, branch: 'baton/r1/mine' })).toBeNull();
    expect(t.git(['rev-parse', 'baton/r1/mine'])).toBe(c.startCommit);
    expect(record(c.dir)).toBe(`worktree ${c.dir}\nHEAD ${head}\nbranch refs/heads/baton/r1/t-c2`);
  });

  it('cut short before its unlock, is taken up on its branch and unlocked by the next prepareWorktree', async () => {
    const { c, head } = await candidate();
    const dir = join(t.worktrees, 'r1', 't', 'tree');
    t.git(['update-ref', '--no-deref', 'HEAD', head], c.dir);
    t.git(['worktree', 'lock', '--reason', 'baton: parked', c.dir]);
    t.git(['worktree', 'move', '--force', '--force', c.dir, dir]);
    t.git(['update-ref', 'refs/baton/start/baton/r1/t', c.startCommit]);
    t.git(['update-ref', 'refs/heads/baton/r1/t', head]);
    t.git(['symbolic-ref', 'HEAD', 'refs/heads/baton/r1/t'], dir);
    const again = await prepared('baton/r1/t', dir);
    expect(again.state).toBe('reused');
    expect(record(dir)).toBe(`worktree ${dir}\nHEAD ${head}\nbranch refs/heads/baton/r1/t`);
    expect(t.read('won.txt', dir)).toBe('the winner\n');
  });

  it('refuses a branch name git refuses, naming the field', async () => {
    const { c, head } = await candidate();
    await expect(
      adoptWorktree({
        repo: t.repo,
        from: c.dir,
        dir: join(t.worktrees, 'z'),
        branch: 'bad..name',
        to: head,
        start: c.startCommit,
      }),
    ).rejects.toThrow(/branch/);
    expect(record(c.dir)).toBe(`worktree ${c.dir}\nHEAD ${head}\nbranch refs/heads/baton/r1/t-c2`);
  });

  it('cut short after the move, leaves a parked worktree the next prepareWorktree there takes', async () => {
    const { c, head } = await candidate();
    const dir = join(t.worktrees, 'r1', 't', 'tree');
    // What adoptWorktree has done by then: the candidate detached, locked "parked", moved.
    t.git(['update-ref', '--no-deref', 'HEAD', head], c.dir);
    t.git(['worktree', 'lock', '--reason', 'baton: parked', c.dir]);
    t.git(['worktree', 'move', '--force', '--force', c.dir, dir]);
    const again = await prepared('baton/r1/t', dir);
    expect(again.recycled).toBe(true);
    expect(record(dir)).toBe(`worktree ${dir}\nHEAD ${again.startCommit}\nbranch refs/heads/baton/r1/t`);
    // Taken as any parked worktree: wiped to the branch's start.
    expect(existsSync(join(dir, 'won.txt'))).toBe(false);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });
});
