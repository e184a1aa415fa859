import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { StoredStep } from '../../../../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../../../../src-shared/schemas/workspace.ts';
import { call, eventually, setup } from '../../../../../test/kit/engine-kit.ts';
import { scratch } from '../../../../../test/kit/scratch.ts';
import { stopMarkedTrees } from '../../../../processes/process-tree.ts';

// Any ACP agent (cli "acp"): a small agent written with the SDK's agent side, started by its
// executable through the real coding executor in the OS sandbox. It writes one file through
// Baton's `fs/write_text_file` and tries one outside the worktree, reports a plan, a tool call
// with its diff and what it cost; Baton records the steps, refuses the outside write, and lands
// the file on the task's branch. It runs commands in Baton's terminals too: in the sandbox, and
// stopped with the attempt.
const { temp, repo: tempRepo, app: tempApp } = scratch();

const sdk = pathToFileURL(createRequire(import.meta.url).resolve('@agentclientprotocol/sdk')).href;
const fakeAgent = (outside: string) => `
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
let cwd = '';
const update = (client, sessionId, u) => client.notify('session/update', { sessionId, update: u });
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: { loadSession: false } }))
  .onRequest('session/new', ({ params }) => { cwd = params.cwd; return { sessionId: 'fake-1' }; })
  .onRequest('session/prompt', async ({ params, client }) => {
    const s = params.sessionId;
    await update(client, s, { sessionUpdate: 'plan', entries: [{ content: 'Write hello.txt', priority: 'high', status: 'in_progress' }] });
    await update(client, s, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Writing ' } });
    await update(client, s, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'hello.txt.' } });
    await update(client, s, { sessionUpdate: 'tool_call', toolCallId: 'w1', title: 'Write hello.txt', kind: 'edit', status: 'in_progress', rawInput: { path: 'hello.txt' } });
    let refused = 'not refused';
    try { await client.request('fs/write_text_file', { sessionId: s, path: ${JSON.stringify(outside)}, content: 'escaped\\n' }); }
    catch (err) { refused = err.message; }
    await client.request('fs/write_text_file', { sessionId: s, path: cwd + '/hello.txt', content: 'hello\\n' });
    // A command in a Baton terminal: its write in the worktree lands, its write outside is refused.
    const write = (p) => "require('fs').writeFileSync(" + JSON.stringify(p) + ", 'x')";
    const { terminalId } = await client.request('terminal/create', { sessionId: s, command: process.execPath,
      args: ['-e', write(cwd + '/term.txt') + ';' + write(${JSON.stringify(`${outside}.term`)})] });
    const exit = await client.request('terminal/wait_for_exit', { sessionId: s, terminalId });
    await client.request('terminal/release', { sessionId: s, terminalId });
    refused += ', terminal exit ' + exit.exitCode;
    // A tool of its own whose write the sandbox refused (EROFS): Baton shows it as a sandbox step.
    const tool = ${JSON.stringify(`${outside}.tool`)};
    await update(client, s, { sessionUpdate: 'tool_call', toolCallId: 'w2', title: 'Write outside', kind: 'edit', status: 'in_progress', rawInput: { file_path: tool } });
    await update(client, s, { sessionUpdate: 'tool_call_update', toolCallId: 'w2', status: 'failed', content: [{ type: 'content', content: { type: 'text', text: "EROFS: read-only file system, open '" + tool + "'" } }] });
    await update(client, s, { sessionUpdate: 'tool_call_update', toolCallId: 'w1', status: 'completed', content: [{ type: 'diff', path: cwd + '/hello.txt', oldText: null, newText: 'hello\\n' }] });
    await update(client, s, { sessionUpdate: 'usage_update', used: 1000, size: 200000, cost: { amount: 0.02, currency: 'USD' } });
    await update(client, s, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Done. Outside: ' + refused } });
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`;

describe('any ACP agent (cli "acp")', () => {
  it('runs from its executable in the sandbox: steps, its reported cost, files through Baton inside the worktree only', async () => {
    const repo = tempRepo();
    const outside = join(temp('baton-acp-outside-'), 'escaped.txt');
    const script = join(temp('baton-fake-acp-'), 'agent.mjs');
    writeFileSync(script, fakeAgent(outside));
    const app = tempApp('baton-acp-exec-');
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(
      app,
      [
        {
          id: 'fake',
          kind: 'coding',
          cli: 'acp',
          protocol: 'acp',
          executable: process.execPath,
          args: [script],
          skills: ['code'],
        },
      ],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'Say hello.', required_skills: ['code'] }],
      },
    );
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    const t = app.store.runs.task(run, 't')!;
    expect(t.status, t.error ?? '').toBe('done');
    const out = t.output as CodingOutput;
    expect(out.files.map((f) => f.path).sort()).toEqual(['hello.txt', 'term.txt']);
    expect(out.session_id).toBe('fake-1');
    expect(
      execFileSync('git', ['show', `${out.commit}:hello.txt`], { cwd: repo.repo, encoding: 'utf8' }),
    ).toBe('hello\n');
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(`${outside}.term`)).toBe(false);
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 't' });
    const of = (kind: string) => steps.filter((s) => s.kind === kind);
    expect(of('message').map((s) => (s as { text: string }).text)).toEqual([
      expect.stringContaining('Say hello.'),
      'Plan:\n[~] Write hello.txt',
      'Writing hello.txt.',
      expect.stringMatching(/^Done\. Outside: .*outside the task’s worktree.*, terminal exit 1$/),
    ]);
    // What Baton refused the agent's own file request (a write outside the worktree), what the
    // sandbox refused the terminal's command, as a step naming it; and the agent's own tool, from its error (each stored with its seq: one without could not be, and the engine's
    // whole write of that moment was lost with it, a person's denial of another call included).
    expect(of('sandbox')).toMatchObject([
      { blocked: 'write', target: outside, seen_by: 'baton', process: 'acp fs/write_text_file' },
      { blocked: 'write', target: `${outside}.term`, process: expect.stringMatching(/^terminal .* -e /) },
      { blocked: 'write', target: `${outside}.tool`, seen_by: 'tool' },
    ]);
    expect(of('sandbox').every((x) => Number.isInteger(x.seq))).toBe(true);
    expect(of('tool_call')).toMatchObject([
      {
        call_id: 'w1',
        name: 'edit',
        status: 'done',
        input: { path: 'hello.txt' },
        output: expect.stringContaining('hello'),
      },
      { call_id: 'w2', status: 'failed', input: { file_path: `${outside}.tool` } },
    ]);
    expect(of('usage')).toMatchObject([{ cost_usd: 0.02, cost_source: 'reported' }]);
  });

  it('at its timeout is sent session/cancel, then stopped: the attempt fails saying so', async () => {
    const repo = tempRepo();
    const marks = temp('baton-acp-marks-');
    const script = join(temp('baton-fake-acp-'), 'slow.mjs');
    writeFileSync(
      script,
      `
import { writeFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
let release;
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: {} }))
  .onRequest('session/new', () => ({ sessionId: 'slow-1' }))
  .onRequest('session/prompt', async ({ params, client }) => {
    // A long command in a Baton terminal, never killed nor released by the agent.
    await client.request('terminal/create', { sessionId: params.sessionId, command: 'sh', args: ['-c', 'sleep 300 & sleep 300'] });
    writeFileSync(${JSON.stringify(join(marks, 'terminal'))}, 'started');
    return new Promise((r) => { release = r; });
  })
  .onNotification('session/cancel', ({ params }) => {
    writeFileSync(${JSON.stringify(join(marks, 'cancelled'))}, params.sessionId);
    release({ stopReason: 'cancelled' });
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`,
    );
    const app = tempApp('baton-acp-exec-');
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(
      app,
      [
        {
          id: 'slow',
          kind: 'coding',
          cli: 'acp',
          protocol: 'acp',
          executable: process.execPath,
          args: [script],
          timeout_s: 1,
          // It writes its mark outside any worktree.
          sandbox: { mode: 'off' },
          skills: ['code'],
        },
      ],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'Wait.', required_skills: ['code'] }],
      },
    );
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    const t = app.store.runs.task(run, 't')!;
    expect(t.status).toBe('failed');
    expect(t.error).toBe('timed out after 1 s');
    expect(readFileSync(join(marks, 'cancelled'), 'utf8')).toBe('slow-1');
    // The terminal's command and the process it started were stopped with the attempt.
    expect(readFileSync(join(marks, 'terminal'), 'utf8')).toBe('started');
    expect(await stopMarkedTrees((m) => m.includes(run) && m.includes('/terminal-'), 0)).toBe(0);
  });

  it("does not record a loaded session's replayed history as new steps", async () => {
    const repo = tempRepo();
    const script = join(temp('baton-fake-acp-'), 'agent.mjs');
    // Replays 22 updates of an earlier turn on session/load (failed calls among them), most of
    // them after its answer, as Gemini CLI does; each prompt writes a file of its own.
    writeFileSync(
      script,
      `
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
let cwd = '';
const update = (client, sessionId, u) => client.notify('session/update', { sessionId, update: u });
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: { loadSession: true } }))
  .onRequest('session/new', ({ params }) => { cwd = params.cwd; return { sessionId: 'kept-1' }; })
  .onRequest('session/load', async ({ params, client }) => {
    cwd = params.cwd;
    // As Gemini CLI 0.61 does: the first update, the answer, then the rest (not awaited).
    await update(client, params.sessionId, { sessionUpdate: 'user_message_chunk', content: { type: 'text', text: 'earlier prompt' } });
    void (async () => {
      for (let i = 0; i < 10; i++) {
        await update(client, params.sessionId, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'earlier words ' } });
        await update(client, params.sessionId, { sessionUpdate: 'tool_call', toolCallId: 'earlier-' + i, title: 'WriteFile', kind: 'edit', status: 'failed', content: [{ type: 'content', content: { type: 'text', text: 'it failed then' } }] });
      }
      await update(client, params.sessionId, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'earlier end' } });
    })();
    return {};
  })
  .onRequest('session/prompt', async ({ params, client }) => {
    const file = params.prompt[0].text.includes('fix.txt') ? 'fix.txt' : 'hello.txt';
    await update(client, params.sessionId, { sessionUpdate: 'tool_call', toolCallId: 'now-' + file, title: 'Write ' + file, kind: 'edit', status: 'in_progress', rawInput: { path: file } });
    await client.request('fs/write_text_file', { sessionId: params.sessionId, path: cwd + '/' + file, content: 'x\\n' });
    await update(client, params.sessionId, { sessionUpdate: 'tool_call_update', toolCallId: 'now-' + file, status: 'completed' });
    await update(client, params.sessionId, { sessionUpdate: 'agent_message_chunk', content: { type: 'text', text: 'Wrote ' + file + '.' } });
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`,
    );
    const a = tempApp('baton-acp-exec-');
    await call(a, 'workspaces.add', { id: 'app', path: repo.repo });
    const run = await setup(
      a,
      [
        {
          id: 'keeper',
          kind: 'coding',
          cli: 'acp',
          protocol: 'acp',
          executable: process.execPath,
          args: [script],
          skills: ['code'],
          review: 'diff',
        },
      ],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'Write hello.txt.', required_skills: ['code'] }],
      },
    );
    const review = async () => {
      let id: string | undefined;
      await eventually(async () => {
        const list = await call<{ id: string; kind: string }[]>(a, 'approvals.list', { status: 'pending' });
        id = list.find((x) => x.kind === 'diff_review')?.id;
        return id !== undefined;
      });
      return id!;
    };
    await call(a, 'approvals.decide', {
      approval_id: await review(),
      decision: 'request_changes',
      actor: 'ana',
      comment: 'Add fix.txt too.',
    });
    await call(a, 'approvals.decide', { approval_id: await review(), decision: 'approve', actor: 'ana' });
    await a.engine.whenSettled(run);
    const steps = await call<StoredStep[]>(a, 'runs.steps', { run_id: run, task_id: 't' });
    const second = steps.filter((x) => x.attempt === 2);
    // Only what the loaded session did now: its prompt, its one call, its words, its unknown cost.
    expect(
      second.map((x) => (x.kind === 'tool_call' ? x.call_id : x.kind === 'message' ? x.text : x.kind)),
    ).toEqual([expect.stringContaining('Add fix.txt too.'), 'now-fix.txt', 'Wrote fix.txt.', 'usage']);
    expect(JSON.stringify(steps)).not.toContain('earlier');
    const logs = (await call<{ text: string }[]>(a, 'runs.taskLogs', { run_id: run, task_id: 't' })).map(
      (l) => l.text,
    );
    expect(logs).toContain(
      "acp loaded session kept-1: its 22 replayed updates are the earlier attempts' steps, not recorded again",
    );
  });
});
