import { z } from 'zod';

/** Identifiers of plans, tasks, agents and projects: readable, bounded, path- and shell-safe. */
export const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'may contain only letters, digits and . _ : @ -');

export const skillSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'may contain only letters, digits and _ . -');

/** ISO 8601 timestamp as produced by Date#toISOString. */
export const timestampSchema = z.string();

export type Id = z.infer<typeof idSchema>;
