import { useCallback, useEffect, useState } from 'react';
import type { ToolGrant } from '../../../../src-shared/schemas/approval.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { RelativeTime } from '../shared/RelativeTime.tsx';

/**
 * The tools a person allowed "always for this agent" from a tool-call approval in the inbox: its
 * calls of them run without asking. Each with who allowed it and a Remove (its later calls are
 * asked again). Nothing shows while there is none.
 */
export function AgentToolGrants({ agentId }: { agentId: string }) {
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [grants, setGrants] = useState<ToolGrant[] | null>(null);
  const load = useCallback(() => {
    api
      .agentToolGrants(agentId)
      .then(setGrants)
      .catch((err: unknown) => fail(`Could not read the tools allowed for agent ${agentId}`, err));
  }, [agentId, fail]);
  useEffect(load, [load]);
  const forget = async (tool: string) => {
    try {
      await api.forgetAgentToolGrant(agentId, tool);
      notify('info', `${tool} is asked about again for agent ${agentId}`);
      load();
    } catch (err) {
      fail(`Could not remove ${tool}`, err);
    }
  };
  if (grants === null || grants.length === 0) return null;
  return (
    <section className="allowed-hosts wide" aria-label="Tools always allowed">
      <h4>Tools always allowed</h4>
      <p className="muted small">Allowed from the inbox: its calls of these run without asking.</p>
      <ul>
        {grants.map((g) => (
          <li key={g.tool}>
            <code>{g.tool}</code>{' '}
            <span className="muted small">
              by {g.allowed_by}, <RelativeTime at={g.at} />
            </span>{' '}
            <button
              type="button"
              className="small"
              onClick={() => void forget(g.tool)}
              aria-label={`Remove ${g.tool}`}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
