import { useCallback, useEffect, useState } from 'react';
import type { AllowedSandboxHost } from '../../../../src-shared/schemas/sandbox.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { RelativeTime } from '../shared/RelativeTime.tsx';

/** Whose remembered hosts: a workspace's (its coding attempts) or an agent's (its other attempts). */
export type HostsOwner = { workspace: string } | { agent: string };

const read = (o: HostsOwner) =>
  'workspace' in o ? api.workspaceAllowedHosts(o.workspace) : api.agentAllowedHosts(o.agent);
const forgetOf = (o: HostsOwner, host: string) =>
  'workspace' in o ? api.forgetWorkspaceHost(o.workspace, host) : api.forgetAgentHost(o.agent, host);
const nameOf = (o: HostsOwner) => ('workspace' in o ? `workspace ${o.workspace}` : `agent ${o.agent}`);

/**
 * The hosts people allowed for a workspace or an agent when its sandbox asked (the network
 * policy `ask`), each with who allowed it and a Remove: a removed host is refused again (and
 * asked about again). Nothing shows while none is remembered.
 */
export function AllowedHosts({ owner }: { owner: HostsOwner }) {
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [hosts, setHosts] = useState<AllowedSandboxHost[] | null>(null);
  const key = JSON.stringify(owner);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the owner is compared by its key
  const load = useCallback(() => {
    read(owner)
      .then(setHosts)
      .catch((err: unknown) => fail(`Could not read the allowed hosts of ${nameOf(owner)}`, err));
  }, [key, fail]);
  useEffect(load, [load]);
  const forget = async (host: string) => {
    try {
      await forgetOf(owner, host);
      notify('info', `${host} is no longer allowed for ${nameOf(owner)}`);
      load();
    } catch (err) {
      fail(`Could not remove ${host}`, err);
    }
  };
  if (hosts === null || hosts.length === 0) return null;
  return (
    <section className="allowed-hosts wide" aria-label="Hosts allowed when asked">
      <h4>Hosts allowed when asked</h4>
      <ul>
        {hosts.map((h) => (
          <li key={h.host}>
            <code>{h.host}</code>{' '}
            <span className="muted small">
              by {h.allowed_by}, <RelativeTime at={h.at} />
            </span>{' '}
            <button
              type="button"
              className="small"
              onClick={() => void forget(h.host)}
              aria-label={`Remove ${h.host}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
