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
export const sandboxHostReason = (q: SandboxHostRequest & { summary?: true }): string =>
  q.summary
    ? `Allow the hosts listed for ${q.scope_label}? One attempt was refused more hosts than it asks about one by one: ${q.host} first`
    : `Allow ${q.host} for ${q.scope_label}?`;

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
 * The network policy `ask` of an attempt a remote worker runs (sent with its task): a coding
 * attempt's hosts are its workspace's, any other's its agent's; the hosts people allowed there so far.
 */
export function sandboxHostsOf(
  store: Pick<EngineStore, 'sandboxHosts'>,
  workspace: Pick<Workspace, 'id'> | null,
  agent: Pick<Agent, 'id' | 'name'>,
): AttemptSandboxHosts {
  const hosts = new AttemptHosts(store, workspace?.id ?? null, agent, null);
  return { scope: hosts.scope, scope_label: hosts.scope_label, allowed: hosts.allowed };
}

/**
 * The network policy `ask` of an attempt run here (`TaskContext.sandboxHosts`), as
 * `sandboxHostsOf` says it, made of nothing but what it is given: its scope and label are said,
 * the hosts people allowed read from the store (once), and `ask` made, only when the attempt's
 * sandbox asks for them. An attempt that starts no sandboxed program (an echo task's, an http
 * agent's) pays for none of it.
 */
export class AttemptHosts implements AttemptSandboxHosts {
  private readonly store: Pick<EngineStore, 'sandboxHosts'>;
  private readonly workspaceId: string | null;
  private readonly agent: Pick<Agent, 'id' | 'name'>;
  /** Where a refused host is asked about, and by which attempt (null: nobody can be asked). */
  private readonly asking: { asks: Pick<AttemptAsks, 'open'>; at: AttemptRef } | null;
  private list: string[] | null = null;

  constructor(
    store: Pick<EngineStore, 'sandboxHosts'>,
    workspaceId: string | null,
    agent: Pick<Agent, 'id' | 'name'>,
    asking: { asks: Pick<AttemptAsks, 'open'>; at: AttemptRef } | null,
  ) {
    this.store = store;
    this.workspaceId = workspaceId;
    this.agent = agent;
    this.asking = asking;
  }

  get scope(): string {
    return this.workspaceId !== null ? `workspace:${this.workspaceId}` : `agent:${this.agent.id}`;
  }

  get scope_label(): string {
    return this.workspaceId !== null
      ? `workspace "${this.workspaceId}"`
      : `agent "${this.agent.name || this.agent.id}"`;
  }

  get allowed(): string[] {
    this.list ??= this.store.sandboxHosts.allowed(this.scope).map((h) => h.host);
    return this.list;
  }

  get ask(): ((host: string) => void) | undefined {
    const asking = this.asking;
    return asking ? (host) => askSandboxHost(asking.asks, asking.at, this, host) : undefined;
  }
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
