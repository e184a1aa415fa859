import { z } from 'zod';
import type { Approval, AskKind, AskVerdict } from '../../schemas/approval.ts';
import { CONFLICT_KINDS } from '../../schemas/approval.ts';
import { idSchema } from '../../schemas/common.ts';
import { boundedRecordSchema } from '../../schemas/free-json.ts';
import { sandboxHostSchema } from '../../schemas/sandbox.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';
import type { DroppedAttempt } from './workers.ts';
import { heldAttemptSchema } from './workers.ts';

/** The longest text before or after of a tool call's diff a worker sends (a longer one is not sent). */
export const TOOL_CALL_DIFF_MAX = 1_000_000;

/**
 * What an attempt asks a person, one schema per kind asked inside an attempt (`kind` says which):
 * the compiler asks for the schema of a new such kind.
 */
export const QUESTION_SCHEMAS = {
  /** One tool call the agent wants to make (its policy says `ask`, or a coding CLI's permission prompt). */
  tool_call: z.strictObject({
    kind: z.literal('tool_call'),
    call_id: z.string().min(1).max(512),
    tool: z.string().min(1).max(512),
    /** The tool's source (an MCP server, the workspace tools), or null for the agent's own tool. */
    server: z.string().max(200).nullable().default(null),
    input: boundedRecordSchema,
    /** What the agent said so far, for the person deciding. */
    agent_text: z.string().max(100_000).default(''),
    /** The JSON Schema of the tool's arguments: arguments a person edits are checked against it. */
    input_schema: boundedRecordSchema.nullable().default(null),
    /** Shown as the approval's reason (`hal wants to Write hello.txt`); absent: who calls which tool. */
    reason: z.string().min(1).max(2_000).optional(),
    /** The change an edit says it makes (an ACP agent's `diff`), for the inbox's preview. */
    diff: z
      .strictObject({
        path: z.string().min(1).max(4_096),
        old_text: z.string().max(TOOL_CALL_DIFF_MAX).nullable(),
        new_text: z.string().max(TOOL_CALL_DIFF_MAX),
      })
      .nullable()
      .optional(),
  }),
  /** A merge conflict a coding attempt asks a person to resolve in its worktree (`on_conflict: "ask"`). */
  merge_conflict: z.strictObject({
    kind: z.literal('merge_conflict'),
    /** The task's worktree, where the merge waits (a person resolves it there). */
    dir: z.string().min(1).max(4_096),
    files: z
      .array(z.strictObject({ path: z.string().min(1).max(4_096), kind: z.enum(CONFLICT_KINDS).nullable() }))
      .min(1)
      .max(10_000),
    merging: z.string().min(1).max(500),
    into: z.string().min(1).max(500),
    from: z.array(z.string().min(1).max(500)).max(1_000),
    again: z.string().max(2_000).optional(),
  }),
  /**
   * A host a sandboxed process was refused under the network policy `ask`: whether to allow it
   * from then on for the workspace (or agent) `scope`.
   */
  sandbox_host: z.strictObject({
    kind: z.literal('sandbox_host'),
    /** `workspace:<id>` or `agent:<id>`. */
    scope: z
      .string()
      .min(1)
      .max(300)
      .regex(/^(workspace|agent):.+$/, 'must be workspace:<id> or agent:<id>'),
    /** The same in words, as the inbox shows it: `workspace "app"`. */
    scope_label: z.string().min(1).max(300),
    host: sandboxHostSchema,
  }),
} satisfies { [K in AskKind]: z.ZodType<{ kind: K }> };

export const askQuestionSchema = z.discriminatedUnion('kind', [
  QUESTION_SCHEMAS.tool_call,
  QUESTION_SCHEMAS.merge_conflict,
  QUESTION_SCHEMAS.sandbox_host,
]);
export type AskQuestion = z.output<typeof askQuestionSchema>;

/**
 * The attempt that asks, and the remote worker it runs on, if one does: a worker is answered only
 * for an attempt it holds (the call renews its lease), and told to drop one it no longer holds.
 */
const askerSchema = heldAttemptSchema.extend({ worker_id: idSchema.optional() });

/**
 * One way to ask a person, for every attempt that asks from outside Baton's own loop: a coding
 * CLI's permission prompt over MCP, a remote worker's tool loop or merge. The question is filed
 * in the approvals inbox (an approval of its kind: the same card, notifications and webhooks as
 * an attempt of this process asks), then waited on in turns (`inbox.wait`, a long-poll). Only
 * people decide (`approvals.decide`).
 */
export const inboxMethods = {
  /**
   * Asks a person (or finds the approval already asked for the same question of the task): its
   * id, and the decision if a person made it already. `drop` when the attempt is no longer the
   * worker's.
   */
  'inbox.ask': method(askerSchema.extend({ question: askQuestionSchema })).returns<InboxAsked>(),
  /**
   * Waits up to `wait_ms` for a person's decision on what the task asked: the verdict, or null
   * while it still waits. `drop` when the attempt is no longer the worker's (its task cancelled,
   * its lease lapsed), which ends its wait.
   */
  'inbox.wait': method(
    askerSchema.extend({
      approval_id: z.string().min(1).max(200),
      wait_ms: z.number().int().min(0).max(30_000).default(15_000),
    }),
  ).returns<InboxWaited>(),
  /**
   * The attempt that asked stopped waiting before a person answered (a CLI's call to the approve
   * tool timed out or was cancelled): the approval is recorded `expired` (audited), and deciding
   * it is refused. Only the attempt that asked may say so; it decides nothing.
   */
  'inbox.expire': method(
    heldAttemptSchema.extend({
      approval_id: z.string().min(1).max(200),
      reason: z.string().min(1).max(1_000),
    }),
  ).returns<Approval>(),
};

/** `inbox.ask`'s answer: the approval asked (and its decision, if made), or the attempt to drop. */
export type InboxAsked = { approval_id: string; verdict: AskVerdict | null } | { drop: DroppedAttempt };

/** `inbox.wait`'s answer: the decision (null: none yet), or the attempt to drop. */
export type InboxWaited = { verdict: AskVerdict | null } | { drop: DroppedAttempt };

export type InboxHandlers = HandlersOf<typeof inboxMethods>;
