import { z } from 'zod';
import type { Approval, ToolCallVerdict, WritePreview } from '../../schemas/approval.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/**
 * Asking a person about one tool call of a running attempt (an approval of kind `tool_call`),
 * for agents Baton does not run the loop of: Claude Code's permission prompt reaches these
 * through Baton's MCP `approve` tool. They ask and wait; only people decide (`approvals.decide`).
 */
export const toolCallMethods = {
  /**
   * Asks about a call (or finds the approval already asked for the same call of the task) and
   * answers at once: its approval id, and the decision if a person made it already.
   */
  'toolCalls.ask': method(
    z.strictObject({
      run_id: z.string().min(1).max(200),
      task_id: z.string().min(1).max(200),
      /** The attempt that asks: it must be the task's current one, running. */
      attempt: z.number().int().min(1),
      call_id: z.string().min(1).max(512),
      tool: z.string().min(1).max(512),
      /** The MCP server the tool belongs to, or null for the agent's own tool. */
      server: z.string().max(200).nullable().default(null),
      input: z.record(z.string(), z.unknown()),
      /** What the agent said so far, for the person deciding. */
      agent_text: z.string().max(100_000).default(''),
    }),
  ).returns<{ approval_id: string; verdict: ToolCallVerdict | null }>(),
  /** Waits up to `wait_ms` for a person's decision on a tool call: the verdict, or null if it still waits. */
  'toolCalls.wait': method(
    z.strictObject({
      approval_id: z.string().min(1).max(200),
      wait_ms: z.number().int().min(0).max(30_000).default(20_000),
    }),
  ).returns<{ verdict: ToolCallVerdict | null }>(),
  /**
   * The attempt that asked stopped waiting before a person answered (its CLI's call to the
   * approve tool timed out or was cancelled): the approval is recorded `expired` (audited), and
   * deciding it is refused. Only the attempt that asked may say so; it decides nothing.
   */
  'toolCalls.expire': method(
    z.strictObject({
      approval_id: z.string().min(1).max(200),
      run_id: z.string().min(1).max(200),
      task_id: z.string().min(1).max(200),
      attempt: z.number().int().min(1),
      reason: z.string().min(1).max(1_000),
    }),
  ).returns<Approval>(),
  /**
   * What a tool call that writes a file would change (its `write_file`/`edit_file` arguments, or
   * `input` as a person is editing them, against the file as it is now): null for a tool that
   * writes no file. For the inbox's diff preview; it reads, never writes.
   */
  'toolCalls.preview': method(
    z.strictObject({
      approval_id: z.string().min(1).max(200),
      input: z.record(z.string(), z.unknown()).optional(),
    }),
  ).returns<{ preview: WritePreview | null }>(),
};

export type ToolCallHandlers = HandlersOf<typeof toolCallMethods>;
