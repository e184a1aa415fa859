import { appendFileSync } from 'node:fs';
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';

/**
 * An MCP server (stdio, SDK v2) that misbehaves on purpose, chosen by its first argument:
 *
 * - `crash-at-start`: exits with code 3 before reading anything.
 * - `crash-on-call`: serves `tools/list`; a `boom` call exits the process with code 3.
 * - `hang-on-call`: a `wait` call never answers; a cancellation from the client is written to
 *   the file named by `FAULTY_LOG` (to see whether the client sends `notifications/cancelled`).
 * - `garbage`: prints lines that are not JSON-RPC on stdout at start and around each `echo` call.
 * - `stubborn`: serves normally, but ignores SIGTERM and stays alive after its stdin closes (what
 *   a server that does not clean up looks like to the client's close()).
 *
 * Every mode also offers `echo`, answered normally.
 */
const mode = process.argv[2];
const log = (entry: Record<string, unknown>) => {
  if (process.env.FAULTY_LOG) appendFileSync(process.env.FAULTY_LOG, `${JSON.stringify(entry)}\n`);
};

if (mode === 'crash-at-start') {
  process.stderr.write('faulty-server: crashing at start\n');
  process.exit(3);
}
if (mode === 'stubborn') {
  log({ event: 'started', pid: process.pid });
  process.on('SIGTERM', () => process.stderr.write('faulty-server: ignoring SIGTERM\n'));
  setInterval(() => {}, 1_000);
}
if (mode === 'garbage')
  process.stdout.write('Starting up... this line is not JSON-RPC\n{"not": "jsonrpc"}\n');

serveStdio(() => {
  const server = new McpServer({ name: `faulty-${mode}`, version: '0.0.0' });
  server.registerTool(
    'echo',
    { description: 'Echoes the message.', inputSchema: z.object({ message: z.string() }) },
    async ({ message }) => {
      if (mode === 'garbage') process.stdout.write('garbage line during a call\n');
      return { content: [{ type: 'text', text: message }] };
    },
  );
  server.registerTool('boom', { description: 'Exits the server process.' }, async () => {
    process.stderr.write('faulty-server: crashing during a call\n');
    process.exit(3);
  });
  server.registerTool('wait', { description: 'Never answers.' }, async (ctx) => {
    log({ event: 'call', id: ctx.mcpReq.id });
    ctx.mcpReq.signal.addEventListener('abort', () =>
      log({ event: 'cancelled', id: ctx.mcpReq.id, reason: String(ctx.mcpReq.signal.reason) }),
    );
    return new Promise(() => {});
  });
  return server;
});
