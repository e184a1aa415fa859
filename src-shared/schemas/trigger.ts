import { z } from 'zod';
import { idSchema } from './common.ts';
import { runInputValuesSchema } from './run-inputs.ts';

export const triggerInputSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ - (at most 64)')
    .optional(),
  plan_id: idSchema,
  /** Inputs every run gets; a call's own `inputs` go over them. Checked against the plan. */
  inputs: runInputValuesSchema.default({}),
  /** Most calls a minute (each call counts, refused ones too); past it, 429. */
  rate_per_minute: z.number().int().min(1).max(600).default(60),
});
export type TriggerInput = z.input<typeof triggerInputSchema>;

/** A trigger as listed: never its secret (only a hash of it is kept). */
export interface Trigger {
  id: string;
  plan_id: string;
  inputs: Record<string, unknown>;
  rate_per_minute: number;
  enabled: boolean;
  created_at: string;
  /** Where to POST (Baton's address as others reach it, when known). */
  url: string;
}

/** What creating a trigger answers, once: the secret is not kept and cannot be shown again. */
export interface TriggerCreated {
  trigger: Trigger;
  secret: string;
  url: string;
  curl: string;
}

/** The body of `POST /api/triggers/<id>` (empty is `{}`). */
export const triggerCallSchema = z.strictObject({
  inputs: runInputValuesSchema.optional(),
});
