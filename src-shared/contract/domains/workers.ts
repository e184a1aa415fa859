import { z } from 'zod';
import type { Agent } from '../../schemas/agent.ts';
import type { ToolCallVerdict } from '../../schemas/approval.ts';
import { CONFLICT_KINDS } from '../../schemas/approval.ts';
import { idSchema } from '../../schemas/common.ts';
import { LOG_STREAMS } from '../../schemas/run.ts';
import { stepSchema } from '../../schemas/step.ts';
import type { WorkerToken, WorkerTokenCreated } from '../../schemas/worker-token.ts';
import { workerTokenInputSchema } from '../../schemas/worker-token.ts';
import { byId, none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

const workerRef = z.strictObject({ worker_id: idSchema });

/** An attempt a worker holds: the task and which attempt of it (a later one is not its). */
export const heldAttemptSchema = z.strictObject({
  run_id: z.string().min(1).max(200),
  task_id: z.string().min(1).max(200),
  attempt: z.number().int().min(1),
});
export type HeldAttempt = z.infer<typeof heldAttemptSchema>;

/** What a worker streams back while an attempt runs: the executor's notes, as the app stores them. */
export const workerEventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('progress'),
    percent: z.number().min(0).max(100),
    message: z.string().max(2_000).optional(),
  }),
  z.strictObject({
    type: z.literal('log'),
    stream: z.enum(LOG_STREAMS),
    text: z.string().max(100_000),
  }),
  z.strictObject({
    type: z.literal('usage'),
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    cost: z.number().nonnegative(),
    model: z.string().max(200),
  }),
  z.strictObject({ type: z.literal('step'), step: stepSchema }),
]);
export type WorkerEvent = z.infer<typeof workerEventSchema>;

/** One tool call an attempt a worker holds asks a person to allow (its agent's tool policy says `ask`). */
const workerToolCallSchema = z.strictObject({
  call_id: z.string().min(1).max(512),
  tool: z.string().min(1).max(512),
  /** The tool's source (an MCP server, the workspace tools), or null for the agent's own tool. */
  server: z.string().max(200).nullable().default(null),
  input: z.record(z.string(), z.unknown()),
  /** What the agent said so far in its loop, for the person deciding. */
  agent_text: z.string().max(100_000).default(''),
});

/** A merge conflict a worker's coding attempt asks a person to resolve in its worktree (`on_conflict: "ask"`). */
const workerMergeConflictSchema = z.strictObject({
  /** The task's worktree on the worker, where the merge waits (a person resolves it there). */
  dir: z.string().min(1).max(4_096),
  files: z
    .array(z.strictObject({ path: z.string().min(1).max(4_096), kind: z.enum(CONFLICT_KINDS).nullable() }))
    .min(1)
    .max(10_000),
  merging: z.string().min(1).max(500),
  into: z.string().min(1).max(500),
  from: z.array(z.string().min(1).max(500)).max(1_000),
  again: z.string().max(2_000).optional(),
});

/**
 * Remote workers (`baton worker`, issue 18): a process on another machine registers its agents,
 * pulls their tasks over seed 004's pull API (`work.*`) and keeps a lease on each task it takes
 * by heartbeats. A task whose lease lapses is queued again as a new attempt; a worker that still
 * holds it is told to drop it.
 */
export const workerMethods = {
  /** The worker's agents, registered (or updated) as its own: Baton never runs them itself. */
  'workers.register': method(
    workerRef.extend({
      /** Agent configurations as the worker's agents file has them (validated as agents). */
      agents: z.array(z.unknown()).min(1, 'a worker registers at least one agent').max(1_000),
      /**
       * The workspaces the worker has (its `--workspaces` file), by id: the repositories stay on
       * the worker, but plans on the server may name these ids for its coding agents. Replaces
       * what the worker said before; absent: none.
       */
      workspaces: z.array(idSchema).max(1_000).optional(),
    }),
  ).returns<{ agents: Agent[]; lease_ms: number }>(),
  /** The worker is alive and holds these attempts: their leases are renewed; the others it must drop. */
  'workers.heartbeat': method(workerRef.extend({ held: z.array(heldAttemptSchema).max(10_000) })).returns<{
    drop: DroppedAttempt[];
    lease_ms: number;
  }>(),
  /** Progress, log lines, usage and steps of an attempt the worker holds (renews its lease). */
  'workers.report': method(
    workerRef.extend(heldAttemptSchema.shape).extend({
      events: z.array(workerEventSchema).max(1_000),
    }),
  ).returns<{ accepted: number; drop?: DroppedAttempt }>(),
  /**
   * A tool call of an attempt the worker holds, asked in the server's approvals inbox (the card,
   * notifications and webhooks of the app's own tool loop): the approval's id, and the decision
   * if a person made it already (the same call asked again finds the same approval). Renews the
   * lease; `drop` when the attempt is no longer the worker's.
   */
  'workers.askToolCall': method(
    workerRef.extend(heldAttemptSchema.shape).extend(workerToolCallSchema.shape),
  ).returns<WorkerToolCallAsked>(),
  /**
   * Waits up to `wait_ms` for a person's decision on a tool call the worker's attempt asked
   * about: the verdict, or null while it still waits. Renews the lease; `drop` when the attempt is
   * no longer the worker's (its task cancelled, its lease lapsed), which ends its wait.
   */
  'workers.waitToolCall': method(
    workerRef.extend(heldAttemptSchema.shape).extend({
      approval_id: z.string().min(1).max(200),
      wait_ms: z.number().int().min(0).max(20_000).default(15_000),
    }),
  ).returns<WorkerToolCallWaited>(),
  /**
   * A merge conflict in the worktree of an attempt the worker holds (`on_conflict: "ask"`), asked
   * in the server's inbox as the app's own attempts ask it (kind `merge_conflict`); the task's
   * pending question is found rather than asked twice. Renews the lease; `drop` as above.
   */
  'workers.askMergeConflict': method(
    workerRef.extend(heldAttemptSchema.shape).extend(workerMergeConflictSchema.shape),
  ).returns<{ approval_id: string } | { drop: DroppedAttempt }>(),
  /** Waits up to `wait_ms` for the answer to a merge conflict the worker's attempt asked about (null: none yet). */
  'workers.waitMergeConflict': method(
    workerRef.extend(heldAttemptSchema.shape).extend({
      approval_id: z.string().min(1).max(200),
      wait_ms: z.number().int().min(0).max(20_000).default(15_000),
    }),
  ).returns<{ verdict: MergeConflictVerdict | null } | { drop: DroppedAttempt }>(),
  /** The worker stops: the attempts it gives back are queued again at once as new attempts. */
  'workers.leave': method(workerRef.extend({ held: z.array(heldAttemptSchema).max(10_000) })).returns<{
    requeued: HeldAttempt[];
  }>(),
  /** Workers this Baton has heard from since it started, their agents and the attempts leased to them. */
  'workers.list': method(z.strictObject({})).returns<WorkerView[]>(),
  /**
   * A new worker token: what `baton worker --token` presents instead of the UI's token. It opens
   * the worker API only (pulling, leases, heartbeats, progress, completions). Answered once,
   * with a command line to copy; Baton keeps only its hash.
   */
  'workers.tokens.create': method(workerTokenInputSchema).returns<WorkerTokenCreated>(),
  /** Worker tokens, revoked ones too (never the tokens themselves). */
  'workers.tokens.list': method(none).returns<WorkerToken[]>(),
  /** Refuses the token from now on (the next request that presents it); a worker using it stops. */
  'workers.tokens.revoke': method(byId('token_id')).returns<{ revoked: boolean }>(),
};

/** An attempt the worker must stop: it is no longer its (why says what happened). */
export interface DroppedAttempt extends HeldAttempt {
  reason: string;
}

/** `workers.askToolCall`'s answer: the approval asked (and its decision, if made), or the attempt to drop. */
export type WorkerToolCallAsked =
  | { approval_id: string; verdict: ToolCallVerdict | null }
  | { drop: DroppedAttempt };

/** `workers.waitToolCall`'s answer: the decision (null: none yet), or the attempt to drop. */
export type WorkerToolCallWaited = { verdict: ToolCallVerdict | null } | { drop: DroppedAttempt };

/** A person's answer to a merge conflict: resolved in the worktree (go on), or fail the attempt. */
export type MergeConflictVerdict =
  | { resolved: true; actor: string }
  | { resolved: false; actor: string; comment: string | null };

export interface WorkerView {
  id: string;
  /** The agents registered as this worker's. */
  agents: string[];
  /** When it was last heard from (register, heartbeat, a report), since this Baton started; null: not since. */
  last_seen: string | null;
  /** Whether it was heard from within its lease. */
  alive: boolean;
  /** The attempts leased to it and when each lease runs out. */
  leases: (HeldAttempt & { agent_id: string; expires_at: string })[];
}

export type WorkerHandlers = HandlersOf<typeof workerMethods>;
