import type { CallToolResult } from '@modelcontextprotocol/server';
import { McpServer } from '@modelcontextprotocol/server';
import { ContractError } from '../../src-shared/contract/errors.ts';
import type { AttemptIdentity } from '../agents/coding/index.ts';
import { describeError } from '../base/log-line.ts';
import type { McpClient } from './mcp-client.ts';
import { attemptClient } from './mcp-client.ts';
import type { BatonTool } from './tool.ts';
import { BATON_TOOLS } from './tools/index.ts';

export interface BatonMcpOptions {
  /** Baton's version, sent as the server's. */
  version: string;
  /** Where a tool's unexpected error goes (one line); the client gets a tool error without it. */
  log: (line: string) => void;
  /** The tools to offer (all of BATON_TOOLS by default). */
  tools?: readonly BatonTool[];
  /**
   * The task attempt this server speaks for, or null. A server for an attempt offers that
   * attempt's own tools alone (`approve`, asking about its tool calls) and reaches no contract
   * method but theirs; one for no attempt offers every other tool.
   */
  attempt?: AttemptIdentity | null;
}

const INSTRUCTIONS =
  "Baton runs plans of agent work: a plan is a graph of tasks, and each run of it delegates every ready task to the best-fit registered agent. These tools read plans, runs and memory, start runs, add tasks to a running run, write notes to memory, and show what an agent registered in Baton could take next and what a task needs (the pull API's read side). No tool takes or finishes a task, and none decides an approval: a person's task and every approval wait for a person in Baton.";

const ATTEMPT_INSTRUCTIONS =
  "Baton's server for one task attempt of a coding agent: `approve` asks a person in Baton's inbox whether one of this attempt's tool calls may run, and answers their decision. Nothing else is offered here.";

/**
 * Baton's MCP server (SDK v2): one instance per stdio connection or HTTP request (the SDK's
 * factories), every tool calling the contract through `client`; one that speaks for a task
 * attempt offers that attempt's tools alone (`BatonMcpOptions.attempt`). A call's failure is a tool error
 * the model reads (`isError`, the contract's code and message naming the field), never a crash;
 * bad input is refused by the SDK against the tool's zod schema, naming the field, first.
 */
export function createBatonMcpServer(client: McpClient, opts: BatonMcpOptions): McpServer {
  const forAttempt = Boolean(opts.attempt);
  const server = new McpServer(
    { name: 'baton', version: opts.version },
    { instructions: forAttempt ? ATTEMPT_INSTRUCTIONS : INSTRUCTIONS },
  );
  // A link handed to an agent's attempt opens what that attempt needs and nothing more.
  const reach = forAttempt ? attemptClient(client) : client;
  for (const tool of opts.tools ?? BATON_TOOLS) {
    if (Boolean(tool.forAttempt) !== forAttempt) continue;
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        annotations: { title: tool.title, ...tool.hints },
      },
      async (args: unknown, ctx): Promise<CallToolResult> => {
        const token = ctx.mcpReq._meta?.progressToken;
        let step = 0;
        const extra = {
          signal: ctx.mcpReq.signal,
          attempt: opts.attempt ?? null,
          progress: async (message: string) => {
            if (token === undefined) return;
            await ctx.mcpReq.notify({
              method: 'notifications/progress',
              params: { progressToken: token, progress: ++step, message },
            });
          },
        };
        try {
          return text(JSON.stringify(await tool.call(reach, args, extra), null, 2));
        } catch (err) {
          if (err instanceof ContractError) return { ...text(explain(err)), isError: true };
          opts.log(`baton mcp: ${tool.name} failed: ${describeError(err)}`);
          return { ...text(`${tool.name} failed: internal error`), isError: true };
        }
      },
    );
  }
  return server;
}

const text = (t: string): CallToolResult => ({ content: [{ type: 'text', text: t }] });

/** A contract error as a model reads it: its code and message, and every field it names. */
function explain(err: ContractError): string {
  const issues = (err.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
  const more = issues.slice(1).map((i) => `\n  ${i.path}: ${i.message}`);
  return `${err.code}: ${err.message.replace(/ \(and \d+ more\)$/, '')}${more.join('')}`;
}
