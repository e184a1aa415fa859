// What `npm run bench` prints after its measurements: the tables, Baton's ratios to each peer,
// Windmill's published chain figures, and Baton's goals, guards and information lines.
import type { DagShape } from './dag.ts';
import { BENCH_WIDTH } from './dag.ts';
import type { WorkerResult } from './measure.ts';
import type { SandboxFigures } from './sandbox-worker.ts';

export interface Measurement {
  system: string;
  label: string;
  script: string;
  shape: DagShape;
  size: number;
  args: string[];
  capS: number;
}

export type Outcome =
  | { kind: 'ok'; m: Measurement; r: WorkerResult; elapsedS: number }
  | { kind: 'timeout'; m: Measurement; lastDone: number | null }
  | { kind: 'failed'; m: Measurement; why: string };

export interface SelectResult {
  queued: number;
  calls: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
}

/** Baton's goals and guards, in one place: the lines below print them. */
export const GOALS = {
  chainMsPerTask: 0.25,
  selectNextTaskUs: 20,
  tasksPerSecAt10k: 20_000,
  peakRssMBAt100k: 450,
  toolApprovalP50Ms: 20,
  loopStepP50Ms: 2,
  sandboxStartAddedP50Ms: 50,
  sandboxTripAddedP50Ms: 5,
} as const;

/** The tool loop's figures: tool-call approvals and loop steps (`tool-loop-worker.ts`). */
export interface ToolLoopResult {
  approvals: number;
  approvalP50Ms: number;
  approvalP99Ms: number;
  steps: number;
  stepP50Ms: number;
  stepP99Ms: number;
}

/** The tool loop's goals: the approval round trip (the person excluded) and one step's own overhead. */
export function toolLoopGoals(t: ToolLoopResult | null): void {
  if (!t) return void console.log('tool loop: no figure (the measurement failed)');
  console.log(
    `tool-call approval    goal p50 ≤ ${GOALS.toolApprovalP50Ms} ms   measured p50 ${t.approvalP50Ms.toFixed(2)} ms (p99 ${t.approvalP99Ms.toFixed(2)} ms) over ${fmt(t.approvals)} round trips   ${mark(t.approvalP50Ms <= GOALS.toolApprovalP50Ms)}`,
  );
  console.log(
    `loop step overhead    goal p50 ≤ ${GOALS.loopStepP50Ms} ms    measured p50 ${t.stepP50Ms.toFixed(3)} ms (p99 ${t.stepP99Ms.toFixed(2)} ms) over ${fmt(t.steps)} steps stored   ${mark(t.stepP50Ms <= GOALS.loopStepP50Ms)}`,
  );
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number | null) => (n === null ? '–' : n < 10 ? fmt(n, 2) : fmt(n, 1));
/** Milliseconds per task, with enough digits for both p-graph (~0.01) and LangGraph + SQLite (~10). */
const msPerTask = (n: number) => (n < 0.1 ? fmt(n, 4) : n < 10 ? fmt(n, 3) : fmt(n, 1));
const mark = (met: boolean) => (met ? 'met' : 'NOT met');

export function find(
  outcomes: Outcome[],
  system: string,
  shape: DagShape,
  size: number,
): Outcome | undefined {
  return outcomes.find((o) => o.m.system === system && o.m.shape === shape && o.m.size === size);
}

/** A chain's figure: ms from the first task's start to the last task's result, per task. */
function chainMs(r: WorkerResult): number | null {
  return r.spanMs === null ? null : r.spanMs / r.size;
}

function printTable(head: string[], rows: string[][]): void {
  // A long message (a failure) in a figure column runs over instead of widening the column.
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (i >= 2 && r[i]!.length > 40 ? 0 : r[i]!.length))),
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

function notRun(o: Exclude<Outcome, { kind: 'ok' }>): string {
  return o.kind === 'timeout' ? `did not finish within ${o.m.capS} s` : `failed: ${o.why}`;
}

export function layersTable(outcomes: Outcome[]): void {
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
  const rows = outcomes
    .filter((o) => o.m.shape === 'layers' && o.m.system !== 'store-floor')
    .map((o) => {
      if (o.kind !== 'ok') return [o.m.label, fmt(o.m.size), '', notRun(o), '', '', '', '', '', '', ''];
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
    });
  printTable(head, rows);
}

export function layersRatios(outcomes: Outcome[], sizes: number[], peers: string[]): void {
  for (const size of sizes) {
    const baton = find(outcomes, 'baton', 'layers', size);
    if (baton?.kind !== 'ok') {
      console.log(`${fmt(size)} tasks: no Baton figure, no ratio.`);
      continue;
    }
    for (const peer of peers) {
      const o = find(outcomes, peer, 'layers', size);
      if (!o) continue;
      const name = o.m.label;
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

export function chainTable(outcomes: Outcome[]): void {
  const chain = outcomes.filter((o) => o.m.shape === 'chain' && o.m.system !== 'store-floor');
  const baton = chain.find((o) => o.m.system === 'baton');
  const batonMs = baton?.kind === 'ok' ? chainMs(baton.r) : null;
  const head = [
    'system',
    'tasks',
    'runs',
    'ms per task',
    '÷ Baton',
    'wall ms',
    'setup ms',
    'CPU µs/task',
    'peak RSS MB',
    'all ran',
  ];
  const rows = chain.map((o) => {
    if (o.kind !== 'ok') {
      // A peer that did not finish took longer than the cap: its ms per task is at least cap / size.
      const atLeast =
        o.kind === 'timeout' && batonMs !== null
          ? `> ${fmt((o.m.capS * 1000) / o.m.size / batonMs, 0)}×`
          : '';
      return [o.m.label, fmt(o.m.size), '', notRun(o), atLeast, '', '', '', '', ''];
    }
    const r = o.r;
    const per = chainMs(r);
    const ratio = per === null || batonMs === null ? '–' : fmt(per / batonMs, per / batonMs < 10 ? 2 : 1);
    return [
      o.m.label,
      fmt(o.m.size),
      String(r.runs),
      per === null ? '–' : msPerTask(per),
      ratio,
      fmt(r.wallMs),
      fmt(r.setupMs),
      fmt((r.cpuMs * 1000) / o.m.size, 1),
      fmt(r.maxRssMB),
      r.ok ? 'yes' : `NO (${fmt(r.ran)})`,
    ];
  });
  printTable(head, rows);
}

/**
 * Windmill's orchestration benchmark, Python, one worker: 40 sequential tasks, each computing
 * fibo(10) (~10 ms). Source: https://www.windmill.dev/docs/misc/benchmarks/competitors/results/python
 * ("Lightweight Tasks (40 tasks)": Hatchet 1.222 s, Temporal 2.967 s, Prefect 4.872 s; engine
 * versions on the methodology page: Hatchet 0.62.0, Temporal 2.34.0, Prefect 2.14.4; run in 2025).
 */
const WINDMILL_PUBLISHED = [
  { engine: 'Hatchet', totalS: 1.222 },
  { engine: 'Temporal', totalS: 2.967 },
  { engine: 'Prefect', totalS: 4.872 },
] as const;
const WINDMILL_TASKS = 40;
const WINDMILL_TASK_WORK_MS = 10;

export function windmillPublished(): void {
  console.log(
    'Published by Windmill, NOT measured here (their Python results, 40 sequential tasks of fibo(10) ≈ 10 ms each,',
  );
  console.log(
    '  one worker; https://www.windmill.dev/docs/misc/benchmarks/competitors/results/python): total ÷ 40 =',
  );
  for (const p of WINDMILL_PUBLISHED) {
    const per = (p.totalS * 1000) / WINDMILL_TASKS;
    console.log(
      `  ${p.engine.padEnd(9)} ${fmt(p.totalS, 3)} s → ≈ ${fmt(per, 0)} ms per task ` +
        `(≈ ${fmt(per - WINDMILL_TASK_WORK_MS, 0)} ms without the task's own ~${WINDMILL_TASK_WORK_MS} ms)`,
    );
  }
}

/** Baton's run at least this share of its speed with the store alone (the engine-speed goal). */
const FLOOR_SHARE_GOAL = 0.8;

/**
 * The store's floor beside the tasks/s guard: the same run's writes replayed into a fresh store
 * with no engine (store-floor-worker.ts). No engine change can go below it while the rows are
 * the same and written on the engine's thread. The share is read from Baton's own run measured
 * alike in the same worker (`pairedWallMs`: after the same recorded run, a fresh store, in turn
 * with the replays); the 10,000-task row above comes from another process and warm-up.
 */
function storeFloor(outcomes: Outcome[], b10: Outcome | undefined): void {
  const floor = find(outcomes, 'store-floor', 'layers', 10_000);
  if (floor?.kind !== 'ok') {
    console.log(`  the store alone: no figure (${floor ? notRun(floor) : 'not measured'})`);
    return;
  }
  const share =
    b10?.kind === 'ok'
      ? `; Baton's run above took ${fmt(b10.r.wallMs)} ms, ${fmt((floor.r.wallMs / b10.r.wallMs) * 100)}% of it the store's`
      : '';
  console.log(
    `  the store alone: the run's writes replayed with no engine take ${fmt(floor.r.wallMs)} ms, ` +
      `a ceiling of ${fmt(floor.r.tasksPerSec)}/s while the same rows are written on the engine's thread${share}`,
  );
  const paired = floor.r.pairedWallMs;
  if (paired === undefined) return;
  const ratio = floor.r.wallMs / paired;
  console.log(
    `  Baton's run measured alike beside the replays: ${fmt(paired)} ms, ${fmt(ratio, 2)}× the store alone's speed ` +
      `(goal ≥ ${FLOOR_SHARE_GOAL}×)   ${mark(ratio >= FLOOR_SHARE_GOAL)}`,
  );
}

export function goals(outcomes: Outcome[], select: SelectResult | null, rssSize: number): void {
  console.log('Baton goals\n');
  const chain = find(outcomes, 'baton', 'chain', 1_000);
  const per = chain?.kind === 'ok' ? chainMs(chain.r) : null;
  if (per !== null)
    console.log(
      `chain, ms per task    goal ≤ ${GOALS.chainMsPerTask} ms     measured ${msPerTask(per)} ms   ${mark(per <= GOALS.chainMsPerTask)}`,
    );
  else console.log('chain, ms per task: no figure (see the chain table)');
  const chainFloor = find(outcomes, 'store-floor', 'chain', 1_000);
  if (chainFloor?.kind === 'ok')
    console.log(
      `  the store alone: the chain's writes replayed with no engine (a commit per task) take ` +
        `${msPerTask(chainFloor.r.wallMs / chainFloor.m.size)} ms per task, ` +
        `(CPU, all threads: ${msPerTask(chainFloor.r.cpuMs / chainFloor.m.size)} ms per task)`,
    );
  if (select) {
    console.log(
      `selectNextTask        goal ≤ ${GOALS.selectNextTaskUs} µs      measured ${select.meanUs.toFixed(2)} µs mean (p99 ${select.p99Us.toFixed(2)} µs) with ${fmt(select.queued)} queued   ${mark(select.meanUs <= GOALS.selectNextTaskUs)}`,
    );
  } else console.log('selectNextTask: no figure (the measurement failed)');

  console.log('\nGuards (no change may make these worse)\n');
  const b10 = find(outcomes, 'baton', 'layers', 10_000);
  if (b10?.kind === 'ok')
    console.log(
      `tasks/s at 10,000     guard ≥ ${fmt(GOALS.tasksPerSecAt10k)}/s  measured ${fmt(b10.r.tasksPerSec)}/s   ${mark(b10.r.tasksPerSec >= GOALS.tasksPerSecAt10k)}`,
    );
  else console.log('tasks/s at 10,000: no figure (see the table)');
  storeFloor(outcomes, b10);
  const big = find(outcomes, 'baton', 'layers', rssSize);
  const rssGuard = `peak RSS at ${fmt(rssSize)}   guard ≤ ${GOALS.peakRssMBAt100k} MB`;
  if (big?.kind === 'ok') {
    console.log(
      `${rssGuard}    measured ${fmt(big.r.maxRssMB)} MB   ${mark(big.r.maxRssMB <= GOALS.peakRssMBAt100k)}` +
        ` (run took ${fmt(big.r.wallMs / 1000, 1)} s)`,
    );
  } else if (big?.kind === 'timeout') {
    const how = big.lastDone === null ? '' : `; ${fmt(big.lastDone)} of ${fmt(rssSize)} tasks had run`;
    console.log(`${rssGuard}    the run did not finish within ${big.m.capS} s${how}`);
  } else if (big?.kind === 'failed') console.log(`${rssGuard}    the run failed: ${big.why}`);

  console.log('\nInformation (not goals)\n');
  if (b10?.kind === 'ok' && b10.r.handoffP50Ms !== null && b10.r.handoffP99Ms !== null) {
    // About BENCH_WIDTH tasks are always between their dependencies' results and their own
    // start, so by Little's law the mean hand-off is BENCH_WIDTH ÷ throughput, whatever the order.
    const little = (BENCH_WIDTH / b10.r.tasksPerSec) * 1000;
    console.log(
      `hand-off at 10,000 (width ${BENCH_WIDTH})   p50 ${ms(b10.r.handoffP50Ms)} ms, p99 ${ms(b10.r.handoffP99Ms)} ms; ` +
        `Little's law: ${BENCH_WIDTH} waiting ÷ ${fmt(b10.r.tasksPerSec)} tasks/s = ${ms(little)} ms mean,`,
    );
    console.log(
      '  so on this DAG hand-off measures throughput, not hand-off (the chain above is the hand-off figure); ' +
        'see test/bench/README.md',
    );
  } else console.log('hand-off at 10,000: no figure (see the table)');
}

/**
 * The OS sandbox beside the same work without it (sandbox-worker.ts): a start of `true` and a
 * model round trip through its network filter, each with its goal for what the sandbox adds.
 */
export function sandboxTable(f: SandboxFigures | null): void {
  console.log('\nThe OS sandbox: the same work without it and in it, same run (sandbox-worker.ts)\n');
  if (!f) return void console.log('no figure (sandbox-worker.ts failed)');
  if (!f.available) return void console.log(`not measured: the OS sandbox cannot run here (${f.problem})`);
  const row = (what: string, out: number, inside: number, added: string, goal: string) =>
    console.log(
      `${what.padEnd(26)}${ms(out).padStart(9)}${ms(inside).padStart(16)}${added.padStart(11)}   ${goal}`.trimEnd(),
    );
  console.log(
    `${''.padEnd(26)}${'without'.padStart(9)}${'in the sandbox'.padStart(16)}${'added'.padStart(11)}`,
  );
  const plus = (n: number) => `${n < 0 ? '−' : '+'}${ms(Math.abs(n))}`;
  const startMet = f.addedStartP50Ms <= GOALS.sandboxStartAddedP50Ms;
  const tripAdded = f.filteredTripP50Ms - f.directTripP50Ms;
  const tripMet = tripAdded <= GOALS.sandboxTripAddedP50Ms;
  row(
    'start of `true`, p50',
    f.plainStartP50Ms,
    f.confinedStartP50Ms,
    plus(f.addedStartP50Ms),
    `goal added p50 ≤ ${GOALS.sandboxStartAddedP50Ms} ms: ${mark(startMet)}`,
  );
  row('start of `true`, p99', f.plainStartP99Ms, f.confinedStartP99Ms, plus(f.addedStartP99Ms), '');
  row(
    'model round trip, p50',
    f.directTripP50Ms,
    f.filteredTripP50Ms,
    plus(tripAdded),
    `goal added p50 ≤ ${GOALS.sandboxTripAddedP50Ms} ms: ${mark(tripMet)}`,
  );
  row(
    'model round trip, p99',
    f.directTripP99Ms,
    f.filteredTripP99Ms,
    plus(f.filteredTripP99Ms - f.directTripP99Ms),
    '',
  );
  console.log(
    `  ms. Starts: ${f.starts} pairs (a plain spawn of \`true\` to its exit, then \`confine\` with the default policy, spawn, exit and release), ` +
      "added = each pair's difference, its p50 and p99; a sandboxed start's p50 parts: " +
      `confine ${ms(f.wrapP50Ms)}, spawn to exit ${ms(f.runP50Ms)}, release ${ms(f.releaseP50Ms)}; ` +
      `the first sandboxed program of a process took ${ms(f.firstConfinedMs)} (the library's session starts).`,
  );
  console.log(
    `  Round trips: a Node program makes ${fmt(f.trips)} sequential GETs of a small JSON body from a server on 127.0.0.1 ` +
      `(kept alive) and times each itself, outside the sandbox and inside it through its network filter; ` +
      `the median of ${f.rounds} alternating rounds' p50 and p99; added = the difference of those.`,
  );
}
