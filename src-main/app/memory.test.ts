import { afterEach, describe, expect, it } from 'vitest';
import type { MemorySearchHit } from '../../src-shared/schemas/memory.ts';
import { call, controlledExecutor, eventually } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

let app: BatonApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('memory.search filters', () => {
  const T1 = '2026-03-01T09:00:00.000Z';
  const T2 = '2026-03-01T10:00:00.000Z';
  const T3 = '2026-03-01T11:00:00.000Z';
  // One minute after T2 and before T3: a time no entry was written at.
  const BETWEEN = '2026-03-01T10:01:00.000Z';

  /**
   * Three runs an hour apart on a clock the test sets: p-alpha (project proj-a, ash) at T1,
   * p-beta (project proj-b, hal) at T2, p-gamma (no project, ash) at T3. Each writes a build
   * log (agent "orchestrator") and one task result whose output says "harvest".
   */
  async function history(): Promise<void> {
    let now = Date.parse(T1);
    const exec = controlledExecutor((ctx) => ({
      ok: true,
      output: { note: `harvest of ${ctx.task.task_id}` },
    }));
    app = createApp({
      dataDir: ':memory:',
      clock: { now: () => now },
      executors: { echo: exec.executor },
      log: () => {},
    });
    await call(app, 'agents.import', {
      agents: [
        { id: 'ash', skills: ['x'] },
        { id: 'hal', skills: ['y'] },
      ],
    });
    const runs: [string, string | undefined, string, string][] = [
      ['p-alpha', 'proj-a', 'a1', T1],
      ['p-beta', 'proj-b', 'b1', T2],
      ['p-gamma', undefined, 'g1', T3],
    ];
    for (const [plan_id, project_id, task_id, at] of runs) {
      now = Date.parse(at);
      const skill = plan_id === 'p-beta' ? 'y' : 'x';
      await call(app, 'plans.import', {
        plan: {
          plan_id,
          ...(project_id ? { project_id } : {}),
          tasks: [{ task_id, description: `do ${task_id}`, required_skills: [skill] }],
        },
      });
      const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id });
      expect((await app.engine.whenSettled(run_id)).status).toBe('completed');
    }
  }

  // A query's last word matches as a prefix, and entries hold run ids with a random hex base
  // ("run-b1…" one process in 256): the task id goes first, as a whole word, never last.
  /** Each hit by what it is: `log:<plan>` for a build log, `result:<task>` for a task result. */
  const search = async (filter: Record<string, unknown>): Promise<string[]> => {
    const hits = await call<MemorySearchHit[]>(app!, 'memory.search', filter);
    return hits
      .map(({ entry }) =>
        entry.type === 'build_log'
          ? `log:${(entry.content as { plan_id: string }).plan_id}`
          : `${entry.type === 'task_result' ? 'result' : entry.type}:${entry.task_id}`,
      )
      .sort();
  };

  it('finds everything without a filter, and the text query alone finds every task result', async () => {
    await history();
    expect(await search({})).toEqual([
      'log:p-alpha',
      'log:p-beta',
      'log:p-gamma',
      'result:a1',
      'result:b1',
      'result:g1',
    ]);
    expect(await search({ query: 'harvest' })).toEqual(['result:a1', 'result:b1', 'result:g1']);
  });

  it('filters by plan, alone and with a text query', async () => {
    await history();
    expect(await search({ plan_id: 'p-beta' })).toEqual(['log:p-beta', 'result:b1']);
    expect(await search({ plan_id: 'p-beta', query: 'harvest' })).toEqual(['result:b1']);
    expect(await search({ plan_id: 'p-alpha', query: 'b1 harvest' })).toEqual([]);
    expect(await search({ plan_id: 'p-nope' })).toEqual([]);
  });

  it('filters by project, alone and with a text query; a plan without a project is in none', async () => {
    await history();
    expect(await search({ project_id: 'proj-a' })).toEqual(['log:p-alpha', 'result:a1']);
    expect(await search({ project_id: 'proj-b' })).toEqual(['log:p-beta', 'result:b1']);
    expect(await search({ project_id: 'proj-b', query: 'harvest' })).toEqual(['result:b1']);
    expect(await search({ project_id: 'proj-a', query: 'b1 harvest' })).toEqual([]);
    expect(await search({ project_id: 'proj-c' })).toEqual([]);
  });

  it('filters by agent, alone and with a text query', async () => {
    await history();
    expect(await search({ agent_id: 'ash' })).toEqual(['result:a1', 'result:g1']);
    expect(await search({ agent_id: 'orchestrator' })).toEqual(['log:p-alpha', 'log:p-beta', 'log:p-gamma']);
    expect(await search({ agent_id: 'hal', query: 'harvest' })).toEqual(['result:b1']);
    expect(await search({ agent_id: 'ash', query: 'b1 harvest' })).toEqual([]);
  });

  it('finds the agents whose id contains part of it, in any case (agent), and takes % and _ literally', async () => {
    await history();
    expect(await search({ agent: 'AS' })).toEqual(['result:a1', 'result:g1']);
    expect(await search({ agent: 'h' })).toEqual([
      'log:p-alpha',
      'log:p-beta',
      'log:p-gamma',
      'result:a1',
      'result:b1',
      'result:g1',
    ]);
    expect(await search({ agent: 'orch', plan_id: 'p-beta' })).toEqual(['log:p-beta']);
    expect(await search({ agent: 'a%' })).toEqual([]);
    expect(await search({ agent: '_' })).toEqual([]);
  });

  it('lists the audit entries matching a search and filters: what about, who, when (newest first)', async () => {
    await history();
    // A person decides on a gate: entries about an approval, by someone other than the engine.
    await call(app!, 'plans.import', {
      plan: {
        plan_id: 'p-gate',
        tasks: [{ task_id: 'gate', description: 'a gate', required_skills: ['x'], requires_approval: true }],
      },
    });
    await call(app!, 'runs.start', { plan_id: 'p-gate' });
    let pending: { id: string }[] = [];
    await eventually(async () => {
      pending = await call<{ id: string }[]>(app!, 'approvals.list', { status: 'pending' });
      return pending.length > 0;
    });
    await call(app!, 'approvals.decide', {
      approval_id: pending[0]!.id,
      decision: 'approve',
      actor: 'Maria Lopez',
    });
    type Entry = { entity: string; actor: string; at: string; entity_id: string };
    const audit = (f: Record<string, unknown>) => call<Entry[]>(app!, 'audit.list', f);
    const all = await audit({});
    const runs = await audit({ entity: 'run' });
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((e) => e.entity === 'run')).toBe(true);
    expect(runs.length).toBeLessThan(all.length);
    // Newest first, as without filters.
    expect(runs.map((e) => e.at)).toEqual([...runs.map((e) => e.at)].sort().reverse());
    // Part of who, any case.
    const maria = await audit({ actor: 'LOPEZ' });
    expect(maria.length).toBeGreaterThan(0);
    expect(maria.every((e) => e.actor === 'Maria Lopez')).toBe(true);
    expect(await audit({ actor: 'lopez', entity: 'run' })).toEqual([]);
    expect(await audit({ actor: 'nobody-at-all' })).toEqual([]);
    // A time window: the run of p-beta (at T2) alone.
    const window = await audit({ entity: 'run', since: T2, until: BETWEEN });
    expect(window.map((e) => e.entity_id)).toHaveLength(2);
    expect(window.every((e) => e.at >= T2 && e.at <= BETWEEN)).toBe(true);
    // With a search too.
    const searched = await audit({ query: 'gate', entity: 'task' });
    expect(searched.length).toBeGreaterThan(0);
    expect(searched.every((e) => e.entity === 'task' && e.entity_id === 'gate')).toBe(true);
    // A task's history is listed whole: no filters with it.
    const refused = await app!.dispatch('audit.list', { run_id: 'r', task_id: 'a', actor: 'x' });
    expect(JSON.stringify(refused)).toContain('task_id: cannot be combined with filters');
  });

  it('filters from a time on (since, inclusive), alone and with a text query', async () => {
    await history();
    expect(await search({ since: T2 })).toEqual(['log:p-beta', 'log:p-gamma', 'result:b1', 'result:g1']);
    expect(await search({ since: BETWEEN })).toEqual(['log:p-gamma', 'result:g1']);
    expect(await search({ since: T2, query: 'harvest' })).toEqual(['result:b1', 'result:g1']);
    expect(await search({ since: BETWEEN, query: 'b1 harvest' })).toEqual([]);
  });

  it('filters up to a time (until, inclusive), alone and with a text query', async () => {
    await history();
    expect(await search({ until: T2 })).toEqual(['log:p-alpha', 'log:p-beta', 'result:a1', 'result:b1']);
    expect(await search({ until: BETWEEN })).toEqual(['log:p-alpha', 'log:p-beta', 'result:a1', 'result:b1']);
    expect(await search({ until: T2, query: 'harvest' })).toEqual(['result:a1', 'result:b1']);
    expect(await search({ until: T1, query: 'harvest of g1' })).toEqual([]);
  });

  it('combines filters: a time window, and a window with plan, agent and text at once', async () => {
    await history();
    expect(await search({ since: T2, until: T2 })).toEqual(['log:p-beta', 'result:b1']);
    expect(await search({ since: BETWEEN, until: T3, agent_id: 'ash', query: 'harvest' })).toEqual([
      'result:g1',
    ]);
    expect(await search({ since: T1, until: T3, plan_id: 'p-alpha', agent_id: 'hal' })).toEqual([]);
    expect(await search({ project_id: 'proj-b', agent_id: 'orchestrator' })).toEqual(['log:p-beta']);
  });

  it('finds a build log kept current through a time window by both edges of it', async () => {
    let now = Date.parse(T1);
    const exec = controlledExecutor(() => 'hold');
    app = createApp({
      dataDir: ':memory:',
      clock: { now: () => now },
      executors: { echo: exec.executor },
      log: () => {},
    });
    await call(app, 'agents.import', { agents: [{ id: 'ash', skills: ['x'] }] });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'p-long',
        tasks: [{ task_id: 'slow', description: 'takes hours', required_skills: ['x'] }],
      },
    });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p-long' });
    await eventually(() => exec.running.has('slow'));
    // The run started at T1 and ends at T3: its build log was written at T1 and rewritten at T3.
    now = Date.parse(T3);
    exec.running.get('slow')!.finish({ note: 'done at last' });
    await app.engine.whenSettled(run_id);
    expect(await search({ type: 'build_log', since: T2 })).toEqual(['log:p-long']);
    expect(await search({ type: 'build_log', until: T2 })).toEqual(['log:p-long']);
    // The task result was written only at T3.
    expect(await search({ type: 'task_result', until: T2 })).toEqual([]);
    expect(await search({ type: 'task_result', since: T2, query: 'last' })).toEqual(['result:slow']);
  });

  it('refuses a time that is not one, naming the field', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const r = await app.dispatch('memory.search', { since: 'yesterday' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(r)).toContain('since');
  });
});

describe('a search after much was written', () => {
  it('brings the index up to date a chunk per turn: calls are answered meanwhile, and it finds everything', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    const at = '2026-03-01T09:00:00.000Z';
    // Written as a long run writes, with no search since: none of it is in the index yet.
    const entries = Array.from({ length: 5_000 }, (_, i) => ({
      id: `mem-${i}`,
      agent_id: 'ash',
      type: 'note',
      content: { text: i % 100 === 0 ? `harvest ${i}` : `row ${i}` },
      tags: [],
      project_id: null,
      status: null,
      task_type: null,
      task_id: null,
      plan_id: null,
      created_at: at,
      updated_at: at,
    }));
    app.store.tx(() => app!.store.memory.insertMany(entries));
    const order: string[] = [];
    const search = call<MemorySearchHit[]>(app, 'memory.search', { query: 'harvest', limit: 100 }).then(
      (hits) => {
        order.push('memory.search');
        return hits;
      },
    );
    const agents = call(app, 'agents.list', {}).then(() => order.push('agents.list'));
    const [hits] = await Promise.all([search, agents]);
    // The call asked after the search was answered first: the search did not hold the thread.
    expect(order).toEqual(['agents.list', 'memory.search']);
    expect(hits.map((h) => h.entry.id).sort()).toEqual(
      entries
        .filter((_, i) => i % 100 === 0)
        .map((e) => e.id)
        .sort(),
    );
  });
});
