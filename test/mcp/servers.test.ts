import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureInstalled } from '../kit/fixtures.ts';
import type { StdioConnection } from './connect.ts';

// The official MCP servers and our faulty one, driven over stdio by the SDK's client (v2),
// offline. Their packages come from `npm ci --prefix test/mcp` (.ci/run does it); the SDK is
// imported only once they are there.
const installed = fixtureInstalled('mcp');
const sdk = installed ? await import('@modelcontextprotocol/client') : undefined;
const kit = installed ? await import('./connect.ts') : undefined;
const { OFFICIAL_TOOLS } = installed ? await import('./official-tools.ts') : { OFFICIAL_TOOLS: undefined };

let dir: string;
let open: StdioConnection[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-mcp-'));
});
afterEach(async () => {
  for (const c of open) await c.client.close();
  open = [];
  rmSync(dir, { recursive: true, force: true });
});

/** Connects to `command args` over stdio; closed after the test. */
async function connect(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs?: number,
) {
  if (!kit) throw new Error('not installed');
  const { connection, connect } = kit.stdioConnection({ command, args, env });
  open.push(connection);
  return connect(timeoutMs);
}

const node = process.execPath;
const textOf = (r: { content?: unknown }) =>
  (Array.isArray(r.content) ? r.content : [])
    .map((c: { type?: string; text?: string }) => (c.type === 'text' ? c.text : ''))
    .join('');
async function until(ok: () => boolean) {
  while (!ok()) await new Promise((r) => setTimeout(r, 20));
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!installed)('official servers over stdio', () => {
  it('filesystem: lists its tools with their annotations, writes then reads a file in the allowed folder, refuses one outside', async () => {
    if (!kit || !OFFICIAL_TOOLS) return;
    const c = await connect(node, [kit.officialServer('mcp-server-filesystem'), dir]);
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => ({ name: t.name, annotations: t.annotations }))).toEqual(
      OFFICIAL_TOOLS['mcp-server-filesystem'].map((t) => ({ name: t.name, annotations: t.annotations })),
    );
    const file = join(dir, 'notes', 'a.txt');
    await c.client.callTool({ name: 'create_directory', arguments: { path: join(dir, 'notes') } });
    const wrote = await c.client.callTool({
      name: 'write_file',
      arguments: { path: file, content: 'hello\n' },
    });
    expect(wrote.isError ?? false).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
    const read = await c.client.callTool({ name: 'read_text_file', arguments: { path: file } });
    expect(textOf(read)).toBe('hello\n');
    expect(read.structuredContent).toEqual({ content: 'hello\n' });

    // A refusal and bad arguments are tool results with isError, not thrown errors.
    const outside = await c.client.callTool({ name: 'read_text_file', arguments: { path: '/etc/hostname' } });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toContain('Access denied - path outside allowed directories');
    const bad = await c.client.callTool({ name: 'write_file', arguments: { path: 5 } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toContain('MCP error -32602: Input validation error');
    const unknown = await c.client.callTool({ name: 'no_such_tool', arguments: {} });
    expect(unknown).toMatchObject({ isError: true });
    expect(textOf(unknown)).toBe('MCP error -32602: Tool no_such_tool not found');
  });

  it('everything: echoes, and a long-running tool reports progress before its result', async () => {
    if (!kit || !OFFICIAL_TOOLS) return;
    const c = await connect(node, [kit.officialServer('mcp-server-everything')]);
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(OFFICIAL_TOOLS['mcp-server-everything'].map((t) => t.name));
    expect(tools.find((t) => t.name === 'simulate-research-query')?.execution?.taskSupport).toBe('required');

    const echo = await c.client.callTool({ name: 'echo', arguments: { message: 'hi from Baton' } });
    expect(textOf(echo)).toBe('Echo: hi from Baton');

    const progress: { progress: number; total?: number }[] = [];
    const long = await c.client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 4 } },
      { onprogress: (p) => progress.push(p) },
    );
    expect(textOf(long)).toBe('Long running operation completed. Duration: 1 seconds, Steps: 4.');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.total === 4)).toBe(true);
    expect(progress.map((p) => p.progress)).toEqual(
      [...progress.map((p) => p.progress)].sort((a, b) => a - b),
    );
  });

  it('memory: creates an entity and reads it back, stored in MEMORY_FILE_PATH', async () => {
    if (!kit || !OFFICIAL_TOOLS) return;
    const memoryFile = join(dir, 'memory.jsonl');
    const c = await connect(node, [kit.officialServer('mcp-server-memory')], {
      MEMORY_FILE_PATH: memoryFile,
    });
    const { tools } = await c.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(OFFICIAL_TOOLS['mcp-server-memory'].map((t) => t.name));
    const entity = { name: 'Baton', entityType: 'project', observations: ['runs plans of agent work'] };
    await c.client.callTool({ name: 'create_entities', arguments: { entities: [entity] } });
    const read = await c.client.callTool({ name: 'open_nodes', arguments: { names: ['Baton'] } });
    expect(read.structuredContent).toEqual({ entities: [entity], relations: [] });
    expect(readFileSync(memoryFile, 'utf8')).toContain('"name":"Baton"');
  });
});

describe.skipIf(!installed)('servers that fail', () => {
  it('a command that does not exist: connect rejects with the spawn error naming the command', async () => {
    const err = await connect('baton-no-such-mcp-server', []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: 'ENOENT', message: 'spawn baton-no-such-mcp-server ENOENT' });
  });

  it('a server that exits at start: connect rejects with CONNECTION_CLOSED; its stderr says why', async () => {
    if (!kit || !sdk) return;
    const { connection, connect: start } = kit.stdioConnection({
      command: node,
      args: [kit.faultyServer, 'crash-at-start'],
    });
    open.push(connection);
    const err = await start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(sdk.SdkError);
    expect(err).toMatchObject({ code: sdk.SdkErrorCode.ConnectionClosed, message: 'Connection closed' });
    expect(connection.stderr()).toContain('faulty-server: crashing at start');
  });

  it('a server that exits during a call: the call rejects with CONNECTION_CLOSED, later calls with "Not connected"', async () => {
    if (!kit || !sdk) return;
    const c = await connect(node, [kit.faultyServer, 'crash-on-call']);
    const err = await c.client.callTool({ name: 'boom' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(sdk.SdkError);
    expect(err).toMatchObject({ code: sdk.SdkErrorCode.ConnectionClosed });
    expect(c.closed()).toBe(true);
    await expect(c.client.callTool({ name: 'echo', arguments: { message: 'x' } })).rejects.toThrow(
      'Not connected',
    );
    expect(c.stderr()).toContain('faulty-server: crashing during a call');
  });

  it('a server that hangs on a call: a per-call timeout or an abort ends the wait, the server is told, the connection lives on', async () => {
    if (!kit || !sdk) return;
    const log = join(dir, 'faulty.log');
    const c = await connect(node, [kit.faultyServer, 'hang-on-call'], { FAULTY_LOG: log });

    const timedOut = await c.client.callTool({ name: 'wait' }, { timeout: 500 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(sdk.SdkError);
    expect(timedOut).toMatchObject({
      code: sdk.SdkErrorCode.RequestTimeout,
      message: 'Request timed out',
      data: { timeout: 500 },
    });

    // An abort is reported with the same code; the message is the abort reason.
    const abort = new AbortController();
    const aborted = c.client.callTool({ name: 'wait' }, { signal: abort.signal }).catch((e: unknown) => e);
    await until(() => existsSync(log) && readFileSync(log, 'utf8').includes('"id":2'));
    abort.abort('stopped by Baton');
    expect(await aborted).toMatchObject({
      code: sdk.SdkErrorCode.RequestTimeout,
      message: 'stopped by Baton',
    });

    // The client sent notifications/cancelled both times: the server's handler saw its signal abort.
    const echo = await c.client.callTool({ name: 'echo', arguments: { message: 'still here' } });
    expect(textOf(echo)).toBe('still here');
    const events = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; reason?: string });
    expect(events).toEqual([
      { event: 'call', id: 1 },
      { event: 'cancelled', id: 1, reason: 'SdkError: Request timed out' },
      { event: 'call', id: 2 },
      { event: 'cancelled', id: 2, reason: 'stopped by Baton' },
    ]);
  });

  it('a server that prints garbage on stdout: lines that are not JSON are skipped silently, JSON that is not JSON-RPC is reported to onerror, calls still work', async () => {
    if (!kit) return;
    const c = await connect(node, [kit.faultyServer, 'garbage']);
    const echo = await c.client.callTool({ name: 'echo', arguments: { message: 'through the noise' } });
    expect(textOf(echo)).toBe('through the noise');
    // Three garbage lines were printed; only `{"not": "jsonrpc"}` parses as JSON, and only it is reported.
    expect(c.errors).toHaveLength(1);
    expect(c.errors[0]?.name).toBe('ZodError');
  });

  it('a program that is no MCP server and never answers: connect times out, and close() ends the process', async () => {
    if (!kit || !sdk) return;
    const { connection, connect: start } = kit.stdioConnection({ command: 'sleep', args: ['60'] });
    const err = await start(1_000).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: sdk.SdkErrorCode.RequestTimeout });
    const pid = connection.transport.pid;
    await connection.client.close();
    if (pid !== null) expect(alive(pid)).toBe(false);
  });

  it('close() stops only the process it started: a server behind a wrapper, ignoring SIGTERM and stdin EOF, outlives it', async () => {
    if (!kit) return;
    const log = join(dir, 'stubborn.log');
    // `sh -c '…; true'` forks (as npx or a launcher script does), so the server is a grandchild.
    const c = await connect('sh', ['-c', `trap '' TERM; '${node}' '${kit.faultyServer}' stubborn; true`], {
      FAULTY_LOG: log,
    });
    const { pid } = JSON.parse(readFileSync(log, 'utf8').split('\n')[0] ?? '{}') as { pid: number };
    try {
      await c.client.close(); // stdin closed, 2 s, SIGTERM to the wrapper, 2 s, SIGKILL to the wrapper
      expect(alive(pid)).toBe(true);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
  });
});
