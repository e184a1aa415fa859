import { z } from 'zod';
import type { Agent } from '../../schemas/agent.ts';
import { boundedJsonSchema, idSchema } from '../../schemas/common.ts';
import type { TaskStatus } from '../../schemas/plain/run.ts';
import { LOG_STREAMS } from '../../schemas/run.ts';
import { stepSchema } from '../../schemas/step.ts';
import type { WorkerToken, WorkerTokenCreated } from '../../schemas/worker-token.ts';
import { workerTokenInputSchema } from '../../schemas/worker-token.ts';
import { byId, none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';
import type { PreparedContext } from './work.ts';
import { handedFilesSchema, leaseRef } from './work.ts';

const workerRef = z.strictObject({ worker_id: idSchema });

/**
 * An attempt a worker holds: the task, which attempt of it (a later one is not its) and the lease
 * it was handed with it (`workers.claim`): the attempt and the lease are its fencing token. A
 * worker that names no lease (one from before leases were numbered) is checked by the attempt alone.
 */
export const heldAttemptSchema = z.strictObject({
  run_id: z.string().min(1).max(200),
  task_id: z.string().min(1).max(200),
  attempt: z.number().int().min(1),
  lease: leaseRef,
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

/** What a worker hands in for an attempt it finished: the attempt with its lease (the fencing token), and the result. */
export const workerResultSchema = z.strictObject({
  ...heldAttemptSchema.shape,
  lease: z.number().int().min(1),
  status: z.enum(['completed', 'failed']),
  output: boundedJsonSchema.optional(),
  error: z.string().max(20_000).optional(),
  /** Files the agent left; they become the task's artifacts. */
  files: handedFilesSchema.optional(),
});
export type WorkerResult = z.infer<typeof workerResultSchema>;

/**
 * Remote workers (`baton worker`): a process on another machine registers its agents, claims their
 * tasks (`workers.claim`: up to its free slots per agent in one call, its finished attempts'
 * results handed in with it) and keeps a lease on each task it holds by heartbeats. A task whose
 * lease lapses, or whose worker closed its connection, is queued again as a new attempt; a worker
 * that still holds it is told to drop it, and its result is refused. What its attempts ask a
 * person is asked and waited on as every asker does (`inbox.*`). The pull API (`work.*`) still
 * takes and completes a worker's tasks one at a time, for workers that speak only it.
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
  ).returns<
    {
      agents: Agent[];
      /**
       * The server's data directory: the worker hides it from its agents (on the server's machine
       * it holds the database, the UI's token and the secrets; elsewhere it hides nothing).
       */
      data_dir: string;
    } & LeaseTerms
  >(),
  /**
   * The worker's exchange: the results of attempts it finished (each fenced by its attempt and
   * lease: a result under a lease given away is refused, with why), then up to `slots[agent]`
   * tasks for each of its agents, taken for it in one transaction (skills, pins, each agent's
   * capacity and status, approvals and budgets decided there): concurrent workers are handed
   * different tasks. With nothing to hand out, waits up to `wait_s` for a task (a long-poll, for a
   * worker that does not hear the work signal).
   */
  'workers.claim': method(
    workerRef.extend({
      /** Free slots per agent of the worker (at most its `max_concurrency` less what it holds). */
      slots: z
        .record(z.string().min(1).max(200), z.number().int().min(0).max(1_000))
        .refine((s) => Object.keys(s).length <= 1_000, 'at most 1000 agents'),
      results: z.array(workerResultSchema).max(1_000).optional(),
      /** Long-poll: with no task to hand out, wait up to this many seconds for one (0–25; default 0). */
      wait_s: z.number().min(0).max(25, 'wait_s must be at most 25 seconds').optional(),
    }),
  ).returns<{ results: ResultAnswer[]; tasks: ClaimedTask[] } & LeaseTerms>(),
  /** The worker is alive and holds these attempts: their leases are renewed; the others it must drop. */
  'workers.heartbeat': method(workerRef.extend({ held: z.array(heldAttemptSchema).max(10_000) })).returns<
    { drop: DroppedAttempt[] } & LeaseTerms
  >(),
  /** Progress, log lines, usage and steps of an attempt the worker holds (renews its lease). */
  'workers.report': method(
    workerRef.extend(heldAttemptSchema.shape).extend({
      events: z.array(workerEventSchema).max(1_000),
    }),
  ).returns<{ accepted: number; drop?: DroppedAttempt }>(),
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

/** How long a lease lasts without a heartbeat, and how often the worker beats (the server says; it may change). */
export interface LeaseTerms {
  lease_ms: number;
  beat_ms: number;
}

/** A task `workers.claim` handed to one of the worker's agents, under a new lease. */
export interface ClaimedTask {
  agent_id: string;
  /** The lease's number: with the attempt (`context.attempt`), the fencing token its result carries. */
  lease: number;
  context: PreparedContext;
}

/** What became of a result the worker handed in: taken (the task's status now), or refused and why. */
export type ResultAnswer = HeldAttempt &
  ({ taken: true; status: TaskStatus } | { taken: false; reason: string });

/** An attempt the worker must stop: it is no longer its (why says what happened). */
export interface DroppedAttempt extends HeldAttempt {
  reason: string;
}

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
