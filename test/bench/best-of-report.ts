// What `npm run bench` prints for checks and best of N (best-of-worker.ts): the time checks add
// to an attempt beyond their own run, with the sandbox on and off, and N candidates' wall time
// against one attempt's, the CLIs' own time aside. Goals beside the figures; nothing asserts on them.
import type { BestOfFigures } from './best-of-worker.ts';
import { fmt } from './report.ts';

export const BEST_OF_GOALS = {
  /** Baton's time added to an attempt by its checks (beyond their own run) and by the ranking, p50. */
  addedP50Ms: 50,
  /** N candidates in parallel ÷ one attempt, Baton's side (the CLIs' own time aside). */
  ratio: 1.5,
} as const;

const ms = (n: number) => (Math.abs(n) < 10 ? fmt(n, 1) : fmt(n, 0));
const mark = (met: boolean) => (met ? 'met' : 'NOT met');

function table(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

const sandboxWord = (b: BestOfFigures) => (b.sandbox.on ? 'on' : `off (${b.sandbox.why})`);

export function bestOfTable(b: BestOfFigures | null): void {
  if (!b) return void console.log('\nchecks and best of N: no figure (best-of-worker.ts failed)');
  const k = b.checks[0]?.checks ?? 0;
  console.log(
    `\nChecks after an attempt, ${fmt(b.files)} files: the same attempt with ${k} checks (a script noting its own run, exit 0) and without, in pairs, p50 ms (best-of-worker.ts)\n`,
  );
  table(
    [
      'checks in the sandbox',
      'pairs',
      'rest without',
      'rest with, less checks',
      "checks' own",
      'added p50',
      'added p95',
      'per check start',
    ],
    b.checks.map((c) => [
      c.sandboxed ? 'on' : 'off',
      String(c.pairs),
      ms(c.restWithoutP50Ms),
      ms(c.restWithP50Ms),
      ms(c.checksOwnP50Ms),
      ms(c.addedP50Ms),
      ms(c.addedP95Ms),
      ms(c.perCheckStartP50Ms),
    ]),
  );
  console.log(
    "  rest = whole − git − CLI; added = each pair's (rest with checks − the checks' own lives) − rest without;\n" +
      "  per check start = a check step's duration less its program's own life (sandbox, spawn, output); the CLI's sandbox is the same in both rows",
  );
  console.log(
    `\nBest of N on ${fmt(b.files)} files, a CLI answering at once, no checks, p50 ms (sandbox around the CLIs: ${sandboxWord(b)})\n`,
  );
  const one = b.bestOf.find((f) => f.n === 1);
  table(
    [
      'N',
      'runs',
      'whole',
      'CLI (last to end)',
      'Baton-side',
      '÷ one attempt',
      "git's commands summed",
      'last CLI end → ranked',
      'less git',
      'CPU, all processes',
      'CPU ÷ cores ÷ one',
    ],
    b.bestOf.map((f) => [
      String(f.n),
      String(f.runs),
      ms(f.wholeP50Ms),
      ms(f.cliP50Ms),
      ms(f.batonP50Ms),
      one ? `${fmt(f.batonP50Ms / one.batonP50Ms, 2)}×` : '?',
      ms(f.gitSumP50Ms),
      f.afterCliP50Ms === null ? '—' : ms(f.afterCliP50Ms),
      f.afterCliRestP50Ms === null ? '—' : ms(f.afterCliRestP50Ms),
      f.cpuP50Ms == null ? '—' : ms(f.cpuP50Ms),
      floor(b, f) === null ? '—' : `${fmt(floor(b, f)!, 2)}×`,
    ]),
  );
  console.log(
    '  Baton-side = whole − the life of the CLI that ended last (whole: runs.start → settled, worktrees parked or removed);\n' +
      "  git's commands overlap across candidates, so their sum can pass the whole; last CLI end → ranked: that candidate's\n" +
      `  own end (commit, diff), the diffs copied, the ranking and its record; rankCandidates alone: ${b.rankUs.map((r) => `N=${r.n} ${fmt(r.us, 1)} µs`).join(', ')};\n` +
      `  CPU: Baton's and every process it started (git, CLIs, sandbox), whole run; ÷ ${b.cores ?? '?'} cores ÷ one attempt's Baton-side:\n` +
      "  the least ratio this machine allows however the work is spread (the CLIs' CPU inside it is a few ms)",
  );
  for (const f of b.bestOf) {
    const p = f.phasesP50Ms;
    if (!p) continue;
    const opt = (x: number | null) => (x === null ? '—' : ms(x));
    console.log(
      `  N=${f.n}, phases: start → last CLI started ${ms(p.toLastCliStart)}; ranked → the winner on the task's branch ${opt(p.rankedToWon)}; → settled ${opt(p.wonToSettled)}`,
    );
  }
  for (const f of b.bestOf)
    console.log(
      `  N=${f.n}, git's largest by kind (ms a run, summed): ${Object.entries(f.gitByKindMs ?? {})
        .map(([k, v]) => `${k} ${ms(v)}`)
        .join('; ')}`,
    );
}

/** The run's CPU over the machine's cores, against one attempt's Baton-side time: the least ratio possible here. */
function floor(b: BestOfFigures, f: BestOfFigures['bestOf'][number]): number | null {
  const one = b.bestOf.find((x) => x.n === 1);
  if (!one || f.cpuP50Ms == null || !b.cores) return null;
  return f.cpuP50Ms / b.cores / one.batonP50Ms;
}

export function bestOfGoals(b: BestOfFigures | null): void {
  if (!b) return void console.log('checks and best of N: no figure');
  const c = b.checks[0];
  if (c)
    console.log(
      `checks' added time      goal p50 ≤ ${BEST_OF_GOALS.addedP50Ms} ms    measured ${ms(c.addedP50Ms)} ms (p95 ${ms(c.addedP95Ms)} ms, ${c.checks} checks, sandbox ${c.sandboxed ? 'on' : 'off'})   ${mark(c.addedP50Ms <= BEST_OF_GOALS.addedP50Ms)}`,
    );
  const ranked = b.bestOf.filter((f) => f.afterCliRestP50Ms !== null);
  if (ranked.length > 0) {
    const worst = ranked.reduce((w, f) => (f.afterCliRestP50Ms! > w.afterCliRestP50Ms! ? f : w));
    console.log(
      `ranking (upper bound)   goal p50 ≤ ${BEST_OF_GOALS.addedP50Ms} ms    measured ${ms(worst.afterCliRestP50Ms!)} ms (last CLI end → ranked less git, N = ${worst.n})   ${mark(worst.afterCliRestP50Ms! <= BEST_OF_GOALS.addedP50Ms)}`,
    );
  }
  const one = b.bestOf.find((f) => f.n === 1);
  for (const f of b.bestOf.filter((x) => x.n > 1)) {
    if (!one) break;
    const ratio = f.batonP50Ms / one.batonP50Ms;
    const least = floor(b, f);
    console.log(
      `best of ${String(f.n).padEnd(15)}goal ≤ ${BEST_OF_GOALS.ratio}× one attempt   measured ${fmt(ratio, 2)}× (${ms(f.batonP50Ms)} ms against ${ms(one.batonP50Ms)} ms, CLIs aside, sandbox ${b.sandbox.on ? 'on' : 'off'})   ${mark(ratio <= BEST_OF_GOALS.ratio)}` +
        (least === null ? '' : `; its CPU over ${b.cores} cores alone is ${fmt(least, 2)}×`),
    );
  }
}
