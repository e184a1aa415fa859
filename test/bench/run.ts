// `npm run bench`: Baton against peers (LangGraph in memory and with its SQLite checkpointer,
// p-graph, DBOS Transact on PostgreSQL) on the same layered DAGs and on a 1,000-task chain.
// Every measurement runs in its own child process. Prints figures and ratios; it asserts nothing
// about timings. See README.md beside this file.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { ENGINE_RUNTIME_V8_FLAGS, engineEnv } from '../../src-main/base/engine-env.ts';
import { ENGINE_V8_FLAGS } from '../../src-main/cli/v8-flags.ts';
import { acpGoals, acpTable } from './acp-report.ts';
import type { AcpFigures } from './acp-worker.ts';
import { benchAgainst } from './against.ts';
import { bestOfGoals, bestOfTable } from './best-of-report.ts';
import type { BestOfFigures } from './best-of-worker.ts';
import { buildIfStale, buildUi } from './build.ts';
import type { AttemptFigures } from './coding-attempt-worker.ts';
import type { CodingGitResult } from './coding-report.ts';
import {
  codingAttemptTable,
  codingGitTable,
  codingGoals,
  codingStepsTable,
  meteringTable,
} from './coding-report.ts';
import type { CodingStepsFigure } from './coding-steps-worker.ts';
import { BENCH_SEED, BENCH_WIDTH, type DagShape, layeredDag } from './dag.ts';
import type { HostLoadFigures } from './host-load-worker.ts';
import { hostGoals, hostLoadTable, steerGoals } from './host-report.ts';
import { argInt, argStr, RESULT_PREFIX, type WorkerResult } from './measure.ts';
import type { MeteringFigure } from './metering-worker.ts';
import type { ParentWatchFigures } from './parent-watch-worker.ts';
import { type PgCluster, startPgCluster } from './postgres.ts';
import {
  chainTable,
  fmt,
  goals,
  layersRatios,
  layersTable,
  type Measurement,
  type Outcome,
  type SelectResult,
  sandboxTable,
  type ToolLoopResult,
  toolLoopGoals,
  windmillPublished,
} from './report.ts';
import type { SandboxFigures } from './sandbox-worker.ts';
import type { ServeStartFigures } from './serve-start-worker.ts';
import { spendGoals, spendTable } from './spend-report.ts';
import type { SpendFigures } from './spend-worker.ts';
import type { SteerFigures } from './steer-worker.ts';
import type { WorkerScaleFigures } from './worker-scale.ts';
import { workerScaleGoals, workerScaleTable } from './worker-scale-report.ts';

const benchDir = import.meta.dirname;
const root = join(benchDir, '..', '..');

const LABELS: Record<string, string> = {
  baton: 'Baton (SQLite on disk)',
  'langgraph-memory': 'LangGraph (memory)',
  'langgraph-sqlite': 'LangGraph (SQLite checkpointer)',
  'p-graph': 'p-graph (memory)',
  dbos: 'DBOS (PostgreSQL)',
  'dbos-async-commit': 'DBOS (PostgreSQL, synchronous_commit off)',
  'store-floor': "Baton's store alone (a run's writes replayed)",
};
const PEERS = ['langgraph-memory', 'langgraph-sqlite', 'p-graph', 'dbos', 'dbos-async-commit'];

const SIZES = [1_000, 10_000];
const CHAIN_SIZE = 1_000;
/** A chain's warm-up is shorter: LangGraph with SQLite takes ~10 ms per chained task. */
const CHAIN_WARMUP = 200;
const RSS_SIZE = 100_000;

/** Where the DBOS peer keeps its state: a throwaway cluster, or the server the user names. */
interface PgTarget {
  url(database: string): string;
  pid: number | null;
  cluster: PgCluster | null;
}

function pgTarget(): PgTarget | string {
  const given = process.env.DBOS_SYSTEM_DATABASE_URL;
  if (given) return { url: () => given, pid: null, cluster: null };
  const cluster = startPgCluster();
  if (typeof cluster === 'string') return cluster;
  return { url: (db) => cluster.url(db), pid: cluster.pid, cluster };
}

function plan(pg: PgTarget | null): Measurement[] {
  const list: Measurement[] = [];
  const add = (
    system: string,
    script: string,
    shape: DagShape,
    size: number,
    capS: number,
    args: string[] = [],
  ) =>
    list.push({
      system,
      label: LABELS[system]!,
      script,
      shape,
      size,
      capS,
      args: ['--size', String(size), '--shape', shape, ...args],
    });
  // Each DBOS measurement gets its own database, so no run reads another's checkpoints.
  const dbos = (commit: 'on' | 'off', shape: DagShape, size: number) => [
    '--synchronous-commit',
    commit,
    '--pg-url',
    pg!.url(`dbos_${commit}_${shape}_${size}`),
    ...(pg!.pid === null ? [] : ['--pg-pid', String(pg!.pid)]),
  ];
  const peers = (shape: DagShape, size: number, extra: string[]) => {
    add('p-graph', 'peers/pgraph-worker.ts', shape, size, 120, extra);
    add('langgraph-memory', 'peers/langgraph-worker.ts', shape, size, 120, ['--store', 'memory', ...extra]);
    add('langgraph-sqlite', 'peers/langgraph-worker.ts', shape, size, 120, ['--store', 'sqlite', ...extra]);
    if (pg) {
      add('dbos', 'peers/dbos-worker.ts', shape, size, 180, [...dbos('on', shape, size), ...extra]);
      add('dbos-async-commit', 'peers/dbos-worker.ts', shape, size, 180, [
        ...dbos('off', shape, size),
        ...extra,
      ]);
    }
  };
  for (const size of SIZES) add('baton', 'baton-worker.ts', 'layers', size, 120);
  // What SQLite alone takes for the 10,000-task run's writes: the ceiling of the tasks/s guard.
  add('store-floor', 'store-floor-worker.ts', 'layers', 10_000, 120);
  for (const size of SIZES) peers('layers', size, []);
  const chainWarmup = ['--warmup', String(CHAIN_WARMUP)];
  add('baton', 'baton-worker.ts', 'chain', CHAIN_SIZE, 120, chainWarmup);
  add('store-floor', 'store-floor-worker.ts', 'chain', CHAIN_SIZE, 120);
  peers('chain', CHAIN_SIZE, chainWarmup);
  // Peak RSS at 100k: no warm-up, so the figure is the plan's alone.
  add('baton', 'baton-worker.ts', 'layers', RSS_SIZE, 180, ['--warmup', '0', '--runs', '1']);
  return list;
}

/** Installs the peers when any devDependency of test/bench is missing (e.g. one added since). */
function ensurePeers(): void {
  const pkg = JSON.parse(readFileSync(join(benchDir, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const missing = Object.keys(pkg.devDependencies).filter(
    (name) => !existsSync(join(benchDir, 'node_modules', name, 'package.json')),
  );
  if (missing.length === 0) return;
  console.log(
    `test/bench lacks ${missing.join(', ')}: installing the peers with \`npm ci --prefix test/bench\` …`,
  );
  const r = spawnSync('npm', ['ci', '--prefix', benchDir, '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error(`npm ci --prefix test/bench failed (exit ${r.status}); cannot run the peers.`);
    process.exit(1);
  }
}

function measure(m: Measurement, index: number, total: number): Promise<Outcome> {
  const what = m.shape === 'chain' ? 'task chain' : 'tasks';
  console.log(`[${index}/${total}] ${m.label}, ${fmt(m.size)} ${what} (cap ${m.capS} s) …`);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...ENGINE_V8_FLAGS, join(benchDir, m.script), ...m.args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: engineEnv(process.env),
    });
    let out = '';
    let err = '';
    let lastDone: number | null = null;
    let lastReport = 0;
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      for (const line of b.toString().split('\n')) {
        const p = /^BENCH_PROGRESS (\d+)$/.exec(line);
        if (p) {
          lastDone = Number(p[1]);
          const s = (performance.now() - t0) / 1000;
          if (s - lastReport >= 30) {
            lastReport = s;
            console.log(`      … ${fmt(lastDone)} of ${fmt(m.size)} tasks done after ${fmt(s)} s`);
          }
        } else if (line.trim() !== '') err += `${line}\n`;
      }
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, m.capS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const elapsedS = (performance.now() - t0) / 1000;
      if (timedOut) {
        const how = lastDone === null ? '' : ` (${fmt(lastDone)} of ${fmt(m.size)} tasks had run)`;
        console.log(`      did not finish within ${m.capS} s${how}`);
        return resolve({ kind: 'timeout', m, lastDone });
      }
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) {
        const why = `exit ${code}: ${err.trim().split('\n').slice(-5).join(' | ')}`;
        console.log(`      failed (${why})`);
        return resolve({ kind: 'failed', m, why });
      }
      const r = JSON.parse(line.slice(RESULT_PREFIX.length)) as WorkerResult;
      const rate =
        m.shape === 'chain' && r.spanMs !== null
          ? `${fmt(r.spanMs / r.size, 3)} ms per task`
          : `${fmt(r.tasksPerSec)} tasks/s`;
      console.log(
        `      ${r.ok ? 'ok' : 'INCOMPLETE'}: ${rate}, ${fmt(r.wallMs)} ms, ` +
          `${fmt(r.maxRssMB)} MB peak RSS (process took ${fmt(elapsedS, 1)} s)`,
      );
      resolve({ kind: 'ok', m, r, elapsedS });
    });
  });
}

// Ctrl-C ends the run through process.exit, so the throwaway PostgreSQL cluster is stopped.
process.on('SIGINT', () => process.exit(130));

const cpu = cpus();
console.log('Baton benchmark');
console.log(
  `machine: ${cpu[0]?.model.trim() ?? 'unknown cpu'}, ${cpu.length} cores, ${fmt(totalmem() / 2 ** 30, 1)} GiB; ` +
    `Node ${process.version} (${process.platform}-${process.arch}); every worker runs with ${ENGINE_V8_FLAGS.join(' ')}, as Baton's CLI does (and Baton's engine sets ${ENGINE_RUNTIME_V8_FLAGS.join(' ')} as it starts)`,
);

/** Checks after an attempt and best of N on 20,000 files (best-of-worker.ts). */
function measureBestOf(): BestOfFigures | null {
  console.log('[coding] checks after an attempt, and best of N = 1, 3, 8 on 20,000 files …');
  return resultOf<BestOfFigures>('best-of-worker.ts', [], 'BEST_OF_RESULT', 2_400_000, true);
}

/** `baton serve`'s start, cheap requests while two clients start big plans, a steer's round trip (host-*-worker.ts, steer-worker.ts). */
function measureHost(): {
  start: ServeStartFigures | null;
  load: HostLoadFigures | null;
  steer: SteerFigures | null;
} {
  buildIfStale();
  console.log('[host] `baton serve` started 5 times to its URL line …');
  const start = resultOf<ServeStartFigures>('serve-start-worker.ts', [], 'SERVE_START_RESULT', 180_000);
  console.log('[host] cheap requests while two clients start 1,000-task plans back to back …');
  const load = resultOf<HostLoadFigures>('host-load-worker.ts', [], 'HOST_LOAD_RESULT', 300_000);
  const steer = measureSteer();
  return { start, load, steer };
}

/** A person's messages to a running Claude Code stream agent, `runs.say` over the host → its stdin (steer-worker.ts). */
function measureSteer(): SteerFigures | null {
  console.log("[host] 200 messages to a running agent, runs.say → the agent's stdin …");
  return resultOf<SteerFigures>('steer-worker.ts', [], 'STEER_RESULT', 300_000);
}

/** Remote workers as `baton worker` processes against a server in the measuring process (worker-scale.ts). */
function measureWorkers(): WorkerScaleFigures | null {
  buildIfStale();
  console.log(
    '[workers] 1, 2 and 4 `baton worker` processes beside the agent on the server, a chain, a SIGKILLed worker …',
  );
  return resultOf<WorkerScaleFigures>('worker-scale.ts', [], 'WORKER_SCALE_RESULT', 600_000, true, [
    ...ENGINE_V8_FLAGS,
  ]);
}

/** The Spend screen at 100,000 priced steps: its store query and its first render (spend-worker.ts). */
function measureSpend(): SpendFigures | null {
  console.log('[spend] 100,000 priced steps: the store query per grouping, the screen in Chromium …');
  return resultOf<SpendFigures>('spend-worker.ts', [], 'SPEND_RESULT', 900_000, true);
}

/** `npm run bench -- --only <part>`: that part alone, its table and goals. */
const ONLY: Record<string, () => void> = {
  'best-of': () => {
    const b = measureBestOf();
    bestOfTable(b);
    console.log('');
    bestOfGoals(b);
  },
  host: () => {
    const h = measureHost();
    hostLoadTable(h.load);
    console.log('');
    hostGoals(h.load, h.start);
    steerGoals(h.steer);
  },
  steer: () => steerGoals(measureSteer()),
  workers: () => {
    const w = measureWorkers();
    workerScaleTable(w);
    console.log('');
    workerScaleGoals(w);
  },
  spend: () => {
    buildUi();
    const s = measureSpend();
    spendTable(s);
    console.log('');
    spendGoals(s);
  },
};
const against = argStr('against', '');
if (against !== '') {
  // The engine's figures beside another commit's (against.ts): nothing else is measured.
  try {
    await benchAgainst(root, against, argInt('rounds', 3));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  process.exit(0);
}
const only = argStr('only', '');
if (only !== '') {
  const part = ONLY[only];
  if (!part) {
    console.error(`--only takes one of: ${Object.keys(ONLY).join(', ')}`);
    process.exit(2);
  }
  console.log(
    `load average ${loadavg()
      .map((l) => fmt(l, 2))
      .join(', ')}`,
  );
  part();
  console.log(
    `load average ${loadavg()
      .map((l) => fmt(l, 2))
      .join(', ')}`,
  );
  process.exit(0);
}
for (const size of [...SIZES, RSS_SIZE]) {
  const d = layeredDag(size);
  console.log(
    `DAG ${fmt(size)} tasks: ${d.layers} layers of ${BENCH_WIDTH}, ${fmt(d.edges)} edges ` +
      `(2–3 deps per task on the layer before, seed ${BENCH_SEED})`,
  );
}
console.log(
  `chain ${fmt(CHAIN_SIZE)} tasks: each depends on the one before (warm-up: a ${CHAIN_WARMUP}-task chain)`,
);
console.log(
  'Each measurement: its own child process, one warm-up run of a 500-task DAG first (not for 100k),\n' +
    'then up to 3 runs while they take under 10 s in all; the run with the median wall time is shown\n' +
    '(100k: one run). Wall time from start to settled (plan import / graph build is "setup", not counted).\n',
);

ensurePeers();
const pg = pgTarget();
if (typeof pg === 'string') console.log(`DBOS (durable peer) skipped: ${pg}\n`);
else if (pg.cluster)
  console.log(
    'DBOS runs on a throwaway PostgreSQL cluster (initdb in a temp dir, Unix socket only, defaults)\n',
  );
else console.log('DBOS runs on the server in DBOS_SYSTEM_DATABASE_URL (its CPU is not counted)\n');
const list = plan(typeof pg === 'string' ? null : pg);
const outcomes: Outcome[] = [];
const started = performance.now();
for (const [i, m] of list.entries()) outcomes.push(await measure(m, i + 1, list.length));
if (typeof pg !== 'string') pg.cluster?.stop();

console.log('\n[select] Baton selectNextTask with 100,000 queued tasks …');
const sel = spawnSync(process.execPath, [join(benchDir, 'select-worker.ts')], {
  encoding: 'utf8',
  timeout: 180_000,
});
const selLine = sel.stdout.split('\n').find((l) => l.startsWith('SELECT_RESULT '));
const select = selLine ? (JSON.parse(selLine.slice('SELECT_RESULT '.length)) as SelectResult) : null;
console.log(
  select
    ? `      ok: ${fmt(select.calls)} calls, mean ${select.meanUs.toFixed(2)} µs, p50 ${select.p50Us.toFixed(2)} µs, p99 ${select.p99Us.toFixed(2)} µs`
    : `      failed: ${sel.stderr.trim().split('\n').slice(-3).join(' ')}`,
);

console.log('[tool loop] approval round trips and loop steps …');
const tl = spawnSync(process.execPath, [join(benchDir, 'tool-loop-worker.ts')], {
  encoding: 'utf8',
  timeout: 180_000,
});
const tlLine = tl.stdout.split('\n').find((l) => l.startsWith('TOOL_LOOP_RESULT '));
const toolLoop = tlLine ? (JSON.parse(tlLine.slice('TOOL_LOOP_RESULT '.length)) as ToolLoopResult) : null;
if (!toolLoop) console.log(`      failed: ${tl.stderr.trim().split('\n').slice(-3).join(' ')}`);

/**
 * Runs a bench script of its own and reads its `PREFIX {json}` line; null (said) when it fails.
 * With `progress`, what the script says on stderr (its progress, why it failed) is shown as it comes.
 */
function resultOf<T>(
  script: string,
  args: string[],
  prefix: string,
  timeoutMs: number,
  progress = false,
  nodeFlags: string[] = [],
): T | null {
  const r = spawnSync(process.execPath, [...nodeFlags, join(benchDir, script), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', progress ? 'inherit' : 'pipe'],
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith(`${prefix} `));
  if (line) return JSON.parse(line.slice(prefix.length + 1)) as T;
  const said = `${r.stderr ?? ''}`.trim().split('\n').slice(-3).join(' ');
  console.log(
    `      failed: ${said || `exit ${r.status}${r.signal ? ` (${r.signal}: past ${timeoutMs / 1000} s?)` : ''}`}`,
  );
  return null;
}

console.log('[coding] the git part of an attempt on 20,000 files …');
const codingGit = resultOf<CodingGitResult>('coding-git.ts', ['--no-variants'], 'CODING_GIT_RESULT', 300_000);
console.log('[coding] whole attempts through Baton, a CLI answering at once and each real CLI …');
const codingAttempt = resultOf<{ files: number; figures: AttemptFigures[] }>(
  'coding-attempt-worker.ts',
  [],
  'CODING_ATTEMPT_RESULT',
  600_000,
);
console.log('[coding] 50,000 JSON lines per CLI, parsed and stored …');
const codingSteps = resultOf<CodingStepsFigure[]>(
  'coding-steps-worker.ts',
  [],
  'CODING_STEPS_RESULT',
  600_000,
);

console.log('[coding] 50,000 ACP messages parsed and stored, and tool-call approvals through ACP …');
const acp = resultOf<AcpFigures>('acp-worker.ts', [], 'ACP_RESULT', 300_000);

console.log("[coding] a model round trip straight and through Baton's metering endpoint …");
const metering = resultOf<MeteringFigure[]>('metering-worker.ts', [], 'METERING_RESULT', 180_000);

console.log("[processes] the parent watch's cost on an attempt's start …");
const parentWatch = resultOf<ParentWatchFigures>(
  'parent-watch-worker.ts',
  [],
  'PARENT_WATCH_RESULT',
  120_000,
);

console.log('[sandbox] starts and model round trips with and without the OS sandbox …');
const sandbox = resultOf<SandboxFigures>('sandbox-worker.ts', [], 'SANDBOX_RESULT', 180_000);

const bestOf = measureBestOf();
const host = measureHost();
const workers = measureWorkers();

console.log(`\nResults: layered DAGs (total ${fmt((performance.now() - started) / 1000, 0)} s)\n`);
layersTable(outcomes);
console.log('\nBaton against peers (tasks/s, same DAG, same run)\n');
layersRatios(outcomes, SIZES, PEERS);
console.log(
  `\nChain: ${fmt(CHAIN_SIZE)} sequential echo tasks, ms per task from the first start to the last result ` +
    "(÷ Baton: how many times Baton's figure)\n",
);
chainTable(outcomes);
console.log('');
windmillPublished();
console.log('');
goals(outcomes, select, RSS_SIZE);
console.log('');
toolLoopGoals(toolLoop);
sandboxTable(sandbox);
hostLoadTable(host.load);
console.log('');
hostGoals(host.load, host.start);
steerGoals(host.steer);
console.log('');
workerScaleTable(workers);
console.log('');
workerScaleGoals(workers);

buildUi();
console.log('[ui] the UI in Chromium against browser mode …');
const ui = spawnSync(process.execPath, [join(benchDir, 'ui-bench.ts')], {
  encoding: 'utf8',
  timeout: 300_000,
});
process.stdout.write(
  ui.stdout
    .split('\n')
    .filter((l) => !l.startsWith('CODING_UI_RESULT '))
    .join('\n'),
);
if (ui.status !== 0) console.log(`UI bench failed: ${ui.stderr.trim().split('\n').slice(-3).join(' ')}`);
const uiSteps = ui.stdout.split('\n').find((l) => l.startsWith('CODING_UI_RESULT '));

console.log('\nCoding agents\n');
codingGitTable(codingGit);
codingAttemptTable(codingAttempt);
codingStepsTable(codingSteps);
acpTable(acp);
meteringTable(metering);
bestOfTable(bestOf);
codingGoals(
  codingAttempt,
  codingSteps,
  uiSteps ? (JSON.parse(uiSteps.slice('CODING_UI_RESULT '.length)) as { p50: number }).p50 : null,
  metering,
);
acpGoals(acp);
bestOfGoals(bestOf);
const spend = measureSpend();
spendTable(spend);
console.log('');
spendGoals(spend);
if (parentWatch) {
  const p = parentWatch;
  const mb = (n: number | null) => (n === null ? '?' : fmt(n, 1));
  console.log(
    `\nParent watch (information): the first program of a Baton process +${fmt(p.firstWatchMs, 1)} ms (the ` +
      `watcher's spawn), each later one +${fmt(p.perTreeP50Us, 1)} µs p50 (${fmt(p.perTreeP99Us, 1)} µs p99), ` +
      `beside ${fmt(p.spawnTreeP50Ms, 1)} ms p50 for spawning \`true\` and stopping its tree; ` +
      `the idle watcher ${mb(p.watcherPssMB)} MB PSS (${mb(p.watcherRssMB)} MB RSS)`,
  );
}
