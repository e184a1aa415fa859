import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBatch } from '../../../../src-shared/contract/events.ts';
import type { MemoryEntry, MemorySearchHit } from '../../../../src-shared/schemas/memory.ts';
import type { SpendReport } from '../../../../src-shared/schemas/run.ts';
import type { Step, StoredStep } from '../../../../src-shared/schemas/step.ts';
import type { TaskSession } from '../../../../src-shared/schemas/workspace.ts';
import { call, controlledExecutor, eventually, setup, task } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import type { Executor } from '../../../engine/executor.ts';
import { prepareWorktree } from '../workspaces/index.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

function open() {
  const dir = mkdtempSync(join(tmpdir(), 'baton-coding-runs-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const exec = controlledExecutor();
  app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
  const r: TempRepo = makeRepo();
  cleanups.push(r.cleanup);
  return { app, exec, repo: r };
}

const AT = '2026-11-21T10:00:00.000Z';
const say = (seq: number, text: string): Step => ({ kind: 'message', seq, at: AT, role: 'assistant', text });
const write = (seq: number, status: 'running' | 'done'): Step => ({
  kind: 'tool_call',
  seq,
  at: AT,
  call_id: 'toolu_1',
  name: 'Write',
  server: null,
  input: { file_path: 'hello.txt', content: 'hi' },
  status,
  output: status === 'done' ? 'File created successfully at: hello.txt (wombat)' : null,
  error: null,
  ended_at: status === 'done' ? AT : null,
  duration_ms: status === 'done' ? 5 : null,
});
const spend = (seq: number, usd: number): Step => ({
  kind: 'usage',
  seq,
  at: AT,
  model: 'claude-sonnet-4-5',
  input_tokens: 1_000,
  output_tokens: 50,
  cached_input_tokens: 0,
  cost_usd: usd,
  cost_source: 'priced',
  duration_ms: null,
});

describe('steps of an attempt', () => {
  it('are stored (a later version replacing the first), streamed as task.step, searchable, and their usage charged', async () => {
    const { app, exec } = open();
    const events: EventBatch = [];
    app.bus.subscribe((b) => events.push(...b));
    const run = await setup(app, [{ id: 'e', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
    await eventually(() => exec.running.has('t'));
    const x = exec.running.get('t')!;
    x.emit({ type: 'step', step: say(0, 'Writing hello.txt.') });
    x.emit({ type: 'step', step: write(1, 'running') });
    await eventually(() => events.some((e) => e.name === 'task.step' && e.payload.seq === 1));
    x.emit({ type: 'step', step: write(1, 'done') });
    x.emit({ type: 'step', step: spend(2, 0.25) });
    x.emit({ type: 'step', step: spend(3, 0.5) });
    x.finish({ summary: 'done' });
    await app.engine.whenSettled(run);

    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 't' });
    expect(steps.map((s) => [s.attempt, s.seq, s.kind])).toEqual([
      [1, 0, 'message'],
      [1, 1, 'tool_call'],
      [1, 2, 'usage'],
      [1, 3, 'usage'],
    ]);
    expect(steps[1]).toMatchObject({ status: 'done', output: expect.stringContaining('wombat') });
    expect(await call(app, 'runs.steps', { run_id: run, task_id: 't', attempt: 2 })).toEqual([]);
    const told = events.filter((e) => e.name === 'task.step').map((e) => e.payload as StoredStep);
    expect(told.some((s) => s.seq === 1 && s.kind === 'tool_call' && s.status === 'running')).toBe(true);
    expect(told.some((s) => s.seq === 1 && s.kind === 'tool_call' && s.status === 'done')).toBe(true);

    // Real spend: the attempt's usage steps, one transaction on the plan.
    const spent = await call<SpendReport>(app, 'runs.spend', { scope: 'plan', id: 'p' });
    expect(spent.spent).toBeCloseTo(0.75);
    expect(spent.transactions).toHaveLength(1);

    const hits = await call<MemorySearchHit[]>(app, 'memory.search', { query: 'wombat' });
    expect(hits.map((h) => h.step)).toEqual([{ run_id: run, task_id: 't', attempt: 1, seq: 1 }]);
    const entry = await call<MemoryEntry>(app, 'memory.read', { memory_id: hits[0]!.entry.id });
    expect(entry).toMatchObject({ type: 'step', agent_id: 'e', content: { step: { name: 'Write' } } });
    await expect(call(app, 'runs.steps', { run_id: 'nope', task_id: 't' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

describe('steps of an executor that does not wait for each to be stored', () => {
  it('are written once per tick: a tool call that ran and answered before a tick took it is one write, its answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-coding-runs-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // As the coding executor: a CLI's lines arrive faster than ticks, and none waits for a commit.
    const burst: Executor = {
      awaitsSteps: false,
      async *start() {
        yield { type: 'step', step: say(0, 'Writing hello.txt.') };
        yield { type: 'step', step: write(1, 'running') };
        yield { type: 'step', step: spend(2, 0.25) };
        yield { type: 'step', step: write(1, 'done') };
        yield { type: 'result', output: 'done' };
      },
    };
    app = createApp({ dataDir: dir, executors: { echo: burst }, log: () => {} });
    const db = app.store.db;
    db.exec(`CREATE TEMP TABLE step_writes (seq INTEGER, kind TEXT);
      CREATE TEMP TRIGGER step_inserted AFTER INSERT ON main.attempt_steps BEGIN
        INSERT INTO step_writes VALUES (new.seq, 'insert'); END;
      CREATE TEMP TRIGGER step_updated AFTER UPDATE ON main.attempt_steps BEGIN
        INSERT INTO step_writes VALUES (new.seq, 'update'); END;`);
    const events: EventBatch = [];
    app.bus.subscribe((b) => events.push(...b));
    const run = await setup(app, [{ id: 'e', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
    await app.engine.whenSettled(run);

    // Stored as before: every step, the tool call's latest version, in first-seen order.
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 't' });
    expect(steps.map((s) => [s.seq, s.kind])).toEqual([
      [0, 'message'],
      [1, 'tool_call'],
      [2, 'usage'],
    ]);
    expect(steps[1]).toMatchObject({ status: 'done', output: expect.stringContaining('wombat') });
    // The running version was replaced before it was written: one insert per step, no update.
    expect(db.prepare('SELECT seq, kind FROM step_writes ORDER BY rowid').all()).toEqual([
      { seq: 0, kind: 'insert' },
      { seq: 1, kind: 'insert' },
      { seq: 2, kind: 'insert' },
    ]);
    const told = events.filter((e) => e.name === 'task.step').map((e) => e.payload as StoredStep);
    expect(told.filter((s) => s.seq === 1).map((s) => s.kind === 'tool_call' && s.status)).toEqual(['done']);
    const spent = await call<SpendReport>(app, 'runs.spend', { scope: 'plan', id: 'p' });
    expect(spent.spent).toBeCloseTo(0.25);
  });

  it('are stored as a burst goes on, not all after it: past a tick of steps, the tick stores them first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-coding-runs-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const lines = 3_000;
    // The last step of the burst the store held as the executor emitted each one (-1: none yet).
    const storedWhile: number[] = [];
    // A CLI printing thousands of lines read in one go: the executor gives the event loop no turn
    // of its own between them, so only the attempt's own pause past a tick of steps lets a tick in.
    const burst: Executor = {
      awaitsSteps: false,
      async *start(ctx) {
        const last = app!.store.db
          .prepare(
            "SELECT coalesce(max(seq), -1) FROM attempt_steps WHERE run_id = ? AND task_id = 't' AND attempt = 1",
          )
          .pluck();
        for (let seq = 0; seq < lines; seq++) {
          storedWhile.push(last.get(ctx.run_id) as number);
          yield { type: 'step', step: say(seq, `line ${seq}`) };
        }
        yield { type: 'result', output: 'done' };
      },
    };
    app = createApp({ dataDir: dir, executors: { echo: burst }, log: () => {} });
    const told: number[] = [];
    app.bus.subscribe((b) => {
      for (const e of b) if (e.name === 'task.step') told.push((e.payload as StoredStep).seq);
    });
    const run = await setup(app, [{ id: 'e', skills: ['x'] }], { plan_id: 'p', tasks: [task('t')] });
    await app.engine.whenSettled(run);
    // While the burst went on, the store took its steps in more than one tick: what it held grew
    // at least twice before the last step was emitted (all after the burst, it would hold none).
    // States the executor saw, not how many steps a tick managed on this machine.
    const grew = storedWhile.filter((last, i) => i > 0 && last > storedWhile[i - 1]!);
    expect(
      grew.length,
      `what the store held as each step was emitted: ${[...new Set(storedWhile)].join(', ')}`,
    ).toBeGreaterThanOrEqual(2);
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 't' });
    expect(steps.map((s) => s.seq)).toEqual(Array.from({ length: lines }, (_, i) => i));
    expect(told).toEqual(steps.map((s) => s.seq));
  });
});

describe('coding sessions', () => {
  /** The session note a coding executor sends once it made the task's worktree. */
  async function worktree(a: BatonApp, repo: string, runId: string, taskId: string) {
    const w = await prepareWorktree({
      repo,
      baseBranch: 'main',
      branch: `baton/${runId}/${taskId}`,
      dir: join(a.coding.worktreeRoot, runId, taskId, 'tree'),
    });
    if (!w.ok) throw new Error('conflict');
    return {
      workspace_id: 'app',
      cli: 'claude' as const,
      dir: w.dir,
      branch: w.branch,
      start_commit: w.startCommit,
      session_id: null,
      home: null,
    };
  }

  it("are listed with their worktrees; a done task's worktree goes at once, the others at the run's end but those kept", async () => {
    const { app, exec, repo } = open();
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(app, [{ id: 'e', skills: ['x'], max_concurrency: 3 }], {
      plan_id: 'p',
      workspace: 'app',
      tasks: [task('a'), task('b'), task('c')],
    });
    await eventually(() => exec.running.size === 3);
    const dirs: Record<string, string> = {};
    for (const id of ['a', 'b', 'c']) {
      const note = await worktree(app, repo.repo, run, id);
      dirs[id] = note.dir;
      exec.running.get(id)!.emit({ type: 'session', session: note });
    }
    exec.running.get('b')!.emit({
      type: 'session',
      session: { ...(await worktree(app, repo.repo, run, 'b')), session_id: 'sess-b' },
    });
    await eventually(() => app.store.sessions.get(run, 'b')?.session_id === 'sess-b');
    expect(
      (await call<TaskSession[]>(app, 'runs.sessions', { run_id: run })).map((s) => s.task_id).sort(),
    ).toEqual(['a', 'b', 'c']);
    const kept = await call<TaskSession>(app, 'runs.keepWorktree', { run_id: run, task_id: 'c', keep: true });
    expect(kept.state).toBe('kept');

    exec.running.get('a')!.finish();
    await eventually(() => app.store.sessions.get(run, 'a')?.state === 'removed');
    expect(existsSync(dirs.a!)).toBe(false);
    expect(existsSync(dirs.b!)).toBe(true); // still running

    exec.running.get('b')!.fail('the agent gave up');
    exec.running.get('c')!.fail('the agent gave up too');
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    expect(app.store.sessions.get(run, 'b')?.state).toBe('removed');
    expect(existsSync(dirs.b!)).toBe(false);
    expect(app.store.sessions.get(run, 'c')?.state).toBe('kept');
    expect(existsSync(dirs.c!)).toBe(true);
    expect(repo.git(['branch', '--list', `baton/${run}/*`]).split('\n')).toHaveLength(3); // the results stay

    await expect(
      call(app, 'runs.keepWorktree', { run_id: run, task_id: 'b', keep: true }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    // Letting a kept worktree go after the run ended removes it there and then.
    const gone = await call<TaskSession>(app, 'runs.keepWorktree', {
      run_id: run,
      task_id: 'c',
      keep: false,
    });
    expect(gone.state).toBe('removed');
    expect(existsSync(dirs.c!)).toBe(false);
    await expect(
      call(app, 'runs.keepWorktree', { run_id: run, task_id: 'zzz', keep: true }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
