import { useCallback, useEffect, useState } from 'react';
import type { DetectedCli } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import type { AgentDraft } from './agent-form.ts';
import { CLI_NAMES, draftForCli } from './coding-draft.ts';

/**
 * The coding CLIs on this machine's PATH (as the host sees it) with their versions; "Register"
 * fills in the agent form for one. Asked when the screen opens and again on "Look again".
 */
export function DetectedClis({ onRegister }: { onRegister(draft: AgentDraft): void }) {
  const fail = useBaton((s) => s.fail);
  const agents = useBaton((s) => s.agents);
  const [clis, setClis] = useState<DetectedCli[] | null>(null);
  const [busy, setBusy] = useState(false);
  const detect = useCallback(async () => {
    setBusy(true);
    try {
      setClis(await api.detectClis());
    } catch (err) {
      fail('Could not look for coding CLIs', err);
    } finally {
      setBusy(false);
    }
  }, [fail]);
  useEffect(() => {
    void detect();
  }, [detect]);
  return (
    <section className="form-panel detected-clis" aria-label="Coding CLIs on this machine">
      <div className="section-head">
        <h2>Coding CLIs on this machine</h2>
        <button type="button" onClick={() => void detect()} disabled={busy}>
          {busy ? 'Looking…' : 'Look again'}
        </button>
      </div>
      {clis === null ? (
        <p className="muted small">Looking on PATH…</p>
      ) : (
        <ul className="cli-list">
          {clis.map((c) => {
            const registered = agents.filter((a) => a.kind === 'coding' && a.cli === c.cli).map((a) => a.id);
            return (
              <li key={c.cli} aria-label={CLI_NAMES[c.cli]} className={c.found ? 'found' : 'missing'}>
                <div>
                  <strong>{CLI_NAMES[c.cli]}</strong>{' '}
                  {c.found ? (
                    <span className="small">{c.version ?? 'version unknown'}</span>
                  ) : (
                    <span className="muted small">not found on PATH</span>
                  )}
                  {c.path && <code className="muted small cli-path">{c.path}</code>}
                  {c.error && <span className="field-error small">{c.error}</span>}
                  {registered.length > 0 && (
                    <span className="muted small"> · registered as {registered.join(', ')}</span>
                  )}
                </div>
                {c.found && (
                  <button
                    type="button"
                    onClick={() => onRegister(draftForCli(c))}
                    aria-label={`Register ${CLI_NAMES[c.cli]}`}
                  >
                    Register
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
