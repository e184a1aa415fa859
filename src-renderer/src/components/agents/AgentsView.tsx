import { useEffect, useMemo, useState } from 'react';
import type { Agent, AgentStatus } from '../../../../src-shared/schemas/agent.ts';
import { probeUrl } from '../../../../src-shared/schemas/plain/agent.ts';
import type { AgentExecutionStats } from '../../../../src-shared/schemas/run.ts';
import { api } from '../../api/client.ts';
import { limitedUntil } from '../../format/limits.ts';
import { useRouteFacts, useSandboxStatus } from '../../store/agent-facts.ts';
import { useBaton } from '../../store/index.ts';
import { SandboxBadge } from '../sandbox/SandboxBadge.tsx';
import { DataTable, headerColumns } from '../shared/DataTable.tsx';
import { FileButton } from '../shared/FileButton.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { ScreenHead } from '../shared/ScreenHead.tsx';
import { useNowWhile } from '../shared/use-now.ts';
import { AgentFormDialog } from './AgentFormDialog.tsx';
import { AgentPage } from './AgentPage.tsx';
import type { AgentDraft } from './agent-form.ts';
import { agentSuccess, agentTime } from './agent-stats.ts';
import { codingRunsAs } from './coding-draft.ts';
import { DetectedAcpAgents } from './DetectedAcpAgents.tsx';
import { DetectedClis } from './DetectedClis.tsx';
import { RemoveAgentDialog } from './RemoveAgentDialog.tsx';
import { SkillLeaderboard } from './SkillLeaderboard.tsx';

const RANGES = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, all: 0 } as const;
type Range = keyof typeof RANGES;

export function AgentsView() {
  const agents = useBaton((s) => s.agents);
  const importAgents = useBaton((s) => s.importAgents);
  const loadAgents = useBaton((s) => s.loadAgents);
  const testAgent = useBaton((s) => s.testAgent);
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const [range, setRange] = useState<Range>('day');
  const [stats, setStats] = useState<Record<string, AgentExecutionStats>>({});
  // By id: the form edits the agent as it is now (a status set meanwhile is kept).
  const [editingId, setEditingId] = useState<string | null>(null);
  const editing = agents.find((a) => a.id === editingId) ?? null;
  const [removing, setRemoving] = useState<Agent | null>(null);
  // The agent whose page is open (its details and recent tasks), by id: the store's, as the
  // address names it.
  const openId = useBaton((s) => s.openAgentId);
  const setOpenId = useBaton((s) => s.openAgent);
  const opened = agents.find((a) => a.id === openId) ?? null;
  // A detected coding CLI to register: the form opens filled in for it.
  const [prefill, setPrefill] = useState<AgentDraft | null>(null);
  // "Add agent…": the form opens empty. The form shows in a dialog while one of the three is set.
  const [adding, setAdding] = useState(false);
  const closeForm = () => {
    setEditingId(null);
    setPrefill(null);
    setAdding(false);
  };
  // The agent being edited was removed elsewhere (another window, say): the screen says so as the
  // form closes, rather than closing it silently (a removal from this window closes it itself).
  useEffect(() => {
    if (!editingId || editing || removing?.id === editingId) return;
    notify('error', `Agent ${editingId} was removed`, ['The changes you were making to it were not saved.']);
    setEditingId(null);
  }, [editingId, editing, removing, notify]);

  // When the range starts, fixed when it is picked (or the agents change), so the statistics and
  // the leaderboard count the same attempts.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of agents is a new look at the numbers
  const start = useMemo(
    () => (RANGES[range] ? new Date(Date.now() - RANGES[range]).toISOString() : undefined),
    [range, agents],
  );
  useEffect(() => {
    Promise.all(agents.map((a) => api.agentStats(a.id, start))).then(
      (list) => setStats(Object.fromEntries(list.map((s) => [s.agent_id, s]))),
      (err) => fail('Could not load agent statistics', err),
    );
  }, [agents, start, fail]);

  // Only an agent with an endpoint (http, llm) has a connection to test: without one, the button
  // says why rather than testing nothing.
  const untestable =
    agents.length === 0
      ? 'No agents to test yet'
      : agents.some((a) => probeUrl(a) !== null)
        ? null
        : 'Nothing to test: only HTTP and LLM agents have a connection';
  const probe = async () => {
    try {
      const r = await api.probeAgents();
      notify(
        'info',
        r.length === 0
          ? 'No agent has an endpoint to test'
          : `Tested ${r.length}: ${r.map((p) => `${p.id} ${p.reachable ? 'reachable' : 'unreachable'}`).join(', ')}`,
      );
      await loadAgents();
    } catch (err) {
      fail('The connection test failed', err);
    }
  };

  // The coding CLIs found here come first when the screen opens with no coding agent registered:
  // adding one is what a newcomer comes here for (and they stay there once one is added).
  // Decided in the render that first has the agents (kept by the effect after it), not by the
  // effect alone: a render with the table on top, then one with the CLIs above it, moved the table
  // 130 px down under the pointer just as the screen looked ready.
  const loaded = useBaton((s) => s.agentsLoaded);
  const [decided, setDecided] = useState<boolean | null>(null);
  const noCoding = !agents.some((a) => a.kind === 'coding');
  const newcomer = decided ?? (loaded ? noCoding : null);
  useEffect(() => {
    if (loaded) setDecided((n) => n ?? noCoding);
  }, [loaded, noCoding]);
  const detected = (
    <DetectedClis
      onRegister={(draft) => {
        setEditingId(null);
        setPrefill(draft);
      }}
    />
  );
  return (
    <div className="page">
      <ScreenHead
        title="Agents"
        about="Who can take tasks: their skills, status, capacity and how they have done. The secrets they name are set in Settings → Secrets."
      >
        <div className="actions">
          <label className="small">
            Stats over{' '}
            <select
              aria-label="Stats range"
              value={range}
              onChange={(e) => setRange(e.target.value as Range)}
            >
              <option value="hour">the last hour</option>
              <option value="day">the last day</option>
              <option value="week">the last week</option>
              <option value="all">all time</option>
            </select>
          </label>
          <button
            type="button"
            onClick={probe}
            disabled={untestable !== null}
            aria-describedby={untestable ? 'untestable-agents' : undefined}
          >
            Test connections
          </button>
          {untestable && (
            <span id="untestable-agents" className="muted small">
              {untestable}
            </span>
          )}
          <FileButton label="Import agents…" inputLabel="Agents file" onFile={importAgents} />
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add agent…
          </button>
        </div>
      </ScreenHead>
      {newcomer === true && detected}
      {agents.length === 0 ? (
        <div className="empty">
          <p>
            No agents yet. Import an agents file, such as <code>resources/examples/agents.json</code>, or add
            one with <strong>Add agent…</strong>.
          </p>
        </div>
      ) : (
        <>
          {opened && (
            <AgentPage
              agent={opened}
              stats={stats[opened.id]}
              onEdit={() => setEditingId(opened.id)}
              onClose={() => setOpenId(null)}
            />
          )}
          <DataTable
            label="Agents"
            columns={AGENT_COLUMNS}
            rows={agents}
            rowKey={(a) => a.id}
            row={(a) => (
              <AgentRow
                agent={a}
                stats={stats[a.id]}
                onTest={() => {
                  // The answer shows on its page.
                  setOpenId(a.id);
                  void testAgent(a.id);
                }}
                onEdit={() => setEditingId(a.id)}
                onRemove={() => setRemoving(a)}
              />
            )}
          />
          <StatsChart agents={agents} stats={stats} />
          <SkillLeaderboard agents={agents} start={start} />
        </>
      )}
      {newcomer === false && detected}
      <DetectedAcpAgents
        onRegister={(draft) => {
          setEditingId(null);
          setPrefill(draft);
        }}
      />
      {(editing || prefill || adding) && (
        <AgentFormDialog
          key={editing?.id ?? (prefill ? `register ${prefill.cli} ${prefill.id}` : 'new')}
          editing={editing}
          prefill={editing ? undefined : (prefill ?? undefined)}
          onClose={closeForm}
        />
      )}
      {removing && (
        <RemoveAgentDialog
          agent={removing}
          onClose={() => {
            if (editingId === removing.id) setEditingId(null);
            setRemoving(null);
          }}
        />
      )}
    </div>
  );
}

/** The agents' columns; each row draws itself. */
const AGENT_COLUMNS = headerColumns<Agent>(
  ['Agent', 'Kind', 'Status', 'Capacity', 'Skills', 'Success', 'Avg time'],
  'Actions',
);

function AgentRow({
  agent: a,
  stats,
  onTest,
  onEdit,
  onRemove,
}: {
  agent: Agent;
  stats: AgentExecutionStats | undefined;
  onTest(): void;
  onEdit(): void;
  onRemove(): void;
}) {
  const loadAgents = useBaton((s) => s.loadAgents);
  const fail = useBaton((s) => s.fail);
  const testing = useBaton((s) => s.agentTests[a.id]?.state === 'running');
  const sandboxStatus = useSandboxStatus();
  const routeFacts = useRouteFacts();
  const limit = useBaton((s) => s.agentLimits[a.id]);
  const now = useNowWhile(limit !== undefined, limit?.until);
  const setStatus = async (status: AgentStatus) => {
    try {
      // BUSY is shown while at capacity; what a person sets is ONLINE, AWAY or OFFLINE.
      await api.saveAgent({ ...a, status });
      await loadAgents();
    } catch (err) {
      fail(`Could not change ${a.id}`, err);
    }
  };
  return (
    <tr>
      <th scope="row">
        <RouteLink
          to={{ screen: 'agents', agentId: a.id }}
          className="link-button agent-open"
          title={`Open agent ${a.id}: its details and recent tasks`}
        >
          {a.name ?? a.id}
        </RouteLink>
        {a.name && <div className="muted small">{a.id}</div>}
      </th>
      <td>
        {a.kind}
        {a.kind === 'coding' && <div className="small muted">{codingRunsAs(a, routeFacts)}</div>}
        {(a.kind === 'command' || a.kind === 'llm' || a.kind === 'coding') && (
          <div>
            <SandboxBadge policy={a.sandbox} status={sandboxStatus} />
          </div>
        )}
      </td>
      <td>
        <select
          aria-label={`Status of ${a.id}`}
          className={`pill agent-${a.status}`}
          value={a.status === 'BUSY' ? 'ONLINE' : a.status}
          onChange={(e) => setStatus(e.target.value as AgentStatus)}
        >
          <option value="ONLINE">{a.status === 'BUSY' ? 'BUSY' : 'ONLINE'}</option>
          <option value="AWAY">AWAY</option>
          <option value="OFFLINE">OFFLINE</option>
        </select>
        {limit && (
          <div className="small agent-limit" title={`${limit.account}: ${limit.message}`}>
            {limitedUntil(limit.until, now)}
          </div>
        )}
      </td>
      <td>{a.max_concurrency}</td>
      <td>
        {a.skills.map((s) => (
          <span key={s} className="chip">
            {s}
          </span>
        ))}
      </td>
      <td>
        {agentSuccess(stats)}
        {(stats?.cancelled ?? 0) > 0 && <div className="muted small">{stats?.cancelled} cancelled</div>}
        {(stats?.interrupted ?? 0) > 0 && (
          <div className="muted small">{stats?.interrupted} interrupted by a restart</div>
        )}
      </td>
      <td>{agentTime(stats)}</td>
      <td className="row-actions">
        {a.kind === 'command' && (
          <button
            type="button"
            aria-label={`Test ${a.id}`}
            title="Run its program once with a sample task"
            disabled={testing}
            onClick={onTest}
          >
            {testing ? 'Testing…' : 'Test'}
          </button>
        )}
        <button type="button" aria-label={`Edit ${a.id}`} onClick={onEdit}>
          Edit
        </button>
        <button type="button" aria-label={`Remove ${a.id}`} onClick={onRemove}>
          Remove
        </button>
      </td>
    </tr>
  );
}

/** Ended attempts per agent (done, failed, stopped), as bars (SVG, no chart library needed). */
function StatsChart({ agents, stats }: { agents: Agent[]; stats: Record<string, AgentExecutionStats> }) {
  const stopped = (s: AgentExecutionStats | undefined) => (s ? s.cancelled + s.interrupted : 0);
  const ended = (s: AgentExecutionStats | undefined) => (s ? s.completed + s.failed + stopped(s) : 0);
  const max = Math.max(1, ...agents.map((a) => ended(stats[a.id])));
  const row = 26;
  return (
    <figure className="chart agents-chart">
      <figcaption className="small muted">
        Attempts per agent, each retry counted (green done, red failed, grey cancelled or interrupted by a
        restart; a task reused by a re-run is not counted again)
      </figcaption>
      <svg width="100%" height={agents.length * row + 4} role="img" aria-label="Attempts per agent">
        {agents.map((a, i) => {
          const s = stats[a.id];
          const done = ((s?.completed ?? 0) / max) * 70;
          const failed = ((s?.failed ?? 0) / max) * 70;
          const halted = (stopped(s) / max) * 70;
          return (
            <g key={a.id} transform={`translate(0, ${i * row})`}>
              {/* The label's own viewport clips a long id at its column (the full id on hover). */}
              <svg x="0" y="0" width="19%" height={row} overflow="hidden">
                <title>{a.id}</title>
                <text x="0" y="17" className="chart-label">
                  {a.id}
                </text>
              </svg>
              <rect x="20%" y="4" width={`${done}%`} height="16" className="bar-done" />
              <rect x={`${20 + done}%`} y="4" width={`${failed}%`} height="16" className="bar-failed" />
              <rect
                x={`${20 + done + failed}%`}
                y="4"
                width={`${halted}%`}
                height="16"
                className="bar-cancelled"
              />
              <text x={`${21 + done + failed + halted}%`} y="17" className="chart-label">
                {ended(s)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
