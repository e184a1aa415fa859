import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import { fixtureInstalled } from '../kit/fixtures.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';
import { officialServer } from './connect.ts';
import {
  call,
  detail,
  eventually,
  nextToolCall,
  oneTask,
  openApp,
  pendingApprovals,
  removeAll,
  startRun,
  stepsOf,
  tempDir,
  toolAgent,
} from './loop-kit.ts';

let apps: BatonApp[] = [];
let model: ModelServer | null = null;
const dirs: string[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) a.close();
  await model?.close();
  model = null;
  await removeAll(dirs);
});

const fsTools = (dir: string) => ({
  kind: 'mcp_stdio',
  name: 'fs',
  command: officialServer('mcp-server-filesystem'),
  args: [dir],
});

/** How many processes run with `dir` in their command line (Linux: /proc). */
function serversOn(dir: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

const decide = (app: BatonApp, input: Record<string, unknown>) =>
  call<Approval>(app, 'approvals.decide', input);

describe.skipIf(!fixtureInstalled('mcp'))('tool calls approved from the inbox', () => {
  it('asks before a write (the default for a tool not marked read-only): approved, denied with a message the model sees, approved with edited arguments', async () => {
    const files = tempDir('baton-ask-files-', dirs);
    const at = (name: string) => join(files, name);
    model = await startChatServer({
      conversations: [
        {
          name: 'ask',
          turns: [
            {
              text: 'First, a.',
              tools: [{ name: 'fs__write_file', input: { path: at('a.txt'), content: 'A' } }],
            },
            { tools: [{ name: 'fs__write_file', input: { path: at('b.txt'), content: 'B' } }] },
            { tools: [{ name: 'fs__write_file', input: { path: at('c.txt'), content: 'C' } }] },
            // Reading needs no approval: server-filesystem marks it read-only.
            { tools: [{ name: 'fs__list_directory', input: { path: files } }] },
            { text: 'Done.' },
          ],
        },
      ],
    });
    const app = openApp(tempDir('baton-ask-data-', dirs));
    apps.push(app);
    const run = await startRun(
      app,
      toolAgent(model.url, { name: 'Mila', tools: [fsTools(files)], sandbox: { write_allow: [files] } }),
      oneTask(),
    );
    const seen = new Set<string>();

    const first = await nextToolCall(app, seen);
    expect(first).toMatchObject({
      run_id: run,
      task_id: 't',
      reason: 'Mila wants to call fs/write_file',
      tool_call: {
        attempt: 1,
        agent_id: 'mila',
        tool: 'write_file',
        server: 'fs',
        input: { path: at('a.txt'), content: 'A' },
        agent_text: 'First, a.',
        edited_input: null,
      },
    });
    // The task goes on being in progress: its attempt is what waits.
    expect((await detail(app, run)).tasks[0]!.status).toBe('in_progress');
    // Nothing moves the run but a person now (what `baton run` asks before it gives up waiting).
    await eventually(() => app.engine.waitingOnPeople(run) !== null, 5_000, 'waiting on people');
    expect(app.engine.waitingOnPeople(run)?.map((t) => t.task_id)).toEqual(['t']);
    expect(
      stepsOf(app, run)
        .filter((s) => s.kind === 'tool_call')
        .at(-1),
    ).toMatchObject({ status: 'awaiting_approval' });
    expect(existsSync(at('a.txt'))).toBe(false);
    await decide(app, { approval_id: first.id, decision: 'approve', actor: 'ana' });

    const second = await nextToolCall(app, seen);
    expect(readFileSync(at('a.txt'), 'utf8')).toBe('A');
    await decide(app, {
      approval_id: second.id,
      decision: 'reject',
      actor: 'ana',
      comment: 'no b files here',
    });

    const third = await nextToolCall(app, seen);
    // Edited arguments go only with an approval.
    const refused = await app.dispatch('approvals.decide', {
      approval_id: third.id,
      decision: 'reject',
      actor: 'ana',
      input: { path: at('d.txt'), content: 'D' },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    await decide(app, {
      approval_id: third.id,
      decision: 'approve',
      actor: 'ana',
      input: { path: at('d.txt'), content: 'D (edited)' },
    });

    await app.engine.whenSettled(run);
    const d = await detail(app, run);
    expect(d.status).toBe('completed');
    expect(d.tasks[0]).toMatchObject({ status: 'done', output: { text: 'Done.' } });
    expect(existsSync(at('b.txt'))).toBe(false);
    expect(existsSync(at('c.txt'))).toBe(false);
    expect(readFileSync(at('d.txt'), 'utf8')).toBe('D (edited)');

    // The model saw the denial's message, and that its call ran with edited arguments.
    const requests = model.modelCalls('ask');
    expect(requests[2]!.request!.texts.join('\n')).toContain('Denied by ana: no b files here');
    expect(requests[3]!.request!.texts.join('\n')).toContain('approved by ana with edited arguments');
    expect(requests).toHaveLength(5);

    const calls = stepsOf(app, run).filter((s) => s.kind === 'tool_call');
    expect(calls.map((s) => (s.kind === 'tool_call' ? [s.name, s.status] : []))).toEqual([
      ['write_file', 'done'],
      ['write_file', 'denied'],
      ['write_file', 'done'],
      ['list_directory', 'done'],
    ]);
    // Three approvals asked, each decided once, the decisions in the audit log with who made them.
    const all = (await call<Approval[]>(app, 'approvals.list', {})).filter((a) => a.kind === 'tool_call');
    expect(all.map((a) => [a.status, a.actor])).toEqual([
      ['approved', 'ana'],
      ['rejected', 'ana'],
      ['approved', 'ana'],
    ]);
    const audit = await call<{ actor: string; to_status: string | null; entity: string }[]>(
      app,
      'audit.list',
      {
        run_id: run,
        entity: 'approval',
      },
    );
    expect(audit.filter((a) => a.actor === 'ana').map((a) => a.to_status)).toEqual([
      'approved',
      'rejected',
      'approved',
    ]);
  });

  it('a deny rule refuses without asking, and the model is told', async () => {
    const files = tempDir('baton-deny-files-', dirs);
    model = await startChatServer({
      conversations: [
        {
          name: 'deny',
          turns: [
            { tools: [{ name: 'fs__write_file', input: { path: join(files, 'x.txt'), content: 'x' } }] },
            { text: 'I may not write.' },
          ],
        },
      ],
    });
    const app = openApp(tempDir('baton-deny-data-', dirs));
    apps.push(app);
    const run = await startRun(
      app,
      toolAgent(model.url, {
        tools: [fsTools(files)],
        sandbox: { write_allow: [files] },
        tool_policy: [{ tools: 'fs/write_*', policy: 'deny' }],
      }),
      oneTask(),
    );
    await app.engine.whenSettled(run);
    expect((await detail(app, run)).tasks[0]!.status).toBe('done');
    expect(await pendingApprovals(app)).toEqual([]);
    expect(existsSync(join(files, 'x.txt'))).toBe(false);
    expect(model.modelCalls('deny')[1]!.request!.texts.join('\n')).toContain(
      `Denied: the agent's tool policy refuses fs/write_file (the agent's rule "fs/write_*: deny")`,
    );
  });

  it('a restart while a tool call waits for a person keeps it waiting: the same approval, decided after the restart, and the call runs once', async () => {
    const files = tempDir('baton-restart-files-', dirs);
    const dataDir = tempDir('baton-restart-data-', dirs);
    const path = join(files, 'after-restart.txt');
    model = await startChatServer({
      conversations: [
        {
          name: 'restart',
          turns: [
            {
              text: 'May I write?',
              tools: [{ name: 'fs__write_file', input: { path, content: 'written once' } }],
            },
            { text: 'Written.' },
          ],
        },
      ],
    });
    const first = openApp(dataDir);
    apps.push(first);
    const run = await startRun(
      first,
      toolAgent(model.url, { tools: [fsTools(files)], sandbox: { write_allow: [files] } }),
      oneTask(),
    );
    const asked = await nextToolCall(first, new Set());
    await first.close();
    apps = apps.filter((a) => a !== first);

    const second = openApp(dataDir);
    apps.push(second);
    // The resumed task's new attempt goes on from the stored steps and waits on the same approval.
    await eventually(async () => (await detail(second, run)).tasks[0]!.attempt === 2, 60_000, 'attempt 2');
    await eventually(
      () =>
        stepsOf(second, run).some(
          (s) => s.attempt === 2 && s.kind === 'tool_call' && s.status === 'awaiting_approval',
        ),
      60_000,
      'attempt 2 waiting',
    ).catch(async (err: Error) => {
      // What the task and its attempt did instead, to read in a failed run's log.
      const { status, attempt, reason } = (await detail(second, run)).tasks[0]!;
      const steps = stepsOf(second, run).filter((s) => s.attempt >= 2);
      throw new Error(`${err.message}: ${JSON.stringify({ status, attempt, reason, steps })}`);
    });
    const pending = await pendingApprovals(second);
    expect(pending.map((a) => a.id)).toEqual([asked.id]);
    expect(existsSync(path)).toBe(false);
    await decide(second, { approval_id: asked.id, decision: 'approve', actor: 'ana' });
    await second.engine.whenSettled(run);
    expect((await detail(second, run)).tasks[0]).toMatchObject({
      status: 'done',
      attempt: 2,
      output: { text: 'Written.' },
    });
    expect(readFileSync(path, 'utf8')).toBe('written once');
    // The model was not asked the first turn again: one request per turn.
    expect(model.modelCalls('restart').map((r) => r.turn)).toEqual([0, 1]);
  });
  it('cancelling the task while its tool call waits closes the approval (by whoever cancelled) and stops the loop and its server', async () => {
    const files = tempDir('baton-cancel-files-', dirs);
    model = await startChatServer({
      conversations: [
        {
          name: 'cancel',
          turns: [
            { tools: [{ name: 'fs__write_file', input: { path: join(files, 'never.txt'), content: 'x' } }] },
          ],
        },
      ],
    });
    const app = openApp(tempDir('baton-cancel-data-', dirs));
    apps.push(app);
    const run = await startRun(
      app,
      toolAgent(model.url, { tools: [fsTools(files)], sandbox: { write_allow: [files] } }),
      oneTask(),
    );
    const asked = await nextToolCall(app, new Set());
    expect(serversOn(files)).toBeGreaterThan(0);
    await call(app, 'runs.cancelTask', { run_id: run, task_id: 't', actor: 'bo' });
    await app.engine.whenSettled(run);
    expect((await detail(app, run)).tasks[0]!.status).toBe('cancelled');
    const closed = (await call<Approval[]>(app, 'approvals.list', {})).find((a) => a.id === asked.id);
    expect(closed).toMatchObject({ status: 'rejected', actor: 'bo', comment: 'closed: cancelled by bo' });
    expect(existsSync(join(files, 'never.txt'))).toBe(false);
    // Nothing waits on a person any more, and the attempt's MCP server (started on `files`) is gone.
    expect(await pendingApprovals(app)).toEqual([]);
    await eventually(() => serversOn(files) === 0, 60_000, 'the MCP server to stop');
  });
});
