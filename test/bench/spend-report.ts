// What `npm run bench` prints for the Spend screen (spend-worker.ts): the store query behind it
// per grouping, and its first render in Chromium, at 100,000 priced steps. Goals beside the
// figures; nothing asserts on them.
import { fmt } from './report.ts';
import type { SpendFigures } from './spend-worker.ts';

export const SPEND_GOALS = {
  /** Sidebar click → the Spend screen drawn, at 100,000 priced steps. */
  firstRenderMs: 500,
  /** `spend.report` (any grouping, the last 30 days) at 100,000 priced steps, p50. */
  queryP50Ms: 50,
} as const;

const ms = (n: number) => (Math.abs(n) < 10 ? fmt(n, 1) : fmt(n, 0));
const mark = (met: boolean) => (met ? 'met' : 'NOT met');

export function spendTable(s: SpendFigures | null): void {
  if (!s) return void console.log('\nSpend: no figure (spend-worker.ts failed)');
  console.log(
    `\nSpend at ${fmt(s.steps)} priced steps (${fmt(s.runs)} runs over 30 days, five agents, three models; seeded in ${fmt(s.seedMs / 1000, 1)} s), spend.report over the last 30 days, ms (spend-worker.ts)\n`,
  );
  const head = ['grouping', 'rows', 'p50', 'p95'];
  const rows = s.queries.map((q) => [q.by, fmt(q.rows), ms(q.p50Ms), ms(q.p95Ms)]);
  rows.push(['spend.budgets', '', ms(s.budgetsP50Ms), '']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  if (s.firstRenderP50Ms === null)
    console.log(`\nSpend screen in Chromium: skipped (${s.uiSkipped ?? 'no figure'})`);
  else
    console.log(
      `\nSpend screen in Chromium, sidebar click → drawn (by day): p50 ${ms(s.firstRenderP50Ms)} ms, slowest ${ms(s.firstRenderMaxMs!)} ms of ${s.uiReps}; ` +
        `cold load of /spend ${s.coldLoadMs === null ? '?' : ms(s.coldLoadMs)} ms; ` +
        `by day → by run (${s.byRunRows === null ? '?' : fmt(s.byRunRows)} rows drawn of ${fmt(s.queries.find((q) => q.by === 'run')?.rows ?? 0)} runs) ${s.byRunMs === null ? '?' : ms(s.byRunMs)} ms`,
    );
}

export function spendGoals(s: SpendFigures | null): void {
  if (!s) return;
  const worst = Math.max(...s.queries.map((q) => q.p50Ms));
  console.log(
    `spend.report          goal p50 ≤ ${SPEND_GOALS.queryP50Ms} ms   measured ${ms(worst)} ms at worst (by ${s.queries.find((q) => q.p50Ms === worst)?.by}) at ${fmt(s.steps)} steps   ${mark(worst <= SPEND_GOALS.queryP50Ms)}`,
  );
  if (s.firstRenderP50Ms !== null)
    console.log(
      `Spend first render    goal ≤ ${SPEND_GOALS.firstRenderMs} ms   measured p50 ${ms(s.firstRenderP50Ms)} ms (slowest ${ms(s.firstRenderMaxMs!)} ms) at ${fmt(s.steps)} steps   ${mark(s.firstRenderP50Ms <= SPEND_GOALS.firstRenderMs)}`,
    );
}
