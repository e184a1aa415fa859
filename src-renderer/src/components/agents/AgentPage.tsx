import { useEffect, useState } from 'react';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { MemoryEntry } from '../../../../src-shared/schemas/memory.ts';
import type { AgentExecutionStats } from '../../../../src-shared/schemas/run.ts';
import { api } from '../../api/client.ts';
import { spendText } from '../../format/cost.ts';
import { useBaton } from '../../store/index.ts';
import { EntryLinks } from '../logs/EntryView.tsx';
import { memoryRefs } from '../logs/entry-refs.ts';
import { SandboxBadge } from '../sandbox/SandboxBadge.tsx';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { AgentTestPanel } from './AgentTestPanel.tsx';
import { agentSuccess, agentTime } from './agent-stats.ts';
import { codingRunsAs, protocolOf } from './coding-draft.ts';

/** How many of an agent's latest task results its page lists. */
const RECENT = 10;
const NO_RUNS = new Map();

/**
 * One agent: what it is (kind, skills, capacity, cost, charter), how it has done over the range
 * chosen, a test of its program (a command agent), and the tasks it ended most recently, each
 * linked to its run.
 */
export function AgentPage({
  agent: a,
  stats,
  onEdit,
  onClose,
}: {
  agent: Agent;
  stats: AgentExecutionStats | undefined;
  onEdit(): void;
  onClose(): void;
}) {
  const fail = useBaton((s) => s.fail);
  const sandboxStatus = useBaton((s) => s.sandboxStatus);
  const facts = useBaton((s) => s.routeFacts);
  const [recent, setRecent] = useState<MemoryEntry[] | null>(null);
  useEffect(() => {
    let live = true;
    setRecent(null);
    api.searchMemory('', { agent_id: a.id, type: 'task_result' }).then(
      (hits) => live && setRecent(hits.slice(0, RECENT).map((h) => h.entry)),
      (err) => fail(`Could not read the tasks of ${a.id}`, err),
    );
    return () => {
      live = false;
    };
  }, [a.id, fail]);
  return (
    <section className="agent-page" aria-label={`Agent ${a.id}`}>
      <header>
        <h2>
          {a.name ?? a.id} {a.name && <span className="muted small">{a.id}</span>}
        </h2>
        <span className={`pill agent-${a.status}`}>{a.status}</span>
        <div className="actions">
          <button type="button" onClick={onEdit}>
            Edit
          </button>
          <button type="button" className="icon" aria-label="Close the agent" onClick={onClose}>
            ×
          </button>
        </div>
      </header>
      <dl>
        <dt>Kind</dt>
        <dd>{a.kind === 'coding' ? `coding · ${codingRunsAs(a, facts)}` : a.kind}</dd>
        {a.kind === 'coding' && (
          <>
            <dt>Protocol</dt>
            <dd>{protocolOf(a, facts)}</dd>
          </>
        )}
        {(a.kind === 'command' || a.kind === 'llm' || a.kind === 'coding') && (
          <>
            <dt>Sandbox</dt>
            <dd>
              <SandboxBadge policy={a.sandbox} status={sandboxStatus} why />
            </dd>
          </>
        )}
        <dt>Skills</dt>
        <dd>{a.skills.length > 0 ? a.skills.join(', ') : 'none'}</dd>
        <dt>Capacity</dt>
        <dd>{a.max_concurrency} at a time</dd>
        <dt>Cost per task</dt>
        <dd>{spendText(a.cost_per_task)}</dd>
        {a.charter?.mission && (
          <>
            <dt>Mission</dt>
            <dd>{a.charter.mission}</dd>
          </>
        )}
        <dt>Success</dt>
        <dd>{agentSuccess(stats)}</dd>
        <dt>Average time</dt>
        <dd>{agentTime(stats)}</dd>
      </dl>
      {a.kind === 'command' && <AgentTestPanel agent={a} />}
      <h3>Recent tasks</h3>
      {recent === null ? (
        <p className="muted small">Reading…</p>
      ) : recent.length === 0 ? (
        <p className="muted small">No task ended with this agent yet.</p>
      ) : (
        <table className="tasks" aria-label={`Recent tasks of ${a.id}`}>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Status</th>
              <th scope="col">Plan</th>
              <th scope="col">Ended</th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {recent.map((e) => {
              const refs = memoryRefs(e, NO_RUNS);
              return (
                <tr key={e.id}>
                  <th scope="row">{e.task_id}</th>
                  <td>{e.status ?? '—'}</td>
                  <td>{refs.plan ?? '—'}</td>
                  <td className="nowrap">
                    <RelativeTime at={e.created_at} />
                  </td>
                  <td>
                    <EntryLinks refs={refs} compact />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
