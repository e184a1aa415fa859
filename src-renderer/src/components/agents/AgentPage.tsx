import { useEffect, useState } from 'react';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { MemoryEntry } from '../../../../src-shared/schemas/memory.ts';
import type { AgentExecutionStats } from '../../../../src-shared/schemas/run.ts';
import { api } from '../../api/client.ts';
import { spendText } from '../../format/cost.ts';
import { useRouteFacts, useSandboxStatus } from '../../store/agent-facts.ts';
import { useBaton } from '../../store/index.ts';
import { EntryLinks } from '../logs/EntryView.tsx';
import { memoryRefs } from '../logs/entry-refs.ts';
import { SandboxBadge } from '../sandbox/SandboxBadge.tsx';
import { type Column, DataTable } from '../shared/DataTable.tsx';
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
  const sandboxStatus = useSandboxStatus();
  const facts = useRouteFacts();
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
      <DataTable
        label={`Recent tasks of ${a.id}`}
        columns={RECENT_COLUMNS}
        rows={recent?.map((e) => ({ e, refs: memoryRefs(e, NO_RUNS) })) ?? null}
        rowKey={(r) => r.e.id}
        loading={<p className="muted small">Reading…</p>}
        empty={<p className="muted small">No task ended with this agent yet.</p>}
      />
    </section>
  );
}

/** A task the agent ended lately, with where its entry points (plan, run, task). */
interface RecentTask {
  e: MemoryEntry;
  refs: ReturnType<typeof memoryRefs>;
}

const RECENT_COLUMNS: readonly Column<RecentTask>[] = [
  { id: 'task', header: 'Task', rowHeader: true, cell: (r) => r.e.task_id },
  { id: 'status', header: 'Status', cell: (r) => r.e.status ?? '—' },
  { id: 'plan', header: 'Plan', cell: (r) => r.refs.plan ?? '—' },
  { id: 'ended', header: 'Ended', cellClass: 'nowrap', cell: (r) => <RelativeTime at={r.e.created_at} /> },
  { id: 'open', header: 'Open', hiddenHeader: true, cell: (r) => <EntryLinks refs={r.refs} compact /> },
];
