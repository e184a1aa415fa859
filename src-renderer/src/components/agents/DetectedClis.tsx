import { useCallback, useEffect, useState } from 'react';
import { CODING_CLIS } from '../../../../src-shared/schemas/coding-clis.ts';
import type { DetectedCli } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import type { AgentDraft } from './agent-form.ts';
import { CLI_NAMES, draftForCli, quickAgentFor } from './coding-draft.ts';

/**
 * The coding CLIs on this machine's PATH (as the host sees it) with their versions, and the
 * program each registered agent names itself, with what is wrong with it. "Add" registers one in
 * a click with sensible defaults (`quickAgentFor`: its own login, its default route); "Register…"
 * fills in the agent form for one, to set more first. Asked when the screen opens, again on "Look
 * again" and when the agents change.
 */
export function DetectedClis({ onRegister }: { onRegister(draft: AgentDraft): void }) {
  const fail = useBaton((s) => s.fail);
  const agents = useBaton((s) => s.agents);
  const upsertAgent = useBaton((s) => s.upsertAgent);
  const notifyWithLink = useBaton((s) => s.notifyWithLink);
  const [adding, setAdding] = useState<string | null>(null);
  const add = async (c: DetectedCli) => {
    const agent = quickAgentFor(c, agents);
    setAdding(c.cli);
    try {
      const saved = await api.createAgent(agent);
      upsertAgent(saved);
      // What comes next: a repository for it to work in, unless one is registered.
      const s = useBaton.getState();
      if (!s.workspacesLoaded) await s.loadWorkspaces();
      const hasWorkspace = useBaton.getState().workspaces.length > 0;
      notifyWithLink(
        `${agent.name} added as ${saved.id}`,
        hasWorkspace
          ? { to: { screen: 'agents', agentId: saved.id }, label: `Open ${saved.id}'s page` }
          : { to: { screen: 'workspaces' }, label: 'Next: register a repository for it to work in' },
        [
          `Tasks that need the skill "coding" go to it. It works on your own ${agent.name} login, in the OS sandbox, and waits for you to review each diff.`,
        ],
      );
    } catch (err) {
      fail(`${agent.name} was not added`, err);
    } finally {
      setAdding(null);
    }
  };
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
        // A row per CLI while they are looked for, two lines as every row has (what it is, then
        // what to do): on a newcomer's screen, where this list is above the agents' table, the
        // table stays put when the answer comes.
        <ul className="cli-list" aria-busy="true">
          {CODING_CLIS.map((cli) => (
            <li key={cli} aria-label={CLI_NAMES[cli]} className="missing">
              <div className="cli-info">
                <div className="cli-head">
                  <strong>{CLI_NAMES[cli]}</strong> <span className="muted small">looking on PATH…</span>
                </div>
                <p className="muted small cli-next">&nbsp;</p>
              </div>
            </li>
          ))}
        </ul>
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
                <div className="cli-info">
                  <div className="cli-head">
                    <strong>{CLI_NAMES[c.cli]}</strong>{' '}
                    {c.found ? (
                      <span className="small">{c.version ?? 'version unknown'}</span>
                    ) : (
                      <span className="muted small">
                        {registered.length > 0 && onPath.length === 0 ? 'not on PATH' : 'not found on PATH'}
                      </span>
                    )}
                    {c.path && (
                      <code className="muted small cli-path" title={c.path}>
                        {c.path}
                      </code>
                    )}
                    {registered.length > 0 && (
                      <span className="muted small"> · registered as {registered.join(', ')}</span>
                    )}
                  </div>
                  {c.error && <p className="field-error small cli-next">{c.error}</p>}
                  {c.found && registered.length === 0 && (
                    <p className="muted small cli-next">
                      Add registers it in one click: on your own login (no key to give), the skill{' '}
                      <code>coding</code>, each diff reviewed by you.
                    </p>
                  )}
                  {!c.found && (
                    <p className="muted small cli-next">
                      Install it with <code>{c.install}</code>, then Look again.
                    </p>
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
                  <div className="cli-actions">
                    {registered.length === 0 && (
                      <button
                        type="button"
                        className="primary"
                        disabled={adding !== null}
                        onClick={() => void add(c)}
                        aria-label={`Add ${CLI_NAMES[c.cli]}`}
                        title={`Registers ${quickAgentFor(c, agents).id}: the skill "coding", your own ${CLI_NAMES[c.cli]} login, its default route, each diff reviewed by you, the OS sandbox`}
                      >
                        {adding === c.cli ? 'Adding…' : 'Add'}
                      </button>
                    )}
                    <button
                      type="button"
                      onClick={() => onRegister(draftForCli(c))}
                      aria-label={`Register ${CLI_NAMES[c.cli]}`}
                      title="Opens the agent form filled in: skills, model, limits, sandbox"
                    >
                      Register…
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
