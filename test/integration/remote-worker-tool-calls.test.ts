import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { Approval, ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { WorkerTokenCreated } from '../../src-shared/schemas/worker-token.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { http } from '../kit/host-kit.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import { killWorker, removeDir, startWorker } from '../kit/worker-process.ts';

const TOKEN = 'remote-worker-tool-calls-test-0123456789abc';
/** Short leases: an attempt that waits for a person past several of them must keep its own. */
const LEASE_MS = 1_500;

/**
 * An llm agent on a remote worker (`baton worker`, a child process) whose tool loop calls the
 * workspace tools' write_file, which its policy asks a person about (a write, not read-only):
 * the call waits in the server's approvals inbox (this process), decided there through the contract.
 */
describe("a worker's tool calls, asked in the server's inbox", () => {
  let dir: string;
  let files: string;
  let app: BatonApp;
  let host: BrowserHost;
  let port: number;
  let model: ModelServer | null = null;
  const workers: WorkerProcess[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baton-worker-tool-calls-'));
    files = join(dir, 'files');
    mkdirSync(files);
    app = createApp({ dataDir: dir, workerLeaseMs: LEASE_MS, log: () => {} });
    host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir: dir,
      port: 0,
      token: TOKEN,
      routes: createRestHandler(app.dispatch, { workerAgent: (id) => app.store.agents.get(id)?.worker }),
      workerTokens: app.workerTokens,
    });
    port = Number(new URL(host.url).port);
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await killWorker(w);
    await host.close();
    await app.close();
    await model?.close();
    model = null;
    await removeDir(dir);
  });

  /** A worker token bound to `workerId` (Settings → Worker tokens). */
  const tokenFor = (workerId: string) =>
    call<WorkerTokenCreated>(app, 'workers.tokens.create', { name: `${workerId} box`, worker_id: workerId });
  /** Mila, an llm agent of worker `wa` with the workspace tools on `files`, started with its own token. */
  const startMila = async () => {
    const token = await tokenFor('wa');
    const agent = {
      id: 'mila',
      name: 'Mila',
      kind: 'llm',
      skills: ['x'],
      base_url: `${model!.url}/v1`,
      model: 'tiny',
      max_retries: 0,
      tools: [{ kind: 'workspace', dir: files }],
    };
    const w = startWorker(host.url, token.secret, 'wa', [agent], dir);
    workers.push(w);
    await eventually(
      async () => (await call<Agent[]>(app, 'agents.list', {})).some((a) => a.id === 'mila'),
      20_000,
      'mila registered',
    );
    return w;
  };
  const startRun = async (planId: string, description: string) => {
    await call(app, 'plans.import', {
      plan: { plan_id: planId, tasks: [{ task_id: 't', description, required_skills: ['x'] }] },
    });
    return (await call<{ run_id: string }>(app, 'runs.start', { plan_id: planId })).run_id;
  };
  const detail = (runId: string) => call<RunDetail>(app, 'runs.get', { run_id: runId });
  const ended = (runId: string) =>
    eventually(async () => (await detail(runId)).status !== 'executing', 30_000, 'the run to end');
  /** The next pending tool call approval not seen yet. */
  const nextToolCall = async (seen: Set<string>): Promise<ApprovalView> => {
    let found: ApprovalView | undefined;
    await eventually(
      async () => {
        found = (await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' })).find(
          (a) => a.kind === 'tool_call' && !seen.has(a.id),
        );
        return found !== undefined;
      },
      20_000,
      'a tool call approval',
    );
    seen.add(found!.id);
    return found!;
  };
  const toolSteps = (runId: string): StoredStep[] =>
    app.store.steps.list(runId, 't').filter((s) => s.kind === 'tool_call');
  const send = (path: string, token: string, body: unknown) =>
    http(port, path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify(body),
    });

  it('approved with edited arguments, then denied with a message: the loop on the worker gets each as in the app, and the task completes', async () => {
    model = await startChatServer({
      conversations: [
        {
          name: 'ask',
          turns: [
            {
              text: 'First, a.',
              tools: [{ name: 'workspace__write_file', input: { path: 'a.txt', content: 'A' } }],
            },
            { tools: [{ name: 'workspace__write_file', input: { path: 'b.txt', content: 'B' } }] },
            { text: 'Done.' },
          ],
        },
      ],
    });
    await startMila();
    const run = await startRun('p', 'write the files with your tools');
    const seen = new Set<string>();

    const first = await nextToolCall(seen);
    // The card the app's own loop makes: who asks, the call, what the agent said.
    expect(first).toMatchObject({
      run_id: run,
      task_id: 't',
      reason: 'Mila wants to call workspace/write_file',
      tool_call: {
        attempt: 1,
        agent_id: 'mila',
        tool: 'write_file',
        server: 'workspace',
        input: { path: 'a.txt', content: 'A' },
        agent_text: 'First, a.',
        edited_input: null,
      },
    });
    // The file is on the worker: the inbox shows no preview rather than one of this machine's files.
    expect(await call(app, 'toolCalls.preview', { approval_id: first.id })).toEqual({ preview: null });
    // The worker's step says it waits (streamed to the server).
    await eventually(
      () => {
        const last = toolSteps(run).at(-1);
        return last?.kind === 'tool_call' && last.status === 'awaiting_approval';
      },
      10_000,
      'the awaiting step',
    );
    // A person takes longer than two leases: the attempt keeps its lease (its waits and
    // heartbeats renew it), so it is not given up and retried.
    await new Promise((r) => setTimeout(r, 2 * LEASE_MS));
    expect((await detail(run)).tasks[0]).toMatchObject({ status: 'in_progress', attempt: 1 });
    expect(existsSync(join(files, 'a.txt'))).toBe(false);

    await call<Approval>(app, 'approvals.decide', {
      approval_id: first.id,
      decision: 'approve',
      actor: 'ana',
      input: { path: 'edited.txt', content: 'E (edited)' },
    });
    const second = await nextToolCall(seen);
    // The call ran on the worker with the person's arguments, not the model's.
    expect(readFileSync(join(files, 'edited.txt'), 'utf8')).toBe('E (edited)');
    expect(existsSync(join(files, 'a.txt'))).toBe(false);
    expect(second.tool_call).toMatchObject({ input: { path: 'b.txt', content: 'B' } });
    await call<Approval>(app, 'approvals.decide', {
      approval_id: second.id,
      decision: 'reject',
      actor: 'ana',
      comment: 'no b files here',
    });

    await ended(run);
    const d = await detail(run);
    expect(d.status).toBe('completed');
    expect(d.tasks[0]).toMatchObject({ status: 'done', attempt: 1, output: { text: 'Done.' } });
    expect(existsSync(join(files, 'b.txt'))).toBe(false);
    // The model was told of the edit and of the denial, with the person's message.
    const requests = model.modelCalls('ask');
    expect(requests).toHaveLength(3);
    expect(requests[1]!.request!.texts.join('\n')).toContain('approved by ana with edited arguments');
    expect(requests[2]!.request!.texts.join('\n')).toContain('Denied by ana: no b files here');
    await eventually(() => toolSteps(run).length === 2, 10_000, 'the steps stored');
    expect(toolSteps(run).map((s) => (s.kind === 'tool_call' ? [s.name, s.status] : []))).toEqual([
      ['write_file', 'done'],
      ['write_file', 'denied'],
    ]);
    // Asked and decided in the audit log (what webhooks and notifications read), once each.
    const audit = await call<{ actor: string; from_status: string | null; to_status: string | null }[]>(
      app,
      'audit.list',
      { run_id: run, entity: 'approval' },
    );
    // Newest first.
    expect(audit.map((a) => [a.from_status, a.to_status]).reverse()).toEqual([
      [null, 'pending'],
      ['pending', 'approved'],
      [null, 'pending'],
      ['pending', 'rejected'],
    ]);
  }, 90_000);

  it("refuses another worker's token (403), tells a worker that does not hold the attempt to drop it, and a cancelled task's wait ends on the worker", async () => {
    model = await startChatServer({
      conversations: [
        {
          name: 'ask',
          match: (req) => req.texts.join('\n').includes('write the files'),
          turns: [{ tools: [{ name: 'workspace__write_file', input: { path: 'a.txt', content: 'A' } }] }],
        },
        {
          name: 'plain',
          match: (req) => req.texts.join('\n').includes('just answer'),
          turns: [{ text: 'Fine.' }],
        },
      ],
    });
    const w = await startMila();
    const run = await startRun('p', 'write the files with your tools');
    const asked = await nextToolCall(new Set());
    const route = `/api/v1/workers/wa/tasks/${run}/t/tool-calls`;
    const ask = {
      attempt: 1,
      call_id: 'x1',
      tool: 'write_file',
      server: 'workspace',
      input: { path: 'c.txt' },
    };

    // Worker wb's token, on worker wa's routes: refused before anything is asked or waited on.
    const other = await tokenFor('wb');
    for (const [path, body] of [
      [route, ask],
      [`${route}/${asked.id}/wait`, { attempt: 1, wait_ms: 0 }],
    ] as const) {
      const r = await send(path, other.secret, body);
      expect(r.status, path).toBe(403);
      expect((JSON.parse(r.body) as { error: { message: string } }).error.message, path).toContain(
        'is bound to worker "wb"; it cannot act as worker "wa"',
      );
    }
    // As itself, worker wb does not hold the attempt: it is told to drop it; nothing is asked.
    expect(
      (
        await send('/api/v1/workers/wb/register', other.secret, {
          agents: [{ id: 'wb-echo', kind: 'echo', skills: ['y'] }],
        })
      ).status,
    ).toBe(200);
    for (const [path, body] of [
      [`/api/v1/workers/wb/tasks/${run}/t/tool-calls`, ask],
      [`/api/v1/workers/wb/tasks/${run}/t/tool-calls/${asked.id}/wait`, { attempt: 1, wait_ms: 0 }],
    ] as const) {
      const r = await send(path, other.secret, body);
      expect(r.status, path).toBe(200);
      expect((JSON.parse(r.body) as { drop: { reason: string } }).drop.reason).toContain(
        'not an agent of worker wb',
      );
    }
    const pending = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
    expect(pending.map((a) => a.id)).toEqual([asked.id]);

    // The run is cancelled while the worker waits: the attempt is dropped there and its wait ends.
    await call(app, 'runs.cancel', { run_id: run, actor: 'ana' });
    await ended(run);
    expect((await detail(run)).status).toBe('cancelled');
    await eventually(() => w.stderr().includes(`dropping t (run ${run}, attempt 1)`), 20_000, 'the drop');
    const closed = (await call<Approval[]>(app, 'approvals.list', {})).find((a) => a.id === asked.id);
    expect(closed?.status).toBe('rejected');
    // Mila (one task at a time) is free again: its waiting attempt ended, so it takes the next.
    const next = await startRun('q', 'just answer');
    await ended(next);
    expect((await detail(next)).tasks[0]).toMatchObject({ status: 'done', output: { text: 'Fine.' } });
    expect(existsSync(join(files, 'a.txt'))).toBe(false);
    expect(model.modelCalls('ask')).toHaveLength(1);
    expect(w.child.exitCode).toBeNull();
  }, 90_000);
});
