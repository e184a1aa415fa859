// What `npm run bench` prints for the coding agents: the git part of an attempt on a
// repository of 20,000 files (coding-git.ts), Baton's time around a whole attempt split into git
// and the rest, beside each real CLI's own (coding-attempt-worker.ts), and the step parser's
// throughput (coding-steps-worker.ts). Goals beside the figures; nothing asserts on them.
import type { AttemptFigures } from './coding-attempt-worker.ts';
import type { CodingStepsFigure } from './coding-steps-worker.ts';
import type { MeteringFigure } from './metering-worker.ts';
import { fmt } from './report.ts';

export const CODING_GOALS = {
  /** Baton's own time around an attempt (not git, not the CLI), p50. */
  attemptRestP50Ms: 50,
  /** The whole attempt with a CLI answering at once, p50. */
  attemptWholeP50Ms: 1_000,
  /** Lines of a CLI's JSON stream parsed and stored per second. */
  stepLinesPerSec: 50_000,
  /** From a step's line to the step trace showing it. */
  uiStepMs: 100,
  /** What the metering endpoint adds to a model round trip, p50 (slowest wire). */
  meteringAddedP50Ms: 5,
} as const;

export interface CodingGitResult {
  files: number;
  fresh: Record<string, number>;
  parked: Record<string, number>;
}

const mark = (met: boolean) => (met ? 'met' : 'NOT met');
/** A figure in ms; one the worker could not measure (NaN, sent as null) is a dash. */
const ms = (n: number | null) => (n === null || !Number.isFinite(n) ? '—' : n < 10 ? fmt(n, 1) : fmt(n, 0));

export function codingGitTable(g: CodingGitResult | null): void {
  if (!g) return void console.log('git part of an attempt: no figure (coding-git.ts failed)');
  console.log(`Git's part of one coding attempt, ${fmt(g.files)} files, p50 ms (coding-git.ts)\n`);
  const phases = Object.keys(g.fresh);
  console.log(`${'phase'.padEnd(26)}${'new worktree'.padStart(14)}${'parked'.padStart(10)}`);
  for (const p of phases)
    console.log(
      `${p.padEnd(26)}${ms(g.fresh[p]!).padStart(14)}${ms(g.parked[p === 'removeWorktree' ? 'parkInPool' : p] ?? Number.NaN).padStart(10)}`,
    );
}

export function codingAttemptTable(a: { files: number; figures: AttemptFigures[] } | null): void {
  if (!a) return void console.log('coding attempt: no figure (coding-attempt-worker.ts failed)');
  console.log(
    `\nOne coding attempt through Baton, ${fmt(a.files)} files, p50 ms (coding-attempt-worker.ts; rest = whole − git − CLI)\n`,
  );
  const head = ['CLI', 'attempts', 'whole', 'git', 'CLI itself', 'rest', 'rest p90'];
  const rows = a.figures.map((f) => [
    f.cli === 'replay' ? 'replay (answers at once)' : f.cli,
    String(f.attempts),
    ms(f.wholeP50Ms),
    ms(f.gitP50Ms),
    ms(f.cliP50Ms),
    ms(f.restP50Ms),
    ms(f.restP90Ms),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  const unmeasured = a.figures.filter((f) => f.cliP50Ms === null || !Number.isFinite(f.cliP50Ms));
  if (unmeasured.length > 0)
    console.log(
      `  — : ${unmeasured.map((f) => f.cli).join(', ')}: the wrapper that notes the CLI's start and end saw no end (opencode's own server is stopped by Baton as the attempt ends), so its own time and Baton's rest are not told apart`,
    );
  const replay = a.figures.find((f) => f.cli === 'replay');
  if (!replay) return;
  const legs = (byLeg: Record<string, number>) =>
    Object.entries(byLeg)
      .map(([k, v]) => `${k} ${ms(v)}`)
      .join('; ');
  console.log(`  where the replay's whole goes (p50 ms): ${legs(replay.legsP50Ms)}`);
  console.log(
    `  the rest within each leg (the leg less git's commands in it; the CLI's own leg is left out): ${legs(replay.restLegsP50Ms ?? {})}`,
  );
}

export function codingStepsTable(s: CodingStepsFigure[] | null): void {
  if (!s) return void console.log('step parser: no figure (coding-steps-worker.ts failed)');
  console.log(
    '\nA CLI printing JSON lines: lines/s parsed, and parsed and stored (coding-steps-worker.ts)\n',
  );
  console.log(
    `${'CLI'.padEnd(9)}${'lines'.padStart(8)}${'parsed/s'.padStart(11)}${'stored/s (engine)'.padStart(19)}${'CPU µs/line'.padStart(13)}${'stored/s (batched)'.padStart(20)}${'line → bus p50 / p99 ms'.padStart(26)}`,
  );
  for (const f of s)
    console.log(
      `${f.cli.padEnd(9)}${fmt(f.lines).padStart(8)}${fmt(f.parsedLinesPerSec).padStart(11)}${fmt(f.storedLinesPerSec).padStart(19)}${ms(f.storedCpuUsPerLine).padStart(13)}${fmt(f.batchedLinesPerSec).padStart(20)}${`${ms(f.toBusP50Ms)} / ${ms(f.toBusP99Ms)}`.padStart(26)}`,
    );
  console.log(
    "  engine: the coding executor's path, each step stored in a tick's transaction, the reader not held per commit;\n" +
      "  CPU µs/line: the process's CPU time on the engine's path per line (steadier than lines/s on a shared machine);\n" +
      '  line → bus counts from all lines arriving at once (a real pipe gives them in chunks: see the paced UI figure);\n' +
      '  batched: the steps of 500 lines upserted in one transaction (what the store alone takes)',
  );
}

export function meteringTable(m: MeteringFigure[] | null): void {
  if (!m) return void console.log('\nmetering endpoint: no figure (metering-worker.ts failed)');
  console.log(
    "\nA model round trip straight to the server and through Baton's metering endpoint, same run, alternating (metering-worker.ts)\n",
  );
  console.log(
    `${'wire'.padEnd(11)}${'trips'.padStart(7)}${'direct p50'.padStart(12)}${'metered p50'.padStart(13)}${'added p50'.padStart(11)}${'added p90'.padStart(11)}`,
  );
  for (const f of m)
    console.log(
      `${f.wire.padEnd(11)}${fmt(f.trips).padStart(7)}${ms(f.directP50Ms).padStart(12)}${ms(f.meteredP50Ms).padStart(13)}${ms(f.addedP50Ms).padStart(11)}${ms(f.addedP90Ms).padStart(11)}`,
    );
  console.log(
    '  ms; a streamed answer (a sentence and its usage) from a scripted server in the same process; added = each pair (metered − direct), its p50',
  );
}

export function codingGoals(
  a: { figures: AttemptFigures[] } | null,
  s: CodingStepsFigure[] | null,
  uiStepMs: number | null,
  metering: MeteringFigure[] | null = null,
): void {
  console.log('\nCoding agents: goals\n');
  const replay = a?.figures.find((f) => f.cli === 'replay');
  if (replay) {
    console.log(
      `attempt, Baton's rest   goal p50 ≤ ${CODING_GOALS.attemptRestP50Ms} ms    measured ${ms(replay.restP50Ms)} ms   ${mark(replay.restP50Ms <= CODING_GOALS.attemptRestP50Ms)}`,
    );
    console.log(
      `attempt, whole          goal p50 ≤ ${fmt(CODING_GOALS.attemptWholeP50Ms)} ms  measured ${ms(replay.wholeP50Ms)} ms (git ${ms(replay.gitP50Ms)} ms)   ${mark(replay.wholeP50Ms <= CODING_GOALS.attemptWholeP50Ms)}`,
    );
  } else console.log('attempt: no figure');
  if (s && s.length > 0) {
    const parsed = Math.min(...s.map((f) => f.parsedLinesPerSec));
    const stored = Math.min(...s.map((f) => f.storedLinesPerSec));
    console.log(
      `lines parsed            goal ≥ ${fmt(CODING_GOALS.stepLinesPerSec)}/s   measured ${fmt(parsed)}/s (slowest CLI)   ${mark(parsed >= CODING_GOALS.stepLinesPerSec)}`,
    );
    console.log(
      `lines parsed and stored goal ≥ ${fmt(CODING_GOALS.stepLinesPerSec)}/s   measured ${fmt(stored)}/s (slowest CLI, through the engine)   ${mark(stored >= CODING_GOALS.stepLinesPerSec)}`,
    );
  } else console.log('step parser: no figure');
  if (uiStepMs !== null)
    console.log(
      `step trace, line → UI   goal ≤ ${CODING_GOALS.uiStepMs} ms    measured p50 ${ms(uiStepMs)} ms   ${mark(uiStepMs <= CODING_GOALS.uiStepMs)}`,
    );
  else console.log('step trace, line → UI: no figure (see the UI bench)');
  if (metering && metering.length > 0) {
    const added = Math.max(...metering.map((f) => f.addedP50Ms));
    console.log(
      `metering endpoint       goal added p50 ≤ ${CODING_GOALS.meteringAddedP50Ms} ms   measured ${ms(added)} ms (slowest wire)   ${mark(added <= CODING_GOALS.meteringAddedP50Ms)}`,
    );
  } else console.log('metering endpoint: no figure');
}
