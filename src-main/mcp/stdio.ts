import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { BatonClient } from '../../src-shared/contract/client.ts';
import { createClient } from '../../src-shared/contract/client.ts';
import type { AttemptIdentity } from '../agents/coding/index.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createCallClient } from '../app/memory-transport.ts';
import { describeError } from '../base/log-line.ts';
import { findHost, hostTransport } from './host-link.ts';
import { mcpClient } from './mcp-client.ts';
import { createBatonMcpServer } from './server.ts';

export interface McpStdioOptions {
  dataDir: string;
  version: string;
  /** Opens the data directory in this process (no host runs on it): resuming nothing, probing nothing. */
  openApp: () => BatonApp;
  /** stderr: stdout is the protocol. */
  log: (line: string) => void;
  stdin?: NodeJS.ReadableStream;
  /** Where BATON_RUN_ID, BATON_TASK_ID and BATON_ATTEMPT are read (default: this process's environment). */
  env?: Record<string, string | undefined>;
}

/**
 * The task attempt `baton mcp` speaks for, when a coding executor started it for one
 * (BATON_RUN_ID, BATON_TASK_ID, BATON_ATTEMPT): its `approve` tool asks about that attempt's calls.
 */
export function attemptFromEnv(env: Record<string, string | undefined>): AttemptIdentity | null {
  const { BATON_RUN_ID: run_id, BATON_TASK_ID: task_id, BATON_ATTEMPT: attempt } = env;
  const n = Number(attempt);
  if (!run_id || !task_id || !Number.isInteger(n) || n < 1) return null;
  return { run_id, task_id, attempt: n };
}

/**
 * `baton mcp`: Baton's MCP server over stdio until the client closes stdin (or a signal). When a
 * Baton host serves the data directory, every call goes to it over its HTTP API with its token,
 * so runs execute there and its UI sees them. Otherwise the data directory is opened here, like
 * `baton run`: runs started through a tool execute in this process while it lives (an unfinished
 * one is resumed by the next app or `baton serve`), other processes' runs are left alone, and
 * the work tools see the runs executing here only.
 */
export async function serveMcpOverStdio(opts: McpStdioOptions): Promise<void> {
  const host = await findHost(opts.dataDir);
  let client: BatonClient;
  if (host) {
    client = createClient(hostTransport(opts.dataDir, host));
    opts.log(`baton mcp: serving through the Baton host at ${host.url} (data ${opts.dataDir})`);
  } else {
    client = createCallClient(opts.openApp().dispatch);
    opts.log(
      `baton mcp: no Baton host serves ${opts.dataDir}; working on it in this process (runs started here execute while it runs; start baton serve to run them in a host)`,
    );
  }
  const tools = mcpClient(client);
  const attempt = attemptFromEnv(opts.env ?? process.env);
  const handle = serveStdio(
    () => createBatonMcpServer(tools, { version: opts.version, log: opts.log, attempt }),
    {
      onerror: (err) => opts.log(`baton mcp: ${describeError(err)}`),
    },
  );
  await new Promise<void>((resolve) => {
    const stdin = opts.stdin ?? process.stdin;
    stdin.once('end', resolve);
    stdin.once('close', resolve);
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await handle.close();
}
