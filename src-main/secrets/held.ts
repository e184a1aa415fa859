import { readFileSync } from 'node:fs';
import { secretNamesIn } from './refs.ts';
import type { SecretResolver } from './secrets.ts';
import { secretEnvNames } from './secrets.ts';

/** A secret Baton holds, by the name a person knows it by (never shown with its value). */
export interface HeldSecret {
  /** `secret "openai.key"`, `Baton's UI token`: how a refusal names it. */
  name: string;
  value: string;
}

export interface HeldSources {
  /** The names of the secrets set through Baton (its secrets file). */
  stored: () => string[];
  /** Baton's environment: its `BATON_SECRET_*` variables. */
  env: Record<string, string | undefined>;
  resolver: SecretResolver;
  /** What names secrets: every agent and workspace (provider keys, forge tokens, `{ secret }` env values). */
  configs: () => unknown[];
  /** server.json of the data directory, where the browser host writes its token while it serves. */
  serverFile: string | null;
}

/**
 * Every secret Baton holds, each value once (by its first name): the secrets set through Baton,
 * its `BATON_SECRET_*` variables, the secrets its agents and workspaces name (a provider's key, a
 * forge's token, an env value), found where the resolver finds them, and the browser host's token.
 * Worker tokens are kept only as hashes: they are recognised by their shape instead
 * (`WorkerTokens.nameOf`).
 */
export function heldSecrets(src: HeldSources): HeldSecret[] {
  const out = new Map<string, string>();
  const add = (name: string, value: string | undefined) => {
    if (value && !out.has(value)) out.set(value, name);
  };
  const names = new Set([...src.stored(), ...secretEnvNames(src.env)]);
  for (const c of src.configs()) for (const n of secretNamesIn(c)) names.add(n);
  for (const n of [...names].sort()) add(`secret "${n}"`, src.resolver.get(n));
  if (src.serverFile) {
    try {
      const info: unknown = JSON.parse(readFileSync(src.serverFile, 'utf8'));
      if (typeof info === 'object' && info !== null && 'token' in info && typeof info.token === 'string')
        add("Baton's UI token (server.json)", info.token);
    } catch {
      // No host serves this data directory.
    }
  }
  return [...out].map(([value, name]) => ({ name, value }));
}
