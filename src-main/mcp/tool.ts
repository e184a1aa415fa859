import type { z } from 'zod';
import type { AttemptIdentity } from '../agents/coding/index.ts';
import type { McpClient } from './mcp-client.ts';

/**
 * What a tool tells its client about itself (MCP tool annotations), every one stated: a client
 * (Claude Code, Claude Desktop) may ask a person before a call that is not read-only, and the
 * spec's defaults when one is missing are the most cautious (destructive, open world).
 */
export interface ToolHints {
  /** Changes nothing. */
  readOnlyHint: boolean;
  /** May change or end what exists (else it only adds). */
  destructiveHint: boolean;
  /** A second call with the same arguments changes nothing more. */
  idempotentHint: boolean;
  /** May set agents to work beyond Baton's own records (commands, HTTP services, models). */
  openWorldHint: boolean;
}

/** What a call has besides its arguments: its cancellation, progress to its caller, and whose attempt it is. */
export interface ToolCallExtra {
  /** Aborts when the caller cancels the call or goes away. */
  signal: AbortSignal;
  /** Tells the caller the call is still going (`notifications/progress`), if it asked for progress. */
  progress(message: string): Promise<void>;
  attempt: AttemptIdentity | null;
}

/** One of Baton's MCP tools: a name, what it is for, its input (zod), its hints, and its call. */
export interface BatonTool {
  name: string;
  title: string;
  description: string;
  input: z.ZodObject;
  hints: ToolHints;
  /** Calls the contract; the result is sent as JSON text. */
  call(client: McpClient, args: unknown, extra: ToolCallExtra): Promise<unknown>;
  /**
   * A task attempt's own tool (`approve`): offered only by a server that speaks for an attempt
   * (elsewhere it could only fail), and such a server offers nothing else.
   */
  forAttempt?: true;
}

/** A tool whose call gets its input parsed by its own schema (the SDK validated it already). */
export function defineTool<S extends z.ZodObject>(
  def: Omit<BatonTool, 'input' | 'call'> & {
    input: S;
    call(client: McpClient, args: z.output<S>, extra: ToolCallExtra): Promise<unknown>;
  },
): BatonTool {
  return { ...def, call: (client, args, extra) => def.call(client, def.input.parse(args), extra) };
}

/** Read-only hints: changes nothing, asks only Baton's store. */
export const READ_ONLY: ToolHints = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};

/**
 * A value sent to a model whole when short, else its first `max` characters (as JSON for what
 * is not text) and how much was cut: a task's output may be a megabyte.
 */
export function clipped(value: unknown, max = 2_000): unknown {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text.length <= max) return value;
  return `${text.slice(0, max)}… [cut: ${text.length - max} more characters]`;
}
