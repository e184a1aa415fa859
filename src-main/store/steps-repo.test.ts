import { describe, expect, it } from 'vitest';
import type { Step } from '../../src-shared/schemas/step.ts';
import { openDatabase } from './db.ts';
import type { StepRow } from './steps-repo.ts';
import { createStore } from './store.ts';

const AT = '2026-11-21T10:00:00.000Z';

function storeWithRuns() {
  const store = createStore(openDatabase(':memory:'));
  const addRun = store.db.prepare(
    `INSERT INTO runs (id, plan_id, plan_version, project_id, status, memory_id, created_at)
     VALUES (?, ?, 1, ?, 'executing', 'mem', ?)`,
  );
  addRun.run('r1', 'plan-a', 'proj', AT);
  addRun.run('r2', 'plan-b', null, AT);
  return store;
}

const row = (
  runId: string,
  taskId: string,
  attempt: number,
  step: Step,
  agent = 'claude-coder',
): StepRow => ({
  ...step,
  run_id: runId,
  task_id: taskId,
  attempt,
  agent_id: agent,
});

const message = (seq: number, text: string): Step => ({
  kind: 'message',
  seq,
  at: AT,
  role: 'assistant',
  text,
});
const usage = (seq: number, cost: number | null, input = 100): Step => ({
  kind: 'usage',
  seq,
  at: AT,
  model: 'claude-sonnet-4-5',
  input_tokens: input,
  output_tokens: 10,
  cached_input_tokens: 5,
  cost_usd: cost,
  cost_source: cost === null ? 'unpriced' : 'priced',
  duration_ms: null,
});
const session = (seq: number, id: string): Step => ({
  kind: 'session',
  seq,
  at: AT,
  session_id: id,
  agent: 'claude 2.1.330',
  model: null,
});
const toolCall = (seq: number, status: 'running' | 'done', output: string | null): Step => ({
  kind: 'tool_call',
  seq,
  at: AT,
  call_id: 'toolu_1',
  name: 'Write',
  server: null,
  input: { file_path: '/w/hello.txt', content: 'greetings from the zanzibar module' },
  status,
  output,
  error: null,
  ended_at: status === 'done' ? AT : null,
  duration_ms: status === 'done' ? 12 : null,
});

describe('attempt steps', () => {
  it('keeps the latest version of a step under its seq, in order per attempt', () => {
    const store = storeWithRuns();
    store.tx(() =>
      store.steps.upsert([
        row('r1', 't', 1, message(0, 'Writing hello.txt.')),
        row('r1', 't', 1, toolCall(1, 'running', null)),
        row('r1', 't', 2, message(0, 'second attempt')),
      ]),
    );
    store.tx(() => store.steps.upsert([row('r1', 't', 1, toolCall(1, 'done', 'File created'))]));
    const first = store.steps.list('r1', 't', 1);
    expect(first.map((s) => s.seq)).toEqual([0, 1]);
    expect(first[1]).toMatchObject({ kind: 'tool_call', status: 'done', output: 'File created', attempt: 1 });
    expect(store.steps.list('r1', 't').map((s) => `${s.attempt}:${s.seq}`)).toEqual(['1:0', '1:1', '2:0']);
  });

  it("adds up what the earlier attempts of a CLI session spent, and an attempt's own usage", () => {
    const store = storeWithRuns();
    store.tx(() =>
      store.steps.upsert([
        row('r1', 't', 1, session(0, 'sess-A')),
        row('r1', 't', 1, usage(1, 0.25, 1_000)),
        row('r1', 't', 1, usage(2, 0.5, 2_000)),
        // another session of the same task (a retry after a failure starts a fresh one)
        row('r1', 't', 2, session(0, 'sess-B')),
        row('r1', 't', 2, usage(1, 9, 50)),
        row('r1', 't', 3, session(0, 'sess-A')),
        row('r1', 't', 3, usage(1, 1, 10)),
      ]),
    );
    expect(store.steps.sessionSpent('r1', 't', 'sess-A', 3)).toEqual({
      usd: 0.75,
      input_tokens: 3_000,
      output_tokens: 20,
      cached_input_tokens: 10,
    });
    expect(store.steps.sessionSpent('r1', 't', 'sess-A', 4).usd).toBe(1.75);
    expect(store.steps.sessionSpent('r1', 't', 'nobody', 9)).toEqual({
      usd: null,
      input_tokens: 0,
      output_tokens: 0,
      cached_input_tokens: 0,
    });
    expect(store.steps.attemptSpent('r1', 't', 2)).toEqual({ usd: 9, unknown: 0 });
    // A usage step without a USD figure is counted as a call of unknown cost, not as $0.
    store.tx(() => store.steps.upsert([row('r1', 't', 2, usage(2, null))]));
    expect(store.steps.attemptSpent('r1', 't', 2)).toEqual({ usd: 9, unknown: 1 });
  });

  it('is found by a build-log search, ranked with memory entries, with the filters applied', () => {
    const store = storeWithRuns();
    store.tx(() => {
      store.memory.insert({
        id: 'mem-1',
        agent_id: 'orchestrator',
        type: 'task_result',
        content: { text: 'the zanzibar report is done' },
        tags: ['x'],
        project_id: null,
        status: 'done',
        task_type: 'task',
        task_id: 'a',
        plan_id: 'plan-a',
        created_at: AT,
        updated_at: AT,
      });
      store.steps.upsert([
        row('r1', 'backend', 1, toolCall(0, 'running', null)),
        row('r2', 'other', 1, message(0, 'nothing about islands'), 'codex-coder'),
      ]);
    });
    const hits = store.memory.search({ query: 'zanzibar', limit: 10 });
    expect(hits.map((h) => h.entry.type).sort()).toEqual(['step', 'task_result']);
    const stepHit = hits.find((h) => h.step)!;
    expect(stepHit.step).toEqual({ run_id: 'r1', task_id: 'backend', attempt: 1, seq: 0 });
    expect(stepHit.entry).toMatchObject({
      id: expect.stringMatching(/^step:\d+$/),
      agent_id: 'claude-coder',
      task_id: 'backend',
      project_id: 'proj',
      task_type: 'tool_call',
      content: { run_id: 'r1', attempt: 1, step: { name: 'Write' } },
    });
    expect(stepHit.snippet).toContain('[[zanzibar]]');
    // Filters: by type, plan, agent; a tag leaves steps out (they have none).
    expect(
      store.memory.search({ query: 'zanzibar', type: 'step', limit: 10 }).map((h) => h.entry.type),
    ).toEqual(['step']);
    expect(store.memory.search({ query: 'zanzibar', plan_id: 'plan-b', limit: 10 })).toEqual([]);
    expect(store.memory.search({ query: 'zanzibar', agent: 'CODEX', limit: 10 })).toEqual([]);
    expect(store.memory.search({ query: 'zanzibar', tag: 'x', limit: 10 }).map((h) => h.entry.id)).toEqual([
      'mem-1',
    ]);
    // Without a query the list is memory entries only, as before.
    expect(store.memory.search({ limit: 10 }).map((h) => h.entry.id)).toEqual(['mem-1']);

    // A step recorded again (the tool answered) is found by its new text, not only its old.
    store.tx(() =>
      store.steps.upsert([row('r1', 'backend', 1, toolCall(0, 'done', 'created the quokka file'))]),
    );
    expect(store.memory.search({ query: 'quokka', limit: 10 }).map((h) => h.step?.task_id)).toEqual([
      'backend',
    ]);
    expect(store.memory.search({ query: 'zanzibar', type: 'step', limit: 10 })).toHaveLength(1);
  });

  it("writes a transaction's steps together at its end, visible to what reads them inside it", () => {
    const store = storeWithRuns();
    const count = store.db.prepare('SELECT count(*) FROM attempt_steps').pluck();
    const status = store.db.prepare("SELECT body ->> '$.status' FROM attempt_steps WHERE seq = 1000").pluck();
    // More than the largest statement (256 rows), a step recorded twice among them.
    const many = Array.from({ length: 600 }, (_, i) => row('r1', 't', 1, message(i, `line ${i}`)));
    store.tx(() => {
      store.steps.upsertOf({ run_id: 'r1', task_id: 't', attempt: 1, agent_id: 'claude-coder' }, [
        toolCall(1000, 'running', null),
      ]);
      store.steps.upsert(many);
      // Another attempt's step between two of this one's.
      store.steps.upsert([row('r1', 't', 2, message(0, 'second attempt'), 'codex-coder')]);
      store.steps.upsertOf({ run_id: 'r1', task_id: 't', attempt: 1, agent_id: 'claude-coder' }, [
        toolCall(1000, 'done', 'the wombat was written'),
      ]);
      // The done version is held back (the table still has the running one), but the
      // repository's reads and a search see it.
      expect(status.get()).toBe('running');
      expect(store.steps.list('r1', 't', 1)).toHaveLength(601);
      expect(status.get()).toBe('done');
      expect(store.memory.search({ query: 'wombat', limit: 10 }).map((h) => h.step?.seq)).toEqual([1000]);
    });
    expect(count.get()).toBe(602);
    expect(store.steps.list('r1', 't', 2)).toMatchObject([{ seq: 0, text: 'second attempt', attempt: 2 }]);
    const steps = store.steps.list('r1', 't', 1);
    expect(steps.map((s) => s.seq)).toEqual([...many.map((s) => s.seq), 1000]);
    expect(steps.at(-1)).toMatchObject({ status: 'done', output: 'the wombat was written' });
    // Rowids in the order the steps were first given: the tool call's row is the first.
    const ids = store.db.prepare('SELECT seq FROM attempt_steps ORDER BY id').pluck().all();
    expect(ids[0]).toBe(1000);
  });

  it("drops the steps of a transaction that fails, and only that one's", () => {
    const store = storeWithRuns();
    const seqs = () => store.steps.list('r1', 't', 1).map((s) => s.seq);
    expect(() =>
      store.tx(() => {
        store.steps.upsert([row('r1', 't', 1, message(0, 'lost'))]);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(seqs()).toEqual([]);
    store.tx(() => {
      store.steps.upsert([row('r1', 't', 1, message(1, 'kept, written before the nested one'))]);
      expect(() =>
        store.tx(() => {
          store.steps.upsert([row('r1', 't', 1, message(2, 'rolled back with its savepoint'))]);
          throw new Error('nested failure');
        }),
      ).toThrow('nested failure');
      store.steps.upsert([row('r1', 't', 1, message(3, 'kept, written after it'))]);
    });
    expect(seqs()).toEqual([1, 3]);
    // A step of a run that does not exist fails its transaction (the foreign key), as before.
    expect(() => store.tx(() => store.steps.upsert([row('nope', 't', 1, message(0, 'x'))]))).toThrow(
      /FOREIGN KEY/,
    );
    expect(store.steps.list('nope', 't')).toEqual([]);
  });
});
