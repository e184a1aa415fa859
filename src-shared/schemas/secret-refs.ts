import { z } from 'zod';

/** The name of a secret (see src-main/secrets/secrets.ts); never its value. */
export const secretNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits and _ . -');

const envNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
  .max(256);

/**
 * One environment variable's value: text (which may reference secrets as `{secret:NAME}`, as a
 * command agent's may), or `{ secret: NAME }`, the secret's value as is.
 */
export const envValueSchema = z.union([
  z.string().max(100_000),
  z.strictObject({ secret: secretNameSchema }),
]);
export type EnvValue = z.infer<typeof envValueSchema>;
export const envMapSchema = z.record(envNameSchema, envValueSchema);
