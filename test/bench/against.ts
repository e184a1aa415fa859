// `npm run bench -- --against <commit>`: the engine's figures of the working tree beside those of
// another commit, built beside it in a temporary git worktree and measured alternately. See
// README.md beside this file ("Against another commit").
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { engineEnv } from '../../src-main/base/engine-env.ts';
import { ENGINE_V8_FLAGS } from '../../src-main/cli/v8-flags.ts';
import { buildIfStale } from './build.ts';
import { RESULT_PREFIX, type WorkerResult } from './measure.ts';
import { fmt } from './report.ts';
import { batonEntry } from './serve-spawn.ts';

/** One tree measured: the working tree, or the commit's checkout. */
interface Tree {
  label: string;
  dir: string;
  /** The V8 flags that tree's engine processes start with (its own `v8-flags.ts`). */
  flags: readonly string[];
  /** The environment they start with (its own `base/engine-env.ts`, where it has one). */
  env: NodeJS.ProcessEnv;
}

/** A figure of the engine, and whether more is better. */
interface Figure {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  digits: number;
}

/** One measurement of a tree, giving some of the figures (by name; null: it failed). */
interface Measurement {
  figures: Figure[];
  run(tree: Tree): Promise<(number | null)[]>;
}

const git = (cwd: string, args: string[]) =>
  spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });

/** Runs a tree's own bench worker and reads its result line (null, said, when it fails). */
function worker(tree: Tree, args: string[], capS: number): Promise<WorkerResult | null> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...tree.flags, join(tree.dir, 'test/bench/baton-worker.ts'), ...args],
      {
        cwd: tree.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: tree.env,
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b));
    child.stderr.on('data', (b: Buffer) => (err += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), capS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        const said = err
          .split('\n')
          .filter((l) => l.trim() !== '' && !l.startsWith('BENCH_PROGRESS'))
          .slice(-3)
          .join(' | ');
        console.log(`      ${tree.label}: baton-worker.ts ${args.join(' ')} failed (exit ${code}): ${said}`);
        return resolve(null);
      }
      const r = JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkerResult;
      resolve(r.ok ? r : null);
    });
  });
}

/**
 * `baton serve` of a tree on a fresh data folder: ms from its spawn to the line with its address
 * and token. It is stopped at once after, or `liveMs` after that line.
 */
function serveStart(tree: Tree, liveMs = 0): Promise<number | null> {
  const data = mkdtempSync(join(tmpdir(), 'baton-against-serve-'));
  const t0 = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [...tree.flags, batonEntry(tree.dir), 'serve', '--port', '0', '--data-dir', data],
    // Its stderr is not read: ignored, so a start that runs `liveMs` cannot fill the pipe and stall.
    { cwd: tree.dir, stdio: ['ignore', 'pipe', 'ignore'], env: tree.env },
  );
  return new Promise<number | null>((resolve) => {
    let out = '';
    let done = false;
    const finish = (ms: number | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(ms);
    };
    const timer = setTimeout(() => finish(null), 60_000);
    child.stdout?.on('data', (b: Buffer) => {
      out += b;
      if (/Baton is serving http:\/\/\S+/.test(out)) finish(performance.now() - t0);
    });
    child.once('exit', () => finish(null));
  }).finally(async () => {
    if (liveMs > 0 && child.exitCode === null && child.signalCode === null)
      await new Promise((r) => setTimeout(r, liveMs));
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    }
    rmSync(data, { recursive: true, force: true });
  });
}

/** Unmeasured starts before the checkout's count: at most this many. */
const MAX_WARM_STARTS = 8;
/** How long the checkout's second start runs before it is stopped (a person's first launch runs longer than a start). */
const FIRST_LAUNCH_MS = 5_000;
/** The checkout is warm once it starts within this many times the working tree's fastest start. */
const WARM_WITHIN = 1.3;

/**
 * Unmeasured `baton serve` starts before the rounds: one of the working tree that runs
 * `FIRST_LAUNCH_MS`, then two more; the checkout's first (it builds the UI and fills Node's
 * compile cache, ~2.7 s); one of the checkout that runs `FIRST_LAUNCH_MS` before it is stopped;
 * then the checkout's until it starts within `WARM_WITHIN` of the working tree's fastest (at most
 * `MAX_WARM_STARTS`, said). Without the long one, a new checkout often kept starting in about
 * twice a warm start's time, stopped at once after each: 434–516 ms over eight starts and every
 * round after, the working tree 193–246; after one start that ran 5 s, 210–229 (two runs of four
 * such starts). Why is not known; a person's first launch runs longer than a start. A working tree
 * whose bundle the bench had just built did the same (2026-11-29: 354–513 ms against the
 * checkout's 222–279 in all five rounds; 234–295 against 224–240 after one start of 5 s), so it
 * gets the long start too. A commit that really starts slower stays slower after this, and its
 * rounds show it.
 */
async function warmServeStarts(working: Tree, other: Tree): Promise<void> {
  await serveStart(working, FIRST_LAUNCH_MS);
  const own = [await serveStart(working), await serveStart(working)].filter((ms) => ms !== null);
  // The working tree did not start: the checkout gets its warm-up starts all the same.
  const fastest = own.length > 0 ? Math.min(...own) : null;
  const took: string[] = [];
  for (const liveMs of [0, FIRST_LAUNCH_MS]) {
    const ms = await serveStart(other, liveMs);
    took.push(ms === null ? 'failed' : `${fmt(ms, 0)} ms${liveMs > 0 ? ` (ran ${liveMs / 1000} s)` : ''}`);
  }
  let warm = false;
  for (let i = 0; i < MAX_WARM_STARTS && !warm; i++) {
    const ms = await serveStart(other);
    took.push(ms === null ? 'failed' : `${fmt(ms, 0)} ms`);
    warm = ms !== null && fastest !== null && ms <= WARM_WITHIN * fastest;
  }
  const note =
    fastest === null
      ? " (the working tree's own starts failed)"
      : warm
        ? ''
        : ` (still over ${WARM_WITHIN}× the working tree's ${fmt(fastest, 0)} ms)`;
  console.log(`unmeasured \`baton serve\` starts: ${other.label} ${took.join(', ')}${note}\n`);
}

const MEASUREMENTS: Measurement[] = [
  {
    figures: [
      { name: '10,000-task DAG, tasks/s', unit: '', higherIsBetter: true, digits: 0 },
      { name: '10,000-task DAG, CPU per task', unit: 'µs', higherIsBetter: false, digits: 1 },
      { name: '10,000-task DAG, hand-off p99', unit: 'ms', higherIsBetter: false, digits: 1 },
    ],
    run: async (t) => {
      const r = await worker(t, ['--size', '10000'], 120);
      return r ? [r.tasksPerSec, (r.cpuMs * 1000) / r.size, r.handoffP99Ms] : [null, null, null];
    },
  },
  {
    figures: [{ name: '100,000 tasks, peak RSS', unit: 'MB', higherIsBetter: false, digits: 0 }],
    run: async (t) => [
      (await worker(t, ['--size', '100000', '--warmup', '0', '--runs', '1'], 180))?.maxRssMB ?? null,
    ],
  },
  {
    figures: [{ name: '1,000-task chain, ms per task', unit: 'ms', higherIsBetter: false, digits: 3 }],
    run: async (t) => {
      const r = await worker(t, ['--size', '1000', '--shape', 'chain', '--warmup', '200'], 120);
      return [r?.spanMs != null ? r.spanMs / r.size : null];
    },
  },
  {
    figures: [
      { name: '`baton serve` start to its token line', unit: 'ms', higherIsBetter: false, digits: 0 },
    ],
    run: async (t) => [await serveStart(t)],
  },
];
const FIGURES = MEASUREMENTS.flatMap((m) => m.figures);

const median = (all: (number | null)[]): number | null => {
  const s = all.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The V8 flags a tree's engine starts with: its own, else the working tree's. */
async function flagsOf(dir: string): Promise<readonly string[]> {
  const file = join(dir, 'src-main/cli/v8-flags.ts');
  if (!existsSync(file)) return ENGINE_V8_FLAGS;
  const m = (await import(pathToFileURL(file).href)) as { ENGINE_V8_FLAGS?: readonly string[] };
  return m.ENGINE_V8_FLAGS ?? ENGINE_V8_FLAGS;
}

/** The environment a tree's engine starts with: its own `engineEnv`, else this process's. */
async function envOf(dir: string): Promise<NodeJS.ProcessEnv> {
  const file = join(dir, 'src-main/base/engine-env.ts');
  if (!existsSync(file)) return { ...process.env };
  const m = (await import(pathToFileURL(file).href)) as {
    engineEnv?: (env: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  };
  return m.engineEnv?.(process.env) ?? { ...process.env };
}

/** A lockfile's packages: path (`node_modules/x`) → version. */
function lockedPackages(lockJson: string): Map<string, string> {
  const lock = JSON.parse(lockJson) as { packages?: Record<string, { version?: string; link?: boolean }> };
  const out = new Map<string, string>();
  for (const [path, p] of Object.entries(lock.packages ?? {}))
    if (path !== '' && !p.link && p.version) out.set(path, p.version);
  return out;
}

/**
 * The packages the commit's lockfile names at a version the working tree's lockfile does not
 * (empty: the working tree's node_modules holds what npm installs for the commit, perhaps more,
 * and can be its node_modules, hard-linked).
 */
function missingPackages(root: string, commit: string): string[] {
  const theirs = git(root, ['show', `${commit}:package-lock.json`]);
  if (theirs.status !== 0) return ['package-lock.json'];
  const ours = lockedPackages(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const missing: string[] = [];
  for (const [path, version] of lockedPackages(theirs.stdout))
    if (ours.get(path) !== version) missing.push(`${path.replace(/^.*node_modules\//, '')}@${version}`);
  return missing;
}

/** Checks the commit out beside the working tree, with its node_modules; what removes it. */
function checkout(root: string, commit: string): { dir: string; remove(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'baton-against-'));
  const dir = join(parent, 'tree');
  const remove = () => {
    git(root, ['worktree', 'remove', '--force', dir]);
    rmSync(parent, { recursive: true, force: true });
    git(root, ['worktree', 'prune']);
  };
  const add = git(root, ['worktree', 'add', '--detach', dir, commit]);
  if (add.status !== 0) {
    rmSync(parent, { recursive: true, force: true });
    throw new Error(`git worktree add ${commit} failed: ${add.stderr.trim()}`);
  }
  try {
    const missing = missingPackages(root, commit);
    if (missing.length === 0) {
      // The same packages at the same versions (the working tree may hold more): hard links, no copy.
      const cp = spawnSync('cp', ['-al', join(root, 'node_modules'), join(dir, 'node_modules')]);
      if (cp.status !== 0) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
      console.log(
        `node_modules: the working tree's, hard-linked (the lockfiles agree on every package ${commit} needs)`,
      );
    } else {
      console.log(
        `node_modules: ${missing.length} package(s) differ (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}): npm ci in the checkout …`,
      );
      const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
      if (ci.status !== 0) throw new Error(`npm ci in the checkout of ${commit} failed (exit ${ci.status})`);
    }
    // Both trees measured alike: the checkout's engine by the working tree's bench worker (what it
    // counts, such as the peak RSS taken before the bench makes its figures, may have changed).
    for (const f of MEASURING_FILES) copyFileSync(join(root, 'test/bench', f), join(dir, 'test/bench', f));
  } catch (err) {
    remove();
    throw err;
  }
  return { dir, remove };
}

/** The bench worker's files, copied into the checkout (`checkout`). */
const MEASURING_FILES = ['baton-worker.ts', 'measure.ts', 'dag.ts'];

/**
 * Measures the engine figures of the working tree and of `commit`, `rounds` times each,
 * alternating (the order swapped each round), and prints each figure's median for both and
 * their ratio (working tree ÷ commit).
 */
export async function benchAgainst(root: string, commit: string, rounds: number): Promise<void> {
  const rev = git(root, ['rev-parse', '--verify', '--quiet', `${commit}^{commit}`]);
  if (rev.status !== 0) throw new Error(`--against: "${commit}" is not a commit of this repository`);
  const sha = rev.stdout.trim();
  const short = sha.slice(0, 8);
  const head = git(root, ['rev-parse', '--short=8', 'HEAD']).stdout.trim();
  const dirty = git(root, ['status', '--porcelain', '--untracked-files=no']).stdout.trim() !== '';
  console.log(`checking out ${short} beside the working tree …`);
  const other = checkout(root, sha);
  const cleanUp = () => other.remove();
  process.once('exit', cleanUp);
  try {
    const trees: [Tree, Tree] = [
      {
        label: `working tree (${head}${dirty ? ' + changes' : ''})`,
        dir: root,
        flags: ENGINE_V8_FLAGS,
        env: engineEnv(process.env),
      },
      { label: short, dir: other.dir, flags: await flagsOf(other.dir), env: await envOf(other.dir) },
    ];
    const load = () =>
      loadavg()
        .map((l) => fmt(l, 2))
        .join(', ');
    console.log(
      `load average ${load()}; ${rounds} rounds, the two trees alternating (order swapped each round)\n`,
    );
    for (const tree of trees) buildIfStale(tree.dir, tree.label);
    await warmServeStarts(trees[0], trees[1]);
    // Each tree's value of each figure, round by round (null: that measurement failed).
    const values = trees.map(() => FIGURES.map((): (number | null)[] => []));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      let at = 0;
      for (const m of MEASUREMENTS) {
        for (const i of order) {
          const got = await m.run(trees[i]!);
          for (const [k, v] of got.entries()) values[i]![at + k]!.push(v);
        }
        at += m.figures.length;
      }
      const line = FIGURES.map((fig, f) => {
        const show = (v: number | null | undefined) => (v == null ? '–' : fmt(v, fig.digits));
        return `${fig.name.split(',').at(-1)!.trim()} ${show(values[0]![f]!.at(-1))} / ${show(values[1]![f]!.at(-1))}`;
      }).join('; ');
      console.log(`round ${round + 1} (working tree / ${short}): ${line}; load ${load()}`);
    }
    console.log(
      `\nEngine figures, median of ${rounds} (working tree ÷ ${short}; ↑ better when higher, ↓ when lower)\n`,
    );
    const rows = FIGURES.map((fig, f) => {
      const a = median(values[0]![f]!);
      const b = median(values[1]![f]!);
      const show = (v: number | null) =>
        v === null ? 'no figure' : `${fmt(v, fig.digits)}${fig.unit ? ` ${fig.unit}` : ''}`;
      const ratio = a !== null && b !== null && b !== 0 ? `${fmt(a / b, 2)}×` : '–';
      return [`${fig.name} ${fig.higherIsBetter ? '↑' : '↓'}`, show(a), show(b), ratio];
    });
    const header = ['figure', trees[0]!.label, trees[1]!.label, 'ratio'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    const pad = (r: string[]) =>
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
    console.log(pad(header));
    for (const r of rows) console.log(pad(r));
    console.log(`\nload average at the end ${load()}`);
  } finally {
    process.off('exit', cleanUp);
    cleanUp();
  }
}
