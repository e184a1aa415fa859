import { passedOn, userEnv } from '../../processes/user-env.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';

export interface ArgValues {
  task_id: string;
  description: string;
  context_file: string;
  workspace: string;
  attempt: number;
  /** Baton's resources folder, so shipped agent scripts can be named wherever Baton lives. */
  resources: string;
}

const PLACEHOLDER = /\{(task_id|description|context_file|workspace|attempt|resources)\}/g;

/**
 * Fills `{task_id}`, `{description}`, `{context_file}`, `{workspace}`, `{attempt}` and `{resources}` in each
 * argument. One pass per argument: a value is never split into more arguments and never
 * substituted again, whatever it contains. Other braces are left as they are.
 */
export function fillArgs(templates: readonly string[], values: ArgValues): string[] {
  return templates.map((t) => t.replace(PLACEHOLDER, (_, key: keyof ArgValues) => String(values[key])));
}

const SECRET_REF = /\{secret:([A-Za-z0-9_.-]+)\}/g;

export type EnvResult =
  | { ok: true; env: Record<string, string>; secrets: string[] }
  | { ok: false; error: string };

/** Only these are passed on from the person's environment (`userEnv`); the agent's `env` adds the rest. */
const BASE_ENV = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SystemRoot', 'TEMP', 'TMP', 'USERPROFILE', 'PATHEXT'];

/**
 * The environment of an agent's program: a minimal base of the person's environment (and the
 * settings that keep package managers quiet, `passedOn`) plus the agent's `env`, with
 * `{secret:NAME}` references resolved. Also returns the secret values used, for redaction.
 */
export function buildEnv(
  agentEnv: Record<string, string>,
  secrets: SecretResolver,
  base: Readonly<Record<string, string | undefined>> = userEnv(),
): EnvResult {
  const env = passedOn(BASE_ENV, base);
  const used: string[] = [];
  for (const [key, template] of Object.entries(agentEnv)) {
    let missing: string | null = null;
    env[key] = template.replace(SECRET_REF, (_, name: string) => {
      const value = secrets.get(name);
      if (value === undefined) {
        missing ??= name;
        return '';
      }
      used.push(value);
      return value;
    });
    if (missing !== null) return { ok: false, error: `secret "${missing}" (for ${key}) is not set` };
  }
  return { ok: true, env, secrets: used };
}
