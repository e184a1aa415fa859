import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpendBreakdown } from '../../src-shared/schemas/spend.ts';
import { spendText } from '../../src-shared/spend/words.ts';
import { call } from '../../test/kit/engine-kit.ts';
import { seedSpend } from '../../test/kit/spend-seed.ts';
import { createApp } from '../app/create-app.ts';

// `baton spend`: the Spend screen's figures in a terminal and as CSV, from a data directory holding
// a month of seeded runs; the same numbers `spend.report` answers.

const root = join(import.meta.dirname, '..', '..');
let dir: string;
let byModel: SpendBreakdown;
let byAgentClaude: SpendBreakdown;

function baton(args: string[]) {
  const r = spawnSync(
    process.execPath,
    [join(root, 'src-main', 'cli', 'baton.ts'), ...args, '--data-dir', dir],
    {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC', USER: 'ana' },
      timeout: 60_000,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A CSV as rows of cells (RFC 4180: quoted cells may hold commas). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.trimEnd().split('\r\n')) {
    const cells: string[] = [];
    const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
    for (let m = re.exec(line); m !== null && m[0] !== ''; m = re.exec(line)) {
      const c = m[1]!;
      cells.push(c.startsWith('"') ? c.slice(1, -1).replaceAll('""', '"') : c);
      if (m[2] === '') break;
    }
    rows.push(cells);
  }
  return rows;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baton-spend-cli-'));
  const app = createApp({ dataDir: dir, log: () => {} });
  seedSpend(app.store, { steps: 1_500, days: 30, end: new Date('2026-03-31T12:00:00Z') });
  byModel = await call<SpendBreakdown>(app, 'spend.report', { by: 'model' });
  byAgentClaude = await call<SpendBreakdown>(app, 'spend.report', {
    by: 'agent',
    cli: 'claude',
    since: '2026-03-10T00:00:00Z',
    until: '2026-03-21T00:00:00Z',
  });
  await app.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('baton spend', () => {
  it('prints the groups and the total, each cost in the app’s words, unknown said as unknown', () => {
    const r = baton(['spend', '--by', 'model']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^MODEL\s+NAME\s+INPUT\s+OUTPUT\s+CACHED\s+CALLS\s+COST$/);
    for (const row of byModel.rows) {
      const line = lines.find((l) => l.startsWith(`${row.key} `))!;
      expect(line).toContain(row.input_tokens.toLocaleString('en-US'));
      expect(line.endsWith(spendText(row.usd, row.unknown, '$'))).toBe(true);
    }
    const total = lines.find((l) => l.startsWith('TOTAL'))!;
    expect(total.endsWith(spendText(byModel.total.usd, byModel.total.unknown, '$'))).toBe(true);
    expect(total).toContain('+ unknown');
    expect(r.stdout).toContain('their cost is unknown, not 0');
  });

  it('--csv writes the same figures, filtered and in the range asked (days of this machine’s zone)', () => {
    const r = baton([
      'spend',
      '--by',
      'agent',
      '--cli',
      'claude',
      '--since',
      '2026-03-10',
      '--until',
      '2026-03-20',
      '--csv',
    ]);
    expect(r.code).toBe(0);
    const [head, ...rows] = parseCsv(r.stdout);
    expect(head).toEqual([
      'agent',
      'name',
      'input_tokens',
      'output_tokens',
      'cached_input_tokens',
      'usd_known',
      'calls',
      'calls_of_unknown_cost',
      'cost',
    ]);
    const total = rows.at(-1)!;
    expect(total.slice(0, 2)).toEqual(['', 'total']);
    expect(rows.slice(0, -1)).toEqual(
      byAgentClaude.rows.map((x) => [
        x.key ?? '',
        x.label,
        String(x.input_tokens),
        String(x.output_tokens),
        String(x.cached_input_tokens),
        String(Math.round(x.usd * 1e9) / 1e9),
        String(x.calls),
        String(x.unknown),
        spendText(x.usd, x.unknown, '$'),
      ]),
    );
    expect(Number(total[6])).toBe(byAgentClaude.total.calls);
    expect(byAgentClaude.rows.map((x) => x.key)).toEqual(['claude-coder']);
  });

  it('sets a price from a day and lists the table; lists budgets, naming those over', () => {
    const set = baton([
      'spend',
      'prices',
      'set',
      'gpt-5-codex',
      '--input',
      '1',
      '--output',
      '9',
      '--from',
      '2099-01-01',
    ]);
    expect(set.stderr).toBe('');
    expect(set.stdout).toBe('gpt-5-codex: $1 input, $9 output per million tokens from 2099-01-01.\n');
    const list = baton(['spend', 'prices']).stdout.split('\n');
    expect(list.find((l) => l.startsWith('gpt-5-codex') && l.includes('2099-01-01'))).toMatch(
      /\$1\s+\$9\s+as input\s+2099-01-01\s+ana\s+later$/,
    );
    expect(list.find((l) => l.startsWith('gpt-5-codex') && l.includes('2025-11-01'))).toMatch(
      /Baton\s+in effect$/,
    );

    const budgets = baton(['spend', 'budgets']).stdout;
    expect(budgets).toMatch(/^BUDGET\s+OF\s+SPENT\s+BUDGET\s+STATE$/m);
    expect(budgets).toMatch(/Docs site \(docs-site\)\s+plan, each run \(latest run-\d+\)/);
    expect(budgets).toMatch(/Docs site: \d+ runs? spent more than 0.5: run-\d+/);
  });

  it('refuses what it cannot read, naming the flag or the field', () => {
    expect(baton(['spend', '--by', 'week'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--by: expected one of day, plan, run, agent, model, cli'),
    });
    expect(baton(['spend', '--since', 'March'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--since: expected a day'),
    });
    expect(baton(['spend', 'prices', 'set', 'm', '--input=-1', '--output', '2'])).toMatchObject({
      stderr: expect.stringContaining('input_per_mtok'),
    });
    expect(baton(['spend', 'prices', 'set', 'm', '--input', 'x', '--output', '2']).stderr).toContain(
      '--input: expected USD',
    );
  });
});
