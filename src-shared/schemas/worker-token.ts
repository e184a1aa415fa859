import { z } from 'zod';
import { idSchema } from './common.ts';

export const workerTokenInputSchema = z.strictObject({
  /** What the token is for, as people tell tokens apart ("build box in the lab"). */
  name: z.string().trim().min(1, 'name the token (which machine or worker it is for)').max(100),
  /**
   * Baton's address as the worker will reach it, for the command shown (the page's own address
   * in browser mode); else Baton's own idea of its address.
   */
  server_url: z
    .string()
    .max(2_000)
    .regex(/^https?:\/\/\S+$/, 'an http or https URL')
    .optional(),
  /**
   * The worker (`baton worker --id`) the token speaks for; without it, the first worker that
   * registers with the token claims it. Either way the token is refused for any other worker.
   */
  worker_id: idSchema.optional(),
});
export type WorkerTokenInput = z.input<typeof workerTokenInputSchema>;

/** A worker token as listed: never the token itself (only a hash of it is kept). */
export interface WorkerToken {
  id: string;
  name: string;
  created_at: string;
  /** When a request last presented it (to the minute); null: never. */
  last_used_at: string | null;
  /** When it was revoked; null: it still opens the worker API. */
  revoked_at: string | null;
  /** The worker it speaks for (named when made, or claimed by the first worker that registered with it); null: not yet. */
  worker_id: string | null;
}

/** What creating a worker token answers, once: the token is not kept and cannot be shown again. */
export interface WorkerTokenCreated {
  token: WorkerToken;
  /** The token, to give `baton worker --token`. */
  secret: string;
  /** A `baton worker` command line with the server and the token, to copy. */
  command: string;
}
