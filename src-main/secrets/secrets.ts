/**
 * Secrets: API keys and tokens that agents need. Agent configs name a secret, never hold its
 * value; the value is looked up at run time and redacted from everything an executor reports,
 * so it never reaches logs, memory entries or the audit log.
 */
export interface SecretResolver {
  get(name: string): string | undefined;
}

/** Where Baton keeps the secrets set through it (file-store.ts). */
export interface SecretStore {
  get(name: string): string | undefined;
}

/** `openai.key` → `BATON_SECRET_OPENAI_KEY`. */
export function secretEnvName(name: string): string {
  return `BATON_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The environment's own variable `name`, or undefined: never what an object inherits (a secret
 * named `constructor` read `process.env.constructor`, a function, and handed it to an agent).
 */
function envValue(env: Record<string, string | undefined>, name: string): string | undefined {
  if (!Object.hasOwn(env, name)) return undefined;
  const value = env[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Resolves a secret from the store, else from `BATON_SECRET_<NAME>`, else from the
 * environment variable `NAME` as given. Empty values count as unset. The store is asked on
 * every look-up, so a secret set while Baton runs is used at once.
 */
export function createSecretResolver(
  env: Record<string, string | undefined> = process.env,
  store?: SecretStore,
): SecretResolver {
  return {
    get(name) {
      const value = store?.get(name) || envValue(env, secretEnvName(name)) || envValue(env, name);
      return value || undefined;
    },
  };
}

/** The environment variable that holds a value for `name` (`BATON_SECRET_<NAME>` first), or null. */
export function secretEnvVar(name: string, env: Record<string, string | undefined>): string | null {
  const prefixed = secretEnvName(name);
  if (envValue(env, prefixed)) return prefixed;
  return envValue(env, name) ? name : null;
}

/** `BATON_SECRET_*` variables set in `env`, by the name they stand for (`BATON_SECRET_OPENAI_KEY` → `OPENAI_KEY`). */
export function secretEnvNames(env: Record<string, string | undefined>): string[] {
  const prefix = 'BATON_SECRET_';
  return Object.keys(env)
    .filter((k) => k.startsWith(prefix) && k.length > prefix.length && env[k])
    .map((k) => k.slice(prefix.length))
    .sort();
}

export const REDACTED = '***';

/** Replaces every occurrence of every secret value in `text` with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of longestFirst(secrets)) out = out.split(s).join(REDACTED);
  return out;
}

/** `redact` applied to every string (keys included) of a JSON-like value. */
export function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return redact(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [redact(k, secrets), redactValue(v, secrets)]),
    );
  }
  return value;
}

/**
 * Redacts text that arrives in pieces (streamed tokens), where a secret may straddle two
 * pieces: holds back just enough of the tail to recognise a secret that is still arriving.
 */
export function createStreamRedactor(secrets: readonly string[]) {
  const ordered = longestFirst(secrets);
  const hold = Math.max(0, ...ordered.map((s) => s.length - 1));
  let pending = '';
  return {
    /** Text safe to emit now. */
    push(piece: string): string {
      pending = redact(pending + piece, ordered);
      // Hold back the longest tail that could be the start of a secret still arriving; a
      // longer start would already contain the whole secret and have been redacted above.
      let cut = pending.length;
      for (let start = Math.max(0, pending.length - hold); start < pending.length; start++) {
        const tail = pending.slice(start);
        if (ordered.some((s) => s.startsWith(tail))) {
          cut = start;
          break;
        }
      }
      const out = pending.slice(0, cut);
      pending = pending.slice(cut);
      return out;
    },
    /** Whatever is left, at the end of the stream. */
    flush(): string {
      const out = redact(pending, ordered);
      pending = '';
      return out;
    },
  };
}

function longestFirst(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
}
