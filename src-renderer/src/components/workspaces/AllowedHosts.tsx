import { useCallback, useEffect, useState } from 'react';
import type { AllowedSandboxHost } from '../../../../src-shared/schemas/sandbox.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { RelativeTime } from '../shared/RelativeTime.tsx';

/**
 * The hosts people allowed for a workspace when its sandbox asked (the network policy `ask`),
 * each with who allowed it and a Remove: a removed host is refused again (and asked about again).
 */
export function AllowedHosts({ workspaceId }: { workspaceId: string }) {
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [hosts, setHosts] = useState<AllowedSandboxHost[] | null>(null);
  const load = useCallback(() => {
    api
      .workspaceAllowedHosts(workspaceId)
      .then(setHosts)
      .catch((err: unknown) => fail(`Could not read the allowed hosts of ${workspaceId}`, err));
  }, [workspaceId, fail]);
  useEffect(load, [load]);
  const forget = async (host: string) => {
    try {
      await api.forgetWorkspaceHost(workspaceId, host);
      notify('info', `${host} is no longer allowed for workspace ${workspaceId}`);
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
