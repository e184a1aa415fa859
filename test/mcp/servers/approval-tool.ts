import type { CallToolResult } from '@modelcontextprotocol/server';
import { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

/** What the `approve` tool was called with, as received (no field is required, so nothing is lost). */
export type ApprovalArguments = Record<string, unknown>;

/** One call of the `approve` tool, beside its arguments. */
export interface ApprovalCall {
  /** Aborts when the caller cancels the call (`notifications/cancelled`) or goes away. */
  signal: AbortSignal;
  /** The request's `_meta` (a `progressToken` when the caller wants progress). */
  meta: Record<string, unknown> | undefined;
  /** Sends `notifications/progress` for this call; does nothing when the caller gave no progress token. */
  progress(done: number): Promise<void>;
}

/** Decides one call of the `approve` tool: the answer goes back to the caller as the tool's result. */
export type DecideApproval = (args: ApprovalArguments, call: ApprovalCall) => Promise<CallToolResult>;

/**
 * An MCP server (SDK v2) offering one tool, `approve`, the shape Claude Code's
 * `--permission-prompt-tool` calls: Baton's own MCP server will offer it under this name. The
 * input schema accepts any object, so the test sees exactly what the caller sends.
 */
export function approvalServer(decide: DecideApproval): McpServer {
  const server = new McpServer({ name: 'baton', version: '0.0.0' });
  server.registerTool(
    'approve',
    {
      description: 'Asks a person whether a tool call may run, and waits for the answer.',
      inputSchema: z.looseObject({}),
    },
    async (args, ctx) => {
      const meta = ctx.mcpReq._meta;
      const token = meta?.progressToken;
      return decide(args, {
        signal: ctx.mcpReq.signal,
        meta: meta ? { ...meta } : undefined,
        progress: async (done) => {
          if (token === undefined) return;
          await ctx.mcpReq.notify({
            method: 'notifications/progress',
            params: { progressToken: token, progress: done, message: 'waiting for a person' },
          });
        },
      });
    },
  );
  return server;
}
