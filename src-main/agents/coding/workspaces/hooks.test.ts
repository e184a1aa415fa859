import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { commitLeftovers } from './commits.ts';
import { mergeBranches } from './merge-branches.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import { removeWorktree } from './worktree-remove.ts';
import { prepareWorktree } from './worktrees.ts';

const HOOKS = [
  'pre-commit',
  'commit-msg',
  'post-commit',
  'post-checkout',
  'pre-merge-commit',
  'post-merge',
  'reference-transaction',
];

let t: TempRepo;
let ran: string;
beforeEach(() => {
  t = makeRepo();
  ran = join(t.root, 'hooks-ran.log');
  // Hooks in both places a repository keeps them: .git/hooks and a core.hooksPath of its own config.
  for (const folder of ['.git/hooks', 'repo-hooks']) {
    for (const hook of HOOKS) {
      t.write(join(folder, hook), `#!/bin/sh\necho "${folder} ${hook}" >> '${ran}'\n`);
      chmodSync(join(t.repo, folder, hook), 0o755);
    }
  }
  t.git(['add', 'repo-hooks']);
  t.git(['commit', '-q', '--no-verify', '-m', 'hooks']);
});
afterEach(() => t.cleanup());

it("runs none of the repository's hooks on Baton's own worktree adds, commits and merges", async () => {
  // The hooks work: git run as a person runs them.
  t.git(['commit', '-q', '--allow-empty', '-m', 'by a person']);
  expect(readFileSync(ran, 'utf8')).toContain('.git/hooks pre-commit');
  t.git(['config', 'core.hooksPath', 'repo-hooks']);
  t.git(['commit', '-q', '--allow-empty', '-m', 'by a person, again']);
  expect(readFileSync(ran, 'utf8')).toContain('repo-hooks pre-commit');
  t.git(['config', '--unset', 'core.hooksPath']);
  for (const config of [null, 'repo-hooks']) {
    if (config) t.git(['config', 'core.hooksPath', config]);
    const target = `target-${config ?? 'default'}`;
    t.git(['branch', target, 'main']);
    t.git(['commit', '-q', '--no-verify', '--allow-empty', '-m', 'main moves on']);
    t.write('hooks-ran.log', '', t.root); // from here on, only Baton runs git

    const branch = `baton/r1/a-${config ?? 'default'}`;
    const a = await prepareWorktree({
      repo: t.repo,
      baseBranch: 'main',
      branch,
      dir: join(t.worktrees, branch),
    });
    if (!a.ok) throw new Error('conflict');
    t.write('a.txt', 'a\n', a.dir);
    await commitLeftovers({ repo: t.repo, dir: a.dir, message: 'task a' });
    const b = await prepareWorktree({
      repo: t.repo,
      baseBranch: 'main',
      branch: `${branch}-b`,
      dir: join(t.worktrees, `${branch}-b`),
      from: [{ branch }, { branch: 'main' }],
    });
    if (!b.ok) throw new Error('conflict');
    t.write('b.txt', 'b\n', b.dir);
    await commitLeftovers({ repo: t.repo, dir: b.dir, message: 'task b' });
    const merged = await mergeBranches({
      repo: t.repo,
      target,
      branches: [`${branch}-b`, 'main'],
      mode: 'merge',
    });
    expect(merged).toMatchObject({ ok: true, steps: [{ how: 'merge' }, { how: 'already-merged' }] });
    await removeWorktree({ repo: t.repo, dir: a.dir });

    expect(existsSync(ran) ? readFileSync(ran, 'utf8') : '').toBe('');
  }
});
