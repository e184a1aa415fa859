import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Run, StartedRun } from '../../src-shared/schemas/run.ts';
import { call, task } from '../../test/kit/engine-kit.ts';
import { runCommand } from '../cli/commands/run.ts';
import { runTools } from '../mcp/tools/runs.ts';
import { runEntry } from '../store/testing/store-behind.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';
import { createInProcessClient } from './memory-transport.ts';

let app: BatonApp;
let dir: string | null = null;
afterEach(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

const plan = { plan_id: 'p', tasks: [task('a'), task('b', { depends_on: ['a'] })] };
const open = async () => {
  app = createApp({ dataDir: ':memory:', log: () => {} });
  await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
  await call(app, 'plans.import', { plan });
};
const startedBy = async () =>
  Object.fromEntries((await call<Run[]>(app, 'runs.list', {})).map((r) => [r.id, r.started_by]));

describe('runs.start', () => {
  it('answers with what the run screen shows: the run, its tasks and its build log', async () => {
    await open();
    const started = await call<StartedRun>(app, 'runs.start', { plan_id: 'p', actor: 'ana' });
    expect(started).toMatchObject({
      status: 'executing',
      run_id: started.run.id,
      memory_id: started.build_log.id,
    });
    expect(started.delegated_tasks.map((d) => d.task_id)).toEqual(['a']);
    expect(started.run).toMatchObject({ plan_id: 'p', plan_version: 1, started_by: 'ana', added_tasks: [] });
    expect(started.run.tasks.map((t) => [t.task_id, t.status])).toEqual([
      ['a', 'in_progress'],
      ['b', 'blocked'],
    ]);
    expect(started.build_log).toMatchObject({ type: 'build_log', agent_id: 'orchestrator' });
    // Built from the engine's memory, it says what the store says.
    expect(started.run).toEqual(await call(app, 'runs.get', { run_id: started.run_id }));
    // A re-run answers the same way, and records who asked for it.
    await app.engine.whenSettled(started.run_id);
    const again = await call<StartedRun>(app, 'runs.rerun', {
      run_id: started.run_id,
      task_id: 'b',
      actor: 'bo',
    });
    expect(again.run.started_by).toBe('bo');
    expect(again.run.tasks.find((t) => t.task_id === 'a')?.status).toBe('done');
  });

  it('reaches a client as its own copy, which the run going on does not change', async () => {
    await open();
    const client = createInProcessClient(app);
    const started = await client.invoke('runs.start', { plan_id: 'p' });
    const before = structuredClone(started.run);
    await app.engine.whenSettled(started.run_id);
    expect(started.run).toEqual(before);
    expect(started.run.tasks.map((t) => t.status)).toEqual(['in_progress', 'blocked']);
  });

  it('records who started each run, shown by runs.list: a person, the CLI, MCP, or user when unsaid', async () => {
    await open();
    const byPerson = await call<StartedRun>(app, 'runs.start', { plan_id: 'p', actor: 'ana' });
    const unsaid = await call<StartedRun>(app, 'runs.start', { plan_id: 'p' });
    const tool = runTools.find((t) => t.name === 'start_run')!;
    const client = createInProcessClient(app);
    // A plain baton mcp: no attempt it speaks for, nobody cancelling, no progress asked for.
    const extra = { signal: new AbortController().signal, progress: async () => {}, attempt: null };
    const viaMcp = (await tool.call(client, { plan_id: 'p' }, extra)) as Record<string, unknown>;
    // The tool answers the seed's build response, not the run screen's extras; a client cannot name who started it.
    expect(Object.keys(viaMcp).sort()).toEqual(['delegated_tasks', 'memory_id', 'run_id', 'status']);
    await expect(async () => tool.call(client, { plan_id: 'p', actor: 'ana' }, extra)).rejects.toThrow(
      /actor/,
    );
    dir = mkdtempSync(join(tmpdir(), 'baton-started-by-'));
    const file = join(dir, 'plan.json');
    writeFileSync(file, JSON.stringify(plan));
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      expect(await runCommand(client, { planFile: file, json: true })).toBe(0);
    } finally {
      process.stderr.write = stderr;
    }
    const who = await startedBy();
    expect(who[byPerson.run_id]).toBe('ana');
    expect(who[unsaid.run_id]).toBe('user');
    expect(who[viaMcp.run_id as string]).toBe('mcp');
    expect(Object.values(who).sort()).toEqual(['ana', 'cli', 'mcp', 'user']);
  });
});

describe('a start once the engine has stopped', () => {
  it('is refused, and stores no run (it could have waited for the writer past the engine’s close)', async () => {
    await open();
    await app.engine.close();
    await expect(call(app, 'runs.start', { plan_id: 'p' })).rejects.toMatchObject({ code: 'unavailable' });
    expect(await call(app, 'runs.list', {})).toEqual([]);
  });
});

describe('a call that writes while the store writer is behind', () => {
  /** An app on a file, and another process holding its write lock with a tick handed to the writer, which waits for it. */
  const behind = async (first: () => Promise<unknown> = async () => {}) => {
    dir = mkdtempSync(join(tmpdir(), 'baton-start-behind-'));
    app = createApp({ dataDir: dir, log: () => {} });
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await call(app, 'plans.import', { plan });
    await first();
    const other = new Database(join(dir, 'baton.db'));
    other.exec('BEGIN IMMEDIATE');
    app.store.txBehind(
      () => app.store.memory.auditMany([runEntry('a tick the writer has not written')]),
      () => null,
    );
    expect(app.store.unwritten()).toBeGreaterThan(0);
    return other;
  };
  const turnsGoBy = async () => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  /** Whether `p` has settled by the time the caller looks. */
  const settled = (p: Promise<unknown>) => {
    let done = false;
    const end = () => {
      done = true;
    };
    p.then(end, end);
    return () => done;
  };
  /** A run of the plan started and ended before the writer falls behind: its id. */
  const endedRun = async () => {
    const id = (await call<StartedRun>(app, 'runs.start', { plan_id: 'p' })).run_id;
    await app.engine.whenSettled(id);
    return id;
  };

  it('runs.start waits for the writer without holding the thread, and answers once it has written', async () => {
    const other = await behind();
    try {
      const start = call<StartedRun>(app, 'runs.start', { plan_id: 'p' });
      const answered = settled(start);
      // The launch's transaction would wait for the writer, and the writer for this thread's
      // other connection: the thread stays free meanwhile (turns go by) and the start waits.
      await turnsGoBy();
      expect(answered()).toBe(false);
      other.exec('COMMIT');
      const started = await start;
      expect(started.run.tasks.map((t) => [t.task_id, t.status])).toEqual([
        ['a', 'in_progress'],
        ['b', 'blocked'],
      ]);
      expect(started.build_log.id).toBe(started.memory_id);
      expect(started.run).toEqual(await call(app, 'runs.get', { run_id: started.run_id }));
    } finally {
      other.close();
    }
  });

  it('a start still waiting when the app closes is refused, and stores no run', async () => {
    const other = await behind();
    try {
      const start = call<StartedRun>(app, 'runs.start', { plan_id: 'p' });
      await turnsGoBy();
      other.exec('COMMIT');
      // The writer writes the tick it held while the app closes: the start does not begin after the engine stopped.
      const closed = app.close();
      await expect(start).rejects.toMatchObject({ code: 'unavailable', message: /closing/ });
      await closed;
      expect(other.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(0);
    } finally {
      other.close();
    }
  });

  it('runs.rerun waits likewise, its read of the old run (its counts read task rows) too', async () => {
    let old = '';
    const other = await behind(async () => {
      old = await endedRun();
    });
    try {
      const rerun = call<StartedRun>(app, 'runs.rerun', { run_id: old, task_id: 'b' });
      const answered = settled(rerun);
      await turnsGoBy();
      expect(answered()).toBe(false);
      other.exec('COMMIT');
      const again = await rerun;
      expect(again.run.tasks.map((t) => [t.task_id, t.status])).toEqual([
        ['a', 'done'],
        ['b', 'in_progress'],
      ]);
    } finally {
      other.close();
    }
  });

  it('runs.list and runs.get wait likewise, and answer with what the writer was handed', async () => {
    let old = '';
    const other = await behind(async () => {
      old = await endedRun();
    });
    try {
      const list = call<Run[]>(app, 'runs.list', {});
      const got = call<Run>(app, 'runs.get', { run_id: old });
      const answered = settled(Promise.race([list, got]));
      await turnsGoBy();
      expect(answered()).toBe(false);
      other.exec('COMMIT');
      expect((await list).map((r) => [r.id, r.status, r.counts.done])).toEqual([[old, 'completed', 2]]);
      expect(await got).toMatchObject({ id: old, status: 'completed' });
    } finally {
      other.close();
    }
  });

  it('plans.import waits likewise, and saves the plan once the writer has written', async () => {
    const other = await behind();
    try {
      const changed = { ...plan, tasks: [...plan.tasks, task('c')] };
      const imported = call<{ version: number }>(app, 'plans.import', { plan: changed });
      const saved = settled(imported);
      await turnsGoBy();
      expect(saved()).toBe(false);
      other.exec('COMMIT');
      expect((await imported).version).toBe(2);
    } finally {
      other.close();
    }
  });
});
