import { afterAll, beforeAll, expect, it } from 'vitest';
import { costOf } from '../../src-main/agents/coding/streams/prices.ts';
import type { PriceRow, SpendBreakdown } from '../../src-shared/schemas/spend.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, writeTurn } from './baton-kit.ts';
import { CLIS } from './clis.ts';

// The price table with a real coding CLI: codex reports tokens, never money, so Baton prices its
// calls from the table (its agent names no prices of its own). A run priced at one price; the
// model's price set again; the next run's calls cost the new price, and the first run's steps keep
// the cost they were priced at, in its trace and on the Spend screen's figures.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
const MODEL = CLIS.codex.model;
/** Each answer's usage: 10,000 input and 1,000 output tokens. */
const USAGE = { input: 10_000, output: 1_000 };
const FIRST = { input_per_mtok: 1, output_per_mtok: 10 };
const SECOND = { input_per_mtok: 3, output_per_mtok: 30 };
const runs: string[] = [];

const steps = (runId: string) =>
  call<StoredStep[]>(baton.app, 'runs.steps', { run_id: runId, task_id: 'write' });
const usage = (s: StoredStep[]) => s.filter((x) => x.kind === 'usage');

beforeAll(async () => {
  if (!installed) return;
  servers = await startServers();
  baton = openBaton();
  const { app, repo } = baton;
  servers.script('codex', [
    {
      name: 'write',
      turns: [
        { ...writeTurn('codex', 'priced.txt', 'priced\n'), usage: USAGE },
        { text: 'Wrote priced.txt.', usage: USAGE },
      ],
    },
  ]);
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  // No prices of its own: the table prices its calls.
  const { prices: _own, ...agent } = codingAgent(servers, 'codex') as Record<string, unknown>;
  await call(app, 'agents.import', { agents: [agent] });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'priced',
      workspace: 'app',
      tasks: [{ task_id: 'write', description: 'Write priced.txt.', required_skills: ['codex'] }],
    },
  });
  for (const price of [FIRST, SECOND]) {
    await call<PriceRow>(app, 'spend.prices.set', { model: MODEL, ...price, actor: 'tester' });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'priced' });
    await app.engine.whenSettled(run_id);
    runs.push(run_id);
  }
  await app.coding.worktreesSettled();
}, 240_000);

afterAll(async () => {
  if (!installed) return;
  await baton?.close();
  await servers?.close();
});

it.skipIf(!installed)(
  'prices codex’s calls from the table as it was when each was made; an earlier call keeps its cost',
  async () => {
    const at = (p: typeof FIRST) =>
      costOf(p, { input_tokens: USAGE.input, output_tokens: USAGE.output, cached_input_tokens: 0 });
    const [first, second] = [await steps(runs[0]!), await steps(runs[1]!)];
    expect(usage(first).length).toBeGreaterThan(0);
    expect(usage(second).length).toBe(usage(first).length);
    for (const s of usage(first))
      expect(s).toMatchObject({ model: MODEL, cost_source: 'priced', cost_usd: at(FIRST) });
    for (const s of usage(second))
      expect(s).toMatchObject({ model: MODEL, cost_source: 'priced', cost_usd: at(SECOND) });
    // The table lists the price in effect now, the first one replaced (both set today: the later one wins).
    const rows = (await call<PriceRow[]>(baton.app, 'spend.prices.list', {})).filter(
      (r) => r.model === MODEL,
    );
    expect(rows).toEqual([
      expect.objectContaining({ ...SECOND, source: 'set', set_by: 'tester', current: true }),
    ]);
    // The Spend figures: each run what its steps cost.
    const byRun = await call<SpendBreakdown>(baton.app, 'spend.report', { by: 'run' });
    const usd = Object.fromEntries(byRun.rows.map((r) => [r.key, r.usd]));
    expect(usd[runs[0]!]).toBeCloseTo(at(FIRST) * usage(first).length, 9);
    expect(usd[runs[1]!]).toBeCloseTo(at(SECOND) * usage(second).length, 9);
    expect(byRun.total.unknown).toBe(0);
  },
);
