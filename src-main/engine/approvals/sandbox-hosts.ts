import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type { Approval, SandboxHostVerdict } from '../../../src-shared/schemas/approval.ts';
import type { Workspace } from '../../../src-shared/schemas/workspace.ts';
import type { EngineStore } from '../coding-records.ts';
import type { AttemptSandboxHosts, SandboxHostRequest } from '../executor.ts';
import type { AttemptAsks } from './asks.ts';
import type { AttemptRef } from './kinds.ts';

/**
 * A host a sandboxed process was refused under the network policy `ask` (kind `sandbox_host`,
 * `ASKS` in kinds.ts): one question per workspace (or agent) and host, whichever attempt of
 * whichever run was refused it first.
 */
export const sandboxHostReason = (q: SandboxHostRequest): string => `Allow ${q.host} for ${q.scope_label}?`;

/**
 * The approval to go by instead of asking again: the one still open for this scope and host, or
 * the one a person denied (a denied host is not asked about again; listing it in the policy
 * allows it). One that was allowed is asked anew: the host was forgotten since (removed from the
 * workspace's remembered hosts), or it would not have been refused.
 */
export function sandboxHostEarlier(store: EngineStore, q: SandboxHostRequest): string | null {
  const latest = store.sandboxHosts.latest(q.scope, q.host);
  return latest && (latest.status === 'pending' || latest.status === 'rejected') ? latest.id : null;
}

/** Allowed or not, once a person decided; null while nobody has. */
export function sandboxHostVerdict(a: Approval): SandboxHostVerdict | null {
  if (a.status === 'pending') return null;
  return { allowed: a.status === 'approved', actor: a.actor ?? 'someone' };
}

/**
 * The network policy `ask` of one attempt: a coding attempt's hosts are its workspace's, any
 * other's its agent's; the hosts people allowed there so far, read from the store when first
 * asked for (the attempt's sandbox is set up) and kept: an attempt that starts no sandboxed
 * program (an echo task's, an http agent's) reads nothing.
 */
export function sandboxHostsOf(
  store: Pick<EngineStore, 'sandboxHosts'>,
  workspace: Pick<Workspace, 'id'> | null,
  agent: Pick<Agent, 'id' | 'name'>,
): AttemptSandboxHosts {
  const scope = workspace ? `workspace:${workspace.id}` : `agent:${agent.id}`;
  const scope_label = workspace ? `workspace "${workspace.id}"` : `agent "${agent.name || agent.id}"`;
  let allowed: string[] | null = null;
  return {
    scope,
    scope_label,
    get allowed(): string[] {
      allowed ??= store.sandboxHosts.allowed(scope).map((h) => h.host);
      return allowed;
    },
  };
}

/**
 * Asks a person about a host the attempt's sandbox refused (an approval of kind `sandbox_host`),
 * or finds the question already asked for this scope and host. Nothing waits for the answer:
 * the connection was refused already. An attempt that ended meanwhile asks nothing.
 */
export function askSandboxHost(
  asks: Pick<AttemptAsks, 'open'>,
  at: AttemptRef,
  hosts: Pick<AttemptSandboxHosts, 'scope' | 'scope_label'>,
  host: string,
): void {
  try {
    asks.open(at, { kind: 'sandbox_host', scope: hosts.scope, scope_label: hosts.scope_label, host });
  } catch {
    // The attempt is over (cancelled, timed out): its refusal is in its trace, and nothing is asked.
  }
}
