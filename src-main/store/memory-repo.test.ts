import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.ts';
import { migrate } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { createStore } from './store.ts';

const AT = '2026-11-21T10:00:00.000Z';

describe('search index catch-up', () => {
  it('indexes pending rows a chunk at a time, each row once, until none are left', () => {
    const store = createStore(openDatabase(':memory:'));
    const entries = Array.from({ length: 1_200 }, (_, i) => ({
      id: `mem-${i}`,
      agent_id: 'a1',
      type: 'task_result',
      content: { text: i === 1_150 ? 'needle' : `hay ${i}` },
      tags: ['t'],
      project_id: null,
      status: 'done',
      task_type: 'task',
      task_id: `t${i}`,
      plan_id: 'p',
      created_at: AT,
      updated_at: AT,
    }));
    const audits = Array.from({ length: 700 }, (_, i) => ({
      at: AT,
      actor: 'engine',
      entity: 'task' as const,
      entity_id: `t${i}`,
      run_id: 'r',
      from_status: 'ready',
      to_status: 'done',
      why: i === 650 ? 'haystack needle' : 'the agent returned a result',
    }));
    store.tx(() => {
      store.memory.insertMany(entries);
      store.memory.auditMany(audits);
    });
    const indexed = () => ({
      memory: (store.db.prepare('SELECT count(*) AS n FROM memory_fts_docsize').get() as { n: number }).n,
      audit: (store.db.prepare('SELECT count(*) AS n FROM audit_fts_docsize').get() as { n: number }).n,
    });
    expect(store.memory.indexPending(500)).toBe(false);
    expect(indexed()).toEqual({ memory: 500, audit: 500 });
    expect(store.memory.indexPending(500)).toBe(false);
    expect(indexed()).toEqual({ memory: 1_000, audit: 700 });
    expect(store.memory.indexPending(500)).toBe(true);
    expect(indexed()).toEqual({ memory: 1_200, audit: 700 });
    expect(store.memory.indexPending(500)).toBe(true);
    expect(indexed()).toEqual({ memory: 1_200, audit: 700 });
    const hits = store.memory.search({ query: 'needle', limit: 10 });
    expect(hits.map((h) => h.entry.id)).toEqual(['mem-1150']);
  });

  it('takes long entries a few at a time: a chunk stops past 128k characters, its first row always taken', () => {
    const store = createStore(openDatabase(':memory:'));
    // 50,000 characters each (a big run's build log is ~80 kB), the last one 300,000 and alone.
    const entry = (i: number, chars: number) => ({
      id: `big-${i}`,
      agent_id: 'orchestrator',
      type: 'build_log',
      content: { text: `${i === 5 ? 'needle ' : ''}${'word '.repeat(chars / 5)}` },
      tags: [],
      project_id: null,
      status: 'done',
      task_type: null,
      task_id: null,
      plan_id: 'p',
      created_at: AT,
      updated_at: AT,
    });
    store.tx(() =>
      store.memory.insertMany([...Array.from({ length: 6 }, (_, i) => entry(i, 50_000)), entry(6, 300_000)]),
    );
    const indexed = () =>
      (store.db.prepare('SELECT count(*) AS n FROM memory_fts_docsize').get() as { n: number }).n;
    // Three fit under 128k (the text before the third is ~100k); the fourth would start past it.
    expect(store.memory.indexPending(500)).toBe(false);
    expect(indexed()).toBe(3);
    expect(store.memory.indexPending(500)).toBe(false);
    expect(indexed()).toBe(6);
    expect(store.memory.indexPending(500)).toBe(true);
    expect(indexed()).toBe(7);
    expect(store.memory.search({ query: 'needle', limit: 10 }).map((h) => h.entry.id)).toEqual(['big-5']);
  });
});

describe('a task’s history', () => {
  it('lists the task’s own audit entries and its approvals’, in that run, oldest first', () => {
    const store = createStore(openDatabase(':memory:'));
    const entry = (entity: 'task' | 'approval', entity_id: string, run_id: string, why: string) => ({
      at: AT,
      actor: 'engine',
      entity,
      entity_id,
      run_id,
      from_status: null,
      to_status: null,
      why,
    });
    store.memory.auditMany([
      entry('task', 'deploy', 'r1', 'became ready'),
      entry('task', 'deploy-docs', 'r1', 'became ready'),
      entry('approval', 'apr-1', 'r1', 'approval_required for task "deploy": ship it'),
      entry('approval', 'apr-2', 'r1', 'approval_required for task "deploy-docs"'),
      entry('task', 'deploy', 'r2', 'another run'),
      entry('task', 'deploy', 'r1', 'approved by Bo'),
    ]);
    const history = store.memory.listAudit('r1', 500, 'deploy');
    expect(history.map((e) => e.why)).toEqual([
      'became ready',
      'approval_required for task "deploy": ship it',
      'approved by Bo',
    ]);
  });
});

describe('searching what tasks printed', () => {
  it('finds a line a task printed, old lines as well as new, with its run, task and a snippet', () => {
    const store = createStore(openDatabase(':memory:'));
    store.db
      .prepare(
        `INSERT INTO runs (id, plan_id, plan_version, project_id, status, memory_id, created_at)
         VALUES (?, ?, 1, NULL, 'completed', 'mem', ?)`,
      )
      .run('r1', 'nightly', AT);
    const addLine = store.db.prepare(
      `INSERT INTO task_logs (run_id, task_id, attempt, stream, text, at) VALUES ('r1', ?, 1, ?, ?, ?)`,
    );
    addLine.run('check', 'stderr', '3 flaky snapshots failed', AT);
    expect(store.memory.indexPending()).toBe(true);
    // A line written after the index caught up is found too.
    addLine.run('fetch', 'stdout', 'fetched 12 rows from the warehouse', '2026-11-21T10:00:05.000Z');
    const hits = store.memory.search({ query: 'snapshots', limit: 10 });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.log).toEqual({ run_id: 'r1', task_id: 'check', attempt: 1, stream: 'stderr' });
    expect(hits[0]!.snippet).toBe('3 flaky [[snapshots]] failed');
    expect(hits[0]!.entry).toMatchObject({
      type: 'task_log',
      task_id: 'check',
      tags: ['plan:nightly', 'run:r1'],
    });
    expect(store.memory.search({ query: 'warehouse', limit: 10 })[0]!.log?.task_id).toBe('fetch');
    // Only the printed lines, or none of them, by type; a plan filter that names another plan leaves them out.
    expect(store.memory.search({ query: 'warehouse', type: 'task_log', limit: 10 })).toHaveLength(1);
    expect(store.memory.search({ query: 'warehouse', type: 'step', limit: 10 })).toHaveLength(0);
    expect(store.memory.search({ query: 'warehouse', plan_id: 'other', limit: 10 })).toHaveLength(0);
    expect(store.memory.logLine(Number(hits[0]!.entry.id.slice('log:'.length)))?.content).toMatchObject({
      text: '3 flaky snapshots failed',
    });
  });
});

describe('lines printed before their index existed', () => {
  it('are found once the migration that adds the index has run', () => {
    const db = new Database(':memory:');
    const index = migrations.find((m) => m.name === 'task_log_search')!.version;
    migrate(
      db,
      migrations.filter((m) => m.version < index),
    );
    db.prepare(
      `INSERT INTO runs (id, plan_id, plan_version, project_id, status, memory_id, created_at)
       VALUES ('old-run', 'nightly', 1, NULL, 'completed', 'mem', ?)`,
    ).run(AT);
    db.prepare(
      `INSERT INTO task_logs (run_id, task_id, attempt, stream, text, at)
       VALUES ('old-run', 'fetch', 1, 'stdout', 'an old line about lighthouses', ?)`,
    ).run(AT);
    migrate(db);
    const store = createStore(db);
    expect(store.memory.search({ query: 'lighthouses', limit: 10 }).map((h) => h.log?.run_id)).toEqual([
      'old-run',
    ]);
  });
});
