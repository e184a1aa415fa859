import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpendGroup } from '../../src-shared/schemas/plain/spend.ts';
import type { SpendBreakdown, SpendFigures } from '../../src-shared/schemas/spend.ts';
import type { Step } from '../../src-shared/schemas/step.ts';
import { call } from '../../test/kit/engine-kit.ts';
import { SEED_AGENTS, seedSpend } from '../../test/kit/spend-seed.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

// The Spend screen's figures (`spend.report`) against the usage steps as stored: every grouping,
// filter and time range summed here by hand from the steps' own JSON, on a real SQLite file
// holding a month of seeded runs (five agents, three models, some calls of unknown cost).

let dir: string;
let app: BatonApp;
const END = new Date('2026-03-31T12:00:00Z');

/** A usage step as stored, with what the report groups it by. */
interface Usage {
  run_id: string;
  plan_id: string;
  project_id: string | null;
  agent: string | null;
  at: string;
  model: string | null;
  input: number;
  output: number;
  cached: number;
  cost: number | null;
}

/** Every usage step, read back from `attempt_steps` (their JSON, not the sums the report reads). */
function storedUsage(): Usage[] {
  const rows = app.store.db
    .prepare<
      [],
      {
        run_id: string;
        task_id: string;
        attempt: number;
        agent_id: string | null;
        body: string;
        plan_id: string;
        project_id: string | null;
      }
    >(
      `SELECT s.run_id, s.task_id, s.attempt, s.agent_id, s.body, r.plan_id, r.project_id
       FROM attempt_steps s JOIN runs r ON r.id = s.run_id WHERE s.kind = 'usage'`,
    )
    .all();
  const candidates = new Map(
    app.store.db
      .prepare<[], { run_id: string; task_id: string; attempt: number; candidate: number; agent_id: string }>(
        'SELECT run_id, task_id, attempt, candidate, agent_id FROM best_of_candidates',
      )
      .all()
      .map((c) => [`${c.run_id}/${c.task_id}/${c.attempt}/${c.candidate}`, c.agent_id]),
  );
  return rows.map((r) => {
    const s = JSON.parse(r.body) as Extract<Step, { kind: 'usage' }>;
    const byCandidate = s.candidate && candidates.get(`${r.run_id}/${r.task_id}/${r.attempt}/${s.candidate}`);
    return {
      run_id: r.run_id,
      plan_id: r.plan_id,
      project_id: r.project_id,
      agent: byCandidate || r.agent_id,
      at: s.at,
      model: s.model,
      input: s.input_tokens,
      output: s.output_tokens,
      cached: s.cached_input_tokens,
      cost: s.cost_usd,
    };
  });
}

const cliOf = (agent: string | null) => {
  const a = SEED_AGENTS.find((x) => x.id === agent);
  return a ? (a.kind === 'coding' ? a.cli : a.kind) : null;
};

/** The day an instant is in, `offset` minutes east of UTC. */
const dayOf = (at: string, offset: number) =>
  new Date(Date.parse(at) + offset * 60_000).toISOString().slice(0, 10);

/** The steps summed by hand, grouped by `key`. */
function byHand(steps: Usage[], key: (u: Usage) => string | null): Map<string | null, SpendFigures> {
  const out = new Map<string | null, SpendFigures>();
  for (const u of steps) {
    const k = key(u);
    const f = out.get(k) ?? {
      input_tokens: 0,
      output_tokens: 0,
      cached_input_tokens: 0,
      usd: 0,
      calls: 0,
      unknown: 0,
    };
    f.input_tokens += u.input;
    f.output_tokens += u.output;
    f.cached_input_tokens += u.cached;
    f.usd += u.cost ?? 0;
    f.calls += 1;
    f.unknown += u.cost === null ? 1 : 0;
    out.set(k, f);
  }
  return out;
}

/** The report's rows equal the sums by hand, group for group (USD to a millionth of a cent). */
function expectSame(report: SpendBreakdown, expected: Map<string | null, SpendFigures>): void {
  expect(new Set(report.rows.map((r) => r.key))).toEqual(new Set(expected.keys()));
  for (const row of report.rows) {
    const want = expected.get(row.key)!;
    expect({ ...row, usd: 0 }).toMatchObject({ ...want, usd: 0 });
    expect(row.usd).toBeCloseTo(want.usd, 8);
  }
  const total = [...expected.values()].reduce((t, f) => t + f.calls, 0);
  expect(report.total.calls).toBe(total);
}

const report = (input: Record<string, unknown>) => call<SpendBreakdown>(app, 'spend.report', input);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-spend-'));
  app = createApp({ dataDir: dir, log: () => {} });
  seedSpend(app.store, { steps: 3_000, days: 30, end: END });
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('spend.report', () => {
  const keys: Record<Exclude<SpendGroup, 'day'>, (u: Usage) => string | null> = {
    plan: (u) => u.plan_id,
    run: (u) => u.run_id,
    agent: (u) => u.agent,
    model: (u) => u.model,
    cli: (u) => cliOf(u.agent),
  };

  it.each(Object.keys(keys) as (keyof typeof keys)[])(
    'by %s: each group is what its usage steps add up to',
    async (by) => {
      const steps = storedUsage();
      expect(steps.length).toBe(3_000);
      expectSame(await report({ by }), byHand(steps, keys[by]));
    },
  );

  it('by day in the viewer’s time zone, within a range: only the calls made in it, each on its local day', async () => {
    const steps = storedUsage();
    for (const offset of [0, 720, -600, 330]) {
      const since = '2026-03-02T00:00:00Z';
      const until = '2026-03-30T00:00:00Z';
      const inRange = steps.filter((u) => u.at >= since && u.at < until);
      expect(inRange.length).toBeGreaterThan(0);
      // Some calls are on another local day than the UTC hour they began in says (UTC+5:30's midnight is mid-hour).
      if (offset === 330)
        expect(
          inRange.some((u) => dayOf(u.at, offset) !== dayOf(`${u.at.slice(0, 13)}:00:00Z`, offset)),
        ).toBe(true);
      const got = await report({ by: 'day', since, until, tz_offset_minutes: offset });
      expectSame(
        got,
        byHand(inRange, (u) => dayOf(u.at, offset)),
      );
      // Days in order.
      expect(got.rows.map((r) => r.key)).toEqual([...got.rows.map((r) => r.key)].sort());
    }
  });

  it('filters by project, plan, run, agent, model and CLI, alone and together', async () => {
    const steps = storedUsage();
    const cases: [Record<string, string>, (u: Usage) => boolean][] = [
      [{ project_id: 'storefront' }, (u) => u.project_id === 'storefront'],
      [{ plan_id: 'docs-site' }, (u) => u.plan_id === 'docs-site'],
      [{ run_id: 'run-00007' }, (u) => u.run_id === 'run-00007'],
      [{ agent_id: 'codex-coder' }, (u) => u.agent === 'codex-coder'],
      [{ model: 'gpt-5-codex' }, (u) => u.model === 'gpt-5-codex'],
      [{ cli: 'claude' }, (u) => cliOf(u.agent) === 'claude'],
      [
        { cli: 'llm', plan_id: 'data-pipeline' },
        (u) => cliOf(u.agent) === 'llm' && u.plan_id === 'data-pipeline',
      ],
      [{ model: 'gpt-5-codex', agent_id: 'claude-coder' }, () => false],
    ];
    for (const [filter, keep] of cases) {
      const kept = steps.filter(keep);
      const got = await report({ by: 'model', ...filter });
      expectSame(
        got,
        byHand(kept, (u) => u.model),
      );
    }
  });

  it('counts calls of unknown cost apart, never as $0, and names who and what ever spent', async () => {
    const got = await report({ by: 'agent' });
    expect(got.total.unknown).toBeGreaterThan(0);
    expect(got.total.unknown).toBe(storedUsage().filter((u) => u.cost === null).length);
    expect(got.facets.agents).toEqual(SEED_AGENTS.map((a) => a.id).sort());
    expect(got.facets.models).toEqual(['claude-haiku-4-5', 'claude-sonnet-4-5', 'gpt-5-codex']);
    expect(got.facets.clis).toEqual(['claude', 'codex', 'llm', 'opencode', 'qwen']);
    expect(got.facets.plans.map((p) => p.name)).toEqual(['Data pipeline', 'Docs site', 'Storefront web']);
    const claude = got.rows.find((r) => r.key === 'claude-coder')!;
    expect(claude).toMatchObject({ label: 'Claude coder', detail: 'claude' });
  });

  it('a step recorded again under its seq replaces what it counted; a best-of candidate’s calls are its own agent’s', async () => {
    const runId = 'run-00003';
    const before = (await report({ by: 'agent', run_id: runId })).total;
    const task = app.store.db
      .prepare<[string], { task_id: string; agent_id: string; body: string; seq: number }>(
        "SELECT task_id, agent_id, body, seq FROM attempt_steps WHERE run_id = ? AND kind = 'usage' ORDER BY id LIMIT 1",
      )
      .get(runId)!;
    const old = JSON.parse(task.body) as Extract<Step, { kind: 'usage' }>;
    const owner = { run_id: runId, task_id: task.task_id, attempt: 1, agent_id: task.agent_id };
    app.store.tx(() =>
      app.store.steps.upsertOf(owner, [
        { ...old, input_tokens: old.input_tokens + 1_000, cost_usd: null, cost_source: 'unknown' },
      ]),
    );
    const after = (await report({ by: 'agent', run_id: runId })).total;
    expect(after.calls).toBe(before.calls);
    expect(after.input_tokens).toBe(before.input_tokens + 1_000);
    expect(after.usd).toBeCloseTo(before.usd - (old.cost_usd ?? 0), 8);
    expect(after.unknown).toBe(before.unknown + (old.cost_usd === null ? 0 : 1));

    // Two candidates of a best-of attempt on the task's agent: their calls count as each candidate's agent's.
    const at = '2026-03-05T10:00:00.000Z';
    const call1 = (seq: number, candidate: number): Step => ({
      seq,
      at,
      candidate,
      kind: 'usage',
      model: 'gpt-5-codex',
      input_tokens: 100,
      output_tokens: 10,
      cached_input_tokens: 0,
      cost_usd: 0.5,
      cost_source: 'priced',
      duration_ms: null,
    });
    app.store.tx(() => {
      app.store.steps.upsertOf({ run_id: runId, task_id: 'best', attempt: 1, agent_id: 'claude-coder' }, [
        call1(0, 1),
        call1(1, 2),
        call1(2, 2),
      ]);
      const add =
        app.store.db.prepare(`INSERT INTO best_of_candidates (run_id, task_id, attempt, candidate, agent_id,
        branch, status, checks_passed, checks_total, checks_line, duration_ms, diff_lines, files, additions, deletions,
        summary, rank, reason) VALUES (?, 'best', 1, ?, ?, 'b', 'passed', 0, 0, '', 0, 0, 0, 0, 0, '', ?, '')`);
      add.run(runId, 1, 'claude-coder', 1);
      add.run(runId, 2, 'qwen-coder', 2);
    });
    const agents = await report({ by: 'agent', run_id: runId });
    expectSame(
      agents,
      byHand(
        storedUsage().filter((u) => u.run_id === runId),
        (u) => u.agent,
      ),
    );
    expect(agents.rows.find((r) => r.key === 'qwen-coder')?.calls).toBeGreaterThanOrEqual(2);
  });

  it('refuses a bad range or grouping, naming the field', async () => {
    await expect(report({ by: 'week' })).rejects.toThrow(/by/);
    await expect(report({ since: 'yesterday' })).rejects.toThrow(/since/);
    await expect(report({ since: '2026-03-10', until: '2026-03-01' })).rejects.toThrow(
      /until: must be after since/,
    );
    await expect(report({ tz_offset_minutes: 1_000 })).rejects.toThrow(/tz_offset_minutes/);
  });
});

describe('migration 038', () => {
  it('sums the usage steps stored before it, as the triggers do after', async () => {
    const { default: Database } = await import('better-sqlite3');
    const { migrate } = await import('../store/migrate.ts');
    const { migrations } = await import('../store/migrations/index.ts');
    const db = new Database(':memory:');
    migrate(
      db,
      migrations.filter((m) => m.version < 38),
    );
    db.exec(`INSERT INTO runs (id, plan_id, plan_version, status, memory_id, created_at)
      VALUES ('r', 'p', 1, 'completed', 'm', '2026-01-01T00:00:00Z')`);
    const add =
      db.prepare(`INSERT INTO attempt_steps (run_id, task_id, attempt, seq, kind, at, agent_id, body, search_text)
      VALUES ('r', 't', 1, ?, ?, ?, 'a', ?, '')`);
    const usage = (seq: number, at: string, cost: number | null) =>
      add.run(
        seq,
        'usage',
        at,
        JSON.stringify({
          seq,
          at,
          kind: 'usage',
          model: 'm',
          input_tokens: 10,
          output_tokens: 2,
          cached_input_tokens: 1,
          cost_usd: cost,
          cost_source: cost === null ? 'unknown' : 'priced',
          duration_ms: null,
        }),
      );
    usage(0, '2026-01-01T10:05:00.000Z', 0.25);
    usage(1, '2026-01-01T10:14:59.000Z', null);
    usage(2, '2026-01-01T10:15:00.000Z', 0.5);
    add.run(3, 'message', '2026-01-01T10:16:00.000Z', '{"kind":"message"}');
    migrate(db);
    expect(
      db
        .prepare(
          'SELECT slot, input_tokens, output_tokens, cached_input_tokens, usd, calls, unknown FROM spend_slots ORDER BY slot',
        )
        .all(),
    ).toEqual([
      {
        slot: '2026-01-01T10:00',
        input_tokens: 20,
        output_tokens: 4,
        cached_input_tokens: 2,
        usd: 0.25,
        calls: 2,
        unknown: 1,
      },
      {
        slot: '2026-01-01T10:15',
        input_tokens: 10,
        output_tokens: 2,
        cached_input_tokens: 1,
        usd: 0.5,
        calls: 1,
        unknown: 0,
      },
    ]);
    db.close();
  });
});
