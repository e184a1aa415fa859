import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import { openDatabase } from './db.ts';
import type { Store } from './store.ts';
import { createStore } from './store.ts';

const AT = '2026-11-21T10:00:00.000Z';

function fresh(runId: string, taskId: string): TaskRun {
  return {
    run_id: runId,
    task_id: taskId,
    status: 'blocked',
    agent_id: null,
    delegation_task_id: null,
    attempt: 0,
    reason: 'waiting',
    match: null,
    output: null,
    error: null,
    started_at: null,
    finished_at: null,
    updated_at: AT,
    progress: null,
    progress_message: null,
    retry_at: null,
    cost: 0,
    cost_unknown: 0,
  };
}

/** A store with plan "p" v1 (the plan of every run below). */
function storeWithPlan(db = openDatabase(':memory:')): Store {
  const store = createStore(db);
  store.db.exec(
    "INSERT INTO plans (id, name, version, task_count, created_at, updated_at) VALUES ('p', 'p', 1, 0, 'x', 'x')",
  );
  return store;
}

/** Writes a run of plan "p" with these task rows. */
function insertRun(store: Store, runId: string, tasks: TaskRun[]): TaskRun[] {
  store.tx(() =>
    store.runs.insertRun(
      {
        id: runId,
        plan_id: 'p',
        plan_version: 1,
        started_by: 'ana',
        project_id: null,
        status: 'executing',
        memory_id: `mem-${runId}`,
        created_at: AT,
        lease_owner: 'me',
        lease_expires_at: 0,
      },
      tasks,
    ),
  );
  return tasks;
}

/** Writes a run of plan "p" with `n` new tasks, t0 to t(n-1). */
function insert(store: Store, runId: string, n: number): TaskRun[] {
  return insertRun(
    store,
    runId,
    Array.from({ length: n }, (_, i) => fresh(runId, `t${i}`)),
  );
}

describe('task rows', () => {
  it('writes each change to its own row, across insert chunks and runs, and reads back what was saved', () => {
    const store = storeWithPlan();
    const first = insert(store, 'run-1', 450); // more than one multi-row chunk
    store.tx(() =>
      store.db.prepare("DELETE FROM task_runs WHERE run_id = 'run-1' AND task_id = 't449'").run(),
    );
    const second = insert(store, 'run-2', 3);
    const changed: TaskRun[] = [];
    for (const [i, t] of [...first.slice(0, 449), ...second].entries()) {
      if (i % 7 !== 0) continue;
      Object.assign(t, {
        status: 'in_progress',
        agent_id: `a${i}`,
        attempt: 1,
        reason: null,
        match: { agent_id: `a${i}`, score: { total: 1 }, rejected: [] },
        started_at: AT,
      });
      changed.push(t);
    }
    store.tx(() => store.runs.saveTasks(changed, new Set(changed)));
    // A second save writes only what changed since: output, status, finish.
    for (const t of changed)
      Object.assign(t, { status: 'done', output: { n: t.task_id }, finished_at: AT, progress: 100 });
    store.tx(() => store.runs.saveTasks(changed, new Set()));

    const byId = (run: string) => new Map(store.runs.tasks(run).map((t) => [t.task_id, t]));
    const saved = { 'run-1': byId('run-1'), 'run-2': byId('run-2') };
    for (const t of [...first.slice(0, 449), ...second]) {
      expect(saved[t.run_id as 'run-1' | 'run-2'].get(t.task_id)).toEqual(t);
    }
    expect(saved['run-1'].size).toBe(449);
  });

  it('a task read back from the store saves every column, also a cleared one', () => {
    const store = storeWithPlan();
    const [t] = insert(store, 'run-1', 1);
    Object.assign(t!, { status: 'ready', error: 'attempt 1 failed', retry_at: 5 });
    store.tx(() => store.runs.saveTasks([t!], new Set()));
    const loaded = store.runs.tasksToRun('run-1')[0]!;
    Object.assign(loaded, { status: 'in_progress', retry_at: null, error: null, attempt: 2 });
    store.tx(() => store.runs.saveTasks([loaded], new Set()));
    expect(store.runs.task('run-1', 't0')).toEqual(loaded);
  });

  it('writes a JSON column when it is a new object or changed in place, and leaves the other alone', () => {
    const store = storeWithPlan();
    const [t] = insert(store, 'run-1', 1);
    const match = { agent_id: 'a1', score: { total: 1 }, rejected: [] as unknown[] };
    Object.assign(t!, { status: 'in_progress', agent_id: 'a1', match });
    store.tx(() => store.runs.saveTasks([t!], new Set([t!])));
    // A sneaky write to the row shows whether the next save rewrites match.
    store.db.prepare('UPDATE task_runs SET match = \'{"stale":true}\'').run();
    Object.assign(t!, { status: 'done', output: { ok: true } });
    store.tx(() => store.runs.saveTasks([t!], new Set([t!])));
    expect(store.runs.task('run-1', 't0')!.match).toEqual({ stale: true });
    expect(store.runs.task('run-1', 't0')!.output).toEqual({ ok: true });
    // Changed in place (same object): marked changed, so both JSON columns are written.
    match.rejected.push({ agent_id: 'a2', reason: 'busy' });
    store.tx(() => store.runs.saveTasks([t!], new Set([t!])));
    expect(store.runs.task('run-1', 't0')!.match).toEqual(match);
  });

  it("lists runs with each run's task counts (one query for all of them)", () => {
    const store = storeWithPlan();
    const a = insert(store, 'run-a', 5);
    insert(store, 'run-b', 2);
    for (const t of a.slice(0, 3)) t.status = 'done';
    store.tx(() => store.runs.saveTasks(a.slice(0, 3), new Set()));
    const counts = new Map(store.runs.list().map((r) => [r.id, r.counts]));
    expect(counts.get('run-a')).toMatchObject({ done: 3, blocked: 2, failed: 0 });
    expect(counts.get('run-b')).toMatchObject({ done: 0, blocked: 2 });
    expect(store.runs.list('p').map((r) => r.counts)).toEqual([...counts.values()]);
    expect(store.runs.get('run-a')!.counts).toEqual(counts.get('run-a'));
  });
});

describe('agent statistics', () => {
  it("leave a person's waits out of the agent's time: tool calls and merge conflicts asked inside an attempt, a diff review after it", () => {
    const store = storeWithPlan();
    const at = (s: number) => `2026-11-21T10:00:${String(s).padStart(2, '0')}.000Z`;
    const done = (task: string, started: number, finished: number): TaskRun => ({
      ...fresh('run-1', task),
      status: 'done',
      agent_id: 'hal',
      delegation_task_id: `${task}-delegated`,
      attempt: 1,
      reason: null,
      started_at: at(started),
      finished_at: at(finished),
    });
    // a: 20 s from start to done, of which 4 s a tool call and 3 s a merge conflict waited for
    // a person, and 5 s its diff review (done when the reviewer approved). b: 10 s, no person.
    insertRun(store, 'run-1', [done('a', 0, 20), done('b', 0, 10)]);
    const approval = (
      id: string,
      task: string,
      kind: Approval['kind'],
      asked: number,
      answered: number | null,
    ) =>
      store.approvals.insert({
        id,
        run_id: 'run-1',
        task_id: task,
        status: answered === null ? 'expired' : 'approved',
        kind,
        reason: 'why',
        cost: 0,
        requested_at: at(asked),
        decided_at: answered === null ? null : at(answered),
        actor: answered === null ? null : 'ana',
        comment: null,
      });
    approval('w1', 'a', 'tool_call', 2, 6);
    approval('w2', 'a', 'merge_conflict', 7, 10);
    approval('w3', 'a', 'diff_review', 15, 20);
    // Not a's time either way: the plan's gate before it started, and b's own.
    approval('w4', 'a', 'approval_required', 0, 0);
    approval('w5', 'b', 'budget', 0, 0);
    // a worked 8 s, b 10 s.
    expect(store.runs.agentStats('hal', '0000', '9999').average_completion_time).toBe(9);
  });

  it('count each attempt once: a task a re-run reused is not an attempt; cancelled ones are their own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-stats-'));
    const db = openDatabase(dir); // a real file, as the app has
    try {
      const store = storeWithPlan(db);
      const at = (s: number) => `2026-11-21T10:00:${String(s).padStart(2, '0')}.000Z`;
      const attempt = (run: string, task: string, patch: Partial<TaskRun>): TaskRun => ({
        ...fresh(run, task),
        status: 'done',
        agent_id: 'hal',
        delegation_task_id: `${task}-delegated`,
        attempt: 1,
        reason: null,
        started_at: at(0),
        finished_at: at(2),
        ...patch,
      });
      const runOf = (id: string, tasks: TaskRun[]) => insertRun(store, id, tasks);
      // The first run: a and b done, c failed, d cancelled while running, e failed and then
      // cancelled while its retry was due, f interrupted before it ran (never started), g
      // interrupted by a restart on its first attempt and done on its second.
      const a = attempt('run-1', 'a', {});
      const b = attempt('run-1', 'b', { started_at: at(1), finished_at: at(5) });
      runOf('run-1', [
        a,
        b,
        attempt('run-1', 'c', { status: 'failed', error: 'boom' }),
        attempt('run-1', 'd', { status: 'cancelled', reason: 'cancelled by a person' }),
        attempt('run-1', 'e', { status: 'cancelled', error: 'flaky', reason: 'run cancelled' }),
        { ...fresh('run-1', 'f'), status: 'cancelled' },
        attempt('run-1', 'g', { attempt: 2, started_at: at(3), finished_at: at(5) }),
      ]);
      // As the engine keeps them: e's failed attempt when its retry was set, g's first attempt
      // when the restart found it running. Neither is counted again from its task's row.
      const kept = { run_id: 'run-1', agent_id: 'hal', started_at: at(0), finished_at: at(1) };
      store.execution.addAttempt({ ...kept, task_id: 'e', attempt: 1, outcome: 'failed', error: 'flaky' });
      store.execution.addAttempt({ ...kept, task_id: 'g', attempt: 1, outcome: 'interrupted', error: null });
      // A re-run from c copies a and b as they were (agent, times and all), then runs c again.
      const reused = (t: TaskRun): TaskRun => ({ ...t, run_id: 'run-2', reason: 'reused from run run-1' });
      runOf('run-2', [
        reused(a),
        reused(b),
        attempt('run-2', 'c', { status: 'in_progress', started_at: at(9) }),
      ]);
      // A re-run of the re-run copies the copies.
      runOf('run-3', [{ ...reused(a), run_id: 'run-3', reason: 'reused from run run-2' }]);

      expect(store.runs.agentStats('hal', '0000', '9999')).toEqual({
        agent_id: 'hal',
        total: 8,
        completed: 3,
        failed: 2,
        cancelled: 1,
        interrupted: 1,
        in_progress: 1,
        success_rate: 60,
        average_completion_time: 2.667,
      });
      // A task lists every attempt, the kept ones first.
      expect(store.execution.attempts('run-1', 'g').map((x) => [x.attempt, x.outcome])).toEqual([
        [1, 'interrupted'],
        [2, 'done'],
      ]);
      expect(store.execution.attempts('run-1', 'e').map((x) => [x.attempt, x.outcome])).toEqual([
        [1, 'failed'],
      ]);
      expect(store.runs.agentStats('nobody', '0000', '9999')).toMatchObject({
        total: 0,
        success_rate: null,
        average_completion_time: null,
      });
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('task rows written behind the engine', () => {
  it('writes a row two ticks updated while the writer was busy once, as the later tick left it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-rows-'));
    const file = join(dir, 'baton.db');
    const db = openDatabase(dir);
    const store = createStore(db, undefined, { behindFile: file });
    const other = new Database(file);
    try {
      store.db.exec(
        "INSERT INTO plans (id, name, version, task_count, created_at, updated_at) VALUES ('p', 'p', 1, 0, 'x', 'x')",
      );
      const [t0, t1, t2] = insert(store, 'run-1', 3);
      // Every UPDATE the writer runs on a task row leaves a line here.
      other.exec(`CREATE TABLE updated (task_id TEXT);
        CREATE TRIGGER counted AFTER UPDATE ON task_runs BEGIN INSERT INTO updated VALUES (new.task_id); END;`);
      const tick = (f: () => void) => store.txBehind(f, () => null);
      const save = (...ts: TaskRun[]) => store.runs.saveTasks(ts, new Set(ts));
      // The writer takes the first tick and waits for the lock another process holds; the next
      // two wait for it, and go to it as one group.
      other.exec('BEGIN IMMEDIATE');
      tick(() => save(Object.assign(t2!, { status: 'ready', reason: null })));
      tick(() => {
        Object.assign(t0!, {
          status: 'in_progress',
          agent_id: 'a1',
          attempt: 1,
          reason: null,
          match: { agent_id: 'a1', score: { total: 1 }, rejected: [] },
          started_at: AT,
        });
        save(t0!);
      });
      tick(() => {
        // agent_id set by both: the later's stays.
        Object.assign(t0!, {
          status: 'done',
          agent_id: 'a2',
          output: { ok: 1 },
          finished_at: AT,
          progress: 100,
        });
        Object.assign(t1!, { status: 'ready', reason: null });
        save(t0!, t1!);
      });
      const last = store.unwritten();
      other.exec('COMMIT');
      await new Promise<void>((written, dropped) =>
        store.whenWritten(last, written, () => dropped(new Error('dropped'))),
      );
      const updated = other.prepare('SELECT task_id FROM updated ORDER BY rowid').pluck().all();
      expect(updated).toEqual(['t2', 't0', 't1']);
      const row = other
        .prepare("SELECT * FROM task_runs WHERE run_id = 'run-1' AND task_id = 't0'")
        .get() as Record<string, unknown>;
      expect(row).toMatchObject({
        status: 'done',
        agent_id: 'a2',
        attempt: 1,
        reason: null,
        match: JSON.stringify(t0!.match),
        output: '{"ok":1}',
        started_at: AT,
        finished_at: AT,
        progress: 100,
      });
      expect(store.runs.task('run-1', 't0')).toEqual(t0);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await store.stopWriter();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
