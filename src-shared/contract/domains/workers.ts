import { z } from 'zod';
import type { Agent } from '../../schemas/agent.ts';
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

/**
 * Remote workers (`baton worker`): a process on another machine registers its agents, pulls their
 * tasks over the pull API (`work.*`) and keeps a lease on each task it takes by heartbeats. A task
 * whose lease lapses is queued again as a new attempt; a worker that still holds it is told to
 * drop it. What its attempts ask a person is asked and waited on as every asker does (`inbox.*`).
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
  ).returns<{
    agents: Agent[];
    lease_ms: number;
    /**
     * The server's data directory: the worker hides it from its agents (on the server's machine
     * it holds the database, the UI's token and the secrets; elsewhere it hides nothing).
     */
    data_dir: string;
  }>(),
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
