// Speed probe of the git part of one coding attempt, on a repository of 20,000
// files of ~1 KB in 200 folders: prepare the worktree, the agent writes 3 files, commit what
// it left, diff since the start, remove the worktree. Prints median and p90 of each phase over
// 10 attempts, then the same git work done other ways, to show what dominates and what would
// make it cheaper. It asserts nothing.
//
//   node_modules/.bin/node test/bench/coding-git.ts [--dir <folder>] [--files 20000] [--attempts 10] [--trace] [--no-variants]
//
// `--dir` puts the repository and worktrees on another filesystem (e.g. /dev/shm, to tell the
// disk's part from git's). Everything is made in a temp folder and removed at the end.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  commitLeftovers,
  diffSince,
  parkInPool,
  prepareWorktree,
  removeWorktree,
  traceGit,
} from '../../src-main/agents/coding/workspaces/index.ts';
import { benchGitEnv, FOLDERS, makeBenchRepository } from './bench-repo.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: tmpdir() },
    files: { type: 'string', default: '20000' },
    attempts: { type: 'string', default: '10' },
    /** Print each git command of the measured attempts that took `--trace-ms` (50) ms or more. */
    trace: { type: 'boolean', default: false },
    'trace-ms': { type: 'string', default: '50' },
    /** Skip the plain-git variants (`npm run bench` wants only the attempt's phases). */
    'no-variants': { type: 'boolean', default: false },
  },
});
const FILES = Number(values.files);
const ATTEMPTS = Number(values.attempts);

const root = mkdtempSync(join(values.dir, 'baton-coding-git-'));
const repo = join(root, 'repo');
const worktrees = join(root, 'worktrees');
const git = (args: string[], cwd = repo) =>
  execFileSync('git', args, { cwd, env: benchGitEnv, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();

function makeRepository(): void {
  makeBenchRepository(repo, FILES);
  mkdirSync(worktrees);
}

type Timings = Record<string, number>;

const now = () => performance.now();

/**
 * One attempt: in a new worktree removed at the end, or, as the engine does, in its own
 * folder with a worktree taken from the pool (`prepareWorktree` with `pool`), parked again at
 * the end (`parkInPool`).
 */
async function attempt(n: number, mode: 'fresh' | 'parked'): Promise<Timings> {
  const t: Timings = {};
  let at = now();
  const lap = (name: string) => {
    const end = now();
    t[name] = end - at;
    at = end;
  };
  if (values.trace) {
    traceGit((command, ms) => {
      if (ms >= Number(values['trace-ms']))
        console.log(`  ${mode} #${n}: ${ms.toFixed(0).padStart(5)} ms ${command.slice(0, 100)}`);
    });
  }
  const dir = join(worktrees, mode === 'fresh' ? `t${n}` : `p${n}`);
  const pool = join(worktrees, '.parked');
  const w = await prepareWorktree({
    repo,
    baseBranch: 'main',
    branch: `baton/bench/${mode}-${n}`,
    dir,
    ...(mode === 'parked' ? { pool } : {}),
  });
  if (!w.ok) throw new Error('conflict');
  if (w.state !== 'created' || w.recycled !== (mode === 'parked' && n >= 0)) {
    throw new Error(`unexpected worktree: ${w.state}, recycled ${w.recycled}`);
  }
  lap('prepareWorktree');
  writeFileSync(join(w.dir, 'pkg1/src/file1.ts'), '// changed by the agent\n');
  writeFileSync(join(w.dir, 'pkg2/src/new.ts'), 'export const added = true;\n');
  writeFileSync(join(w.dir, 'NOTES.md'), '# what the agent did\n');
  lap('(agent writes 3 files)');
  await commitLeftovers({ repo, dir: w.dir, message: `Baton: run bench, task t${n}, agent bench` });
  lap('commitLeftovers');
  const d = await diffSince({ repo, dir: w.dir, base: w.startCommit });
  if (d.files.length !== 3) throw new Error(`expected 3 changed files, got ${d.files.length}`);
  lap('diffSince');
  if (mode === 'fresh') await removeWorktree({ repo, dir: w.dir });
  else await parkInPool({ repo, dir: w.dir, pool, max: 2 });
  lap(mode === 'fresh' ? 'removeWorktree' : 'parkInPool');
  t['git total'] = Object.entries(t)
    .filter(([k]) => !k.startsWith('('))
    .reduce((s, [, v]) => s + v, 0);
  return t;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

function table(title: string, runs: Timings[]): void {
  console.log(`\n${title}`);
  console.log(`${'phase'.padEnd(34)}${'p50 ms'.padStart(9)}${'p90 ms'.padStart(9)}`);
  for (const key of Object.keys(runs[0]!)) {
    const xs = runs.map((r) => r[key]!);
    console.log(
      `${key.padEnd(34)}${quantile(xs, 0.5).toFixed(0).padStart(9)}${quantile(xs, 0.9).toFixed(0).padStart(9)}`,
    );
  }
}

/** Times plain git commands the ways the attempt's steps could be done. */
function variants(n: number): Timings {
  const t: Timings = {};
  const time = (name: string, fn: () => unknown) => {
    const s = now();
    fn();
    t[name] = now() - s;
  };
  const dir = (k: string) => join(worktrees, `v${n}-${k}`);
  time('worktree add (full checkout)', () =>
    git(['worktree', 'add', '-q', '-b', `v/${n}/a`, dir('a'), 'main']),
  );
  time('worktree remove --force', () => git(['worktree', 'remove', '--force', dir('a')]));
  time('add --no-checkout', () =>
    git(['worktree', 'add', '-q', '--no-checkout', '-b', `v/${n}/b`, dir('b'), 'main']),
  );
  time('  + read-tree --reset -u HEAD', () => git(['read-tree', '--reset', '-u', 'HEAD'], dir('b')));
  time('  first add -A (racy files rehashed)', () => git(['add', '-A'], dir('b')));
  time('  second add -A', () => git(['add', '-A'], dir('b')));
  time('rename folder + worktree prune', () => {
    execFileSync('mv', [dir('b'), `${dir('b')}.trash`]);
    git(['worktree', 'prune']);
  });
  time('  rm -rf of the renamed folder', () => rmSync(`${dir('b')}.trash`, { recursive: true, force: true }));
  git(['worktree', 'add', '-q', '--no-checkout', '-b', `v/${n}/c`, dir('c'), 'main']);
  time(`reset --hard, checkout.workers=${cpus().length}`, () =>
    git(
      [
        '-c',
        'checkout.workers=0',
        '-c',
        'checkout.thresholdForParallelism=1',
        'reset',
        '-q',
        '--hard',
        'HEAD',
      ],
      dir('c'),
    ),
  );
  writeFileSync(join(dir('c'), 'pkg3/src/file3.ts'), '// changed\n');
  time('  add -A, untrackedCache + index.threads', () =>
    git(['-c', 'core.untrackedCache=true', '-c', 'index.threads=true', 'add', '-A'], dir('c')),
  );
  git(['commit', '-q', '-m', 'c'], dir('c'));
  time('diff --numstat -M (renames)', () => git(['diff', '--numstat', '-M', 'main', 'HEAD'], dir('c')));
  time('diff --numstat --no-renames', () =>
    git(['diff', '--numstat', '--no-renames', 'main', 'HEAD'], dir('c')),
  );
  // A worktree kept and switched to the next task's start: only files that differ are written.
  time('recycled: checkout -f -B + clean -ffd', () => {
    git(['checkout', '-q', '-f', '-B', `v/${n}/d`, 'main'], dir('c'));
    git(['clean', '-q', '-ffd'], dir('c'));
  });
  time('spawn one git (git rev-parse HEAD)', () => git(['rev-parse', 'HEAD'], dir('c')));
  git(['worktree', 'remove', '--force', dir('c')]);
  return t;
}

async function main(): Promise<void> {
  const made = now();
  makeRepository();
  console.log(
    `repository: ${FILES} files of ~1 KB in ${FOLDERS} folders at ${root} (made in ${((now() - made) / 1000).toFixed(1)} s); ` +
      `${git(['version'])}; ${cpus().length} cores; load ${execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).trim()}`,
  );
  await attempt(-1, 'fresh'); // warm-up: the first attempt also reads the repository into the page cache
  const runs: Timings[] = [];
  for (let i = 0; i < ATTEMPTS; i++) runs.push(await attempt(i, 'fresh'));
  table(`one attempt in a new worktree, git's part (${ATTEMPTS} attempts)`, runs);
  await attempt(-1, 'parked'); // makes the parked worktree
  const parked: Timings[] = [];
  for (let i = 0; i < ATTEMPTS; i++) parked.push(await attempt(i, 'parked'));
  table(`one attempt in a parked worktree, git's part (${ATTEMPTS} attempts)`, parked);
  const p50s = (rs: Timings[]) =>
    Object.fromEntries(
      Object.keys(rs[0]!).map((k) => [
        k,
        quantile(
          rs.map((r) => r[k]!),
          0.5,
        ),
      ]),
    );
  // For `npm run bench` (run.ts): the p50 of each phase, both ways.
  console.log(
    `CODING_GIT_RESULT ${JSON.stringify({ files: FILES, fresh: p50s(runs), parked: p50s(parked) })}`,
  );
  if (values['no-variants']) return;
  const other: Timings[] = [];
  for (let i = 0; i < Math.min(ATTEMPTS, 5); i++) other.push(variants(i));
  table(`the same git work done other ways (${other.length} runs, plain git)`, other);
}

try {
  await main();
} finally {
  rmSync(root, { recursive: true, force: true });
}
