import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitLeftovers } from './commits.ts';
import { WorkspaceError } from './errors.ts';
import { traceGit } from './git.ts';
import { lockedRepositories } from './repo-lock.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import type { DependencyBranch, PreparedWorktree } from './worktrees.ts';
import { prepareWorktree } from './worktrees.ts';

let t: TempRepo;
beforeEach(() => {
  t = makeRepo({ 'README.md': 'hello\n', 'src/app.ts': 'export const app = 1;\n' });
});
afterEach(() => {
  expect(lockedRepositories()).toBe(0);
  t.cleanup();
});

async function prepared(task: string, from: DependencyBranch[] = []): Promise<PreparedWorktree> {
  const result = await prepareWorktree({
    repo: t.repo,
    baseBranch: 'main',
    branch: `baton/r1/${task}`,
    dir: join(t.worktrees, task),
    from,
  });
  if (!result.ok) throw new Error(`conflict: ${JSON.stringify(result.conflict)}`);
  return result;
}

/** What an agent does: writes files in its worktree; Baton commits them. */
async function work(w: PreparedWorktree, files: Record<string, string>): Promise<string> {
  for (const [path, content] of Object.entries(files)) t.write(path, content, w.dir);
  const { head } = await commitLeftovers({ repo: t.repo, dir: w.dir, message: `task ${w.branch}` });
  return head;
}

const dep = (task: string): DependencyBranch => ({ branch: `baton/r1/${task}`, label: `task ${task}` });
const refuses = (reason: string) => expect.objectContaining({ name: 'WorkspaceError', reason });

describe('prepareWorktree', () => {
  it('starts a task without dependencies on the base branch, in its own worktree on its own branch', async () => {
    const main = t.git(['rev-parse', 'main']);
    const a = await prepared('a');
    expect(a).toMatchObject({ state: 'created', startCommit: main, head: main, branch: 'baton/r1/a' });
    expect(t.git(['branch', '--show-current'], a.dir)).toBe('baton/r1/a');
    expect(t.read('src/app.ts', a.dir)).toBe('export const app = 1;\n');
    expect(t.git(['status', '--porcelain'], a.dir)).toBe('');
    // Unlocked once ready, and the user's checkout did not move.
    expect(t.git(['worktree', 'list', '--porcelain'])).not.toContain('locked');
    expect(t.git(['branch', '--show-current'])).toBe('main');
  });

  it("makes a DAG of branches: a → b, a → c, b + c → d; d's worktree has b's and c's files", async () => {
    const a = await prepared('a');
    await work(a, { 'a.txt': 'from a\n' });
    const b = await prepared('b', [dep('a')]);
    expect(b.merged).toEqual([{ branch: 'baton/r1/a', how: 'start' }]);
    expect(t.read('a.txt', b.dir)).toBe('from a\n');
    const bHead = await work(b, { 'b.txt': 'from b\n' });
    const c = await prepared('c', [dep('a')]);
    await work(c, { 'c.txt': 'from c\n', 'src/app.ts': 'export const app = 2;\n' });

    const d = await prepared('d', [dep('b'), dep('c')]);
    expect(d.merged).toEqual([
      { branch: 'baton/r1/b', how: 'start' },
      { branch: 'baton/r1/c', how: 'merge' },
    ]);
    for (const [file, text] of [
      ['a.txt', 'from a\n'],
      ['b.txt', 'from b\n'],
      ['c.txt', 'from c\n'],
      ['src/app.ts', 'export const app = 2;\n'],
    ]) {
      expect(t.read(file!, d.dir)).toBe(text);
    }
    // d starts at a merge commit of b and c, named in its message, by Baton.
    expect(t.git(['rev-parse', `${d.startCommit}^1`])).toBe(bHead);
    expect(t.git(['rev-parse', `${d.startCommit}^2`])).toBe(t.git(['rev-parse', 'baton/r1/c']));
    const message = t.git(['log', '-1', '--format=%s%n%b%n%an <%ae>', d.startCommit]);
    expect(message).toContain('Merge task c (baton/r1/c) into baton/r1/d');
    expect(message).toContain('baton/r1/b, baton/r1/c');
    expect(message).toContain('Baton <baton@localhost>');
    expect(t.git(['status', '--porcelain'], d.dir)).toBe('');
  });

  it('takes a dependency at its recorded commit, not where its branch is now', async () => {
    const a = await prepared('a');
    const recorded = await work(a, { 'a.txt': 'v1\n' });
    await work(a, { 'a.txt': 'v2 (after the attempt was recorded)\n' });
    const b = await prepared('b', [{ ...dep('a'), commit: recorded }]);
    expect(b.startCommit).toBe(recorded);
    expect(t.read('a.txt', b.dir)).toBe('v1\n');
  });

  it('reports a conflict between dependencies with the file, and leaves no branch or worktree behind', async () => {
    const a = await prepared('a');
    await work(a, { 'shared.txt': 'line 1\nline 2\n' });
    const b = await prepared('b', [dep('a')]);
    await work(b, { 'shared.txt': 'line 1\nline 2 by b\n', 'b-only.txt': 'b\n' });
    const c = await prepared('c', [dep('a')]);
    await work(c, { 'shared.txt': 'line 1\nline 2 by c\n' });
    const before = t.git(['for-each-ref', '--format=%(refname) %(objectname)']);

    const dir = join(t.worktrees, 'd');
    const result = await prepareWorktree({
      repo: t.repo,
      baseBranch: 'main',
      branch: 'baton/r1/d',
      dir,
      from: [dep('b'), dep('c')],
    });
    expect(result).toEqual({
      ok: false,
      conflict: {
        files: ['shared.txt'],
        branches: ['baton/r1/b', 'baton/r1/c'],
        messages: ['CONFLICT (content): Merge conflict in shared.txt'],
      },
    });
    expect(existsSync(dir)).toBe(false);
    expect(t.git(['for-each-ref', '--format=%(refname) %(objectname)'])).toBe(before);
    expect(t.git(['worktree', 'list'])).not.toContain(dir);
  });

  it('reuses the worktree of a new attempt of the same task as it is, uncommitted changes and all', async () => {
    const first = await prepared('a');
    const agentCommit = await work(first, { 'a.txt': 'attempt 1\n' });
    t.write('notes.txt', 'left uncommitted\n', first.dir);

    const again = await prepared('a');
    expect(again).toMatchObject({
      state: 'reused',
      dir: first.dir,
      startCommit: first.startCommit,
      head: agentCommit,
    });
    expect(t.read('notes.txt', again.dir)).toBe('left uncommitted\n');
    expect(t.git(['status', '--porcelain'], again.dir)).toBe('?? notes.txt');
  });

  it('adds a worktree for an existing branch whose worktree was pruned, with its start kept', async () => {
    const first = await prepared('a');
    const agentCommit = await work(first, { 'a.txt': 'attempt 1\n' });
    t.git(['worktree', 'remove', '--force', first.dir]);

    const again = await prepared('a');
    expect(again).toMatchObject({ state: 'reattached', startCommit: first.startCommit, head: agentCommit });
    expect(t.read('a.txt', again.dir)).toBe('attempt 1\n');
    expect(t.git(['status', '--porcelain'], again.dir)).toBe('');
  });

  it('reattaches when the worktree folder was deleted without git knowing', async () => {
    const first = await prepared('a');
    await work(first, { 'a.txt': 'attempt 1\n' });
    t.git(['worktree', 'list']); // git still lists it
    const { rmSync } = await import('node:fs');
    rmSync(first.dir, { recursive: true, force: true });

    const again = await prepared('a');
    expect(again.state).toBe('reattached');
    expect(t.read('a.txt', again.dir)).toBe('attempt 1\n');
  });

  it('makes again a preparation that was cut short (Baton killed before the checkout)', async () => {
    // What a killed prepareWorktree leaves: a worktree record locked "baton: preparing", nothing checked out, no start recorded.
    const dir = join(t.worktrees, 'a');
    t.git([
      'worktree',
      'add',
      '--no-checkout',
      '--lock',
      '--reason',
      'baton: preparing',
      '-b',
      'baton/r1/a',
      dir,
      'main',
    ]);
    const a = await prepared('a');
    expect(a.state).toBe('created');
    expect(t.read('src/app.ts', a.dir)).toBe('export const app = 1;\n');
    expect(t.git(['status', '--porcelain'], a.dir)).toBe('');
  });

  it('refuses a branch Baton did not prepare, a branch checked out elsewhere, and a folder in use', async () => {
    t.git(['branch', 'baton/r1/mine']);
    await expect(
      prepareWorktree({
        repo: t.repo,
        baseBranch: 'main',
        branch: 'baton/r1/mine',
        dir: join(t.worktrees, 'm'),
      }),
    ).rejects.toEqual(refuses('branch_not_prepared'));

    const a = await prepared('a');
    await expect(
      prepareWorktree({
        repo: t.repo,
        baseBranch: 'main',
        branch: 'baton/r1/a',
        dir: join(t.worktrees, 'elsewhere'),
      }),
    ).rejects.toEqual(refuses('branch_in_use'));
    await expect(
      prepareWorktree({ repo: t.repo, baseBranch: 'main', branch: 'baton/r1/b', dir: a.dir }),
    ).rejects.toEqual(refuses('dir_not_empty'));

    const full = join(t.worktrees, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'not yours');
    await expect(
      prepareWorktree({ repo: t.repo, baseBranch: 'main', branch: 'baton/r1/f', dir: full }),
    ).rejects.toEqual(refuses('dir_not_empty'));
    expect(readFileSync(join(full, 'keep.txt'), 'utf8')).toBe('not yours');
    // An empty folder is fine.
    const empty = join(t.worktrees, 'empty');
    mkdirSync(empty);
    expect(
      (await prepareWorktree({ repo: t.repo, baseBranch: 'main', branch: 'baton/r1/e', dir: empty })).ok,
    ).toBe(true);
  });
  it('stops when its signal aborts, leaving nothing made', async () => {
    const controller = new AbortController();
    controller.abort();
    const dir = join(t.worktrees, 'a');
    await expect(
      prepareWorktree({
        repo: t.repo,
        baseBranch: 'main',
        branch: 'baton/r1/a',
        dir,
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ name: 'GitError', failure: 'aborted' });
    expect(existsSync(dir)).toBe(false);
    expect(t.git(['branch', '--list'])).toBe('* main');
  });
  it('cancelled after the worktree was added, before its files were checked out: removes it and its branch', async () => {
    const controller = new AbortController();
    traceGit((command) => {
      if (command.startsWith('git worktree add')) controller.abort();
    });
    const dir = join(t.worktrees, 'a');
    try {
      await expect(
        prepareWorktree({
          repo: t.repo,
          baseBranch: 'main',
          branch: 'baton/r1/a',
          dir,
          signal: controller.signal,
        }),
      ).rejects.toMatchObject({ failure: 'aborted' });
    } finally {
      traceGit(null);
    }
    expect(existsSync(dir)).toBe(false);
    expect(t.git(['worktree', 'list', '--porcelain'])).not.toContain(dir);
    expect(t.git(['for-each-ref', '--format=%(refname)'])).toBe('refs/heads/main');
    expect((await prepared('a')).state).toBe('created');
  });
});

describe('prepareWorktree refuses bad input with a clear error', () => {
  const input = () => ({
    repo: t.repo,
    baseBranch: 'main',
    branch: 'baton/r1/a',
    dir: join(t.worktrees, 'a'),
  });

  it('a repo path that is not a git repository, or a folder inside one', async () => {
    await expect(prepareWorktree({ ...input(), repo: t.worktrees })).rejects.toThrow(
      `repo: ${t.worktrees} is not a git repository`,
    );
    await expect(prepareWorktree({ ...input(), repo: join(t.repo, 'src') })).rejects.toThrow(
      /repo: .*src is inside the git repository .*repo, not its top folder/,
    );
    await expect(prepareWorktree({ ...input(), repo: join(t.repo, '.git') })).rejects.toThrow(
      /repo: .*\.git is inside the git folder .*\.git, not its top folder/,
    );
    await expect(prepareWorktree({ ...input(), repo: join(t.root, 'nowhere') })).rejects.toEqual(
      refuses('not_a_repository'),
    );
    await expect(prepareWorktree({ ...input(), repo: 'relative/path' })).rejects.toThrow(
      /not an absolute path/,
    );
  });

  it('a base branch that does not exist, named', async () => {
    await expect(prepareWorktree({ ...input(), baseBranch: 'develop' })).rejects.toThrow(
      `baseBranch: branch develop does not exist in ${t.repo}`,
    );
    await expect(prepareWorktree({ ...input(), from: [{ branch: 'baton/r1/gone' }] })).rejects.toThrow(
      'from[0].branch: branch baton/r1/gone does not exist',
    );
    await expect(
      prepareWorktree({ ...input(), from: [{ branch: 'main', commit: 'f'.repeat(40) }] }),
    ).rejects.toThrow(`from[0].commit: commit ${'f'.repeat(40)} is not in`);
  });

  it.each(['a..b', 'a b', '-x', 'HEAD', 'x.lock', 'a~1', 'a:b', 'a\nb', '', 'refs/heads/x'])(
    'a branch name git refuses: %j',
    async (branch) => {
      const err = await prepareWorktree({ ...input(), branch }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkspaceError);
      expect(err).toMatchObject({ reason: 'invalid_ref', code: 'invalid_input' });
      expect(String((err as Error).message)).toMatch(/^branch: /);
      expect(t.git(['branch', '--list'])).toBe('* main');
    },
  );

  it('a dir inside the repository (its working tree or its .git folder), or relative', async () => {
    for (const dir of [join(t.repo, 'wt'), join(t.repo, '.git', 'wt'), t.repo]) {
      await expect(prepareWorktree({ ...input(), dir })).rejects.toEqual(refuses('dir_inside_repository'));
    }
    await expect(prepareWorktree({ ...input(), dir: 'wt' })).rejects.toThrow(
      'dir: wt is not an absolute path',
    );
    expect(t.git(['branch', '--list'])).toBe('* main');
  });

  it("a dir inside another of the repository's worktrees", async () => {
    const other = await prepareWorktree({
      ...input(),
      branch: 'baton/r1/other',
      dir: join(t.worktrees, 'other'),
    });
    expect(other.ok).toBe(true);
    await expect(prepareWorktree({ ...input(), dir: join(t.worktrees, 'other', 'nested') })).rejects.toThrow(
      `is inside another worktree of the repository (${join(t.worktrees, 'other')})`,
    );
    expect(t.git(['branch', '--list', 'baton/r1/a'])).toBe('');
  });
});
