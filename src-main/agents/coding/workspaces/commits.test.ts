import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitLeftovers } from './commits.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import type { PreparedWorktree } from './worktrees.ts';
import { prepareWorktree } from './worktrees.ts';

let t: TempRepo;
let w: PreparedWorktree;
beforeEach(async () => {
  t = makeRepo({ 'README.md': 'hello\n', 'old.txt': 'old\n', '.gitignore': 'node_modules/\n' });
  const r = await prepareWorktree({
    repo: t.repo,
    baseBranch: 'main',
    branch: 'baton/r1/a',
    dir: join(t.worktrees, 'a'),
  });
  if (!r.ok) throw new Error('conflict');
  w = r;
});
afterEach(() => t.cleanup());

const message = 'Baton: run r1, task a, agent claude\n\nWhat the agent left uncommitted.';

describe('commitLeftovers', () => {
  it('commits new, changed and deleted files the agent left, but not ignored ones, as Baton (author: the agent)', async () => {
    t.write('new.txt', 'new\n', w.dir);
    t.write('README.md', 'changed\n', w.dir);
    t.git(['add', 'new.txt'], w.dir); // half-staged by the agent
    rmSync(join(w.dir, 'old.txt'));
    t.write('node_modules/x.js', 'ignored', w.dir);
    const r = await commitLeftovers({
      repo: t.repo,
      dir: w.dir,
      message,
      author: { name: 'Claude Code', email: 'claude@agents.baton' },
      branch: 'baton/r1/a',
    });
    expect(r).toMatchObject({ committed: true, branch: 'baton/r1/a' });
    expect(r.head).toBe(t.git(['rev-parse', 'baton/r1/a']));
    expect(t.git(['show', '--name-status', '--format=', r.head])).toBe(
      'M\tREADME.md\nA\tnew.txt\nD\told.txt',
    );
    expect(t.git(['log', '-1', '--format=%an <%ae>|%cn <%ce>|%B', r.head])).toBe(
      `Claude Code <claude@agents.baton>|Baton <baton@localhost>|${message}`,
    );
    expect(t.git(['status', '--porcelain'], w.dir)).toBe('');
  });

  it('makes no commit when nothing changed', async () => {
    const r = await commitLeftovers({ repo: t.repo, dir: w.dir, message });
    expect(r).toEqual({ committed: false, head: w.startCommit, branch: 'baton/r1/a' });
    expect(t.git(['rev-list', '--count', 'baton/r1/a'])).toBe('1');
  });

  it("commits on top of the agent's own commits, or makes none when it committed everything", async () => {
    t.write('one.txt', '1\n', w.dir);
    const agents = t.commitAll('agent: one', w.dir);
    expect(await commitLeftovers({ repo: t.repo, dir: w.dir, message })).toEqual({
      committed: false,
      head: agents,
      branch: 'baton/r1/a',
    });
    t.write('two.txt', '2\n', w.dir);
    const r = await commitLeftovers({ repo: t.repo, dir: w.dir, message });
    expect(r.committed).toBe(true);
    expect(t.git(['log', '--format=%s', `${w.startCommit}..${r.head}`])).toBe(
      'Baton: run r1, task a, agent claude\nagent: one',
    );
  });

  it("concludes the agent's own merge it resolved but did not commit", async () => {
    t.git(['checkout', '-q', '-b', 'side', 'main'], w.dir);
    t.write('README.md', 'side\n', w.dir);
    const side = t.commitAll('side', w.dir);
    t.git(['checkout', '-q', 'baton/r1/a'], w.dir);
    t.write('README.md', 'mine\n', w.dir);
    const mine = t.commitAll('mine', w.dir);
    try {
      t.git(['merge', '-q', 'side'], w.dir);
    } catch {
      // the conflict the agent then resolves
    }
    t.write('README.md', 'both\n', w.dir);
    t.git(['add', 'README.md'], w.dir);
    const r = await commitLeftovers({ repo: t.repo, dir: w.dir, message });
    expect(r.committed).toBe(true);
    expect(t.git(['log', '-1', '--format=%P', r.head])).toBe(`${mine} ${side}`);
    expect(t.git(['show', `${r.head}:README.md`])).toBe('both');
    expect(t.git(['status', '--porcelain'], w.dir)).toBe('');
  });

  it('refuses, committing nothing, a detached HEAD, another branch, unmerged files, a folder that is not a worktree', async () => {
    t.write('x.txt', 'x\n', w.dir);
    t.git(['checkout', '-q', '--detach'], w.dir);
    await expect(commitLeftovers({ repo: t.repo, dir: w.dir, message })).rejects.toMatchObject({
      reason: 'head_detached',
    });
    t.git(['checkout', '-q', '-b', 'elsewhere'], w.dir);
    await expect(
      commitLeftovers({ repo: t.repo, dir: w.dir, message, branch: 'baton/r1/a' }),
    ).rejects.toThrow('is on branch elsewhere, not baton/r1/a');
    t.git(['checkout', '-q', 'baton/r1/a'], w.dir);
    // The agent's own merge stopped on a conflict.
    t.git(['checkout', '-q', '-b', 'side', 'main'], w.dir);
    t.write('README.md', 'side\n', w.dir);
    t.commitAll('side', w.dir);
    t.git(['checkout', '-q', 'baton/r1/a'], w.dir);
    t.write('README.md', 'mine\n', w.dir);
    t.commitAll('mine', w.dir);
    try {
      t.git(['merge', '-q', 'side'], w.dir);
    } catch {
      // conflict, as intended
    }
    const before = t.git(['rev-parse', 'HEAD'], w.dir);
    await expect(commitLeftovers({ repo: t.repo, dir: w.dir, message })).rejects.toThrow(
      'has unmerged files (README.md)',
    );
    expect(t.git(['rev-parse', 'HEAD'], w.dir)).toBe(before);

    await expect(commitLeftovers({ repo: t.repo, dir: t.worktrees, message })).rejects.toMatchObject({
      reason: 'not_a_worktree',
    });
    t.write('sub/f.txt', 'f', w.dir);
    await expect(commitLeftovers({ repo: t.repo, dir: join(w.dir, 'sub'), message })).rejects.toThrow(
      /not its top folder/,
    );
    await expect(
      commitLeftovers({ repo: t.repo, dir: w.dir, message, author: { name: 'Evil <x@y>', email: 'a@b' } }),
    ).rejects.toThrow('author.name');
  });

  it("stages no repository elsewhere a folder's .git names (its HEAD would show), but keeps the agent's own nested one", async () => {
    // A repository the agent's sandbox hides (another workspace, ~/.password-store…).
    const hidden = makeRepo({ 'secret.txt': 'secret\n' });
    try {
      const hiddenHead = hidden.git(['rev-parse', 'HEAD']);
      t.write('probe/.git', `gitdir: ${join(hidden.repo, '.git')}\n`, w.dir);
      mkdirSync(join(w.dir, 'linked'));
      symlinkSync(join(hidden.repo, '.git'), join(w.dir, 'linked', '.git'));
      t.write('own/inner.txt', 'x\n', w.dir);
      t.git(['init', '-q', '-b', 'main'], join(w.dir, 'own'));
      t.git(['add', 'inner.txt'], join(w.dir, 'own'));
      t.git(['-c', 'user.name=a', '-c', 'user.email=a@b', 'commit', '-q', '-m', 'own'], join(w.dir, 'own'));
      t.write('kept.txt', 'kept\n', w.dir);
      const r = await commitLeftovers({ repo: t.repo, dir: w.dir, message, branch: 'baton/r1/a' });
      const tree = t.git(['ls-tree', r.head]);
      expect(tree).not.toContain(hiddenHead);
      expect(tree).not.toMatch(/\t(probe|linked)$/m);
      expect(tree).toMatch(/^160000 commit [0-9a-f]{40}\town$/m);
      expect(tree).toMatch(/\tkept\.txt$/m);
    } finally {
      hidden.cleanup();
    }
  });
});
