import type { SpendQuery, SpendRow } from '../../../src-shared/schemas/spend.ts';
import type { SpendFilter, SpendRange, SpendSort } from '../routes/routes.ts';

/** The range shown when the address names none. */
export const DEFAULT_RANGE: SpendRange = '30d';

/** A day as the address writes it, `2026-03-01`, of a local date. */
export const dayText = (d: Date): string =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** The local midnight starting a day written `2026-03-01`. */
const startOf = (day: string): Date => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d!);
};
const addDays = (d: Date, n: number): Date => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);

/**
 * The days a filter covers, in the viewer's time zone, both included (`since` null: from the
 * first spend). The last N days end today; days given are taken as given (an end before the
 * start is read as the start).
 */
export function rangeDays(f: SpendFilter, now: Date): { since: string | null; until: string } {
  const today = dayText(now);
  if (f.since || f.until) {
    const since = f.since ?? null;
    const until = f.until ?? today;
    return { since, until: since !== null && until < since ? since : until };
  }
  const range = f.range ?? DEFAULT_RANGE;
  if (range === 'all') return { since: null, until: today };
  return { since: dayText(addDays(now, 1 - Number(range.slice(0, -1)))), until: today };
}

/** `spend.report`'s input for a filter: its days as instants of the viewer's zone, its offset. */
export function spendQueryOf(f: SpendFilter, now: Date): SpendQuery {
  const { since, until } = rangeDays(f, now);
  return {
    by: f.by ?? 'day',
    ...(since === null ? {} : { since: startOf(since).toISOString() }),
    until: addDays(startOf(until), 1).toISOString(),
    tz_offset_minutes: -now.getTimezoneOffset(),
    ...(f.project ? { project_id: f.project } : {}),
    ...(f.plan ? { plan_id: f.plan } : {}),
    ...(f.run ? { run_id: f.run } : {}),
    ...(f.agent ? { agent_id: f.agent } : {}),
    ...(f.model ? { model: f.model } : {}),
    ...(f.cli ? { cli: f.cli } : {}),
  };
}

/**
 * Every day from `since` to `until` (both included) with the report's rows in place, and an empty
 * one for a day nothing was spent: the chart's columns. Without a start, from the first day with
 * spend. At most `max` days (the last ones).
 */
export function everyDay(
  rows: readonly SpendRow[],
  since: string | null,
  until: string,
  max = 400,
): SpendRow[] {
  const byDay = new Map(rows.map((r) => [r.key, r]));
  const first = since ?? rows.find((r) => r.key !== null)?.key ?? until;
  const out: SpendRow[] = [];
  for (let d = startOf(first); dayText(d) <= until; d = addDays(d, 1)) {
    const key = dayText(d);
    out.push(
      byDay.get(key) ?? {
        key,
        label: key,
        detail: null,
        input_tokens: 0,
        output_tokens: 0,
        cached_input_tokens: 0,
        usd: 0,
        calls: 0,
        unknown: 0,
      },
    );
  }
  return out.slice(-max);
}

const FIGURE: Record<Exclude<SpendSort, 'name'>, (r: SpendRow) => number> = {
  // Calls of unknown cost weigh as a part beyond what is known: "$2 + unknown" sorts above "$2".
  usd: (r) => r.usd + (r.unknown > 0 ? 1e-12 : 0),
  input: (r) => r.input_tokens,
  output: (r) => r.output_tokens,
  cached: (r) => r.cached_input_tokens,
  calls: (r) => r.calls,
};

/** The table's rows in the filter's order: by the group's name (days in order), or a figure, the most first. */
export function sortedRows(rows: readonly SpendRow[], f: SpendFilter): SpendRow[] {
  const by = f.sort ?? ((f.by ?? 'day') === 'day' ? 'name' : 'usd');
  const up = f.asc === true ? 1 : -1;
  const name = (a: SpendRow, b: SpendRow) => (a.key ?? '\uffff').localeCompare(b.key ?? '\uffff');
  const list = [...rows];
  if (by === 'name')
    return list.sort((a, b) => (f.asc === true || f.sort === undefined ? 1 : -1) * name(a, b));
  const of = FIGURE[by];
  return list.sort((a, b) => up * (of(a) - of(b)) || name(a, b));
}

/** The file a CSV export is saved as: what it is grouped by, and its days. */
export function csvFileName(f: SpendFilter, now: Date): string {
  const { since, until } = rangeDays(f, now);
  return `baton-spend-by-${f.by ?? 'day'}-${since ?? 'start'}-to-${until}.csv`;
}
