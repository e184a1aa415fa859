import { afterEach, expect, it } from 'vitest';
import type { TaskLogLine } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call, eventually, task } from '../../test/kit/engine-kit.ts';
import { MAX_STEP_TEXT } from '../agents/coding/streams/caps.ts';
import { MAX_LOG_LINE, OUTPUT_CAPS } from '../agents/shared/output-caps.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

// A worker's token could store any amount for one attempt through `workers.report` (1,000 events
// of 100 KB a request, any number of requests): 30 MB of log here, where the app's own command
// agents stop at 8 MB. The server now holds a worker's reports to the same caps.
let app: BatonApp;
afterEach(() => app?.close());

const CAP = OUTPUT_CAPS.command.log;
const at = '2026-05-01T09:00:00.000Z';

async function workerTask(): Promise<string> {
  app = createApp({ dataDir: ':memory:', log: () => {} });
  await call(app, 'workers.register', {
    worker_id: 'w1',
    agents: [{ id: 'r1', kind: 'command', command: '/bin/true', skills: ['x'] }],
  });
  await call(app, 'plans.import', { plan: { plan_id: 'p', tasks: [task('t')] } });
  const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
  await call(app, 'work.execute', { agent_id: 'r1', run_id, task_id: 't' });
  return run_id;
}

const report = (run_id: string, events: unknown[]) =>
  call(app, 'workers.report', { worker_id: 'w1', run_id, task_id: 't', attempt: 1, events });

/** A usage step: its spend is counted apart from the log and the other steps, so it is stored after either is cut. */
const usage = (seq: number) => ({
  type: 'step',
  step: {
    kind: 'usage',
    seq,
    at,
    model: 'm',
    input_tokens: 1,
    output_tokens: 1,
    cached_input_tokens: 0,
    cost_usd: 0,
    cost_source: 'reported',
    duration_ms: null,
  },
});

async function stepsOf(run_id: string): Promise<StoredStep[]> {
  return call<StoredStep[]>(app, 'runs.steps', { run_id, task_id: 't' });
}

async function logsOf(run_id: string): Promise<TaskLogLine[]> {
  return call<TaskLogLine[]>(app, 'runs.taskLogs', { run_id, task_id: 't', limit: 10_000 });
}

it("a worker's reports store no more log for one attempt than its kind's cap, its lines cut, the cut said once", async () => {
  const run_id = await workerTask();
  const line = 'x'.repeat(100_000);
  const lines = Array.from({ length: 100 }, () => ({ type: 'log', stream: 'stdout', text: line }));
  for (let i = 0; i < 3; i++) expect(await report(run_id, lines)).toEqual({ accepted: 100 });
  // Stored once every report before it is (one inbox, in order).
  expect(await report(run_id, [usage(0)])).toEqual({ accepted: 1 });
  await eventually(async () => (await stepsOf(run_id)).length === 1, 10_000, 'the last report stored');

  const logs = await logsOf(run_id);
  const stored = logs.reduce((n, l) => n + Buffer.byteLength(l.text), 0);
  expect(stored).toBeLessThanOrEqual(CAP);
  expect(stored).toBeGreaterThan(CAP - 2 * MAX_LOG_LINE);
  const out = logs.filter((l) => l.stream === 'stdout');
  expect(out.every((l) => l.text.startsWith('x'.repeat(MAX_LOG_LINE)))).toBe(true);
  expect(out.every((l) => l.text.endsWith(`[truncated ${100_000 - MAX_LOG_LINE} characters]`))).toBe(true);
  expect(logs.filter((l) => l.stream === 'info').map((l) => l.text)).toEqual([
    'the log passed the 8 MB log cap of command agents: the rest is dropped',
  ]);
  expect(logs.at(-1)?.stream).toBe('info');
});

it("a worker's steps are cut as a coding CLI's are and stop at the kind's cap, with one line saying so", async () => {
  const run_id = await workerTask();
  const text = 'y'.repeat(100_000);
  const steps = (from: number) =>
    Array.from({ length: 100 }, (_, i) => ({
      type: 'step',
      step: { kind: 'message', seq: from + i, at, role: 'assistant', text },
    }));
  for (let i = 0; i < 3; i++) expect(await report(run_id, steps(1 + i * 100))).toEqual({ accepted: 100 });
  expect(await report(run_id, [usage(0)])).toEqual({ accepted: 1 });
  await eventually(
    async () => (await stepsOf(run_id)).some((s) => s.kind === 'usage'),
    10_000,
    'the last report stored',
  );

  const stored = await stepsOf(run_id);
  const messages = stored.filter((s) => s.kind === 'message');
  const bytes = messages.reduce((n, s) => n + Buffer.byteLength(JSON.stringify(s)), 0);
  expect(bytes).toBeLessThanOrEqual(CAP);
  expect(messages.length).toBeGreaterThan(CAP / (2 * MAX_STEP_TEXT));
  expect(messages.every((s) => s.kind === 'message' && s.text.length < MAX_STEP_TEXT + 128)).toBe(true);
  expect((await logsOf(run_id)).map((l) => l.text)).toEqual([
    'the steps passed the 8 MB step cap of command agents on a worker: the rest are dropped',
  ]);
});
