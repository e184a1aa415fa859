import type { SpendGroup } from '../schemas/plain/spend.ts';
import type { SpendBreakdown } from '../schemas/spend.ts';
import { spendText } from './words.ts';

/** The first column's head: what the rows are. */
const GROUP_HEADS: Record<SpendGroup, string> = {
  day: 'day',
  plan: 'plan',
  run: 'run',
  agent: 'agent',
  model: 'model',
  cli: 'cli',
};

/**
 * A cell as RFC 4180 writes it (quoted when it holds a comma, a quote or a line break), and never
 * read as a formula by a spreadsheet: text starting with = + - @ (or a tab, a carriage return)
 * gets a leading apostrophe (OWASP's advice against CSV injection). Numbers are written as they are.
 */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * A spend breakdown as CSV, one line per group and a total: its key (the day, the plan's or run's
 * id, …; empty for calls that name none), what a person reads for it, the tokens, the USD known
 * (a number), the calls and those of unknown cost, and the cost in words ("$1.20 + unknown").
 * The Spend screen's export and `baton spend --csv` write the same file.
 */
export function spendCsv(b: SpendBreakdown): string {
  const head = [
    GROUP_HEADS[b.by],
    'name',
    'input_tokens',
    'output_tokens',
    'cached_input_tokens',
    'usd_known',
    'calls',
    'calls_of_unknown_cost',
    'cost',
  ];
  const line = (key: string | null, name: string, f: SpendBreakdown['total']) =>
    [
      key,
      name,
      f.input_tokens,
      f.output_tokens,
      f.cached_input_tokens,
      Math.round(f.usd * 1e9) / 1e9,
      f.calls,
      f.unknown,
      spendText(f.usd, f.unknown, '$'),
    ]
      .map(csvCell)
      .join(',');
  const rows = b.rows.map((r) => line(r.key, r.label, r));
  return `${[head.join(','), ...rows, line(null, 'total', b.total)].join('\r\n')}\r\n`;
}
