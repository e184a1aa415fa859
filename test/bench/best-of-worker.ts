// What checks after an attempt and best-of-N attempts cost Baton on the 20,000-file repository
// (bench-repo.ts), beyond the programs' own time. A durable app, a CLI that answers at once (a
// shell script that writes 3 files and prints qwen's recorded stream, as coding-attempt-worker.ts
// does), every program noting its own start and end (epoch ns) in a file.
//
// Checks: the same attempt with the workspace's K trivial checks (a script that notes its times
// and exits 0) and without (`checks: []`), alternating in pairs, the order swapped each pair.
//   rest  = whole − git − CLI (whole: runs.start → run settled and worktree parked);
//   added = (rest with checks − the checks' own lives) − rest without, per pair.
// Each check's start cost (its step's duration less the program's own life: the sandbox, the
// spawn, reading its output) is printed beside it. Measured with the workspace's OS sandbox on
// (where it can run here), then off: the CLI's own sandbox stays as it is in both.
//
// Best of N (1, 3, 8): a task with `attempts: N` (no checks), one of each first (warm-up), then
// measured in rounds of 1, 3, 8.
//   Baton-side = whole − the life of the CLI that ended last (the CLI's time on the critical path);
//   ratio      = Baton-side of N ÷ Baton-side of 1.
// Where the last CLI's end → the ranking's log lines goes (that candidate's own end, its commit and
// diff, then the diffs copied, the ranking and its record), less git's commands in it, and
// `rankCandidates` alone over N records. Asserts nothing.
// Usage: node test/bench/best-of-worker.ts [--files 20000] [--checks 3] [--pairs 10] [--rounds 2] [--n 1,3,8]
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { rankCandidates } from '../../src-main/agents/coding/best-of/rank.ts';
import { traceGit } from '../../src-main/agents/coding/workspaces/index.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { sandboxStatus } from '../../src-main/sandbox/index.ts';
import type { AgentInput } from '../../src-shared/schemas/agent.ts';
import { makeBenchRepository } from './bench-repo.ts';
import { argInt, argStr, cpuWithChildrenMs } from './measure.ts';

export interface ChecksFigures {
  /** Whether the checks ran in the OS sandbox (the workspace's policy; the CLI's is unchanged). */
  sandboxed: boolean;
  checks: number;
  pairs: number;
  /** rest without checks, p50 ms. */
  restWithoutP50Ms: number;
  /** rest with checks, less the checks' own lives, p50 ms. */
  restWithP50Ms: number;
  /** The checks' own lives summed per attempt, p50 ms. */
  checksOwnP50Ms: number;
  /** Baton's added time per attempt beyond the checks' own lives, over the pairs. */
  addedP50Ms: number;
  addedP95Ms: number;
  /** One check's step duration less its program's own life (sandbox, spawn, output), p50 ms. */
  perCheckStartP50Ms: number;
}

export interface BestOfFigure {
  n: number;
  runs: number;
  wholeP50Ms: number;
  /** The life of the CLI that ended last, p50 ms. */
  cliP50Ms: number;
  /** whole − that CLI's life, p50 ms. */
  batonP50Ms: number;
  /**
   * CPU ms Baton and every process it started (git, the CLIs, the sandbox) used over the whole
   * run, p50; null without /proc. Divided by the cores, it is the least wall time the run could
   * take on this machine however well its work were spread.
   */
  cpuP50Ms?: number | null;
  /** git's commands summed over the candidates (they overlap), p50 ms. */
  gitSumP50Ms: number;
  /** The last CLI's end → the ranking logged, and that less git's commands in it, p50 ms (N > 1). */
  afterCliP50Ms: number | null;
  afterCliRestP50Ms: number | null;
  /** git's commands (and deleting files) by kind, summed over a run, mean of the runs, the 4 largest (ms). */
  gitByKindMs: Record<string, number>;
  /**
   * Where the Baton side goes, p50 ms: runs.start → the last CLI started (the candidates'
   * worktrees made, their set-up); ranked → the winner's commit the task's branch in its worktree
   * (N > 1); the winner's line → settled (the result stored, the worktrees parked).
   */
  phasesP50Ms?: { toLastCliStart: number; rankedToWon: number | null; wonToSettled: number | null };
}

export interface BestOfFigures {
  files: number;
  /** The cores this machine lets a process use (os.availableParallelism). */
  cores?: number;
  /** Whether the OS sandbox held the CLIs and checks, or why not. */
  sandbox: { on: true } | { on: false; why: string };
  /** With the workspace's sandbox on (where it can run), then off. */
  checks: ChecksFigures[];
  bestOf: BestOfFigure[];
  /** `rankCandidates` over N records alone, µs per call. */
  rankUs: { n: number; us: number }[];
}

const FILES = argInt('files', 20_000);
const CHECKS = argInt('checks', 3);
const PAIRS = argInt('pairs', 10);
const ROUNDS = argInt('rounds', 2);
const NS = argStr('n', '1,3,8').split(',').map(Number);
/** `--trace 1`: every git command of every attempt on standard error (start after runs.start, ms). */
const TRACE = argInt('trace', 0) === 1;
const root = mkdtempSync(join(tmpdir(), 'baton-best-of-'));
const repo = join(root, 'repo');
const clock = join(root, 'clock');
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

/** A program that notes `start end` (epoch ns) as one line in `$file` around `body`. */
function timed(name: string, file: string, body: string): string {
  const path = join(root, name);
  writeFileSync(
    path,
    `#!/bin/sh\ns=$(date +%s%N)\n${body}\nrc=$?\necho "$s $(date +%s%N)" >> "${file}"\nexit $rc\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** The lives noted in `file` as [start, end] in performance.now() ms; the file emptied. */
function lives(file: string): [number, number][] {
  const text = readFileSync(file, 'utf8').trim();
  writeFileSync(file, '');
  if (text === '') return [];
  return text.split('\n').map((l) => {
    const [s, e] = l.split(' ').map(Number);
    return [s! / 1e6 - performance.timeOrigin, e! / 1e6 - performance.timeOrigin];
  });
}

const REPLAY = `printf '// changed by the agent\\n' > pkg1/src/file1.ts
printf 'export const added = true;\\n' > pkg2/src/new.ts
printf '# what the agent did\\n' > NOTES.md
cat "$BENCH_STREAM"`;

interface Attempt {
  /** performance.now() at runs.start. */
  t0: number;
  whole: number;
  /** CPU ms Baton and every process it started used over `whole` (null without /proc). */
  cpu: number | null;
  git: number;
  byKind: Map<string, number>;
  spans: [number, number][];
  cli: [number, number][];
  checks: [number, number][];
  checkSteps: number[];
  logs: { at: number; text: string }[];
}

/** One run of `planId`'s one task, timed: runs.start → settled and its worktrees parked or removed. */
async function attempt(
  app: BatonApp,
  planId: string,
  cliTimes: string,
  checkTimes: string,
): Promise<Attempt> {
  const spans: [number, number][] = [];
  let git = 0;
  const byKind = new Map<string, number>();
  const checkSteps: number[] = [];
  const logs: { at: number; text: string }[] = [];
  const unsubscribe = app.bus.subscribe((batch) => {
    const at = performance.now();
    for (const e of batch) {
      if (e.name === 'task.log') logs.push({ at, text: e.payload.text });
      if (e.name === 'task.step' && e.payload.kind === 'check' && e.payload.check.duration_ms !== null)
        checkSteps.push(e.payload.check.duration_ms);
    }
  });
  traceGit((c, ms) => {
    if (TRACE)
      console.error(
        `  git ${(performance.now() - ms - t0).toFixed(0).padStart(5)} +${ms.toFixed(0).padStart(4)} ${c.slice(0, 160)}`,
      );
    git += ms;
    byKind.set(kindOf(c), (byKind.get(kindOf(c)) ?? 0) + ms);
    const end = performance.now();
    spans.push([end - ms, end]);
  });
  const t0 = performance.now();
  const cpu0 = cpuWithChildrenMs();
  try {
    const r = await app.dispatch('runs.start', { plan_id: planId });
    if (!r.ok) throw new Error(r.error.message);
    const runId = (r.value as { run_id: string }).run_id;
    const run = await app.engine.whenSettled(runId);
    await app.coding.worktreesSettled();
    const whole = performance.now() - t0;
    const cpu1 = cpuWithChildrenMs();
    if (run.status !== 'completed')
      throw new Error(
        `${planId}: the run ended ${run.status}: ${app.store.runs.task(runId, 't')?.error ?? ''}`,
      );
    return {
      t0,
      whole,
      cpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
      git,
      byKind,
      spans,
      cli: lives(cliTimes),
      checks: lives(checkTimes),
      checkSteps,
      logs,
    };
  } finally {
    traceGit(null);
    unsubscribe();
  }
}

/** `git read-tree` for `git -C dir read-tree --reset -u HEAD`; `rm -rf` for deleting a worktree's files. */
function kindOf(command: string): string {
  const w = command.split(' ');
  if (w[0] !== 'git') return w.slice(0, 2).join(' ');
  for (let i = 1; i < w.length; i++) {
    if (w[i] === '-C' || w[i] === '-c') i++;
    else if (!w[i]!.startsWith('-')) return `git ${w[i]}`;
  }
  return 'git';
}

/** How much of [from, to] the spans cover (candidates' git commands overlap: counted once). */
function covered(spans: [number, number][], from: number, to: number): number {
  let sum = 0;
  let reached = from;
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    const a = Math.max(s, reached);
    const b = Math.min(e, to);
    if (b > a) sum += b - a;
    reached = Math.max(reached, Math.min(e, to));
  }
  return sum;
}

const span = (xs: [number, number][]) => xs.reduce((sum, [s, e]) => sum + (e - s), 0);

async function checksPart(
  app: BatonApp,
  cliTimes: string,
  checkTimes: string,
  sandboxed: boolean,
): Promise<ChecksFigures> {
  const plan = (id: string, checks: string[] | undefined) =>
    app.dispatch('plans.import', {
      plan: {
        plan_id: id,
        workspace: 'bench',
        tasks: [
          {
            task_id: 't',
            description: 'Change file1, add new.ts and NOTES.md.',
            agent: 'replay',
            ...(checks ? { checks } : {}),
          },
        ],
      },
    });
  await plan('checks-none', []);
  await plan('checks-all', undefined);
  const rest = (a: Attempt) => a.whole - a.git - span(a.cli);
  // Warm-up: one of each.
  await attempt(app, 'checks-none', cliTimes, checkTimes);
  await attempt(app, 'checks-all', cliTimes, checkTimes);
  const rows: { without: number; with: number; own: number; starts: number[] }[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const order = i % 2 === 0 ? ['checks-none', 'checks-all'] : ['checks-all', 'checks-none'];
    const got: Record<string, Attempt> = {};
    for (const id of order) got[id] = await attempt(app, id, cliTimes, checkTimes);
    const all = got['checks-all']!;
    if (all.checks.length !== CHECKS) throw new Error(`${all.checks.length} checks ran, not ${CHECKS}`);
    const own = span(all.checks);
    rows.push({
      without: rest(got['checks-none']!),
      with: rest(all) - own,
      own,
      starts: all.checkSteps.map((d, k) => d - (all.checks[k]![1] - all.checks[k]![0])),
    });
    console.error(`checks (sandbox ${sandboxed ? 'on' : 'off'}): pair ${i + 1} of ${PAIRS}`);
  }
  const added = rows.map((r) => r.with - r.without);
  return {
    sandboxed,
    checks: CHECKS,
    pairs: rows.length,
    restWithoutP50Ms: q(
      rows.map((r) => r.without),
      0.5,
    ),
    restWithP50Ms: q(
      rows.map((r) => r.with),
      0.5,
    ),
    checksOwnP50Ms: q(
      rows.map((r) => r.own),
      0.5,
    ),
    addedP50Ms: q(added, 0.5),
    addedP95Ms: q(added, 0.95),
    perCheckStartP50Ms: q(
      rows.flatMap((r) => r.starts),
      0.5,
    ),
  };
}

async function bestOfPart(app: BatonApp, cliTimes: string, checkTimes: string): Promise<BestOfFigure[]> {
  for (const n of NS)
    await app.dispatch('plans.import', {
      plan: {
        plan_id: `best-of-${n}`,
        workspace: 'bench',
        tasks: [
          {
            task_id: 't',
            description: 'Change file1, add new.ts and NOTES.md.',
            agent: 'replay',
            checks: [],
            ...(n > 1 ? { attempts: n } : {}),
          },
        ],
      },
    });
  // Warm-up: one of each N, so that the rounds find the workspace's pool as a steady stream of
  // best-of attempts leaves it (N + 1 parked worktrees), not the pool of a single attempt.
  for (const n of NS) await attempt(app, `best-of-${n}`, cliTimes, checkTimes);
  const rows = new Map<number, Attempt[]>(NS.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++)
    for (const n of NS) {
      rows.get(n)!.push(await attempt(app, `best-of-${n}`, cliTimes, checkTimes));
      console.error(`best of ${n}: round ${round + 1} of ${ROUNDS}`);
    }
  return NS.map((n) => {
    const xs = rows.get(n)!;
    const last = (a: Attempt) => a.cli.reduce((l, c) => (c[1] > l[1] ? c : l));
    const after = xs.map((a) => {
      const ranked = a.logs.find((l) => / rank \d+: /.test(l.text));
      if (!ranked) return null;
      const from = last(a)[1];
      const git = covered(a.spans, from, ranked.at);
      return { whole: ranked.at - from, rest: ranked.at - from - git };
    });
    const known = after.filter((x) => x !== null);
    const at = (a: Attempt, re: RegExp) => a.logs.find((l) => re.test(l.text))?.at ?? null;
    const between = (pick: (a: Attempt) => number | null) => {
      const got = xs.map(pick).filter((x): x is number => x !== null);
      return got.length > 0 ? q(got, 0.5) : null;
    };
    const phasesP50Ms = {
      toLastCliStart: q(
        xs.map((a) => Math.max(...a.cli.map((c) => c[0])) - a.t0),
        0.5,
      ),
      rankedToWon: between((a) => {
        const r = at(a, / rank \d+: /);
        const w = at(a, /^candidate #\d+ won: /);
        return r === null || w === null ? null : w - r;
      }),
      wonToSettled: between((a) => {
        const w = at(a, /^candidate #\d+ won: /);
        return w === null ? null : a.t0 + a.whole - w;
      }),
    };
    const kinds = new Map<string, number>();
    for (const a of xs) for (const [k, v] of a.byKind) kinds.set(k, (kinds.get(k) ?? 0) + v / xs.length);
    const gitByKindMs = Object.fromEntries([...kinds].sort((a, b) => b[1] - a[1]).slice(0, 4));
    return {
      n,
      runs: xs.length,
      wholeP50Ms: q(
        xs.map((a) => a.whole),
        0.5,
      ),
      cliP50Ms: q(
        xs.map((a) => last(a)[1] - last(a)[0]),
        0.5,
      ),
      batonP50Ms: q(
        xs.map((a) => a.whole - (last(a)[1] - last(a)[0])),
        0.5,
      ),
      gitSumP50Ms: q(
        xs.map((a) => a.git),
        0.5,
      ),
      cpuP50Ms: xs.every((a) => a.cpu !== null)
        ? q(
            xs.map((a) => a.cpu!),
            0.5,
          )
        : null,
      afterCliP50Ms:
        known.length > 0
          ? q(
              known.map((x) => x.whole),
              0.5,
            )
          : null,
      afterCliRestP50Ms:
        known.length > 0
          ? q(
              known.map((x) => x.rest),
              0.5,
            )
          : null,
      gitByKindMs,
      phasesP50Ms,
    };
  });
}

/** `rankCandidates` alone over `n` records that tie on their checks (the diff size decides), µs per call. */
function rankAlone(n: number): number {
  const records = Array.from({ length: n }, (_, i) => ({
    candidate: i + 1,
    status: 'passed' as const,
    checks_passed: 3,
    checks_total: 3,
    diff_lines: 10 + ((i * 7) % 5),
    cost_usd: null,
    duration_ms: 60_000,
  }));
  const calls = 20_000;
  for (let i = 0; i < 2_000; i++) rankCandidates(records);
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) rankCandidates(records);
  return ((performance.now() - t0) * 1000) / calls;
}

async function main(): Promise<BestOfFigures> {
  makeBenchRepository(repo, FILES);
  mkdirSync(clock);
  const cliTimes = join(clock, 'cli');
  const checkTimes = join(clock, 'checks');
  writeFileSync(cliTimes, '');
  writeFileSync(checkTimes, '');
  const status = await sandboxStatus();
  // Where no sandbox can run, the programs run without one (said in the figures), not refused.
  const sandbox = status.available
    ? { write_allow: [clock] }
    : { mode: 'off' as const, write_allow: [clock] };
  const check = timed('check.sh', checkTimes, 'true');
  const app = createApp({ dataDir: join(root, 'data'), log: () => {} });
  try {
    await app.dispatch('workspaces.add', {
      id: 'bench',
      path: repo,
      sandbox,
      checks: Array.from({ length: CHECKS }, (_, i) => ({ name: `check${i + 1}`, command: [check] })),
    });
    const stream = join(import.meta.dirname, '..', 'coding-agents', 'streams', 'qwen-edit.jsonl');
    const replay: AgentInput = {
      id: 'replay',
      kind: 'coding',
      cli: 'qwen',
      skills: ['code'],
      executable: timed('replay.sh', cliTimes, REPLAY),
      env: { BENCH_STREAM: stream },
      sandbox,
    };
    await app.dispatch('agents.import', { agents: [replay] });
    const checks: ChecksFigures[] = [];
    if (status.available) checks.push(await checksPart(app, cliTimes, checkTimes, true));
    // The same without the sandbox around the checks: what the sandbox's part of the added time is.
    await app.dispatch('workspaces.update', {
      workspace_id: 'bench',
      sandbox: { mode: 'off', write_allow: [clock] },
    });
    checks.push(await checksPart(app, cliTimes, checkTimes, false));
    await app.dispatch('workspaces.update', { workspace_id: 'bench', sandbox });
    const bestOf = await bestOfPart(app, cliTimes, checkTimes);
    return {
      files: FILES,
      cores: availableParallelism(),
      sandbox: status.available ? { on: true } : { on: false, why: status.problem },
      checks,
      bestOf,
      rankUs: NS.map((n) => ({ n, us: rankAlone(n) })),
    };
  } finally {
    await app.close();
  }
}

try {
  const figures = await main();
  console.log(`BEST_OF_RESULT ${JSON.stringify(figures)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
