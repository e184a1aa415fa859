import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createRestHandler } from '../../src-main/host/rest/router.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { WorkerTokenCreated } from '../../src-shared/schemas/worker-token.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { WorkerProcess } from '../kit/worker-process.ts';
import { killWorker, removeDir, startWorker } from '../kit/worker-process.ts';

// An ACP coding agent (cli "acp": a small agent written with the SDK's agent side) on a remote
// worker (`baton worker`, a child process) with a git repository only the worker has. It asks
// permission for its edit, which waits in the server's inbox; approved, it writes the file
// through Baton's `fs/write_text_file` and runs a command in a Baton terminal; the task's branch
// in the worker's repository holds both.
const sdk = pathToFileURL(createRequire(import.meta.url).resolve('@agentclientprotocol/sdk')).href;
const AGENT = `
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
let cwd = '';
const update = (client, sessionId, u) => client.notify('session/update', { sessionId, update: u });
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: {} }))
  .onRequest('session/new', ({ params }) => { cwd = params.cwd; return { sessionId: 'remote-1' }; })
  .onRequest('session/prompt', async ({ params, client }) => {
    const s = params.sessionId;
    const toolCall = { toolCallId: 'w1', title: 'Write hello.txt', kind: 'edit', rawInput: { path: 'hello.txt' },
      content: [{ type: 'diff', path: cwd + '/hello.txt', oldText: null, newText: 'hello\\n' }] };
    await update(client, s, { sessionUpdate: 'tool_call', status: 'pending', ...toolCall });
    const answer = await client.request('session/request_permission', { sessionId: s, toolCall,
      options: [{ kind: 'allow_once', name: 'Allow', optionId: 'allow' }, { kind: 'reject_once', name: 'Reject', optionId: 'reject' }] });
    if (answer.outcome.outcome !== 'selected' || answer.outcome.optionId !== 'allow') return { stopReason: 'refusal' };
    await client.request('fs/write_text_file', { sessionId: s, path: cwd + '/hello.txt', content: 'hello\\n' });
    await update(client, s, { sessionUpdate: 'tool_call_update', toolCallId: 'w1', status: 'completed' });
    const { terminalId } = await client.request('terminal/create', { sessionId: s, command: 'sh', args: ['-c', 'echo from-terminal > term.txt; echo ran'] });
    const exit = await client.request('terminal/wait_for_exit', { sessionId: s, terminalId });
    const out = await client.request('terminal/output', { sessionId: s, terminalId });
    await client.request('terminal/release', { sessionId: s, terminalId });
    await update(client, s, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Done: exit ' + exit.exitCode + ', ' + out.output.trim() } });
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`;

describe('an ACP coding agent on a remote worker', () => {
  let root: string | undefined;
  let scripts: string | undefined;
  let repo: TempRepo | undefined;
  let app: BatonApp | undefined;
  let host: BrowserHost | undefined;
  let worker: WorkerProcess | undefined;
  afterEach(async () => {
    // Stopped as Ctrl+C stops it, so it ends its sandbox's helpers itself.
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    if (worker) await killWorker(worker);
    await host?.close();
    await app?.close();
    repo?.cleanup();
    for (const d of [root, scripts]) if (d) await removeDir(d);
  });

  it("asks the server's inbox for its edit; approved, the edit and a terminal's file land on the task's branch on the worker", async () => {
    root = mkdtempSync(join(tmpdir(), 'baton-worker-acp-'));
    // Outside the worker's data dir, which its sandbox hides.
    scripts = mkdtempSync(join(tmpdir(), 'baton-worker-acp-agent-'));
    const script = join(scripts, 'agent.mjs');
    writeFileSync(script, AGENT);
    repo = makeRepo({ 'README.md': '# A sample workspace\n' });
    app = createApp({ dataDir: join(root, 'server'), log: () => {} });
    const a = app;
    host = await startBrowserHost({
      dispatch: a.dispatch,
      bus: a.bus,
      rendererDir: root,
      port: 0,
      routes: createRestHandler(a.dispatch, { workerAgent: (id) => a.store.agents.get(id)?.worker }),
      workerTokens: a.workerTokens,
    });
    const token = await call<WorkerTokenCreated>(a, 'workers.tokens.create', {
      name: 'acp box',
      worker_id: 'wa',
    });
    const workspaces = join(root, 'workspaces.json');
    writeFileSync(workspaces, JSON.stringify([{ id: 'app', path: repo.repo }]));
    const agent = {
      id: 'acpy',
      kind: 'coding',
      cli: 'acp',
      protocol: 'acp',
      executable: process.execPath,
      args: [script],
      skills: ['code'],
      tool_approvals: 'inbox',
    };
    worker = startWorker(host.url, token.secret, 'wa', [agent], root, ['--workspaces', workspaces]);
    await eventually(
      async () => (await call<Agent[]>(a, 'agents.list', {})).some((x) => x.id === 'acpy'),
      30_000,
      'acpy registered',
    );
    await call(a, 'plans.import', {
      plan: {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'Say hello.', required_skills: ['code'] }],
      },
    });
    const run = (await call<{ run_id: string }>(a, 'runs.start', { plan_id: 'p' })).run_id;

    let asked: ApprovalView | undefined;
    await eventually(
      async () => {
        asked = (await call<ApprovalView[]>(a, 'approvals.list', { status: 'pending' })).find(
          (x) => x.kind === 'tool_call',
        );
        return asked !== undefined;
      },
      30_000,
      'the edit asked in the inbox',
    );
    expect(asked).toMatchObject({
      run_id: run,
      task_id: 't',
      reason: 'acpy wants to edit hello.txt (Write hello.txt)',
      tool_call: {
        agent_id: 'acpy',
        tool: 'edit',
        input: { path: 'hello.txt' },
        diff: { path: expect.stringMatching(/hello\.txt$/), old_text: null, new_text: 'hello\n' },
      },
    });
    // The call's step reached the server before its question: stored with the card at the latest.
    expect(
      (await call<StoredStep[]>(a, 'runs.steps', { run_id: run, task_id: 't' })).filter(
        (s) => s.kind === 'tool_call',
      ),
    ).toMatchObject([{ call_id: 'w1', status: 'awaiting_approval' }]);
    await call(a, 'approvals.decide', { approval_id: asked!.id, decision: 'approve', actor: 'ana' });
    await eventually(
      async () => (await call<RunDetail>(a, 'runs.get', { run_id: run })).status !== 'executing',
      60_000,
      'the run to end',
    );
    const t = (await call<RunDetail>(a, 'runs.get', { run_id: run })).tasks[0]!;
    expect(t.status, t.error ?? '').toBe('done');
    const out = t.output as CodingOutput;
    expect(out).toMatchObject({ workspace_id: 'app', branch: `baton/${run}/t`, session_id: 'remote-1' });
    expect(out.files.map((f) => f.path).sort()).toEqual(['hello.txt', 'term.txt']);
    expect(repo.git(['rev-parse', out.branch])).toBe(out.commit);
    expect(repo.git(['show', `${out.commit}:hello.txt`])).toBe('hello');
    expect(repo.git(['show', `${out.commit}:term.txt`])).toBe('from-terminal');
    const steps = await call<StoredStep[]>(a, 'runs.steps', { run_id: run, task_id: 't' });
    expect(steps.filter((s) => s.kind === 'tool_call')).toMatchObject([{ call_id: 'w1', status: 'done' }]);
    expect(steps.some((s) => s.kind === 'message' && s.text === 'Done: exit 0, ran')).toBe(true);
  }, 120_000);
});
