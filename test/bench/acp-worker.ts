// The ACP route's two figures, in a durable app (SQLite in WAL mode, in a temp dir):
//   - messages parsed and stored: a session of ACP `session/update` lines (bench-session.ts:
//     thought and message chunks, tool calls with diffs, plans) parsed and turned into steps by
//     `AcpTrace` as the client side does, alone (messages/s), then through an executor into the
//     engine's step store (each step stored in a tick's transaction, as the coding executor's
//     steps are): messages/s from the first line to the attempt's result stored;
//   - the tool-call approval round trip through ACP, excluding the person: an in-memory ACP agent
//     (the official SDK's agent side, over an in-process stream) sends `session/request_permission`
//     for an edit → Baton's client side (clientSide, the agent's tool policy) asks the inbox →
//     the approval is filed and told (`approval.changed`) → a decision over the contract
//     (`approvals.decide`, as the API does it) → the agent has its answer. Per request.
// Asserts nothing. Usage: node test/bench/acp-worker.ts [--messages N] [--approvals N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionNotification } from '@agentclientprotocol/sdk';
import { agent as agentApp } from '@agentclientprotocol/sdk';
import { clientSide } from '../../src-main/agents/coding/routes/acp/acp-client.ts';
import { acpSession } from '../../src-main/agents/coding/routes/acp/bench-session.ts';
import { AcpTrace } from '../../src-main/agents/coding/routes/acp/trace.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Executor } from '../../src-main/engine/executor.ts';
import type { Step } from '../../src-shared/schemas/step.ts';
import { argInt } from './measure.ts';

export interface AcpFigures {
  messages: number;
  steps: number;
  parsedPerSec: number;
  storedPerSec: number;
  /** Steps in the store after the attempt (each step once, its latest version). */
  stored: number;
  approvals: number;
  approvalP50Ms: number;
  approvalP99Ms: number;
}

const MESSAGES = argInt('messages', 50_000);
const APPROVALS = argInt('approvals', 300);
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const updateOf = (line: string) => (JSON.parse(line).params as SessionNotification).update;

function parseAlone(lines: string[]): { ms: number; steps: number } {
  const trace = new AcpTrace({ startSeq: 1, now: Date.now });
  const t0 = performance.now();
  let steps = 0;
  for (const l of lines) steps += trace.update(updateOf(l)).length;
  steps += trace.endTurn().length;
  return { ms: performance.now() - t0, steps };
}

const lines = acpSession(MESSAGES);
parseAlone(lines.slice(0, 2_000)); // warm-up
const alone = parseAlone(lines);

let t0 = 0;
const roundTrips: number[] = [];
const bench: Executor = {
  usesWorkspace: false,
  awaitsSteps: false, // as the coding executor
  async *start(ctx, signal) {
    if (ctx.task.task_id === 'messages') {
      const trace = new AcpTrace({ startSeq: 1, now: Date.now });
      t0 = performance.now();
      for (const l of lines) for (const step of trace.update(updateOf(l))) yield { type: 'step', step };
      for (const step of trace.endTurn()) yield { type: 'step', step };
      yield { type: 'result', output: 'ok' };
      return;
    }
    // Baton's client side for an agent whose tool calls go to the inbox, an in-memory agent asking.
    const steps: Step[] = [];
    const side = clientSide(
      { ...ctx, agent: { ...ctx.agent, kind: 'coding', cli: 'claude', tool_approvals: 'inbox' } } as never,
      tmpdir(),
      new AcpTrace({ startSeq: 1, now: Date.now }),
      (s) => steps.push(...s),
      signal,
    );
    const conn = agentApp().connect(side.app);
    try {
      for (let i = 0; i < APPROVALS; i++) {
        const start = performance.now();
        const answer = await conn.client.request('session/request_permission', {
          sessionId: 's',
          options: [
            { kind: 'allow_once', name: 'Allow', optionId: 'allow' },
            { kind: 'reject_once', name: 'Reject', optionId: 'reject' },
          ],
          toolCall: {
            toolCallId: `call_${i}`,
            title: `Write notes-${i}.txt`,
            kind: 'edit',
            rawInput: { file_path: `/w/notes-${i}.txt`, content: 'hello\n' },
          },
        });
        roundTrips.push(performance.now() - start);
        if (answer.outcome.outcome !== 'selected' || answer.outcome.optionId !== 'allow')
          throw new Error(`call ${i} was not allowed: ${JSON.stringify(answer.outcome)}`);
      }
    } finally {
      conn.close();
    }
    yield { type: 'result', output: 'ok' };
  },
};

const dataDir = mkdtempSync(join(tmpdir(), 'baton-acp-bench-'));
const app = createApp({ dataDir, log: () => {}, executors: { echo: bench } });
try {
  // The person, excluded: approves each tool call as soon as the inbox has it.
  app.bus.subscribe((batch) => {
    for (const e of batch)
      if (e.name === 'approval.changed' && e.payload.status === 'pending' && e.payload.kind === 'tool_call')
        void app.dispatch('approvals.decide', {
          approval_id: e.payload.id,
          decision: 'approve',
          actor: 'bench',
        });
  });
  await app.dispatch('agents.import', { agents: [{ id: 'acp', skills: ['x'] }] });
  const run = async (task: string) => {
    await app.dispatch('plans.import', {
      plan: { plan_id: task, tasks: [{ task_id: task, description: '', required_skills: ['x'] }] },
    });
    const r = await app.dispatch('runs.start', { plan_id: task });
    if (!r.ok) throw new Error(r.error.message);
    const runId = (r.value as { run_id: string }).run_id;
    const done = await app.engine.whenSettled(runId);
    if (done.status !== 'completed') throw new Error(`the ${task} run ended ${done.status}`);
    return runId;
  };
  const messagesRun = await run('messages');
  // From the first line to the attempt's result stored (as coding-steps-worker.ts counts).
  const storedMs = performance.now() - t0;
  const stored = app.store.steps.list(messagesRun, 'messages').length;
  await run('approvals');
  const figures: AcpFigures = {
    messages: lines.length,
    steps: alone.steps,
    parsedPerSec: (lines.length / alone.ms) * 1000,
    storedPerSec: (lines.length / storedMs) * 1000,
    stored,
    approvals: roundTrips.length,
    approvalP50Ms: q(roundTrips, 0.5),
    approvalP99Ms: q(roundTrips, 0.99),
  };
  console.log(`ACP_RESULT ${JSON.stringify(figures)}`);
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
