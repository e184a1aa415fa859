import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import type { Step } from '../../src-shared/schemas/step.ts';
import { spendText } from '../../src-shared/spend/words.ts';
import { SEED_AGENTS, seedSpend } from '../kit/spend-seed.ts';
import { serveApp } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import { expectReadableAtWidths } from './readability.ts';

/**
 * The Spend screen in Chromium over a month of seeded runs (five agents, four CLIs and an llm
 * agent, on three models; some calls of unknown cost), written through the real store: its
 * totals, charts and table checked against the usage steps as stored (summed here from their
 * JSON), its grouping, filters, sort and range kept in the address, the CSV it exports, the
 * budgets passed named, the price table edited; readable at 1440 and 1024, light and dark.
 */
describe.skipIf(skipE2e)('the Spend screen', () => {
  let dir: string;
  let app: BatonApp;
  let host: BrowserHost;
  let rpc: Rpc;
  let browser: Browser;
  let page: Page;

  interface Usage {
    day: string;
    plan: string;
    project: string | null;
    agent: string;
    model: string;
    input: number;
    output: number;
    cached: number;
    cost: number | null;
  }
  /** Every usage step as stored, read from its JSON. */
  const stored = (): Usage[] =>
    app.store.db
      .prepare<[], { agent_id: string; body: string; plan_id: string; project_id: string | null }>(
        `SELECT s.agent_id, s.body, r.plan_id, r.project_id FROM attempt_steps s JOIN runs r ON r.id = s.run_id
         WHERE s.kind = 'usage'`,
      )
      .all()
      .map((r) => {
        const s = JSON.parse(r.body) as Extract<Step, { kind: 'usage' }>;
        return {
          day: s.at.slice(0, 10),
          plan: r.plan_id,
          project: r.project_id,
          agent: r.agent_id,
          model: s.model ?? '',
          input: s.input_tokens,
          output: s.output_tokens,
          cached: s.cached_input_tokens,
          cost: s.cost_usd,
        };
      });
  /** The last 30 days, today's included (the browser's zone is UTC). */
  const inRange = (u: Usage) => u.day >= day(-29) && u.day <= day(0);
  const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  const sum = (us: Usage[]) => ({
    input: us.reduce((a, u) => a + u.input, 0),
    output: us.reduce((a, u) => a + u.output, 0),
    cached: us.reduce((a, u) => a + u.cached, 0),
    usd: us.reduce((a, u) => a + (u.cost ?? 0), 0),
    calls: us.length,
    unknown: us.filter((u) => u.cost === null).length,
  });
  const n = (x: number) => x.toLocaleString('en');
  const costOf = (s: ReturnType<typeof sum>) => spendText(s.usd, s.unknown, '$');
  /** A table's body rows as their cells' text. */
  const cells = (name: string) =>
    page
      .getByRole('table', { name })
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map((r) =>
          [...r.querySelectorAll('th, td')].map((c) => (c.firstChild?.textContent ?? '').trim()),
        ),
      );
  const open = async (path: string) => {
    const u = new URL(host.openUrl);
    const [p, q] = path.split('?');
    u.pathname = p!;
    for (const [k, v] of new URLSearchParams(q ?? '')) u.searchParams.set(k, v);
    await page.goto(u.href);
  };
  const address = () => {
    const u = new URL(page.url());
    u.searchParams.delete('token');
    return `${u.pathname}${u.search}`;
  };

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dir = mkdtempSync(join(tmpdir(), 'baton-spend-e2e-'));
    ({ app, host, rpc } = await serveApp(dir));
    seedSpend(app.store, { steps: 3_000, days: 30, end: new Date() });
    browser = await launchChromium();
    page = await browser.newPage({
      viewport: { width: 1440, height: 1000 },
      timezoneId: 'UTC',
      acceptDownloads: true,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await app?.close();
    await removeDataDir(dir);
  });

  it('shows a month by day: the totals, every day’s column and the table are what the stored steps add up to', async () => {
    await open('/spend');
    const table = page.getByRole('table', { name: 'Spend by day' });
    await table.waitFor();
    const all = stored().filter(inRange);
    expect(all.length).toBeGreaterThan(2_500);
    const total = sum(all);
    const totals = page.getByRole('region', { name: 'Totals' });
    await expect.poll(() => totals.locator('dd').first().textContent()).toBe(costOf(total));
    expect(total.unknown).toBeGreaterThan(0);
    expect(costOf(total)).toMatch(/^\$[\d.]+ \+ unknown$/);
    expect(await totals.textContent()).toContain(`${n(total.calls)} (${n(total.unknown)} of unknown cost)`);
    expect(await totals.textContent()).toContain(n(total.cached));

    // A column for each of the 30 days, each saying what its day cost.
    const columns = page.getByRole('list', { name: 'Cost by day' }).getByRole('listitem');
    expect(await columns.count()).toBe(30);
    const days = [...new Set(all.map((u) => u.day))].sort();
    for (const d of [days[0]!, days[10]!, days.at(-1)!]) {
      const s = sum(all.filter((u) => u.day === d));
      expect(await page.getByRole('listitem', { name: `${d}: ${costOf(s)}`, exact: true }).count()).toBe(1);
    }
    const rows = await cells('Spend by day');
    expect(rows.map((r) => r[0])).toEqual(days);
    for (const r of rows) {
      const s = sum(all.filter((u) => u.day === r[0]));
      expect(r.slice(1)).toEqual([n(s.input), n(s.output), n(s.cached), n(s.calls), costOf(s)]);
    }
  });

  it('groups by model, narrows to an agent and a CLI, sorts, all of it in the address; exports the same as CSV', async () => {
    await page.getByRole('group', { name: 'Group by' }).getByRole('button', { name: 'Model' }).click();
    await expect.poll(address).toBe('/spend?by=model');
    const all = stored().filter(inRange);
    await expect.poll(async () => (await cells('Spend by model')).length).toBe(3);
    for (const r of await cells('Spend by model')) {
      const s = sum(all.filter((u) => u.model === r[0]));
      expect(r.slice(1)).toEqual([n(s.input), n(s.output), n(s.cached), n(s.calls), costOf(s)]);
    }
    expect(
      await page
        .getByRole('list', { name: 'Cost by model' })
        .getByRole('listitem')
        .evaluateAll((l) => l.map((x) => x.getAttribute('aria-label'))),
    ).toEqual(
      [...new Set(all.map((u) => u.model))]
        .map((m) => ({ m, s: sum(all.filter((u) => u.model === m)) }))
        .sort((a, b) => b.s.usd - a.s.usd)
        .map(({ m, s }) => `${m}: ${costOf(s)}`),
    );

    // Narrowed to the Codex coder: its one model, its calls.
    await page.getByRole('combobox', { name: 'Agent' }).selectOption('codex-coder');
    await expect.poll(address).toBe('/spend?by=model&agent=codex-coder');
    const codex = all.filter((u) => u.agent === 'codex-coder');
    await expect
      .poll(() => cells('Spend by model'))
      .toEqual([
        [
          'gpt-5-codex',
          n(sum(codex).input),
          n(sum(codex).output),
          n(sum(codex).cached),
          n(sum(codex).calls),
          costOf(sum(codex)),
        ],
      ]);
    // By CLI instead of an agent: qwen's and codex's coders share a model.
    await page.getByRole('combobox', { name: 'Agent' }).selectOption('');
    await page.getByRole('combobox', { name: 'CLI' }).selectOption('qwen');
    await expect.poll(address).toBe('/spend?by=model&cli=qwen');
    const qwen = sum(all.filter((u) => u.agent === 'qwen-coder'));
    await expect.poll(async () => (await cells('Spend by model'))[0]?.[4]).toBe(n(qwen.calls));

    // By agent, sorted by calls, the fewest first; a reload keeps it all.
    await page.getByRole('combobox', { name: 'CLI' }).selectOption('');
    await page.getByRole('group', { name: 'Group by' }).getByRole('button', { name: 'Agent' }).click();
    const calls = page.getByRole('table', { name: 'Spend by agent' }).getByRole('button', { name: /^Calls/ });
    await calls.click();
    await calls.click();
    await expect.poll(address).toBe('/spend?by=agent&sort=calls&asc=1');
    await page.reload();
    const header = page
      .getByRole('table', { name: 'Spend by agent' })
      .getByRole('columnheader', { name: /^Calls/ });
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
    const byAgent = await cells('Spend by agent');
    const agentCalls = byAgent.map((r) => Number(r[4]!.replaceAll(',', '')));
    expect(agentCalls).toEqual([...agentCalls].sort((a, b) => a - b));
    const names = new Map(SEED_AGENTS.map((a) => [a.name, a.id]));
    for (const r of byAgent)
      expect(Number(r[4]!.replaceAll(',', ''))).toBe(
        sum(all.filter((u) => u.agent === names.get(r[0]!))).calls,
      );

    // The CSV: the same groups and total.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`baton-spend-by-agent-${day(-29)}-to-${day(0)}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(csv[0]).toBe(
      'agent,name,input_tokens,output_tokens,cached_input_tokens,usd_known,calls,calls_of_unknown_cost,cost',
    );
    const t = sum(all);
    expect(csv.at(-1)).toBe(
      `,total,${t.input},${t.output},${t.cached},${Math.round(t.usd * 1e9) / 1e9},${t.calls},${t.unknown},${costOf(t)}`,
    );
    expect(csv.length).toBe(2 + SEED_AGENTS.length);
  });

  it('names the budgets passed; Projects links a project’s spend, which holds only its plans’ calls', async () => {
    await open('/spend');
    const docsRunsOver = app.store.db
      .prepare<[], number>(
        `SELECT count(*) FROM (SELECT run_id FROM transactions WHERE plan_id = 'docs-site' GROUP BY run_id HAVING sum(amount) > 0.5)`,
      )
      .pluck()
      .get()!;
    expect(docsRunsOver).toBeGreaterThan(0);
    const line = page.getByRole('status').filter({ hasText: 'Over budget:' });
    await expect
      .poll(() => line.textContent())
      .toContain(`Storefront (project), Docs site (plan, per run: ${docsRunsOver} runs over)`);
    const budgets = page.getByRole('table', { name: 'Budgets' });
    expect(await budgets.getByRole('row', { name: 'Storefront: over budget' }).count()).toBe(1);
    expect(await budgets.getByRole('row', { name: 'Data pipeline: within' }).count()).toBe(1);

    await open('/projects');
    await page
      .getByRole('table', { name: 'Projects' })
      .getByRole('link', { name: /over budget/ })
      .click();
    await expect.poll(address).toBe('/spend?project=storefront');
    const store = sum(
      stored()
        .filter(inRange)
        .filter((u) => u.project === 'storefront'),
    );
    await expect
      .poll(() => page.getByRole('region', { name: 'Totals' }).locator('dd').first().textContent())
      .toBe(costOf(store));
    // Narrowed to the project, its budget and its plans' only.
    expect(await budgets.locator('tbody tr').count()).toBe(1);
  });

  it('sets a price from a day, naming a field that is wrong; what calls already cost stays', async () => {
    const before = (await rpc('spend.report', { by: 'model' })).value;
    await open('/spend/prices');
    const form = page.getByRole('form', { name: 'Set a price' });
    await form.getByLabel('Model', { exact: true }).fill('gpt-5-codex');
    await form.getByLabel('Input (USD per million tokens)', { exact: true }).fill('-2');
    await form.getByLabel('Output (USD per million tokens)', { exact: true }).fill('12');
    await form.getByRole('button', { name: 'Set price' }).click();
    await expect.poll(() => form.textContent()).toContain('Input (USD per million tokens) must be 0 or more');
    await form.getByLabel('Input (USD per million tokens)', { exact: true }).fill('2');
    await form.getByRole('button', { name: 'Set price' }).click();
    const prices = page.getByRole('table', { name: 'Prices' });
    await expect
      .poll(() =>
        prices.getByRole('row', { name: /^gpt-5-codex from \d{4}-\d{2}-\d{2}: in effect$/ }).count(),
      )
      .toBe(1);
    expect(await prices.getByRole('row', { name: 'gpt-5-codex from 2025-11-01: replaced' }).count()).toBe(1);
    expect((await rpc('spend.report', { by: 'model' })).value).toEqual(before);
  });

  it('is readable at 1440 and 1024, light and dark: by day, by agent, the prices', async () => {
    for (const [path, name] of [
      ['/spend', 'spend-by-day'],
      ['/spend?by=agent', 'spend-by-agent'],
      ['/spend/prices', 'spend-prices'],
    ] as const) {
      await open(path);
      await page.getByRole('table', { name: name === 'spend-prices' ? 'Prices' : /^Spend by/ }).waitFor();
      await expectReadableAtWidths(page, name, shots);
    }
    // The budgets, below the figures.
    await open('/spend');
    await page.getByRole('table', { name: 'Budgets' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'spend-budgets-1440-light.png') });
  });
});
