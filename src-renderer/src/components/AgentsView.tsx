import { useEffect, useState } from 'react';
import type { Agent, AgentStatus } from '../../../src-shared/schemas/agent.ts';
import type { AgentExecutionStats } from '../../../src-shared/schemas/run.ts';
import { api } from '../api/client.ts';
import { contractIssues } from '../api/errors.ts';
import { useBaton } from '../store/index.ts';
import { FileButton } from './FileButton.tsx';
import { InputField } from './InputField.tsx';
import { SecretsPanel } from './SecretsPanel.tsx';
import { SkillsField } from './SkillsField.tsx';

const RANGES = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, all: 0 } as const;
type Range = keyof typeof RANGES;

export function AgentsView() {
  const agents = useBaton((s) => s.agents);
  const importAgents = useBaton((s) => s.importAgents);
  const loadAgents = useBaton((s) => s.loadAgents);
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const [range, setRange] = useState<Range>('day');
  const [stats, setStats] = useState<Record<string, AgentExecutionStats>>({});

  useEffect(() => {
    const start = RANGES[range] ? new Date(Date.now() - RANGES[range]).toISOString() : undefined;
    Promise.all(agents.map((a) => api.agentStats(a.id, start))).then(
      (list) => setStats(Object.fromEntries(list.map((s) => [s.agent_id, s]))),
      (err) => fail('Could not load agent statistics', err),
    );
  }, [agents, range, fail]);

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

  return (
    <div className="page">
      <header className="plan-head">
        <div>
          <h1>Agents</h1>
          <p className="muted small">
            Who can take tasks: their skills, status, capacity and how they have done.
          </p>
        </div>
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
          <button type="button" onClick={probe}>
            Test connections
          </button>
          <FileButton label="Import agents…" inputLabel="Agents file" onFile={importAgents} primary />
        </div>
      </header>
      {agents.length === 0 ? (
        <div className="empty">
          <p>
            No agents yet. Import an agents file, such as <code>resources/examples/agents.json</code>, or add
            one below.
          </p>
        </div>
      ) : (
        <>
          <table className="tasks" aria-label="Agents">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Capacity</th>
                <th scope="col">Skills</th>
                <th scope="col">Success</th>
                <th scope="col">Avg time</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <AgentRow key={a.id} agent={a} stats={stats[a.id]} />
              ))}
            </tbody>
          </table>
          <StatsChart agents={agents} stats={stats} />
        </>
      )}
      <AddAgent />
      <SecretsPanel />
    </div>
  );
}

function AgentRow({ agent: a, stats }: { agent: Agent; stats: AgentExecutionStats | undefined }) {
  const loadAgents = useBaton((s) => s.loadAgents);
  const fail = useBaton((s) => s.fail);
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
        {a.name ?? a.id}
        {a.name && <div className="muted small">{a.id}</div>}
      </th>
      <td>{a.kind}</td>
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
        {stats?.success_rate === null || !stats
          ? '—'
          : `${stats.success_rate}% of ${stats.completed + stats.failed}`}
      </td>
      <td>
        {stats?.average_completion_time == null ? '—' : `${stats.average_completion_time.toFixed(2)} s`}
      </td>
    </tr>
  );
}

/** Completed and failed attempts per agent, as bars (SVG, no chart library needed). */
function StatsChart({ agents, stats }: { agents: Agent[]; stats: Record<string, AgentExecutionStats> }) {
  const max = Math.max(1, ...agents.map((a) => (stats[a.id]?.completed ?? 0) + (stats[a.id]?.failed ?? 0)));
  const row = 26;
  return (
    <figure className="chart">
      <figcaption className="small muted">Attempts per agent (green done, red failed)</figcaption>
      <svg width="100%" height={agents.length * row + 4} role="img" aria-label="Attempts per agent">
        {agents.map((a, i) => {
          const s = stats[a.id];
          const done = ((s?.completed ?? 0) / max) * 70;
          const failed = ((s?.failed ?? 0) / max) * 70;
          return (
            <g key={a.id} transform={`translate(0, ${i * row})`}>
              <text x="0" y="17" className="chart-label">
                {a.id}
              </text>
              <rect x="20%" y="4" width={`${done}%`} height="16" className="bar-done" />
              <rect x={`${20 + done}%`} y="4" width={`${failed}%`} height="16" className="bar-failed" />
              <text x={`${21 + done + failed}%`} y="17" className="chart-label">
                {(s?.completed ?? 0) + (s?.failed ?? 0)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

type Kind = 'echo' | 'command' | 'http' | 'llm' | 'human';
const KIND_HELP: Record<Kind, string> = {
  echo: 'completes at once with its input (dry runs)',
  command: 'runs a program you name, without a shell; see resources/agents/PROTOCOL.md',
  http: 'POSTs the task to your service; see resources/agents/HTTP.md',
  llm: 'an OpenAI-compatible chat endpoint (Ollama, llama.cpp, LM Studio, vLLM, OpenAI)',
  human: "the task waits in that person's inbox (Approvals → My tasks)",
};

/** A form for a new agent of any kind; errors from the contract name the field. */
function AddAgent() {
  const loadAgents = useBaton((s) => s.loadAgents);
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const [kind, setKind] = useState<Kind>('echo');
  const [f, setF] = useState({
    id: '',
    capacity: '1',
    cost: '0',
    mission: '',
    command: '',
    args: '',
    url: '',
    cancel_url: '',
    callback: true,
    secret: '',
    base_url: 'http://127.0.0.1:11434/v1',
    model: '',
  });
  const [skills, setSkills] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (k: Exclude<keyof typeof f, 'callback'>) => (v: string) => setF({ ...f, [k]: v });
  const kindFields = (): Record<string, unknown> => {
    switch (kind) {
      case 'command':
        return {
          command: f.command,
          args: f.args
            .split('\n')
            .map((a) => a.trim())
            .filter(Boolean),
        };
      case 'http':
        return {
          url: f.url,
          callback: f.callback,
          ...(f.cancel_url ? { cancel_url: f.cancel_url } : {}),
          ...(f.secret ? { auth_secret: f.secret } : {}),
        };
      case 'llm':
        return { base_url: f.base_url, model: f.model, ...(f.secret ? { api_key_secret: f.secret } : {}) };
      default:
        return {};
    }
  };
  const submit = async () => {
    const numbers = { max_concurrency: Number(f.capacity), cost_per_task: Number(f.cost) };
    for (const [k, v] of Object.entries(numbers)) {
      if (!Number.isFinite(v)) return setErrors({ [k]: 'must be a number' });
    }
    try {
      await api.saveAgent({
        id: f.id,
        kind,
        skills,
        ...numbers,
        ...(f.mission ? { charter: { mission: f.mission } } : {}),
        ...kindFields(),
      } as Parameters<typeof api.saveAgent>[0]);
      setErrors({});
      setSkills([]);
      setF({ ...f, id: '', mission: '' });
      notify('info', `Added agent ${f.id}`);
      await loadAgents();
    } catch (err) {
      const issues = contractIssues(err);
      setErrors(
        Object.fromEntries(
          issues.map((i) => [i.path.replace(/\[\d+\]$/, '').replace(/^charter\./, ''), i.message]),
        ),
      );
      if (issues.length === 0) fail('The agent was not added', err);
    }
  };
  return (
    <form
      className="form-panel"
      aria-label="Add an agent"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>Add an agent</h2>
      <div className="row">
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {(Object.keys(KIND_HELP) as Kind[]).map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <p className="muted small">{KIND_HELP[kind]}</p>
      </div>
      <div className="row">
        <InputField label="Id" value={f.id} onChange={set('id')} error={errors.id} placeholder="e.g. ash" />
        <SkillsField label="Skills" skills={skills} error={errors.skills ?? null} onChange={setSkills} />
        <InputField
          label="Capacity"
          value={f.capacity}
          onChange={set('capacity')}
          error={errors.max_concurrency}
        />
        <InputField
          label="Cost per task"
          value={f.cost}
          onChange={set('cost')}
          error={errors.cost_per_task}
        />
      </div>
      <div className="row">
        {kind === 'command' && (
          <>
            <InputField
              label="Program"
              value={f.command}
              onChange={set('command')}
              error={errors.command}
              placeholder="node"
            />
            <label>
              Arguments (one per line; {'{task_id}'}, {'{context_file}'}, {'{resources}'}…)
              <textarea rows={2} value={f.args} onChange={(e) => set('args')(e.target.value)} />
            </label>
          </>
        )}
        {kind === 'http' && (
          <>
            <InputField
              label="URL"
              value={f.url}
              onChange={set('url')}
              error={errors.url}
              placeholder="https://agents.example/run"
            />
            <InputField
              label="Cancel URL (optional)"
              value={f.cancel_url}
              onChange={set('cancel_url')}
              error={errors.cancel_url}
              placeholder="/jobs/{delegation_task_id}/cancel"
            />
            <label className="check">
              <input
                type="checkbox"
                checked={f.callback}
                onChange={(e) => setF({ ...f, callback: e.target.checked })}
              />
              Offer a callback URL (else polled)
            </label>
          </>
        )}
        {kind === 'llm' && (
          <>
            <InputField
              label="Base URL"
              value={f.base_url}
              onChange={set('base_url')}
              error={errors.base_url}
            />
            <InputField
              label="Model"
              value={f.model}
              onChange={set('model')}
              error={errors.model}
              placeholder="llama3.1"
            />
          </>
        )}
        {(kind === 'http' || kind === 'llm') && (
          <InputField
            label="Secret name (never the value)"
            value={f.secret}
            onChange={set('secret')}
            error={errors[kind === 'http' ? 'auth_secret' : 'api_key_secret']}
            placeholder="e.g. openai.key"
          />
        )}
        <InputField
          label="Charter: mission"
          value={f.mission}
          onChange={set('mission')}
          error={errors.mission}
          placeholder="what this agent is for"
        />
        <button type="submit" className="primary">
          Add agent
        </button>
      </div>
    </form>
  );
}
