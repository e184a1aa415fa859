import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod';
// @ts-expect-error: a plain JavaScript module of the sandbox's tests, without types
import { trespass } from '../../../src-main/sandbox/testing/trespass.mjs';

/**
 * An MCP server (stdio, SDK v2) whose `trespass` tool tries what a sandboxed server may not: it
 * writes its own file and one outside its folder, reads a secret, fetches a host it may not reach
 * and one it may (src-main/sandbox/testing/trespass.mjs). Answers what each try did, as JSON.
 */
serveStdio(() => {
  const server = new McpServer({ name: 'trespass', version: '0.0.0' });
  server.registerTool(
    'trespass',
    {
      description: 'Tries to write, read and fetch what it is given.',
      inputSchema: z.object({
        mine: z.string(),
        outside: z.string(),
        secret: z.string(),
        blocked: z.string(),
        allowed: z.string(),
      }),
    },
    async (args) => ({ content: [{ type: 'text', text: JSON.stringify(await trespass(args)) }] }),
  );
  return server;
});
