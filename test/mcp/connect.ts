import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { fixtureBin } from '../kit/fixtures.ts';

/** The folder of this fixture package; its node_modules holds the SDK and the official servers. */
export const packageDir = import.meta.dirname;

/** An official server's entry script, run with the tests' Node (no npx, nothing fetched). */
export const officialServer = (
  bin: 'mcp-server-filesystem' | 'mcp-server-everything' | 'mcp-server-memory',
) => fixtureBin('mcp', bin);

/** Our misbehaving server (servers/faulty-server.ts) in one of its modes. */
export const faultyServer = join(packageDir, 'servers', 'faulty-server.ts');

export interface StdioConnection {
  client: Client;
  transport: StdioClientTransport;
  /** What the server wrote on stderr so far. */
  stderr(): string;
  /** Errors the client reported out of band (`client.onerror`): lines it could not read, mostly. */
  errors: Error[];
  /** Whether the connection closed (the process exited or `close()` was called). */
  closed(): boolean;
}

/**
 * Starts a server over stdio with the SDK's client transport and connects (the 2025 `initialize`
 * handshake, the client's default). `env` is added to the SDK's short default environment
 * (HOME, LOGNAME, PATH, SHELL, TERM, USER), never the whole of ours. The connection is returned
 * before `connect` so a test can look at it after a failed connect too.
 */
export function stdioConnection(opts: { command: string; args?: string[]; env?: Record<string, string> }): {
  connection: StdioConnection;
  connect(timeoutMs?: number): Promise<StdioConnection>;
} {
  const client = new Client({ name: 'baton-test', version: '0.0.0' });
  const transport = new StdioClientTransport({
    command: opts.command,
    args: opts.args ?? [],
    env: opts.env ?? {},
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const errors: Error[] = [];
  let closed = false;
  client.onerror = (e) => errors.push(e);
  client.onclose = () => {
    closed = true;
  };
  const connection: StdioConnection = {
    client,
    transport,
    stderr: () => stderr,
    errors,
    closed: () => closed,
  };
  return {
    connection,
    connect: async (timeoutMs = 30_000) => {
      await client.connect(transport, { timeout: timeoutMs });
      return connection;
    },
  };
}
