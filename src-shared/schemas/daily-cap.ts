import { z } from 'zod';

/**
 * Most an agent (`Agent.daily_cap`), a plan's runs together (`Plan.daily_cap`) or a project's
 * plans' runs together (`Project.daily_cap`) may spend in a
 * day (the machine's local day, as the Spend screen counts it), in USD and/or tokens (input,
 * output and cached input, as usage steps report them). A task whose agent, plan or project has spent it
 * is not started: it waits for the next day (or, for an agent's cap, another qualified agent
 * under its own); a running attempt is stopped at its next model turn.
 */
export const dailyCapSchema = z
  .strictObject({
    usd: z
      .number({ error: 'must be a number of dollars more than 0' })
      .positive('must be more than 0')
      .max(1e6, 'must be at most 1000000')
      .optional(),
    tokens: z
      .number({ error: 'must be a whole number of tokens of at least 1' })
      .int('must be a whole number of tokens of at least 1')
      .min(1, 'must be a whole number of tokens of at least 1')
      .max(1e12, 'must be at most 1000000000000')
      .optional(),
  })
  .refine((c) => c.usd !== undefined || c.tokens !== undefined, {
    message: 'needs usd, tokens or both (remove daily_cap for no cap)',
  });
export type DailyCap = z.infer<typeof dailyCapSchema>;
