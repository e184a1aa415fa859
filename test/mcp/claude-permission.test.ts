import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureInstalled } from '../kit/fixtures.ts';
import { startAnthropicServer } from '../kit/model-servers/anthropic.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';
import type { RecordedApproval, RelayAnswer } from './approval-relay.ts';
import type { ApprovalRunDirs, ClaudeRun } from './run-claude.ts';

// Claude Code asks an MCP tool of ours before each tool call that needs permission
// (`--permission-prompt-tool mcp__baton__approve`, no --dangerously-skip-permissions), over
// stdio and over streamable HTTP with a bearer header. Needs both fixture packages:
// `npm ci --prefix test/mcp` (the SDK) and `npm ci --prefix test/coding-agents` (claude).
const here = import.meta.dirname;
const installed = fixtureInstalled('coding-agents') && fixtureInstalled('mcp');
const relayKit = installed ? await import('./approval-relay.ts') : undefined;
const runner = installed ? await import('./run-claude.ts') : undefined;
const httpKit = installed ? await import('./servers/approve-http.ts') : undefined;
const { startPhoneHomeTrap } = await import('../coding-agents/phone-home-trap.ts');

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers.length = 0;
});

interface Scenario {
  /** How the test answers each call of the approve tool. */
  answer(call: RecordedApproval, input: Record<string, unknown>): Promise<RelayAnswer> | RelayAnswer;
  transport?: 'stdio' | { http: { token: string; sent: string } };
  extraEnv?: Record<string, string>;
  /** Fields added to the server's --mcp-config entry (e.g. `timeout`). */
  entry?: Record<string, unknown>;
}

/** One claude run whose first model turn writes a.txt with `Write`; later turns only talk. */
async function runWithApprovals(s: Scenario) {
  if (!relayKit || !runner || !httpKit) throw new Error('not installed');
  const dirs: ApprovalRunDirs = runner.makeRunDirs('mcp-permission');
  closers.push(() => dirs.remove());
  const file = join(dirs.repo, 'a.txt');
  const model: ModelServer = await startAnthropicServer({
    conversations: [
      {
        name: 'task',
        turns: [
          {
            text: 'Writing a.txt.',
            tools: [{ name: 'Write', input: { file_path: file, content: 'from the model\n' } }],
          },
          { text: 'Done.' },
        ],
      },
    ],
  });
  closers.push(() => model.close());
  const trap = await startPhoneHomeTrap();
  closers.push(() => trap.close());
  const answer = (call: RecordedApproval) => {
    const input = call.arguments.input;
    return s.answer(call, typeof input === 'object' && input !== null ? { ...input } : {});
  };
  const relay = await relayKit.startApprovalRelay(answer);
  closers.push(() => relay.close());

  let mcpServers: Record<string, unknown>;
  let http: Awaited<ReturnType<typeof httpKit.startApproveHttpServer>> | undefined;
  if (s.transport && s.transport !== 'stdio') {
    const { token, sent } = s.transport.http;
    http = await httpKit.startApproveHttpServer({
      token,
      decide: async (args, approval) => {
        const call: RecordedApproval = {
          arguments: args,
          meta: approval.meta,
          at: Date.now(),
          abandoned: false,
        };
        relay.calls.push(call);
        const result = await answer(call);
        return result === 'never' ? new Promise(() => {}) : result;
      },
    });
    closers.push(() => http?.close());
    mcpServers = { baton: { type: 'http', url: http.url, headers: { Authorization: `Bearer ${sent}` } } };
  } else {
    mcpServers = {
      baton: {
        type: 'stdio',
        command: process.execPath,
        args: [join(here, 'servers', 'approve-stdio.ts')],
        env: { APPROVE_RELAY_URL: relay.url },
        ...s.entry,
      },
    };
  }
  const run: ClaudeRun = await runner.runClaudeWithApprovals({
    dirs,
    modelUrl: model.url,
    prompt: 'Write a.txt.',
    mcpServers,
    extraEnv: { ...trap.env, ...s.extraEnv },
    timeoutMs: 90_000,
  });
  expect(run.timedOut, run.stderr).toBe(false);
  expect(run.otherLines).toEqual([]);
  expect(trap.attempts).toEqual([]);
  const toolUse = run.events
    .flatMap((e) => (e.type === 'assistant' ? contentOf(e) : []))
    .find((c) => c.type === 'tool_use');
  const toolResults = run.events.flatMap((e) => (e.type === 'user' ? contentOf(e) : []));
  return {
    run,
    dirs,
    file,
    calls: relay.calls,
    toolUse,
    toolResults,
    result: run.events.find((e) => e.type === 'result'),
    model,
    http,
  };
}

function contentOf(event: Record<string, unknown>): Record<string, unknown>[] {
  const message = event.message;
  const content =
    typeof message === 'object' && message !== null && 'content' in message ? message.content : [];
  return Array.isArray(content) ? content : [];
}

const jsonText = (v: unknown) => relayKit?.jsonText(v) ?? { content: [] };

describe.skipIf(!installed)('claude --permission-prompt-tool mcp__baton__approve', () => {
  it('the tool gets {tool_name, input, tool_use_id}; an allow with changed input runs the changed input', async () => {
    const r = await runWithApprovals({
      answer: (_call, input) =>
        jsonText({
          behavior: 'allow',
          updatedInput: { file_path: join(dirname(String(input.file_path)), 'b.txt'), content: 'changed\n' },
        }),
    });
    expect(r.toolUse).toMatchObject({ type: 'tool_use', name: 'Write' });
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]?.arguments).toEqual({
      tool_name: 'Write',
      input: { file_path: r.file, content: 'from the model\n' },
      tool_use_id: r.toolUse?.id,
    });
    // Claude asks for progress and names the tool call in _meta; it opens with the 2026-07-28 protocol.
    expect(r.calls[0]?.meta).toMatchObject({ 'claudecode/toolUseId': r.toolUse?.id });
    expect(r.calls[0]?.meta).toHaveProperty('progressToken');
    expect(r.calls[0]?.era).toBe('modern');
    expect(existsSync(r.file)).toBe(false);
    expect(readFileSync(join(r.dirs.repo, 'b.txt'), 'utf8')).toBe('changed\n');
    expect(r.result).toMatchObject({ subtype: 'success', is_error: false, permission_denials: [] });
    expect(r.run.code).toBe(0);
  });

  it('a deny: nothing runs, the model gets the message as an error tool result, the result lists the denial', async () => {
    const r = await runWithApprovals({
      answer: () => jsonText({ behavior: 'deny', message: 'Not now: a person said no.' }),
    });
    expect(existsSync(r.file)).toBe(false);
    expect(r.toolResults[0]).toMatchObject({
      type: 'tool_result',
      tool_use_id: r.toolUse?.id,
      is_error: true,
      content: 'Not now: a person said no.',
    });
    const seen = r.model.modelCalls('task').at(-1)?.request?.texts ?? [];
    expect(seen.some((t) => t.includes('Not now: a person said no.'))).toBe(true);
    expect(r.result).toMatchObject({
      subtype: 'success',
      permission_denials: [
        {
          tool_name: 'Write',
          tool_use_id: r.toolUse?.id,
          tool_input: { file_path: r.file, content: 'from the model\n' },
        },
      ],
    });
  });

  it('an answer that is not the JSON it expects counts as a denial, with claude saying what it expected', async () => {
    const r = await runWithApprovals({
      answer: () => ({ content: [{ type: 'text', text: 'yes, go ahead' }] }),
    });
    expect(existsSync(r.file)).toBe(false);
    expect(r.toolResults[0]).toMatchObject({ is_error: true });
    expect(String(r.toolResults[0]?.content)).toContain(
      "The permission prompt tool returned an invalid permission result. Expected {behavior: 'allow', updatedInput?: object} or {behavior: 'deny', message: string}.",
    );
    expect(r.result).toMatchObject({ permission_denials: [{ tool_name: 'Write' }] });
  });

  it('a tool that answers isError: the call fails with that text, and it is not listed as a denial', async () => {
    const r = await runWithApprovals({
      answer: () => ({ isError: true, content: [{ type: 'text', text: 'the approval service is down' }] }),
    });
    expect(existsSync(r.file)).toBe(false);
    expect(r.toolResults[0]).toMatchObject({
      is_error: true,
      content: '<tool_use_error>Error calling tool (Write): the approval service is down</tool_use_error>',
    });
    expect(r.result).toMatchObject({ subtype: 'success', permission_denials: [] });
  });

  it('no answer within MCP_TOOL_TIMEOUT: claude cancels the call and the tool call fails (not a denial)', async () => {
    const r = await runWithApprovals({ answer: () => 'never', extraEnv: { MCP_TOOL_TIMEOUT: '3000' } });
    expect(existsSync(r.file)).toBe(false);
    expect(r.toolResults[0]).toMatchObject({
      is_error: true,
      content:
        '<tool_use_error>Error calling tool (Write): MCP server "baton" tool "approve" timed out after 3s</tool_use_error>',
    });
    expect(r.calls[0]?.abandoned).toBe(true); // the cancellation reached the relay
    expect(r.result).toMatchObject({ subtype: 'success', permission_denials: [] });
  });

  // The idle limit (CLAUDE_CODE_MCP_TOOL_IDLE_TIMEOUT, at least 30 s) and progress notifications
  // that reset it take 30 s and more to show: probe.ts measured them (README.md).
  it('a per-server `timeout` in --mcp-config overrides MCP_TOOL_TIMEOUT', async () => {
    const r = await runWithApprovals({
      answer: async (_call, input) => {
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        return jsonText({ behavior: 'allow', updatedInput: input });
      },
      extraEnv: { MCP_TOOL_TIMEOUT: '2000' },
      entry: { timeout: 120_000 },
    });
    expect(readFileSync(r.file, 'utf8')).toBe('from the model\n');
  });

  it('over streamable HTTP with a bearer header: every request carries it, and an allow runs the call', async () => {
    const r = await runWithApprovals({
      answer: (_call, input) => jsonText({ behavior: 'allow', updatedInput: input }),
      transport: { http: { token: 'secret-token', sent: 'secret-token' } },
    });
    expect(readFileSync(r.file, 'utf8')).toBe('from the model\n');
    const rpc = r.http?.requests.flatMap((q) => q.rpc) ?? [];
    expect(rpc).toContain('tools/call');
    expect(r.http?.requests.every((q) => q.authorized)).toBe(true);
    expect(r.http?.requests.every((q) => q.headers['mcp-protocol-version'] === '2026-07-28')).toBe(true);
  });

  it('over HTTP with a wrong token: the server fails to connect and the permission check fails the whole run', async () => {
    const r = await runWithApprovals({
      answer: () => jsonText({ behavior: 'allow' }),
      transport: { http: { token: 'secret-token', sent: 'wrong-token' } },
    });
    expect(existsSync(r.file)).toBe(false);
    expect(r.run.events.find((e) => e.subtype === 'init')?.mcp_servers).toEqual([
      { name: 'baton', status: 'failed', source: 'dynamic' },
    ]);
    expect(r.http?.requests.some((q) => q.authorized)).toBe(false);
    expect(r.run.stderr).toContain(
      'MCP tool mcp__baton__approve (passed via --permission-prompt-tool) not found. Available MCP tools: none',
    );
    expect(r.run.code).toBe(1);
    expect(r.result).toBeUndefined();
  });
});
