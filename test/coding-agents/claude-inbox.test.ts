import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallClient } from '../../src-main/app/memory-transport.ts';
import { rendererDir } from '../../src-main/cli/files.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createMcpEndpoint } from '../../src-main/mcp/http.ts';
import type { Approval, ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { Servers } from './baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, writeTurn } from './baton-kit.ts';

const DENIAL = 'No second file: keep the change small.';

/**
 * A coding agent whose tool calls a person approves (`tool_approvals: "inbox"`): Baton's coding
 * executor starts the real Claude Code CLI with `--permission-prompt-tool mcp__baton__approve`
 * and Baton's MCP server (this process's `/mcp`, with a token for the attempt) alone in its
 * `--mcp-config`. Each Write claude asks about waits in the inbox as that attempt's tool call;
 * the first is approved with edited arguments (the edit is what claude writes), the second
 * denied with a message (the model reads it).
 */
describe.skipIf(!installed)('Claude Code asking Baton’s inbox about its tool calls', () => {
  let servers: Servers;
  let baton: ReturnType<typeof openBaton>;
  let host: BrowserHost;

  beforeAll(async () => {
    servers = await startServers();
    baton = openBaton();
    const { app } = baton;
    host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir,
      mcp: createMcpEndpoint(createCallClient(app.dispatch), { version: 'test', log: () => {} }),
      mcpLinks: app.mcpLinks,
    });
    await call(app, 'workspaces.add', { id: 'app', path: baton.repo.repo });
  });
  afterAll(async () => {
    await host?.close();
    await baton?.close();
    // The store's checkpointer may write the data directory back just after close(): again, later.
    await new Promise((r) => setTimeout(r, 300));
    if (baton) rmSync(baton.dir, { recursive: true, force: true });
    await servers?.close();
  });

  it('each Write waits in the inbox for its attempt: approved with edited arguments (the edit is written), denied (the model reads why)', async () => {
    const { app } = baton;
    servers.script('claude', [
      {
        name: 'ask',
        turns: [
          writeTurn('claude', 'notes.txt', 'from the model\n'),
          writeTurn('claude', 'extra.txt', 'a second file\n'),
          { text: 'Wrote notes.txt; left extra.txt out.' },
        ],
      },
    ]);
    await call(app, 'agents.import', {
      agents: [{ ...codingAgent(servers, 'claude'), tool_approvals: 'inbox' }],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'ask',
        workspace: 'app',
        tasks: [{ task_id: 'notes', description: 'Write notes.txt.', required_skills: ['claude'] }],
      },
    });
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'ask' })).run_id;

    const next = async (seen: Set<string>): Promise<ApprovalView> => {
      let found: ApprovalView | undefined;
      await eventually(
        async () => {
          const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
          found = list.find((a) => a.kind === 'tool_call' && !seen.has(a.id));
          return found !== undefined;
        },
        120_000,
        'a tool call of claude in the inbox',
      );
      seen.add(found!.id);
      return found!;
    };
    const seen = new Set<string>();
    const first = await next(seen);
    expect(first).toMatchObject({ run_id: runId, task_id: 'notes' });
    expect(first.tool_call).toMatchObject({
      attempt: 1,
      tool: 'Write',
      server: null,
      agent_id: 'claude-coder',
    });
    const asked = first.tool_call!.input as { file_path: string; content: string };
    expect(asked.content).toBe('from the model\n');
    // The inbox's preview of the write: a new file in the task's worktree, and the edit as typed.
    const preview = await call<{ preview: unknown }>(app, 'toolCalls.preview', {
      approval_id: first.id,
      input: { ...asked, content: 'edited by Ana\n' },
    });
    expect(preview.preview).toMatchObject({
      ok: true,
      path: 'notes.txt',
      before: null,
      after: 'edited by Ana\n',
    });
    await call<Approval>(app, 'approvals.decide', {
      approval_id: first.id,
      decision: 'approve',
      actor: 'Ana',
      input: { ...asked, content: 'edited by Ana\n' },
    });
    const second = await next(seen);
    expect(second.tool_call).toMatchObject({ attempt: 1, tool: 'Write' });
    await call<Approval>(app, 'approvals.decide', {
      approval_id: second.id,
      decision: 'reject',
      actor: 'Ana',
      comment: DENIAL,
    });

    await app.engine.whenSettled(runId);
    await app.coding.worktreesSettled();
    const d = await call<RunDetail>(app, 'runs.get', { run_id: runId });
    const task = d.tasks[0]!;
    expect(task.status, task.error ?? '').toBe('done');
    const out = task.output as CodingOutput;
    expect(out.files.map((f) => f.path)).toEqual(['notes.txt']);
    const git = (args: string[]) =>
      execFileSync('git', args, { cwd: baton.repo.repo, encoding: 'utf8' }).trim();
    expect(git(['show', `${out.commit}:notes.txt`])).toBe('edited by Ana');
    const last = servers.calls('claude', 'ask').at(-1)!.request!;
    expect(last.texts.join('\n')).toContain(`Denied by Ana: ${DENIAL}`);
    // The decisions are the person's, in the audit log.
    const decided = app.store.approvals.list().filter((a) => a.run_id === runId);
    expect(decided.map((a) => [a.kind, a.status, a.actor])).toEqual([
      ['tool_call', 'approved', 'Ana'],
      ['tool_call', 'rejected', 'Ana'],
    ]);
  });

  it('without a host serving /mcp in this process the attempt fails saying so, and no CLI starts', async () => {
    const { app } = baton;
    await host.close();
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'no-host',
        workspace: 'app',
        tasks: [{ task_id: 'notes', description: 'Write notes.txt.', required_skills: ['claude'] }],
      },
    });
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'no-host' })).run_id;
    await app.engine.whenSettled(runId);
    const d = await call<RunDetail>(app, 'runs.get', { run_id: runId });
    expect(d.tasks[0]!.status).toBe('failed');
    expect(d.tasks[0]!.error).toContain(
      'coding agent "claude-coder" has its tool calls approved in Baton\'s inbox (tool_approvals "inbox"), which needs Baton\'s MCP server at /mcp',
    );
  });
});
