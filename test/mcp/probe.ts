// Runs Claude Code once with `--permission-prompt-tool mcp__baton__approve` against the scripted
// Anthropic server, whose first turn calls `Write` (a.txt) and whose later turns only talk, and
// prints what the `approve` tool received, when, what it answered, what claude printed and
// whether the file was written. How README.md's permission-prompt tables were measured.
//
//   node test/mcp/probe.ts <scenario> [options]
//
// Scenarios (the approver's answer, or what the model does):
//   allow, allow-changed (another path and content), allow-no-input ({"behavior":"allow"}),
//   allow-empty-input (updatedInput {}), deny, deny-no-message, deny-interrupt, text-not-json,
//   wrong-behavior, two-items (deny then allow), no-content, is-error (an isError result),
//   throws (the tool throws), server-exits (the approve server exits during the call),
//   no-server (it cannot start), two-writes (two Write calls in one turn), read and
//   read-outside (a Read in and outside the working directory), bash (a Bash command),
//   http (the tool over streamable HTTP with a bearer header), http-bad-token.
// Options:
//   --wait S            answer only after S seconds
//   --progress S        the tool sends a progress notification every S seconds while it waits
//   --tool-timeout MS   MCP_TOOL_TIMEOUT for claude
//   --server-timeout MS `timeout` in the server's --mcp-config entry
//   --env K=V           more environment for claude (repeatable)
//   --no-sandbox-env    IS_SANDBOX empty
//   --timeout S         stop claude after S seconds (default: the wait + 120)
//   --save DIR          write the stream to DIR/permission-<scenario>[-<options>].jsonl, temp paths
//                       replaced by /tmp/attempt
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { startPhoneHomeTrap } from '../coding-agents/phone-home-trap.ts';
import { startAnthropicServer } from '../kit/model-servers/anthropic.ts';
import type { Turn } from '../kit/model-servers/scripted-server.ts';
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
      turns: [firstTurn(), { text: 'Done.' }, { text: 'Done again.' }],
    },
  ],
});

/** The model's first turn: a Write of a.txt, or what the scenario asks for. */
function firstTurn(): Turn {
  const write = (name: string) => ({
    name: 'Write',
    input: { file_path: join(dirs.repo, name), content: 'from the model\n' },
  });
  switch (scenario) {
    case 'two-writes':
      return { text: 'Writing two files.', tools: [write('a.txt'), write('c.txt')] };
    case 'read':
      writeFileSync(join(dirs.repo, 'r.txt'), 'to be read\n');
      return { tools: [{ name: 'Read', input: { file_path: join(dirs.repo, 'r.txt') } }] };
    case 'read-outside':
      return { tools: [{ name: 'Read', input: { file_path: '/etc/hostname' } }] };
    case 'bash':
      return {
        tools: [{ name: 'Bash', input: { command: 'echo hi > bash.txt', description: 'Write a file' } }],
      };
    default:
      return { text: 'Writing a.txt.', tools: [write('a.txt')] };
  }
}

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
    case 'two-writes':
    case 'read':
    case 'read-outside':
    case 'bash':
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
    case 'server-exits':
      throw new Error('exit'); // answered 500 with "exit": approve-stdio.ts then exits (a crash mid-call)
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
        path: r.path,
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
      `permission-${scenario}${waitMs ? `-wait${waitMs / 1000}s` : ''}${values['tool-timeout'] ? `-tooltimeout${values['tool-timeout']}` : ''}${values['server-timeout'] ? `-servertimeout${values['server-timeout']}` : ''}${values.progress ? `-progress${values.progress}s` : ''}${(values.env ?? []).map((kv) => `-${kv.replace('=', '-')}`).join('')}.jsonl`,
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
