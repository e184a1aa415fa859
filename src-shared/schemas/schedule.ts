import { z } from 'zod';
import { idSchema } from './common.ts';
import { runInputValuesSchema } from './run-inputs.ts';

/** A fire while the last run of the schedule still executes: skip it, keep one to start after, or start anyway. */
export const OVERLAP_POLICIES = ['skip', 'queue_one', 'allow'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

/** Fires missed while no Baton ran: none of them, the latest, or all of them up to `catch_up_max`. */
export const CATCH_UP_POLICIES = ['none', 'latest', 'all'] as const;
export type CatchUpPolicy = (typeof CATCH_UP_POLICIES)[number];

export const scheduleInputSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (at most 64)')
    .optional(),
  plan_id: idSchema,
  /** Five fields (minute hour day month weekday), or six with seconds first; `@daily` and the like. */
  cron: z.string().trim().min(1, 'must not be empty').max(200),
  /** An IANA time zone (`Europe/Paris`); the cron's hours are that zone's, daylight saving included. */
  timezone: z.string().min(1).max(100).default('UTC'),
  /** The runs' inputs, checked against the plan's `run_inputs`. */
  inputs: runInputValuesSchema.default({}),
  overlap: z.enum(OVERLAP_POLICIES).default('skip'),
  catch_up: z.enum(CATCH_UP_POLICIES).default('latest'),
  catch_up_max: z.number().int().min(1).max(100).default(10),
});
export type ScheduleInput = z.input<typeof scheduleInputSchema>;

export interface Schedule {
  id: string;
  plan_id: string;
  cron: string;
  timezone: string;
  inputs: Record<string, unknown>;
  overlap: OverlapPolicy;
  catch_up: CatchUpPolicy;
  catch_up_max: number;
  enabled: boolean;
  /** When it fires next (ISO 8601, UTC); null when the expression never fires again. */
  next_fire_at: string | null;
  /** A fire waits for the schedule's last run to end (overlap `queue_one`). */
  queued: boolean;
  last_run_id: string | null;
  created_at: string;
  /** The next few fire times (UTC), for people to check the expression says what they meant. */
  next_fires: string[];
}
