import { useCallback, useEffect, useState } from 'react';
import type { DetectedCli } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import type { AgentDraft } from './agent-form.ts';
import { CLI_NAMES, draftForCli } from './coding-draft.ts';

/**
 * The coding CLIs on this machine's PATH (as the host sees it) with their versions, and the
 * program each registered agent names itself, with what is wrong with it; "Register" fills in
 * the agent form for one. Asked when the screen opens, again on "Look again" and when the
 * agents change.
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
  // Asked again when an agent is added or edited: the programs agents name are checked with it.
  const programs = agents.map((a) => (a.kind === 'coding' ? `${a.id}:${a.executable ?? ''}` : '')).join('|');
  // biome-ignore lint/correctness/useExhaustiveDependencies: programs says when to ask again
  useEffect(() => {
    void detect();
  }, [detect, programs]);
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
            // An agent of the CLI over ACP runs its ACP adapter, not this program: the ACP list names it.
            const registered = agents
              .filter((a) => a.kind === 'coding' && a.cli === c.cli && a.protocol !== 'acp')
              .map((a) => a.id);
            // Agents that name their own program do not look on PATH: what counts for them is that file.
            const own = new Set(c.programs.map((p) => p.agent_id));
            const onPath = registered.filter((id) => !own.has(id));
            return (
              <li key={c.cli} aria-label={CLI_NAMES[c.cli]} className={c.found ? 'found' : 'missing'}>
                <div>
                  <strong>{CLI_NAMES[c.cli]}</strong>{' '}
                  {c.found ? (
                    <span className="small">{c.version ?? 'version unknown'}</span>
                  ) : (
                    <span className="muted small">
                      {registered.length > 0 && onPath.length === 0 ? 'not on PATH' : 'not found on PATH'}
                    </span>
                  )}
                  {c.path && <code className="muted small cli-path">{c.path}</code>}
                  {c.error && <span className="field-error small">{c.error}</span>}
                  {registered.length > 0 && (
                    <span className="muted small"> · registered as {registered.join(', ')}</span>
                  )}
                  {c.programs.length > 0 && (
                    <ul className="cli-programs" aria-label={`Programs the ${CLI_NAMES[c.cli]} agents name`}>
                      {c.programs.map((p) => (
                        <li key={p.agent_id} className="small">
                          {p.agent_id} runs <code>{p.executable}</code>
                          {p.problem ? (
                            <span className="field-error">: {p.problem}</span>
                          ) : (
                            <span className="muted">: found, executable</span>
                          )}
                        </li>
                      ))}
                    </ul>
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
