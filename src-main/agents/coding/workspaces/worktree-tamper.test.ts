import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitLeftovers } from './commits.ts';
import { conflictStep } from './conflict-worktree.ts';
import { diffSince } from './diff.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';
import { parkInPool } from './worktree-pool.ts';
import { removeWorktree } from './worktree-remove.ts';
import type { DependencyBranch, PreparedWorktree, PrepareWorktreeInput } from './worktrees.ts';
import { prepareWorktree } from './worktrees.ts';

/**
 * An agent writes in its worktree, `.git` included. Whatever it makes of `.git` (a link to another
 * repository or to another worktree's git folder, a repository of its own whose config runs
 * programs and moves the work tree, a symbolic link) or of its worktree's own config, the
 * operations Baton runs after the attempt touch only the task's worktree and branch in the
 * workspace's repository, and run no program the agent planted.
 */

let t: TempRepo;
/** Another repository of the user's, which the agent aims at. */
let other: TempRepo;
let pool: string;
/** Written by every program the agent plants (hook, fsmonitor, filter): it must never exist. */
let marker: string;
let planted: string;

beforeEach(() => {
  t = makeRepo({ 'README.md': 'hello\n', '.gitignore': 'node_modules/\n' });
  other = makeRepo({ 'README.md': 'the other repository\n' });
  other.write('untracked.txt', 'a person is working here\n');
  other.git(['branch', 'baton/r1/a']);
  pool = join(t.worktrees, '.parked', 'app');
  marker = join(t.root, 'planted-program-ran');
  planted = join(t.root, 'planted.sh');
  writeFileSync(planted, `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat\n`);
  chmodSync(planted, 0o755);
});
afterEach(() => {
  t.cleanup();
  other.cleanup();
});

async function prepared(task: string, more: Partial<PrepareWorktreeInput> = {}): Promise<PreparedWorktree> {
  const r = await prepareWorktree({
    repo: t.repo,
    baseBranch: 'main',
    branch: `baton/r1/${task}`,
    dir: join(t.worktrees, 'r1', task, 'tree'),
    ...more,
  });
  if (!r.ok) throw new Error('conflict');
  return r;
}

/** The worktree's own git folder, as git recorded it when it made the worktree. */
const gitDirOf = (dir: string) => readFileSync(join(dir, '.git'), 'utf8').trim().slice('gitdir: '.length);

/** A config that runs the planted program every way git can: hooks, fsmonitor, a clean filter. */
function plantedConfig(workTree: string): string {
  const hooks = join(t.root, 'planted-hooks');
  mkdirSync(hooks, { recursive: true });
  for (const hook of [
    'pre-commit',
    'commit-msg',
    'post-commit',
    'post-checkout',
    'post-merge',
    'reference-transaction',
  ])
    copyFileSync(planted, join(hooks, hook));
  return [
    '[core]',
    `\tworktree = ${workTree}`,
    `\tfsmonitor = ${planted}`,
    `\thooksPath = ${hooks}`,
    '[filter "evil"]',
    `\tclean = ${planted} clean`,
    `\tsmudge = ${planted} smudge`,
    '',
  ].join('\n');
}

interface Tampered {
  /** Folders that must stay exactly as they were (the other repository, another task's worktree). */
  untouched: string[];
}

type Operation = 'commit' | 'pool' | 'remove' | 'reuse' | 'conflict';

/** The ways an agent can make `.git`, or its worktree's config, lead Baton's git elsewhere. */
const TAMPERS: { name: string; tamper: (dir: string) => Promise<Tampered>; skip?: Operation[] }[] = [
  {
    name: '.git rewritten to point at another repository',
    tamper: async (dir) => {
      writeFileSync(join(dir, '.git'), `gitdir: ${join(other.repo, '.git')}\n`);
      return { untouched: [other.root] };
    },
  },
  {
    name: ".git rewritten to point at another task's worktree",
    tamper: async (dir) => {
      const b = await prepared('b');
      t.write('b-work.txt', 'b is not done yet\n', b.dir);
      writeFileSync(join(dir, '.git'), `gitdir: ${gitDirOf(b.dir)}\n`);
      return { untouched: [b.dir, gitDirOf(b.dir), other.root] };
    },
  },
  {
    name: ".git made a git folder of its own, on another repository's objects and branches",
    tamper: async (dir) => {
      rmSync(join(dir, '.git'));
      mkdirSync(join(dir, '.git'));
      writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/baton/r1/a\n');
      writeFileSync(join(dir, '.git', 'commondir'), `${join(other.repo, '.git')}\n`);
      return { untouched: [other.root] };
    },
  },
  {
    name: '.git made a repository of its own, whose config moves the work tree and runs programs',
    tamper: async (dir) => {
      rmSync(join(dir, '.git'));
      t.git(['init', '-q', '-b', 'baton/r1/a', dir]);
      writeFileSync(join(dir, '.git', 'config'), plantedConfig(other.repo), { flag: 'a' });
      return { untouched: [other.root] };
    },
  },
  {
    name: '.git deleted',
    tamper: async (dir) => {
      rmSync(join(dir, '.git'));
      return { untouched: [other.root] };
    },
  },
  {
    name: ".git made a symbolic link to another repository's git folder",
    tamper: async (dir) => {
      rmSync(join(dir, '.git'));
      symlinkSync(join(other.repo, '.git'), join(dir, '.git'));
      return { untouched: [other.root] };
    },
  },
  {
    name: "the worktree's own config (config.worktree) moves the work tree and runs programs",
    tamper: async (dir) => {
      t.git(['config', 'extensions.worktreeConfig', 'true']);
      writeFileSync(join(gitDirOf(dir), 'config.worktree'), plantedConfig(other.repo));
      return { untouched: [other.root] };
    },
    // git's own `worktree remove` (which Baton runs from the repository) reads no worktree config.
    skip: ['remove'],
  },
];

/** Every file and link under `root`, with its content: what "untouched" compares. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      const st = lstatSync(path);
      const key = relative(root, path);
      if (st.isSymbolicLink()) out[key] = `-> ${readlinkSync(path)}`;
      else if (st.isDirectory()) walk(path);
      else out[key] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root);
  return out;
}

/**
 * The agent did its work in `dir` and tampered. Returns the worktree's own git folder (as git
 * made it) and the check that runs after Baton's operation, whatever that operation did: nothing
 * else was touched and no planted program ran.
 */
async function tamperedAfterWork(dir: string, tamper: (dir: string) => Promise<Tampered>) {
  t.write('work.txt', 'the attempt’s work\n', dir);
  t.write('.gitattributes', '* filter=evil\n', dir);
  t.write('node_modules/kept.js', 'kept\n', dir);
  const gitDir = gitDirOf(dir);
  const { untouched } = await tamper(dir);
  const before = untouched.map(snapshot);
  const nothingElse = () => {
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : '').toBe('');
    expect(untouched.map(snapshot)).toEqual(before);
  };
  return { gitDir, nothingElse };
}

/** What an operation returned or threw: the checks that nothing else was touched come first. */
async function settled<T>(op: Promise<T>): Promise<() => T> {
  try {
    const value = await op;
    return () => value;
  } catch (e) {
    return () => {
      throw e;
    };
  }
}

/** `.git` is again what git wrote: a file naming the worktree's own git folder in the repository. */
function linkRestored(dir: string, gitDir: string) {
  expect(lstatSync(join(dir, '.git')).isFile()).toBe(true);
  expect(realpathSync(gitDirOf(dir))).toBe(realpathSync(gitDir));
  expect(t.git(['worktree', 'list', '--porcelain'])).toContain(`worktree ${dir}\n`);
}

/** A dependency's branch from main with `files` committed. */
function dependency(name: string, files: Record<string, string>): DependencyBranch {
  const dir = join(t.worktrees, `dep-${name}`);
  t.git(['worktree', 'add', '-q', '-b', `baton/r1/${name}`, dir, 'main']);
  for (const [p, c] of Object.entries(files)) t.write(p, c, dir);
  const commit = t.commitAll(`work of ${name}`, dir);
  t.git(['worktree', 'remove', dir]);
  return { branch: `baton/r1/${name}`, commit, label: `task ${name}` };
}

const OPERATIONS: Record<Operation, (tamper: (dir: string) => Promise<Tampered>) => Promise<void>> = {
  async commit(tamper) {
    const a = await prepared('a', { pool });
    const { gitDir, nothingElse } = await tamperedAfterWork(a.dir, tamper);

    const committing = await settled(
      commitLeftovers({ repo: t.repo, dir: a.dir, branch: a.branch, message: 'task a' }),
    );
    nothingElse();
    const committed = committing();
    expect(committed).toMatchObject({ committed: true, branch: 'baton/r1/a' });
    expect(committed.repaired).toMatch(/\.git|config\.worktree/);
    expect(t.git(['rev-parse', 'baton/r1/a'])).toBe(committed.head);
    expect(t.git(['show', 'baton/r1/a:work.txt'])).toBe('the attempt’s work');
    const diff = await diffSince({ repo: t.repo, dir: a.dir, base: a.startCommit });
    expect(diff.head).toBe(committed.head);
    expect(diff.files.map((f) => f.path).sort()).toEqual(['.gitattributes', 'work.txt']);
    nothingElse();
    linkRestored(a.dir, gitDir);
  },

  async pool(tamper) {
    const a = await prepared('a', { pool });
    const { nothingElse } = await tamperedAfterWork(a.dir, tamper);

    const parking = await settled(
      (async () => {
        const parked = await parkInPool({ repo: t.repo, dir: a.dir, pool, max: 2 });
        return { parked, taken: await prepared('c', { pool, keepIgnored: ['node_modules/'] }) };
      })(),
    );
    nothingElse();
    const { parked, taken } = parking();
    expect(parked.parked).not.toBeNull();
    expect(taken.recycled).toBe(true);
    expect(readdirSync(taken.dir).sort()).toEqual(['.git', '.gitignore', 'README.md', 'node_modules']);
    expect(t.git(['status', '--porcelain'], taken.dir)).toBe('');
    expect(t.git(['rev-parse', '--abbrev-ref', 'HEAD'], taken.dir)).toBe('baton/r1/c');
    expect(t.git(['rev-parse', 'baton/r1/a'])).toBe(a.startCommit);
  },

  async remove(tamper) {
    const a = await prepared('a', { pool });
    const { nothingElse } = await tamperedAfterWork(a.dir, tamper);

    const removing = await settled(removeWorktree({ repo: t.repo, dir: a.dir }));
    nothingElse();
    expect(removing()).toMatchObject({ removed: true, branch: 'baton/r1/a' });
    expect(existsSync(a.dir)).toBe(false);
    expect(t.git(['worktree', 'list', '--porcelain'])).not.toContain(a.dir);
  },

  async reuse(tamper) {
    const a = await prepared('a', { pool });
    const { gitDir, nothingElse } = await tamperedAfterWork(a.dir, tamper);

    const again = await settled(prepared('a', { pool }));
    nothingElse();
    expect(again()).toMatchObject({ state: 'reused', dir: a.dir });
    expect(again().repaired).toMatch(/\.git|config\.worktree/);
    linkRestored(a.dir, gitDir);
    expect(t.read('work.txt', a.dir)).toBe('the attempt’s work\n');
  },

  async conflict(tamper) {
    const from = [dependency('x', { 'README.md': 'x says\n' }), dependency('y', { 'README.md': 'y says\n' })];
    const at = { repo: t.repo, branch: 'baton/r1/m', dir: join(t.worktrees, 'm'), from };
    expect(await conflictStep(at)).toMatchObject({ ok: false, files: ['README.md'] });
    t.write('README.md', 'x and y say\n', at.dir); // resolved, not added
    const { gitDir, nothingElse } = await tamperedAfterWork(at.dir, tamper);

    const concluding = await settled(conflictStep(at));
    nothingElse();
    const done = concluding();
    expect(done.ok).toBe(true);
    expect(t.git(['rev-parse', 'baton/r1/m'])).toBe(done.ok ? done.start : '');
    expect(t.git(['show', 'baton/r1/m:README.md'])).toBe('x and y say');
    expect(t.git(['rev-list', '--parents', '-n', '1', 'baton/r1/m']).split(' ')).toHaveLength(3);
    linkRestored(at.dir, gitDir);
  },
};

const CASES = TAMPERS.flatMap((t) =>
  (Object.keys(OPERATIONS) as Operation[])
    .filter((op) => !t.skip?.includes(op))
    .map((op) => ({ tamper: t.name, op, run: () => OPERATIONS[op](t.tamper) })),
);

describe('what an agent makes of .git never leads Baton’s git elsewhere', () => {
  it.each(CASES)('$tamper: $op', async ({ run }) => {
    await run();
  });
});
