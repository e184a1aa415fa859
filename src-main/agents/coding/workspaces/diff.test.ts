import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitLeftovers } from './commits.ts';
import { diffCommits, diffSince } from './diff.ts';
import { fileHeads } from './file-heads.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import type { PreparedWorktree } from './worktrees.ts';
import { prepareWorktree } from './worktrees.ts';

const lines = (n: number, word: string) =>
  `${Array.from({ length: n }, (_, i) => `${word} ${i + 1}`).join('\n')}\n`;

let t: TempRepo;
let w: PreparedWorktree;
beforeEach(async () => {
  t = makeRepo({
    'README.md': 'hello\n',
    'src/keep.ts': lines(3, 'keep'),
    'src/gone.ts': lines(2, 'gone'),
    'docs/moved-from.md': lines(30, 'a long enough file to be recognised as renamed, line'),
    'logo.bin': '',
  });
  t.write('logo.bin', Buffer.from([0, 1, 2, 3, 0, 255]));
  t.commitAll('binary');
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

/** An attempt that adds, modifies, deletes, renames, and changes a binary file; part committed by the agent. */
async function attempt(): Promise<string> {
  t.write('src/new.ts', lines(4, 'new'), w.dir);
  t.commitAll('agent: new file', w.dir);
  t.write('src/keep.ts', 'keep 1\nkeep two\nkeep 3\nkeep 4\n', w.dir);
  rmSync(join(w.dir, 'src/gone.ts'));
  t.git(['mv', 'docs/moved-from.md', 'docs/moved-to.md'], w.dir);
  t.write('logo.bin', Buffer.from([0, 9, 9, 9, 0, 1, 2]), w.dir);
  t.write('pic.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]), w.dir);
  return (await commitLeftovers({ repo: t.repo, dir: w.dir, message: 'leftovers' })).head;
}

describe('diffSince', () => {
  it('lists each file with its status and +/- counts, binary files flagged, from the start commit to HEAD', async () => {
    const head = await attempt();
    const d = await diffSince({ repo: t.repo, dir: w.dir, base: w.startCommit });
    expect(d.base).toBe(w.startCommit);
    expect(d.head).toBe(head);
    expect(d.files).toEqual(
      expect.arrayContaining([
        { path: 'src/new.ts', status: 'added', additions: 4, deletions: 0, binary: false },
        { path: 'src/keep.ts', status: 'modified', additions: 2, deletions: 1, binary: false },
        { path: 'src/gone.ts', status: 'deleted', additions: 0, deletions: 2, binary: false },
        {
          path: 'docs/moved-to.md',
          oldPath: 'docs/moved-from.md',
          status: 'renamed',
          additions: 0,
          deletions: 0,
          binary: false,
        },
        { path: 'logo.bin', status: 'modified', additions: null, deletions: null, binary: true },
        { path: 'pic.png', status: 'added', additions: null, deletions: null, binary: true },
      ]),
    );
    expect(d.files).toHaveLength(6);
    expect({ additions: d.additions, deletions: d.deletions }).toEqual({ additions: 6, deletions: 3 });
    expect(d.patch).toContain('diff --git a/src/keep.ts b/src/keep.ts');
    expect(d.patch).toContain('-keep 2\n+keep two\n');
    expect(d.patch).toContain('rename from docs/moved-from.md');
    expect(d.patch).toContain('Binary files a/logo.bin and b/logo.bin differ');
    expect(d.patchBytes).toBe(Buffer.byteLength(d.patch));
    expect(d.truncatedNote).toBeNull();
  });

  it('is empty when nothing changed', async () => {
    const d = await diffSince({ repo: t.repo, dir: w.dir, base: w.startCommit });
    expect(d).toMatchObject({ files: [], additions: 0, deletions: 0, patch: '', truncatedNote: null });
  });

  it('cuts a large unified diff at a line end, says so, and keeps the whole file list', async () => {
    for (let i = 0; i < 20; i++) t.write(`gen/file-${i}.txt`, lines(500, `generated ${i}`), w.dir);
    await commitLeftovers({ repo: t.repo, dir: w.dir, message: 'generated' });
    const d = await diffSince({ repo: t.repo, dir: w.dir, base: w.startCommit, maxPatchBytes: 10_000 });
    expect(d.files).toHaveLength(20);
    expect(d.additions).toBe(10_000);
    expect(Buffer.byteLength(d.patch)).toBeLessThanOrEqual(10_000);
    expect(d.patch.endsWith('\n')).toBe(true);
    expect(d.patchBytes).toBeGreaterThan(100_000);
    expect(d.truncatedNote).toMatch(
      /^the diff is \d+ KB: only its first 10 KB are shown; the list of 20 changed files is complete$/,
    );
  });

  it('refuses a base that is not a commit of the repository', async () => {
    await expect(diffSince({ repo: t.repo, dir: w.dir, base: 'a'.repeat(40) })).rejects.toThrow(
      `base: commit ${'a'.repeat(40)} is not in`,
    );
    await expect(diffSince({ repo: t.repo, dir: w.dir, base: 'HEAD~1; rm -rf /' })).rejects.toThrow(
      'is not a commit id',
    );
  });
});

describe('diffCommits', () => {
  it('says what changed from one commit to another, run in the repository (a reviewed attempt, then the next)', async () => {
    const reviewed = await attempt();
    t.write('src/keep.ts', 'keep 1\nkeep two\nkeep three\nkeep 4\n', w.dir);
    const next = (await commitLeftovers({ repo: t.repo, dir: w.dir, message: 'the next attempt' })).head;
    const d = await diffCommits({ repo: t.repo, base: reviewed, head: next });
    expect({ base: d.base, head: d.head }).toEqual({ base: reviewed, head: next });
    expect(d.files).toEqual([
      { path: 'src/keep.ts', status: 'modified', additions: 1, deletions: 1, binary: false },
    ]);
    expect(d.patch).toContain('-keep 3\n+keep three\n');
    expect(d.patch).not.toContain('src/new.ts');
  });

  it('refuses a commit the repository does not have, naming which', async () => {
    const head = t.git(['rev-parse', 'HEAD']);
    await expect(diffCommits({ repo: t.repo, base: head, head: 'b'.repeat(40) })).rejects.toThrow(
      `head: commit ${'b'.repeat(40)} is not in`,
    );
    await expect(diffCommits({ repo: t.repo, base: '--output=x', head })).rejects.toThrow(
      'base: "--output=x" is not a commit id',
    );
  });
});

describe('fileHeads', () => {
  it('gives the first lines of files at a commit, naming those it skips and why', async () => {
    const head = await attempt();
    t.write('big.txt', lines(50_000, 'big'), w.dir);
    t.write('one-line.min.js', 'x'.repeat(50_000), w.dir);
    const big = (await commitLeftovers({ repo: t.repo, dir: w.dir, message: 'big' })).head;
    expect(big).not.toBe(head);
    const heads = await fileHeads({
      repo: t.repo,
      commit: big,
      files: [
        'src/new.ts',
        './src/keep.ts',
        'logo.bin',
        'src/gone.ts',
        'src',
        'big.txt',
        'one-line.min.js',
        'src/new.ts',
      ],
      lines: 2,
      maxFileBytes: 100_000,
      maxChars: 1_000,
    });
    expect(heads).toEqual([
      { path: 'src/new.ts', text: 'new 1\nnew 2\n', truncated: true },
      { path: 'src/keep.ts', text: 'keep 1\nkeep two\n', truncated: true },
      { path: 'logo.bin', skipped: 'binary' },
      { path: 'src/gone.ts', skipped: 'missing' },
      { path: 'src', skipped: 'not_a_file' },
      { path: 'big.txt', skipped: 'too_large' },
      { path: 'one-line.min.js', text: 'x'.repeat(1_000), truncated: true },
    ]);
    const budget = await fileHeads({
      repo: t.repo,
      commit: head,
      files: ['src/new.ts', 'src/keep.ts', 'README.md'],
      maxTotalBytes: 40, // new.ts (24 bytes) fits, keep.ts (30) does not, README.md (6) still does
    });
    expect(budget.map((h) => ('skipped' in h ? h.skipped : 'read'))).toEqual(['read', 'over_budget', 'read']);
    const whole = await fileHeads({ repo: t.repo, commit: head, files: ['src/new.ts'], lines: 10 });
    expect(whole).toEqual([{ path: 'src/new.ts', text: lines(4, 'new'), truncated: false }]);
  });

  it('refuses paths outside the repository', async () => {
    const commit = t.git(['rev-parse', 'HEAD']);
    for (const file of ['/etc/passwd', '../x', 'a/../../x', '']) {
      await expect(fileHeads({ repo: t.repo, commit, files: ['README.md', file] })).rejects.toThrow(
        /^files\[1\]: /,
      );
    }
  });
});
