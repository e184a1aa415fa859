import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { StepOf, StoredStep } from '../../src-shared/schemas/step.ts';
import { call, controlledExecutor, eventually, setup, task } from '../kit/engine-kit.ts';

// An attempt that asks about a tool call shows a step for it while the card waits (an ACP
// agent's call, `awaiting_approval`). Its stream's copy is stored by a later tick; the card's own
// transaction stores it too, so a crash between the two cannot leave a card without its step.

const dirs: string[] = [];
let app: BatonApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const step = (status: StepOf<'tool_call'>['status'], seq = 0): StepOf<'tool_call'> => ({
  kind: 'tool_call',
  seq,
  at: '2026-01-01T00:00:00.000Z',
  call_id: 'c1',
  name: 'write_file',
  server: null,
  input: { path: 'f' },
  status,
  output: null,
  error: null,
  ended_at: null,
  duration_ms: null,
});

/** An app whose one task `t` runs on a controlled executor (`awaitsSteps` as given), its attempt under way. */
async function attemptUnderWay(awaitsSteps?: false) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-shown-step-'));
  dirs.push(dir);
  const exec = controlledExecutor();
  const executor = awaitsSteps === false ? { ...exec.executor, awaitsSteps } : exec.executor;
  const a = createApp({ dataDir: join(dir, 'data'), log: () => {}, executors: { echo: executor } });
  app = a;
  const run_id = await setup(a, [{ id: 'busy', skills: ['x'] }], {
    plan_id: 'p',
    tasks: [task('t', { description: 'call a tool' })],
  });
  await eventually(() => exec.running.has('t'), 10_000, 'the attempt');
  return { a, run_id, running: exec.running.get('t')! };
}

describe('the step a tool call shows while it waits', () => {
  it('is stored with the card, before any tick stores the stream; the stream’s later copy replaces it', async () => {
    const { a, run_id, running } = await attemptUnderWay();
    const { ctx, signal } = running;
    const request = {
      call_id: 'c1',
      tool: 'write_file',
      server: null,
      input: { path: 'f' },
      agent_text: '',
      reason: 'busy wants to write f',
    };
    // Never in the stream: only the card's transaction can have stored it.
    const verdict = ctx.askToolCall!({ ...request, shown: step('awaiting_approval') }, signal);
    const pending = (await call<ApprovalView[]>(a, 'approvals.list', { status: 'pending' })).filter(
      (x) => x.kind === 'tool_call',
    );
    expect(pending).toHaveLength(1);
    const steps = () => call<StoredStep[]>(a, 'runs.steps', { run_id, task_id: 't' });
    expect(await steps()).toMatchObject([
      { kind: 'tool_call', seq: 0, call_id: 'c1', status: 'awaiting_approval', attempt: 1 },
    ]);

    // A step that cannot be a row is not stored with its card, and does not stop the card.
    const bad = ctx.askToolCall!(
      { ...request, call_id: 'c2', shown: { ...step('awaiting_approval'), seq: -1 } },
      signal,
    );
    // Left waiting when the attempt ends: whatever becomes of it is not this test's.
    bad.catch(() => {});
    await eventually(
      async () =>
        (await call<ApprovalView[]>(a, 'approvals.list', { status: 'pending' })).some(
          (x) => x.tool_call?.call_id === 'c2',
        ),
      10_000,
      'the second card',
    );
    expect((await steps()).map((s) => s.seq)).toEqual([0]);

    await call(a, 'approvals.decide', { approval_id: pending[0]!.id, decision: 'approve', actor: 'ada' });
    expect(await verdict).toMatchObject({ approve: true });
    // The stream's copy of the same step (by seq) replaces the card's.
    running.emit({ type: 'step', step: step('done') });
    await eventually(
      async () => (await steps()).some((s) => s.kind === 'tool_call' && s.status === 'done'),
      10_000,
      'the stream’s copy',
    );
    expect(await steps()).toHaveLength(1);
    running.finish();
    await a.engine.whenSettled(run_id);
  });

  it('a CLI asking over MCP: the call’s step its stream reported, not yet stored by a tick, is stored with the card', async () => {
    // As a coding CLI's executor: its steps are not waited for one by one (they are what it did).
    const { a, run_id, running } = await attemptUnderWay(false);
    // Two versions of c1's step (the second takes the first's place in its note), and another call's.
    running.emit({ type: 'step', step: { ...step('running', 0), input: { path: 'draft' } } });
    running.emit({ type: 'step', step: step('running', 0) });
    running.emit({ type: 'step', step: { ...step('running', 1), call_id: 'c9' } });
    // Microtasks only: the attempt hands its steps to the engine's inbox, and no tick (a macrotask)
    // has stored them yet when the CLI's question arrives.
    for (let i = 0; i < 100; i++) await Promise.resolve();
    expect(a.store.steps.list(run_id, 't')).toEqual([]);
    const asked = await a.engine.ask(
      { run_id, task_id: 't', attempt: 1 },
      {
        kind: 'tool_call',
        call_id: 'c1',
        tool: 'write_file',
        server: null,
        input: { path: 'f' },
        agent_text: '',
      },
    );
    expect(asked.verdict).toBeNull();
    // The card and the call's own step, its latest version, in one transaction; c9's waits for its tick.
    expect(a.store.steps.list(run_id, 't')).toMatchObject([
      { seq: 0, call_id: 'c1', status: 'running', input: { path: 'f' } },
    ]);
    await eventually(async () => a.store.steps.list(run_id, 't').length === 2, 10_000, 'the tick');
    expect(a.store.steps.list(run_id, 't')).toMatchObject([
      { seq: 0, call_id: 'c1', input: { path: 'f' } },
      { seq: 1, call_id: 'c9' },
    ]);
    running.finish();
    await a.engine.whenSettled(run_id);
  });

  it('a CLI whose line is read after its MCP question arrives: the question waits for the call’s step, stored with the card', async () => {
    const { a, run_id, running } = await attemptUnderWay(false);
    const at = { run_id, task_id: 't', attempt: 1 };
    const question = (call_id: string) => ({
      kind: 'tool_call' as const,
      call_id,
      tool: 'write_file',
      server: null,
      input: { path: 'f' },
      agent_text: '',
    });
    const asked = a.engine.ask(at, question('c1'));
    for (let i = 0; i < 20; i++) await Promise.resolve();
    // No card yet: it waits for the line that shows the call.
    expect(a.store.approvals.listForRun(run_id)).toEqual([]);
    running.emit({ type: 'step', step: { ...step('running', 1), call_id: 'c9' } });
    running.emit({ type: 'step', step: step('running', 0) });
    expect((await asked).verdict).toBeNull();
    // The card and c1's step in one transaction, before any tick (c9's step waits for its tick).
    expect(a.store.approvals.listForRun(run_id)).toHaveLength(1);
    expect(a.store.steps.list(run_id, 't')).toMatchObject([{ seq: 0, call_id: 'c1' }]);
    // A call the stream never shows is asked all the same, after a short wait (SHOWN_WAIT_MS).
    expect((await a.engine.ask(at, question('c5'))).verdict).toBeNull();
    expect(a.store.approvals.listForRun(run_id)).toHaveLength(2);
    // One its stream showed before, stored by a tick since, is asked at once.
    await eventually(async () => a.store.steps.list(run_id, 't').length === 2, 10_000, 'the tick');
    const again = a.engine.ask(at, { ...question('c9'), input: { path: 'g' } });
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(a.store.approvals.listForRun(run_id)).toHaveLength(3);
    await again;
    running.finish();
    await a.engine.whenSettled(run_id);
  });
});
