import type { EnvValue } from '../../../../src-shared/schemas/agent.ts';
import { passedOn, userEnv } from '../../../processes/user-env.ts';
import type { SecretResolver } from '../../../secrets/secrets.ts';

const SECRET_REF = /\{secret:([A-Za-z0-9_.-]+)\}/g;

export type ResolvedEnv =
  | { ok: true; env: Record<string, string>; secrets: string[] }
  | { ok: false; error: string };

/**
 * An env map of an agent or workspace with its secrets looked up: a `{ secret: NAME }` value is
 * the secret's value; text may reference secrets as `{secret:NAME}` (as a command agent's env
 * does). Also returns the values used, for redaction. A secret that is not set is an error
 * naming it and the variable (`where`: whose env).
 */
export function resolveEnv(
  map: Record<string, EnvValue>,
  secrets: SecretResolver,
  where: string,
): ResolvedEnv {
  const env: Record<string, string> = {};
  const used: string[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string') {
      const v = secrets.get(value.secret);
      if (v === undefined)
        return { ok: false, error: `secret "${value.secret}" (for ${key} in ${where}) is not set` };
      used.push(v);
      env[key] = v;
      continue;
    }
    let missing: string | null = null;
    env[key] = value.replace(SECRET_REF, (_, name: string) => {
      const v = secrets.get(name);
      if (v === undefined) {
        missing ??= name;
        return '';
      }
      used.push(v);
      return v;
    });
    if (missing !== null)
      return { ok: false, error: `secret "${missing}" (for ${key} in ${where}) is not set` };
  }
  return { ok: true, env, secrets: used };
}

/**
 * What every CLI (and a workspace's setup command and checks) gets of the person's environment
 * (`userEnv`: Baton's own, its Node's folders on PATH, its token, npm's variables, taken out):
 * where programs are, the language, and on Windows what programs need to start; and the settings
 * that keep package managers quiet (`QUIET_TOOLS`). Nothing else of the environment (Baton's
 * token, other agents' keys, proxies) reaches a CLI; HOME, TMPDIR, TERM are set by the executor.
 */
const PASSED_ON = [
  'PATH',
  'LANG',
  'LC_ALL',
  'TZ',
  'SystemRoot',
  'PATHEXT',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
];

export function baseEnv(
  home: string,
  tmp: string,
  from: Readonly<Record<string, string | undefined>> = userEnv(),
): Record<string, string> {
  return { ...passedOn(PASSED_ON, from), HOME: home, TMPDIR: tmp, TERM: 'dumb', NO_COLOR: '1' };
}

/**
 * A CLI's whole environment: Baton's part (`baseEnv`), what its adapter sets, then the agent's and
 * workspace's `env`. With the metering endpoint, what names the endpoint or holds the attempt's
 * token (its URL, the key in the provider's key's place, opencode's config) wins over an agent env
 * naming another server or key: every call must pass the endpoint with the attempt's own key, and
 * none through a proxy the agent's env names (it is on this machine's loopback).
 */
export function cliEnv(
  base: Record<string, string>,
  own: Record<string, string>,
  agent: Record<string, string>,
  meter: { url: string; token: string } | null,
): Record<string, string> {
  const env = { ...base, ...own, ...agent };
  if (meter) {
    for (const [k, v] of Object.entries(own)) if (v.includes(meter.token)) env[k] = v;
    for (const k of ['NO_PROXY', 'no_proxy']) env[k] = env[k] ? `${env[k]},127.0.0.1` : '127.0.0.1,localhost';
  }
  return env;
}

/**
 * The environment a workspace's checks (and its setup command) run with: what every CLI gets
 * of the person's environment (PATH without Baton's folders, the language; `baseEnv`), HOME, the attempt's TMPDIR, and the
 * workspace's `env` over it. One place, so what the check form shows is what a check gets.
 */
export function checkEnvOf(
  workspaceEnv: Record<string, string>,
  tmp: string,
  from: Readonly<Record<string, string | undefined>> = userEnv(),
): Record<string, string> {
  return { ...baseEnv(from.HOME ?? tmp, tmp, from), ...workspaceEnv };
}
