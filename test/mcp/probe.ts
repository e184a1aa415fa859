// Runs Claude Code once with `--permission-prompt-tool mcp__baton__approve` against the scripted
// Anthropic server, whose first turn calls `Write` (a.txt) and whose later turns only talk, and
// prints what the `approve` tool received, when, what it answered, what claude printed and
// whether the file was written. How README.md's permission-prompt tables were measured.
//
//   node test/mcp/probe.ts <scenario> [--wait S] [--tool-timeout MS] [--timeout S] [--save DIR]
//
// Scenarios: allow, allow-changed (updatedInput with another content and path), allow-no-input
// ({"behavior":"allow"}), allow-empty-input, deny, deny-no-message, deny-interrupt, text-not-json, wrong-behavior,
// two-items, no-content, is-error (an isError result), throws (the tool throws), no-server
// (the approve tool's server fails to start), http (the tool over streamable HTTP with a bearer header),
// http-bad-token. --wait S answers only after S seconds (allow); --tool-timeout sets
// MCP_TOOL_TIMEOUT; --no-sandbox-env runs claude with IS_SANDBOX empty; --server-timeout MS puts `timeout` in the server's
// --mcp-config entry; --progress S makes the tool send a progress notification every S seconds while it waits;
// --env K=V (repeatable) adds to claude's environment. --save writes the stream to DIR/permission-<scenario>.jsonl with temp paths
// replaced by /tmp/attempt.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { startPhoneHomeTrap } from '../coding-agents/phone-home-trap.ts';
import { startAnthropicServer } from '../kit/model-servers/anthropic.ts';
import type { RecordedApproval } from './approval-relay.ts';
import { jsonText, startApprovalRelay } from './approval-relay.ts';
import { makeRunDirs, runClaudeWithApprovals } from './run-claude.ts';
import { startApproveHttpServer } from './servers/approve-http.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    wait: { type: 'string' },
    'tool-timeout': { type: 'string' },
    timeout: { type: 'string' },
    save: { type: 'string' },
    'no-sandbox-env': { type: 'boolean' },
    'server-timeout': { type: 'string' },
    progress: { type: 'string' },
    env: { type: 'string', multiple: true },
  },
});
const scenario = positionals[0] ?? 'allow';
const waitMs = Number(values.wait ?? 0) * 1000;
const dirs = makeRunDirs('mcp-probe');
const file = join(dirs.repo, 'a.txt');
const t0 = Date.now();
const at = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

const model = await startAnthropicServer({
  conversations: [
    {
      name: 'task',
      turns: [
        {
          text: 'Writing a.txt.',
          tools: [{ name: 'Write', input: { file_path: file, content: 'from the model\n' } }],
        },
        { text: 'Done.' },
        { text: 'Done again.' },
      ],
    },
  ],
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function answer(call: RecordedApproval): Promise<CallToolResult | 'never'> {
  console.error(`[${at()}] approve called with ${JSON.stringify(call.arguments)}`);
  const input = call.arguments.input;
  if (waitMs) {
    await sleep(waitMs);
    console.error(`[${at()}] answering allow after ${waitMs / 1000} s`);
  }
  switch (scenario) {
    case 'allow':
    case 'http':
      return jsonText({ behavior: 'allow', updatedInput: input });
    case 'allow-changed':
      return jsonText({
        behavior: 'allow',
        updatedInput: { file_path: join(dirs.repo, 'b.txt'), content: 'changed by the approver\n' },
      });
    case 'allow-no-input':
      return jsonText({ behavior: 'allow' });
    case 'allow-empty-input':
      return jsonText({ behavior: 'allow', updatedInput: {} });
    case 'deny':
      return jsonText({ behavior: 'deny', message: 'Not now: a person said no.' });
    case 'deny-no-message':
      return jsonText({ behavior: 'deny' });
    case 'deny-interrupt':
      return jsonText({ behavior: 'deny', message: 'Stop the whole run.', interrupt: true });
    case 'text-not-json':
      return { content: [{ type: 'text', text: 'yes, go ahead' }] };
    case 'wrong-behavior':
      return jsonText({ behavior: 'maybe' });
    case 'two-items':
      return {
        content: [
          { type: 'text', text: JSON.stringify({ behavior: 'deny', message: 'first item says deny' }) },
          { type: 'text', text: JSON.stringify({ behavior: 'allow', updatedInput: input }) },
        ],
      };
    case 'no-content':
      return { content: [] };
    case 'is-error':
      return { isError: true, content: [{ type: 'text', text: 'the approval service is down' }] };
    case 'throws':
      throw new Error('relay failure on purpose');
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

const trap = await startPhoneHomeTrap();
const relay = await startApprovalRelay(answer);
const token = 'baton-test-token';
const http =
  scenario === 'http' || scenario === 'http-bad-token'
    ? await startApproveHttpServer({
        token,
        decide: async (args, approval) => {
          const progressMs = Number(values.progress ?? 0) * 1000;
          let done = 0;
          const timer =
            progressMs > 0 ? setInterval(() => void approval.progress(++done), progressMs) : undefined;
          approval.signal.addEventListener('abort', () => clearInterval(timer));
          const call: RecordedApproval = {
            arguments: args,
            meta: approval.meta,
            at: Date.now(),
            abandoned: false,
          };
          relay.calls.push(call);
          const result = await answer(call);
          clearInterval(timer);
          return result === 'never' ? new Promise<CallToolResult>(() => {}) : result;
        },
      })
    : undefined;
const stdioServer = {
  type: 'stdio',
  command: process.execPath,
  args: [join(import.meta.dirname, 'servers', 'approve-stdio.ts')],
  env: {
    APPROVE_RELAY_URL: relay.url,
    ...(values.progress ? { APPROVE_PROGRESS_MS: String(Number(values.progress) * 1000) } : {}),
  },
};
const serverTimeout = values['server-timeout'] ? { timeout: Number(values['server-timeout']) } : {};
const mcpServers: Record<string, unknown> = http
  ? {
      baton: {
        type: 'http',
        url: http.url,
        headers: { Authorization: `Bearer ${scenario === 'http-bad-token' ? 'wrong' : token}` },
        ...serverTimeout,
      },
    }
  : scenario === 'no-server'
    ? { baton: { ...stdioServer, args: ['/nonexistent/approve-server.ts'] } }
    : { baton: { ...stdioServer, ...serverTimeout } };

const run = await runClaudeWithApprovals({
  dirs,
  modelUrl: model.url,
  prompt: 'Write a.txt.',
  mcpServers,
  timeoutMs: Number(values.timeout ?? Math.max(120, waitMs / 1000 + 120)) * 1000,
  extraEnv: {
    ...trap.env,
    ...(values['tool-timeout'] ? { MCP_TOOL_TIMEOUT: values['tool-timeout'] } : {}),
    ...(values['no-sandbox-env'] ? { IS_SANDBOX: '' } : {}),
    ...Object.fromEntries((values.env ?? []).map((kv) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)])),
  },
  onLine: (line) => console.error(`[${at()}] ${line.slice(0, 400)}`),
});

const result = run.events.find((e) => e.type === 'result');
const toolResults = run.events
  .filter((e) => e.type === 'user')
  .map((e) => JSON.stringify((e.message as { content?: unknown })?.content));
console.log(
  JSON.stringify(
    {
      scenario,
      code: run.code,
      signal: run.signal,
      seconds: run.ms / 1000,
      timedOut: run.timedOut,
      approveCalls: relay.calls.map((c) => ({
        arguments: c.arguments,
        era: c.era,
        meta: c.meta,
        atSeconds: (c.at - t0) / 1000,
        answeredAtSeconds: c.answeredAt ? (c.answeredAt - t0) / 1000 : undefined,
        abandoned: c.abandoned,
      })),
      toolResults,
      a: existsSync(file) ? readFileSync(file, 'utf8') : null,
      b: existsSync(join(dirs.repo, 'b.txt')) ? readFileSync(join(dirs.repo, 'b.txt'), 'utf8') : null,
      result: result && {
        subtype: result.subtype,
        is_error: result.is_error,
        result: result.result,
        permission_denials: result.permission_denials,
        terminal_reason: result.terminal_reason,
        num_turns: result.num_turns,
      },
      modelCalls: model
        .modelCalls('task')
        .map((r) => ({ turn: r.turn, answer: r.answer, tools: r.request?.tools.length })),
      offeredTools: model.modelCalls('task')[0]?.request?.tools,
      modelSawLast: lastUserContent(model.modelCalls('task').at(-1)?.request?.body),
      mcpServers: run.events.find((e) => e.subtype === 'init')?.mcp_servers,
      httpRequests: http?.requests.map((r) => ({
        method: r.method,
        rpc: r.rpc,
        authorized: r.authorized,
        protocolVersion: r.headers['mcp-protocol-version'],
        accept: r.headers.accept,
        session: r.headers['mcp-session-id'],
      })),
      otherLines: run.otherLines,
      stderr: run.stderr.slice(-2000),
      phoneHome: trap.attempts,
    },
    null,
    1,
  ),
);
if (values.save) {
  const text = `${run.lines.join('\n')}\n`
    .replaceAll(dirs.root, '/tmp/attempt')
    .replaceAll(dirs.root.replaceAll('/', '-'), '-tmp-attempt'); // claude's project folder name
  writeFileSync(
    join(
      values.save,
      `permission-${scenario}${waitMs ? `-wait${waitMs / 1000}s` : ''}${values['tool-timeout'] ? `-tooltimeout${values['tool-timeout']}` : ''}${values['server-timeout'] ? `-servertimeout${values['server-timeout']}` : ''}${values.progress ? `-progress${values.progress}s` : ''}${(values.env ?? []).map((kv) => `-${kv}`).join('')}.jsonl`,
    ),
    text,
  );
}
await http?.close();
await relay.close();
await trap.close();
await model.close();
dirs.remove();

/** The content of the last user message of a model request: where the tool result reaches the model. */
function lastUserContent(body: Record<string, unknown> | undefined): unknown {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  const last = messages.filter((m) => typeof m === 'object' && m !== null && m.role === 'user').at(-1);
  return typeof last === 'object' && last !== null ? last.content : undefined;
}
