import { useCallback, useEffect, useState } from 'react';
import type { AcpAgentSource, DetectedAcpAgent } from '../../../../src-shared/schemas/acp-agent.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import type { AgentDraft } from './agent-form.ts';
import { draftForAcp, registeredAs } from './coding-draft.ts';

const FOUND_IN: Record<AcpAgentSource, string> = {
  path: 'on PATH',
  'npm-global': 'installed globally with npm',
  project: "in a workspace's node_modules",
};

/**
 * The agents on this machine that speak the Agent Client Protocol (as the host sees them): each
 * with the command that starts it in ACP mode, where it was found, and whether Baton knows how to
 * point it at a model server, and which agents it is registered as already. "Register" fills in the
 * agent form for it (over ACP, no skills yet). Asked when the screen opens and again on "Look again".
 */
export function DetectedAcpAgents({ onRegister }: { onRegister(draft: AgentDraft): void }) {
  const fail = useBaton((s) => s.fail);
  const registered = useBaton((s) => s.agents);
  const [agents, setAgents] = useState<DetectedAcpAgent[] | null>(null);
  const [busy, setBusy] = useState(false);
  const detect = useCallback(async () => {
    setBusy(true);
    try {
      setAgents(await api.detectAcp());
    } catch (err) {
      fail('Could not look for ACP agents', err);
    } finally {
      setBusy(false);
    }
  }, [fail]);
  useEffect(() => {
    void detect();
  }, [detect]);
  return (
    <section className="form-panel detected-clis" aria-label="ACP agents on this machine">
      <div className="section-head">
        <h2>ACP agents on this machine</h2>
        <button
          type="button"
          onClick={() => void detect()}
          disabled={busy}
          aria-label="Look again for ACP agents"
        >
          {busy ? 'Looking…' : 'Look again'}
        </button>
      </div>
      <p className="muted small">
        Agents that speak the Agent Client Protocol, found on PATH, installed with npm or in a workspace.
      </p>
      {agents === null ? (
        <p className="muted small">Looking…</p>
      ) : agents.length === 0 ? (
        <p className="muted small">None found.</p>
      ) : (
        <ul className="cli-list">
          {agents.map((a) => {
            const as = registeredAs(a, registered);
            return (
              <li key={a.path} aria-label={a.title}>
                <div>
                  <strong>{a.title}</strong> {a.version && <span className="small">{a.version}</span>}
                  <span className="muted small"> · {FOUND_IN[a.source]}</span>
                  {as.length > 0 && <span className="muted small"> · registered as {as.join(', ')}</span>}
                  <div className="small">
                    <code>{[a.path, ...a.args].join(' ')}</code>
                    <span className="muted">
                      {a.launch
                        ? ' · Baton can point it at a model server'
                        : ' · runs with its own login and settings'}
                    </span>
                  </div>
                </div>
                <button
                  type="button"
                  onClick={() => onRegister(draftForAcp(a, registered))}
                  aria-label={`Register ${a.title}`}
                >
                  Register
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
