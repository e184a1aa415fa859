import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { deleteTaskBranches } from './branches.ts';
import {
  changedPaths,
  checkpointRef,
  deleteCheckpoints,
  listCheckpoints,
  recordCheckpoint,
  restoreTree,
  snapshotTree,
} from './checkpoints.ts';
import { lockedRepositories } from './repo-lock.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import { removeWorktree } from './worktree-remove.ts';
import { prepareWorktree } from './worktrees.ts';

let t: TempRepo;
let dir: string;
const branch = 'baton/r1/t1';

beforeEach(async () => {
  t = makeRepo({ 'README.md': 'hello\n', '.gitignore': 'node_modules/\n' });
  const w = await prepareWorktree({ repo: t.repo, baseBranch: 'main', branch, dir: join(t.worktrees, 't1') });
  if (!w.ok) throw new Error('no worktree');
  dir = w.dir;
});

afterEach(() => {
  vi.unstubAllEnvs();
  expect(lockedRepositories()).toBe(0);
  t.cleanup();
});

/** Every file of the worktree but `.git` and ignored `node_modules`, with a hash of its bytes. */
function hashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const rel = relative(root, p);
      if (rel === '.git' || rel === 'node_modules') continue;
      if (e.isDirectory()) walk(p);
      else out[rel] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(root);
  return out;
}

async function take(turn: number, parent: string | null): Promise<string> {
  const { tree, head } = await snapshotTree({ repo: t.repo, dir });
  const from = parent ?? head!;
  const files = (await changedPaths({ repo: t.repo, from, to: tree })).length;
  return recordCheckpoint({
    repo: t.repo,
    ref: checkpointRef(branch, 1, turn),
    tree,
    parent: from,
    message: `Turn ${turn}\n\nFiles: ${files}\nAt: 2026-01-01T00:00:0${turn}.000Z`,
  });
}

it('keeps each turn on a private ref without touching the index, and restores a turn exactly', async () => {
  const index = () => readFileSync(join(t.repo, '.git', 'worktrees', 't1', 'index'));
  const indexBefore = index();
  const seen: Record<string, string>[] = [];
  let parent: string | null = null;
  for (let n = 1; n <= 4; n++) {
    writeFileSync(join(dir, `file${n}.txt`), `turn ${n}\n`);
    if (n === 3) writeFileSync(join(dir, 'README.md'), 'changed in turn 3\n');
    if (n === 4) rmSync(join(dir, 'file1.txt'));
    parent = await take(n, parent);
    seen.push(hashes(dir));
  }
  mkdirSync(join(dir, 'node_modules'));
  writeFileSync(join(dir, 'node_modules', 'kept.js'), 'ignored\n');
  // The agent's index and branch are as they were; no branch is made.
  expect(index().equals(indexBefore)).toBe(true);
  expect(t.git(['branch', '--list', '--all'])).not.toContain('checkpoint');
  expect(t.git(['status', '--porcelain'], dir)).toContain('?? file2.txt');

  const list = await listCheckpoints({ repo: t.repo, branch });
  expect(list.map((c) => [c.attempt, c.turn, c.files])).toEqual([
    [1, 1, 1],
    [1, 2, 1],
    [1, 3, 2],
    [1, 4, 2],
  ]);
  expect(list[1]!.at).toBe('2026-01-01T00:00:02.000Z');
  expect(list[1]!.parent).toBe(list[0]!.commit);

  const changed = await restoreTree({ repo: t.repo, dir, tree: list[1]!.tree });
  expect(changed.sort()).toEqual(['README.md', 'file1.txt', 'file3.txt', 'file4.txt']);
  expect(hashes(dir)).toEqual(seen[1]);
  expect(existsSync(join(dir, 'file3.txt'))).toBe(false);
  // Ignored files are in no checkpoint and are left alone.
  expect(readFileSync(join(dir, 'node_modules', 'kept.js'), 'utf8')).toBe('ignored\n');
  expect(index().equals(indexBefore)).toBe(true);

  expect(await deleteCheckpoints({ repo: t.repo, branch })).toBe(4);
  expect(await listCheckpoints({ repo: t.repo, branch })).toEqual([]);
});

it("runs no filter driver an agent's .gitattributes names while it takes or restores a checkpoint", async () => {
  const ran = join(t.root, 'filter-ran.log');
  const home = join(t.root, 'home');
  mkdirSync(home);
  writeFileSync(
    join(home, '.gitconfig'),
    `[filter "evil"]\n\tclean = echo clean >> '${ran}'; cat\n\tsmudge = echo smudge >> '${ran}'; cat\n\trequired = true\n`,
  );
  vi.stubEnv('GIT_CONFIG_GLOBAL', join(home, '.gitconfig'));
  // The agent's files name the person's filter.
  writeFileSync(join(dir, '.gitattributes'), '*.txt filter=evil\n');
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  const first = await take(1, null);
  writeFileSync(join(dir, 'a.txt'), 'two\n');
  await take(2, first);
  const [one] = await listCheckpoints({ repo: t.repo, branch, attempt: 1 });
  await restoreTree({ repo: t.repo, dir, tree: one!.tree });
  expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one\n');
  expect(existsSync(ran)).toBe(false);
});

it("restores with what its jail may write: the worktree and a folder of its own, never the repository's git folders", async () => {
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  const first = await take(1, null);
  writeFileSync(join(dir, 'a.txt'), 'two\n');
  await take(2, first);
  const [one] = await listCheckpoints({ repo: t.repo, branch, attempt: 1 });
  // A jail that runs git as it is and says what it was asked to let it write.
  const asked: { command: string; writable: string[] }[] = [];
  const jail =
    (writable: string[]) => async (command: string, args: string[], env: Record<string, string>) => {
      asked.push({ command: args.find((a) => a === 'add' || a === 'read-tree') ?? command, writable });
      return { command, args, env, release: async () => {} };
    };
  await restoreTree({ repo: t.repo, dir, tree: one!.tree, jail });
  expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one\n');
  const gitFolder = join(t.repo, '.git');
  const reset = asked.find((a) => a.command === 'read-tree')!;
  // The worktree, and the index's own folder (gone once the revert is over).
  expect(reset.writable[0]).toBe(dir);
  expect(reset.writable).toHaveLength(2);
  expect(reset.writable.some((w) => w === gitFolder || w.startsWith(`${gitFolder}/`))).toBe(false);
  expect(existsSync(reset.writable[1]!)).toBe(false);
  // Reading the files writes objects: the repository's git folder, as a checkpoint's add does.
  expect(asked.find((a) => a.command === 'add')!.writable).toContain(gitFolder);
});

it('goes with its branch: a worktree removed with its branch, or the branch deleted, leaves no checkpoint', async () => {
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  await take(1, null);
  expect(await listCheckpoints({ repo: t.repo, branch })).toHaveLength(1);
  await removeWorktree({ repo: t.repo, dir });
  // The branch stays (the task's result): its checkpoints too.
  expect(await listCheckpoints({ repo: t.repo, branch })).toHaveLength(1);
  const tip = t.git(['rev-parse', branch]);
  const r = await deleteTaskBranches({ repo: t.repo, branches: [{ name: branch, tip }] });
  expect(r.deleted).toEqual([branch]);
  expect(t.git(['for-each-ref', 'refs/baton/checkpoints/'])).toBe('');

  const w = await prepareWorktree({
    repo: t.repo,
    baseBranch: 'main',
    branch: 'baton/r1/t2',
    dir: join(t.worktrees, 't2'),
  });
  if (!w.ok) throw new Error('no worktree');
  dir = w.dir;
  writeFileSync(join(dir, 'b.txt'), 'two\n');
  const { tree, head } = await snapshotTree({ repo: t.repo, dir });
  await recordCheckpoint({
    repo: t.repo,
    ref: checkpointRef('baton/r1/t2', 1, 1),
    tree,
    parent: head,
    message: 'Turn 1',
  });
  await removeWorktree({ repo: t.repo, dir, deleteBranch: true });
  expect(t.git(['for-each-ref', 'refs/baton/checkpoints/'])).toBe('');
});
