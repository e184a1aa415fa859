import { z } from 'zod';
import { secretNameSchema } from '../../schemas/agent.ts';
import { none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/**
 * How Baton keeps a secret it stores: `keychain`, encrypted with a key the OS keychain holds (the
 * desktop app); `file`, as it is in a file only the user can read (mode 0600), where no keychain
 * can be used (`baton serve`, the CLI, a desktop without one).
 */
export type SecretProtection = 'keychain' | 'file';

/** Where a secret's value comes from now, in the order Baton looks: stored by Baton, then the environment. */
export type SecretSource = 'stored' | 'environment' | 'missing';

/** A secret as it is listed: never its value. */
export interface SecretListing {
  name: string;
  source: SecretSource;
  /** Stored by Baton: how it is kept, and whether this process can read it. */
  stored: { protection: SecretProtection; readable: boolean } | null;
  /** The environment variable that holds a value for it (`BATON_SECRET_<NAME>`, else `NAME`), if one does. */
  env_var: string | null;
  /** The agents and webhooks that name it. */
  used_by: { agents: string[]; webhooks: string[] };
}

export interface SecretsOverview {
  /** Stored secrets, secrets in `BATON_SECRET_*` variables, and names agents or webhooks use; by name. */
  secrets: SecretListing[];
  /** How a secret set now is kept, and the file it goes in. */
  storage: { protection: SecretProtection; file: string };
}

/** Secrets agents and webhooks use. Values go in and are never sent back out. */
export const secretMethods = {
  'secrets.list': method(none).returns<SecretsOverview>(),
  /** Stores a value under a name (replacing one stored before); it is used from the next look-up on. */
  'secrets.set': method(
    z.strictObject({ name: secretNameSchema, value: z.string().min(1).max(10_000) }),
  ).returns<{
    name: string;
    protection: SecretProtection;
  }>(),
  /** Removes a stored value; one in the environment stays (and is then what the name resolves to). */
  'secrets.delete': method(z.strictObject({ name: secretNameSchema })).returns<{ deleted: boolean }>(),
};

export type SecretHandlers = HandlersOf<typeof secretMethods>;
