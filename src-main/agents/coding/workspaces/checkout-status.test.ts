import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkoutChanges } from './checkout-status.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';

let t: TempRepo;
beforeEach(() => {
  t = makeRepo({ 'README.md': 'hello\n', 'old.txt': 'old\n', '.gitignore': 'build/\n' });
});
afterEach(() => t.cleanup());

describe('checkoutChanges', () => {
  it('says nothing of a clean checkout, nor of ignored files', async () => {
    t.write('build/out.js', 'ignored\n');
    expect(await checkoutChanges({ repo: t.repo })).toEqual({ count: 0, paths: [] });
  });

  it('counts staged, unstaged, renamed and untracked changes, naming the first, without touching the index', async () => {
    t.write('README.md', 'edited\n');
    t.write('staged.txt', 'new\n');
    t.git(['add', 'staged.txt']);
    t.git(['mv', 'old.txt', 'moved.txt']);
    t.write('notes/a.txt', 'untracked\n');
    const index = readFileSync(join(t.repo, '.git', 'index'));
    const changes = await checkoutChanges({ repo: t.repo });
    expect(changes.count).toBe(4);
    expect([...changes.paths].sort()).toEqual(['README.md', 'moved.txt', 'notes/', 'staged.txt']);
    expect(readFileSync(join(t.repo, '.git', 'index')).equals(index)).toBe(true);
    expect(await checkoutChanges({ repo: t.repo, maxPaths: 1 })).toMatchObject({ count: 4 });
    expect((await checkoutChanges({ repo: t.repo, maxPaths: 1 })).paths).toHaveLength(1);
  });
});
