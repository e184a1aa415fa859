import type { CallToolResult } from '@modelcontextprotocol/client';
import { Client, SdkError, SdkErrorCode, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { ToolSourceOf } from '../../../../src-shared/schemas/agent-tools.ts';
import { passedOn } from '../../../processes/user-env.ts';
import type { SecretResolver } from '../../../secrets/secrets.ts';
import { cappedFetch } from './capped-fetch.ts';
import type { ToolSandbox } from './refusals.ts';
import { TreeStdioTransport } from './stdio-transport.ts';
import type { OpenResult, ToolInfo, ToolOutcome, ToolSourceHandle } from './tool-source.ts';
import { capText } from './tool-source.ts';

const CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_CALL_TIMEOUT_S = 60;
/** Only these pass from the person's environment (`passedOn`: Baton's own taken out) to a server; its config's `env` adds the rest. */
const BASE_ENV = [
  'PATH',
  'HOME',
  'LANG',
  'TERM',
  'TMPDIR',
  'SystemRoot',
  'TEMP',
  'TMP',
  'USERPROFILE',
  'PATHEXT',
];
const SECRET_REF = /\{secret:([A-Za-z0-9_.-]+)\}/g;

export interface McpOpenContext {
  /** Where a stdio server runs (the attempt's workspace). */
  cwd: string;
  secrets: SecretResolver;
  /** Secret values used, collected for redaction. */
  used: string[];
  version: string;
  /** A new process-tree marker for each stdio server started (each start of one, a tree of its own). */
  marker?: () => string;
  /** The OS sandbox a stdio server runs in; none: it runs as it is. */
  sandbox?: ToolSandbox;
}

type McpSource = ToolSourceOf<'mcp_stdio'> | ToolSourceOf<'mcp_http'>;

/**
 * An MCP server as a source of tools (SDK v2 client): spawned over stdio with `spawnTree`, or
 * reached over streamable HTTP with its secret in a header. Tool failures come back as failed
 * outcomes; so do transport faults (a server that died, a call past its timeout), which are
 * told apart and explained. A server that died is started again for the next call.
 */
export async function openMcpSource(source: McpSource, ctx: McpOpenContext): Promise<OpenResult> {
  const where = source.kind === 'mcp_stdio' ? `command "${source.command}"` : `URL ${source.url}`;
  const label = `MCP server "${source.name}" (${where})`;
  let made: ReturnType<typeof makeTransport>;
  try {
    made = makeTransport(source, ctx);
  } catch (err) {
    return { ok: false, error: `${label}: ${(err as Error).message}` };
  }
  let conn: Connection;
  try {
    conn = await connect(made, ctx.version);
  } catch (err) {
    return { ok: false, error: `${label} could not start: ${explain(err, made.stdio)}` };
  }
  let tools: ToolInfo[];
  try {
    const listed = await conn.client.listTools(undefined, { timeout: CONNECT_TIMEOUT_MS });
    const idem = new Set(source.idempotent);
    tools = listed.tools.map((t) => ({
      source: source.name,
      name: t.name,
      description: t.description ?? t.title ?? '',
      input_schema: t.inputSchema as Record<string, unknown>,
      read_only: t.annotations?.readOnlyHint === true,
      idempotent: t.annotations?.idempotentHint === true || idem.has(t.name),
    }));
  } catch (err) {
    await conn.close();
    return { ok: false, error: `${label} did not list its tools: ${explain(err, made.stdio)}` };
  }
  const timeout = (source.timeout_s ?? DEFAULT_CALL_TIMEOUT_S) * 1000;
  let current: Connection | null = conn;
  let stdio = made.stdio;
  const handle: ToolSourceHandle = {
    name: source.name,
    tools,
    async call(tool, args, signal): Promise<ToolOutcome> {
      if (!current || current.closed) {
        // It died during an earlier call: start it again for this one.
        try {
          const again = makeTransport(source, ctx);
          stdio = again.stdio;
          current = await connect(again, ctx.version);
        } catch (err) {
          current = null;
          return { ok: false, text: `${label} could not be started again: ${explain(err, stdio)}` };
        }
      }
      const c = current;
      try {
        const result = (await c.client.callTool(
          { name: tool, arguments: args },
          { timeout, signal },
        )) as CallToolResult;
        stdio?.tellRefusals();
        const text = capText(resultText(result));
        return { ok: result.isError !== true, text };
      } catch (err) {
        if (signal.aborted) throw signal.reason ?? err;
        if (err instanceof SdkError && err.code === SdkErrorCode.RequestTimeout)
          return { ok: false, text: `${label} did not answer within ${timeout / 1000} s` };
        // Give a dying server a moment to be seen exiting, so the error can say how it ended.
        await new Promise((r) => setTimeout(r, 50));
        return { ok: false, text: `${label} failed during the call: ${explain(err, stdio)}` };
      }
    },
    async close() {
      await current?.close();
      current = null;
    },
  };
  return { ok: true, source: handle };
}

interface Connection {
  client: Client;
  closed: boolean;
  close(): Promise<void>;
}

function makeTransport(source: McpSource, ctx: McpOpenContext) {
  if (source.kind === 'mcp_stdio') {
    const stdio = new TreeStdioTransport({
      command: source.command,
      args: source.args,
      env: serverEnv(source.env, ctx),
      cwd: ctx.cwd,
      ...(ctx.marker ? { marker: ctx.marker() } : {}),
      ...(ctx.sandbox ? { sandbox: { ...ctx.sandbox, process: `MCP server ${source.name}` } } : {}),
    });
    return { transport: stdio, stdio };
  }
  const headers: Record<string, string> = {};
  if (source.auth_secret !== undefined) {
    const value = ctx.secrets.get(source.auth_secret);
    if (value === undefined) throw new Error(`secret "${source.auth_secret}" is not set`);
    ctx.used.push(value);
    if (source.auth_header) headers[source.auth_header] = value;
    else headers.authorization = `Bearer ${value}`;
  }
  return {
    transport: new StreamableHTTPClientTransport(new URL(source.url), {
      requestInit: { headers },
      fetch: cappedFetch(),
    }),
    stdio: null,
  };
}

async function connect(made: ReturnType<typeof makeTransport>, version: string): Promise<Connection> {
  const client = new Client({ name: 'baton', version });
  const conn: Connection = {
    client,
    closed: false,
    close: async () => {
      conn.closed = true;
      await client.close().catch(() => {});
      await made.transport.close().catch(() => {});
    },
  };
  client.onclose = () => {
    conn.closed = true;
  };
  // Out-of-band faults (a line of garbage on stdout): the calls go on, and a call that fails says why.
  client.onerror = () => {};
  try {
    await client.connect(made.transport, { timeout: CONNECT_TIMEOUT_MS });
  } catch (err) {
    await conn.close();
    throw err;
  }
  return conn;
}

/** The environment of a stdio server: a minimal base of the person's, plus its config's, secrets resolved. */
function serverEnv(env: ToolSourceOf<'mcp_stdio'>['env'], ctx: McpOpenContext): Record<string, string> {
  const out = passedOn(BASE_ENV);
  for (const [key, value] of Object.entries(env)) {
    if (typeof value !== 'string') {
      const secret = ctx.secrets.get(value.secret);
      if (secret === undefined) throw new Error(`secret "${value.secret}" (for ${key}) is not set`);
      ctx.used.push(secret);
      out[key] = secret;
      continue;
    }
    let missing: string | null = null;
    out[key] = value.replace(SECRET_REF, (_, name: string) => {
      const secret = ctx.secrets.get(name);
      if (secret === undefined) {
        missing ??= name;
        return '';
      }
      ctx.used.push(secret);
      return secret;
    });
    if (missing !== null) throw new Error(`secret "${missing}" (for ${key}) is not set`);
  }
  return out;
}

/** Why a connection or call failed, with how a stdio server ended and its last stderr. */
function explain(err: unknown, stdio: TreeStdioTransport | null): string {
  const message = err instanceof Error ? err.message : String(err);
  // An HTTP refusal (SdkHttpError) says its status only in a field.
  const status = err !== null && typeof err === 'object' && 'status' in err ? err.status : undefined;
  const parts = [typeof status === 'number' ? `HTTP ${status}: ${message}` : message];
  const exit = stdio?.exitDescription();
  if (exit) parts.push(`the server ${exit}`);
  const stderr = stdio?.stderr();
  if (stderr) parts.push(`its stderr: ${stderr.slice(-600)}`);
  return parts.join('; ');
}

/** A tool result as text for the model: its text items, else its structured content as JSON. */
function resultText(result: CallToolResult): string {
  const texts: string[] = [];
  for (const item of result.content ?? []) {
    if (item.type === 'text') texts.push(item.text);
    else if (item.type === 'resource' && 'text' in item.resource) texts.push(String(item.resource.text));
    else texts.push(`[${item.type}]`);
  }
  if (texts.length === 0 && result.structuredContent !== undefined)
    return JSON.stringify(result.structuredContent);
  return texts.join('\n');
}
