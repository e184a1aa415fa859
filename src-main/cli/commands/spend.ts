import type { BatonClient } from '../../../src-shared/contract/client.ts';
import { SPEND_GROUPS } from '../../../src-shared/schemas/plain/spend.ts';
import type { SpendQuery } from '../../../src-shared/schemas/spend.ts';
import { spendCsv } from '../../../src-shared/spend/csv.ts';
import { spendText } from '../../../src-shared/spend/words.ts';
import { CliError } from '../files.ts';
import { printJson, printTable } from '../output.ts';

/** The flags `baton spend` reads (cli.ts parses them). */
export interface SpendFlags {
  by?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  plan?: string | undefined;
  project?: string | undefined;
  run?: string | undefined;
  agent?: string | undefined;
  model?: string | undefined;
  cli?: string | undefined;
  input?: string | undefined;
  output?: string | undefined;
  cached?: string | undefined;
  from?: string | undefined;
  csv: boolean;
  json: boolean;
  actor: string;
}

export const SPEND_USAGE = `usage: baton spend [--by ${SPEND_GROUPS.join('|')}] [--since DAY|30d] [--until DAY] [--plan P] [--project P] [--run R] [--agent A] [--model M] [--cli C] [--csv | --json]
       baton spend budgets [--plan P] [--project P] [--json]
       baton spend prices [--json]
       baton spend prices set <model> --input USD --output USD [--cached USD] [--from DAY]`;

const DAY_MS = 86_400_000;

/**
 * A day on the command line as the instant it starts in this machine's time zone: `2026-03-01`,
 * or `30d` (that many days before today). `end`: the day after it starts (`--until` counts its day).
 */
export function dayStart(flag: string, raw: string, end = false, now = new Date()): string {
  const rel = /^(\d{1,4})d$/.exec(raw);
  let day: Date;
  if (rel) {
    day = new Date(now.getFullYear(), now.getMonth(), now.getDate() - Number(rel[1]) + 1);
  } else {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
    day = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : new Date(Number.NaN);
    if (!m || day.getDate() !== Number(m[3]))
      throw new CliError(
        `--${flag}: expected a day (2026-03-01) or a number of days back (30d), got "${raw}"`,
      );
  }
  return new Date(day.getTime() + (end ? DAY_MS : 0)).toISOString();
}

const usdFlag = (flag: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n))
    throw new CliError(`--${flag}: expected USD per million tokens (a number), got "${raw}"`);
  return n;
};

const tokens = (n: number) => n.toLocaleString('en-US');

/** `baton spend`: what model calls used and cost, grouped, in a range, filtered; the budgets; the prices. */
export async function spendCommand(client: BatonClient, rest: string[], f: SpendFlags): Promise<number> {
  const [sub, arg, model] = rest;
  if (sub === undefined) return report(client, f);
  if (sub === 'budgets' && arg === undefined) return budgets(client, f);
  if (sub === 'prices' && arg === undefined) return prices(client, f);
  if (sub === 'prices' && arg === 'set' && model !== undefined) return setPrice(client, model, f);
  throw new CliError(SPEND_USAGE);
}

async function report(client: BatonClient, f: SpendFlags): Promise<number> {
  const by = f.by ?? 'day';
  if (!(SPEND_GROUPS as readonly string[]).includes(by))
    throw new CliError(`--by: expected one of ${SPEND_GROUPS.join(', ')}, got "${by}"`);
  const query: SpendQuery = {
    by: by as SpendQuery['by'],
    // Days are this machine's: since its midnight, to the end of --until's day.
    tz_offset_minutes: -new Date().getTimezoneOffset(),
    ...(f.since ? { since: dayStart('since', f.since) } : {}),
    ...(f.until ? { until: dayStart('until', f.until, true) } : {}),
    ...(f.plan ? { plan_id: f.plan } : {}),
    ...(f.project ? { project_id: f.project } : {}),
    ...(f.run ? { run_id: f.run } : {}),
    ...(f.agent ? { agent_id: f.agent } : {}),
    ...(f.model ? { model: f.model } : {}),
    ...(f.cli ? { cli: f.cli } : {}),
  };
  const b = await client.invoke('spend.report', query);
  if (f.csv) {
    process.stdout.write(spendCsv(b));
    return 0;
  }
  if (f.json) {
    printJson(b);
    return 0;
  }
  if (b.rows.length === 0) {
    process.stdout.write('No model calls in this range.\n');
    return 0;
  }
  const named = b.by !== 'day';
  const line = (key: string, name: string, r: (typeof b)['total']) => [
    key,
    ...(named ? [name] : []),
    tokens(r.input_tokens),
    tokens(r.output_tokens),
    tokens(r.cached_input_tokens),
    tokens(r.calls),
    spendText(r.usd, r.unknown, '$'),
  ];
  printTable(
    [b.by.toUpperCase(), ...(named ? ['NAME'] : []), 'INPUT', 'OUTPUT', 'CACHED', 'CALLS', 'COST'],
    [...b.rows.map((r) => line(r.key ?? '-', r.label, r)), line('TOTAL', '', b.total)],
  );
  if (b.total.unknown > 0)
    process.stdout.write(
      `${tokens(b.total.unknown)} of the calls have no known cost (no price for the model, or usage Baton could not read): their cost is unknown, not 0.\n`,
    );
  return 0;
}

async function budgets(client: BatonClient, f: SpendFlags): Promise<number> {
  const list = await client.invoke('spend.budgets', {
    ...(f.plan ? { plan_id: f.plan } : {}),
    ...(f.project ? { project_id: f.project } : {}),
  });
  if (f.json) {
    printJson(list);
    return 0;
  }
  if (list.length === 0) {
    process.stdout.write('No budgets set: a plan or a project can have one.\n');
    return 0;
  }
  const scope = { project: 'project', plan: 'plan, across runs', run: 'plan, each run' } as const;
  printTable(
    ['BUDGET', 'OF', 'SPENT', 'BUDGET', 'STATE'],
    list.map((b) => [
      `${b.name}${b.name === b.id ? '' : ` (${b.id})`}`,
      scope[b.scope] + (b.run_id ? ` (latest ${b.run_id})` : ''),
      spendText(b.spent, b.unknown),
      spendText(b.budget),
      b.state === 'over' ? 'OVER BUDGET' : b.state === 'reached' ? 'reached' : 'within',
    ]),
  );
  for (const b of list)
    if (b.runs_over.length > 0)
      process.stdout.write(
        `${b.name}: ${b.runs_over.length} run${b.runs_over.length === 1 ? '' : 's'} spent more than ${spendText(b.budget)}: ${b.runs_over.map((r) => `${r.run_id} (${spendText(r.spent)})`).join(', ')}\n`,
      );
  return 0;
}

async function prices(client: BatonClient, f: SpendFlags): Promise<number> {
  const rows = await client.invoke('spend.prices.list', {});
  if (f.json) {
    printJson(rows);
    return 0;
  }
  printTable(
    ['MODEL', 'INPUT', 'OUTPUT', 'CACHED', 'FROM', 'SET BY', 'NOW'],
    rows.map((r) => [
      r.model,
      `$${r.input_per_mtok}`,
      `$${r.output_per_mtok}`,
      r.cached_input_per_mtok === null ? 'as input' : `$${r.cached_input_per_mtok}`,
      r.effective_from,
      r.source === 'builtin' ? 'Baton' : (r.set_by ?? '-'),
      r.current ? 'in effect' : r.effective_from > new Date().toISOString().slice(0, 10) ? 'later' : '-',
    ]),
  );
  process.stdout.write(
    'USD per million tokens. A call is priced when it is made; a price set later never changes it.\n',
  );
  return 0;
}

async function setPrice(client: BatonClient, model: string, f: SpendFlags): Promise<number> {
  const input = usdFlag('input', f.input);
  const output = usdFlag('output', f.output);
  if (input === undefined || output === undefined) throw new CliError(SPEND_USAGE);
  const cached = usdFlag('cached', f.cached);
  const row = await client.invoke('spend.prices.set', {
    model,
    input_per_mtok: input,
    output_per_mtok: output,
    ...(cached === undefined ? {} : { cached_input_per_mtok: cached }),
    ...(f.from ? { effective_from: f.from } : {}),
    actor: f.actor,
  });
  if (f.json) printJson(row);
  else
    process.stdout.write(
      `${row.model}: $${row.input_per_mtok} input, $${row.output_per_mtok} output per million tokens from ${row.effective_from}${row.current ? ' (in effect now)' : ''}.\n`,
    );
  return 0;
}
