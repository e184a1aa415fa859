// `npm run bench`: Baton against peers (LangGraph in memory and with its SQLite checkpointer,
// p-graph) on the same layered DAGs. Every measurement runs in its own child process. Prints
// figures and ratios; it asserts nothing about timings. See README.md beside this file.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ENGINE_V8_FLAGS } from '../../src-main/cli/v8-flags.ts';
import { BENCH_SEED, BENCH_WIDTH, layeredDag } from './dag.ts';
import { RESULT_PREFIX, type WorkerResult } from './measure.ts';

const benchDir = import.meta.dirname;
const root = join(benchDir, '..', '..');

interface Measurement {
  system: string;
  label: string;
  script: string;
  size: number;
  args: string[];
  capS: number;
}

type Outcome =
  | { kind: 'ok'; m: Measurement; r: WorkerResult; elapsedS: number }
  | { kind: 'timeout'; m: Measurement; lastDone: number | null }
  | { kind: 'failed'; m: Measurement; why: string };

const LABELS: Record<string, string> = {
  baton: 'Baton (SQLite on disk)',
  'langgraph-memory': 'LangGraph (memory)',
  'langgraph-sqlite': 'LangGraph (SQLite checkpointer)',
  'p-graph': 'p-graph (memory)',
};
const PEERS = ['langgraph-memory', 'langgraph-sqlite', 'p-graph'];

const SIZES = [1_000, 10_000];
const RSS_SIZE = 100_000;

function plan(): Measurement[] {
  const list: Measurement[] = [];
  const add = (system: string, script: string, size: number, capS: number, args: string[] = []) =>
    list.push({
      system,
      label: LABELS[system]!,
      script,
      size,
      capS,
      args: ['--size', String(size), ...args],
    });
  for (const size of SIZES) add('baton', 'baton-worker.ts', size, 120);
  for (const size of SIZES) add('p-graph', 'peers/pgraph-worker.ts', size, 120);
  for (const size of SIZES)
    add('langgraph-memory', 'peers/langgraph-worker.ts', size, 120, ['--store', 'memory']);
  for (const size of SIZES)
    add('langgraph-sqlite', 'peers/langgraph-worker.ts', size, 120, ['--store', 'sqlite']);
  // Peak RSS at 100k: no warm-up, so the figure is the plan's alone.
  add('baton', 'baton-worker.ts', RSS_SIZE, 180, ['--warmup', '0', '--runs', '1']);
  return list;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number | null) => (n === null ? '–' : n < 10 ? fmt(n, 2) : fmt(n, 1));

function ensurePeers(): void {
  if (existsSync(join(benchDir, 'node_modules'))) return;
  console.log('test/bench/node_modules is missing: installing the peers with `npm ci --prefix test/bench` …');
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
  console.log(`[${index}/${total}] ${m.label}, ${fmt(m.size)} tasks (cap ${m.capS} s) …`);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...ENGINE_V8_FLAGS, join(benchDir, m.script), ...m.args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
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
      console.log(
        `      ${r.ok ? 'ok' : 'INCOMPLETE'}: ${fmt(r.tasksPerSec)} tasks/s, ${fmt(r.wallMs)} ms, ` +
          `${fmt(r.maxRssMB)} MB peak RSS (process took ${fmt(elapsedS, 1)} s)`,
      );
      resolve({ kind: 'ok', m, r, elapsedS });
    });
  });
}

function table(outcomes: Outcome[]): void {
  const head = [
    'system',
    'tasks',
    'runs',
    'tasks/s',
    'wall ms',
    'setup ms',
    'CPU µs/task',
    'hand-off p50 ms',
    'p99 ms',
    'peak RSS MB',
    'all ran',
  ];
  const rows = outcomes.map((o) => {
    if (o.kind === 'ok') {
      const r = o.r;
      return [
        o.m.label,
        fmt(o.m.size),
        String(r.runs),
        fmt(r.tasksPerSec),
        fmt(r.wallMs),
        fmt(r.setupMs),
        fmt((r.cpuMs * 1000) / o.m.size, 1),
        ms(r.handoffP50Ms),
        ms(r.handoffP99Ms),
        fmt(r.maxRssMB),
        r.ok ? 'yes' : `NO (${fmt(r.ran)})`,
      ];
    }
    const what = o.kind === 'timeout' ? `did not finish within ${o.m.capS} s` : `failed: ${o.why}`;
    return [o.m.label, fmt(o.m.size), '', what, '', '', '', '', '', '', ''];
  });
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i]!.length > 40 ? 0 : r[i]!.length))),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function find(outcomes: Outcome[], system: string, size: number): Outcome | undefined {
  return outcomes.find((o) => o.m.system === system && o.m.size === size);
}

function ratios(outcomes: Outcome[]): void {
  for (const size of SIZES) {
    const baton = find(outcomes, 'baton', size);
    if (baton?.kind !== 'ok') {
      console.log(`${fmt(size)} tasks: no Baton figure, no ratio.`);
      continue;
    }
    for (const peer of PEERS) {
      const o = find(outcomes, peer, size);
      if (!o) continue;
      const name = LABELS[peer]!;
      if (o.kind === 'ok') {
        const x = baton.r.tasksPerSec / o.r.tasksPerSec;
        const rss = baton.r.maxRssMB / o.r.maxRssMB;
        const inverse = x < 1 ? `; ${name} is ${fmt(1 / x, 1)}× Baton` : '';
        console.log(
          `${fmt(size).padStart(6)} tasks: Baton is ${fmt(x, x < 10 ? 2 : 1)}× ${name} in tasks/s${inverse} ` +
            `(Baton's peak RSS is ${fmt(rss, 2)}× its)`,
        );
      } else if (o.kind === 'timeout') {
        // The peer took longer than the cap, so its rate is below size / cap.
        const x = baton.r.tasksPerSec / (size / o.m.capS);
        console.log(
          `${fmt(size).padStart(6)} tasks: Baton is > ${fmt(x, 1)}× ${name} (it did not finish within ${o.m.capS} s)`,
        );
      } else {
        console.log(`${fmt(size).padStart(6)} tasks: ${name} failed, no ratio.`);
      }
    }
  }
}

function goals(outcomes: Outcome[]): void {
  const mark = (met: boolean) => (met ? 'met' : 'NOT met');
  const b10 = find(outcomes, 'baton', 10_000);
  if (b10?.kind === 'ok') {
    const r = b10.r;
    console.log(
      `tasks/s at 10,000     goal ≥ 20,000/s   measured ${fmt(r.tasksPerSec)}/s   ${mark(r.tasksPerSec >= 20_000)}`,
    );
    if (r.handoffP50Ms !== null && r.handoffP99Ms !== null) {
      console.log(
        `hand-off p50          goal ≤ 1 ms       measured ${ms(r.handoffP50Ms)} ms   ${mark(r.handoffP50Ms <= 1)}`,
      );
      console.log(
        `hand-off p99          goal ≤ 5 ms       measured ${ms(r.handoffP99Ms)} ms   ${mark(r.handoffP99Ms <= 5)}`,
      );
      // A layer's results arrive together, and a dependent starts once the tick that records
      // them (and its own start) has committed: hand-off is about width × per-task cost.
      const perTaskUs = (r.wallMs * 1000) / r.size;
      console.log(
        `  why: the ${BENCH_WIDTH} results of a layer arrive together; each dependent starts after the tick that ` +
          `records them commits, so hand-off ≈ ${BENCH_WIDTH} × ${fmt(perTaskUs, 1)} µs per task = ` +
          `${ms((BENCH_WIDTH * perTaskUs) / 1000)} ms; p50 ≤ 1 ms needs ≤ ${fmt(1000 / BENCH_WIDTH, 0)} µs per task durably recorded`,
      );
      console.log(
        `  p99: a layer's ${BENCH_WIDTH} hand-offs wait for the same tick, so p99 is about the 1%-slowest tick ` +
          '(one with a GC pause in it); see test/bench/README.md',
      );
    }
  } else console.log('tasks/s and hand-off at 10,000: no figure (see the table)');
  if (select) {
    console.log(
      `selectNextTask        goal ≤ 20 µs      measured ${select.meanUs.toFixed(2)} µs mean (p99 ${select.p99Us.toFixed(2)} µs) with ${fmt(select.queued)} queued   ${mark(select.meanUs <= 20)}`,
    );
  } else console.log('selectNextTask: no figure (the measurement failed)');
  const big = find(outcomes, 'baton', RSS_SIZE);
  if (big?.kind === 'ok') {
    console.log(
      `peak RSS at 100,000   goal ≤ 500 MB     measured ${fmt(big.r.maxRssMB)} MB   ${mark(big.r.maxRssMB <= 500)}` +
        ` (run took ${fmt(big.r.wallMs / 1000, 1)} s)`,
    );
  } else if (big?.kind === 'timeout') {
    const how = big.lastDone === null ? '' : `; ${fmt(big.lastDone)} of ${fmt(RSS_SIZE)} tasks had run`;
    console.log(
      `peak RSS at 100,000   goal ≤ 500 MB     the run did not finish within ${big.m.capS} s${how}`,
    );
  } else if (big?.kind === 'failed') {
    console.log(`peak RSS at 100,000   goal ≤ 500 MB     the run failed: ${big.why}`);
  }
}

const cpu = cpus();
console.log('Baton benchmark');
console.log(
  `machine: ${cpu[0]?.model.trim() ?? 'unknown cpu'}, ${cpu.length} cores, ${fmt(totalmem() / 2 ** 30, 1)} GiB; ` +
    `Node ${process.version} (${process.platform}-${process.arch}); every worker runs with ${ENGINE_V8_FLAGS.join(' ')}, as Baton's CLI does`,
);
for (const size of [...SIZES, RSS_SIZE]) {
  const d = layeredDag(size);
  console.log(
    `DAG ${fmt(size)} tasks: ${d.layers} layers of ${BENCH_WIDTH}, ${fmt(d.edges)} edges ` +
      `(2–3 deps per task on the layer before, seed ${BENCH_SEED})`,
  );
}
console.log(
  'Each measurement: its own child process, one warm-up run of a 500-task DAG first (not for 100k),\n' +
    'then up to 3 runs while they take under 10 s in all; the run with the median wall time is shown\n' +
    '(100k: one run). Wall time from start to settled (plan import / graph build is "setup", not counted).\n',
);

ensurePeers();
const list = plan();
const outcomes: Outcome[] = [];
const started = performance.now();
for (const [i, m] of list.entries()) outcomes.push(await measure(m, i + 1, list.length));

console.log('\n[select] Baton selectNextTask with 100,000 queued tasks …');
const sel = spawnSync(process.execPath, [join(benchDir, 'select-worker.ts')], {
  encoding: 'utf8',
  timeout: 180_000,
});
const selLine = sel.stdout.split('\n').find((l) => l.startsWith('SELECT_RESULT '));
const select = selLine
  ? (JSON.parse(selLine.slice('SELECT_RESULT '.length)) as {
      queued: number;
      calls: number;
      meanUs: number;
      p50Us: number;
      p99Us: number;
    })
  : null;
console.log(
  select
    ? `      ok: ${fmt(select.calls)} calls, mean ${select.meanUs.toFixed(2)} µs, p50 ${select.p50Us.toFixed(2)} µs, p99 ${select.p99Us.toFixed(2)} µs`
    : `      failed: ${sel.stderr.trim().split('\n').slice(-3).join(' ')}`,
);

console.log(`\nResults (total ${fmt((performance.now() - started) / 1000, 0)} s)\n`);
table(outcomes);
console.log('\nBaton against peers (tasks/s, same DAG, same run)\n');
ratios(outcomes);
console.log('\nBaton goals\n');
goals(outcomes);

console.log('\n[ui] building the app (the UI bench serves what `npm run build` made) …');
const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
if (build.status !== 0)
  console.log(`      build failed: ${build.stderr.trim().split('\n').slice(-3).join(' ')}`);
console.log('[ui] the UI in Chromium against browser mode …');
const ui = spawnSync(process.execPath, [join(benchDir, 'ui-bench.ts')], {
  encoding: 'utf8',
  timeout: 300_000,
});
process.stdout.write(ui.stdout);
if (ui.status !== 0) console.log(`UI bench failed: ${ui.stderr.trim().split('\n').slice(-3).join(' ')}`);
