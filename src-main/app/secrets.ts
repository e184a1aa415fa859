import { actorOfCall } from '../../src-shared/contract/caller.ts';
import type { SecretHandlers, SecretListing } from '../../src-shared/contract/domains/secrets.ts';
import { secretNamesIn } from '../secrets/refs.ts';
import { secretEnvName, secretEnvNames, secretEnvVar } from '../secrets/secrets.ts';
import type { AppContext } from './context.ts';

/**
 * `secrets.*`: set, list and delete the secrets Baton stores (in every mode: the desktop app,
 * `baton serve`, the CLI), and say where each name's value comes from. No answer ever holds a
 * value.
 */
export function secretHandlers({ secrets, store, reach, now }: AppContext): SecretHandlers {
  /** A secret set or deleted, in the audit log by its name alone: its value is never written anywhere. */
  const audit = (name: string, to: 'set' | 'replaced' | 'deleted', actor: string) =>
    store.memory.audit({
      at: now(),
      actor,
      entity: 'secret',
      entity_id: name,
      run_id: null,
      from_status: null,
      to_status: to,
      why:
        to === 'deleted'
          ? `secret "${name}" deleted`
          : `secret "${name}" ${to === 'set' ? 'set' : 'given a new value'} (its value is not in the log)`,
    });
  const list = (): SecretListing[] => {
    const stored = new Map(secrets.store.entries().map((e) => [e.name, e]));
    const agents = new Map<string, string[]>();
    const webhooks = new Map<string, string[]>();
    const use = (into: Map<string, string[]>, name: string, by: string) =>
      into.set(name, [...(into.get(name) ?? []), by]);
    for (const a of store.agents.list()) for (const n of secretNamesIn(a)) use(agents, n, a.id);
    for (const w of reach.webhooks.repo.list()) if (w.secret_name) use(webhooks, w.secret_name, w.id);
    const names = new Set([...stored.keys(), ...agents.keys(), ...webhooks.keys()]);
    // A BATON_SECRET_* variable no listed name stands for is listed under the name it stands for.
    const covered = new Set([...names].map(secretEnvName));
    for (const n of secretEnvNames(secrets.env)) if (!covered.has(secretEnvName(n))) names.add(n);
    return [...names].sort().map((name) => {
      const s = stored.get(name);
      const envVar = secretEnvVar(name, secrets.env);
      return {
        name,
        source: s?.readable ? 'stored' : envVar ? 'environment' : s ? 'stored' : 'missing',
        stored: s ? { protection: s.protection, readable: s.readable } : null,
        env_var: envVar,
        used_by: { agents: agents.get(name) ?? [], webhooks: webhooks.get(name) ?? [] },
      };
    });
  };
  return {
    'secrets.list': () => ({
      secrets: list(),
      storage: { protection: secrets.store.protection, file: secrets.store.file },
    }),
    'secrets.set': ({ name, value }, call) => {
      const had = secrets.store.entries().some((e) => e.name === name);
      secrets.store.set(name, value);
      audit(name, had ? 'replaced' : 'set', actorOfCall(null, call));
      return { name, protection: secrets.store.protection };
    },
    'secrets.delete': ({ name }, call) => {
      const deleted = secrets.store.delete(name);
      if (deleted) audit(name, 'deleted', actorOfCall(null, call));
      return { deleted };
    },
  };
}
