import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { commitLeftovers } from './commits.ts';
import { diffSince } from './diff.ts';
import { lockedRepositories } from './repo-lock.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import { removeWorktree } from './worktree-remove.ts';
import { prepareWorktree } from './worktrees.ts';

let t: TempRepo;
beforeEach(() => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 200; i++) files[`src/m${i % 10}/f${i}.ts`] = `export const f${i} = ${i};\n`;
  t = makeRepo(files);
});
afterEach(() => t.cleanup());

it('runs 8 attempts of one repository at once: every worktree is made, committed, diffed and removed', async () => {
  // Two earlier tasks whose branches half of the attempts start from (merged).
  const deps: string[] = [];
  for (const name of ['x', 'y']) {
    const r = await prepareWorktree({
      repo: t.repo,
      baseBranch: 'main',
      branch: `baton/r1/${name}`,
      dir: join(t.worktrees, name),
    });
    if (!r.ok) throw new Error('conflict');
    t.write(`${name}.txt`, `${name}\n`, r.dir);
    await commitLeftovers({ repo: t.repo, dir: r.dir, message: name });
    deps.push(`baton/r1/${name}`);
  }

  const attempts = Array.from({ length: 8 }, async (_, i) => {
    const branch = `baton/r1/t${i}`;
    const w = await prepareWorktree({
      repo: t.repo,
      baseBranch: 'main',
      branch,
      dir: join(t.worktrees, `t${i}`),
      from: i % 2 === 0 ? [] : deps.map((b) => ({ branch: b })),
    });
    if (!w.ok) throw new Error('conflict');
    expect(t.read('src/m3/f3.ts', w.dir)).toBe('export const f3 = 3;\n');
    t.write(`out/t${i}.txt`, `attempt ${i}\n`, w.dir);
    const { head, committed } = await commitLeftovers({ repo: t.repo, dir: w.dir, message: `t${i}`, branch });
    expect(committed).toBe(true);
    const d = await diffSince({ repo: t.repo, dir: w.dir, base: w.startCommit });
    expect(d.files.map((f) => f.path)).toEqual([`out/t${i}.txt`]);
    expect(await removeWorktree({ repo: t.repo, dir: w.dir })).toMatchObject({ removed: true, branch });
    return { branch, head, merged: i % 2 === 1 };
  });
  const results = await Promise.all(attempts);

  for (const r of results) {
    expect(t.git(['rev-parse', r.branch])).toBe(r.head);
    const files = t.git(['ls-tree', '-r', '--name-only', r.branch]);
    expect(files.includes('x.txt') && files.includes('y.txt')).toBe(r.merged);
  }
  expect(
    t
      .git(['worktree', 'list', '--porcelain'])
      .split('\n')
      .filter((l) => l.startsWith('worktree ')),
  ).toHaveLength(3);
  expect(lockedRepositories()).toBe(0);
});
