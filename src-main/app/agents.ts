import { actorOfCall } from '../../src-shared/contract/caller.ts';
import type { AgentHandlers } from '../../src-shared/contract/domains/agents.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import { agentsFileSchema } from '../../src-shared/schemas/agent.ts';
import { rankRecords } from '../../src-shared/schemas/skill-record.ts';
import { routeFacts } from '../agents/coding/routes/default-route.ts';
import { testCommandAgent } from '../agents/index.ts';
import { configChangeEntry } from '../base/config-audit.ts';
import { AppError, invalidInput, toIssues } from '../base/errors.ts';
import { agentGrantScope } from '../engine/approvals/tool-grants.ts';
import { userEnv } from '../processes/user-env.ts';
import { sandboxStatus } from '../sandbox/index.ts';
import type { AppContext } from './context.ts';

export function agentHandlers({
  store,
  engine,
  bus,
  now,
  availability,
  agentTest,
}: AppContext): AgentHandlers {
  // A remote worker's agent stays the worker's when a person edits or imports it (a form that
  // changes its kind drops the field): Baton must never start running a program configured for
  // another machine. Removing it is how it stops being the worker's.
  const keepWorker = (a: Agent): Agent => {
    const owner = store.agents.get(a.id)?.worker;
    // A person is run by no worker: an agent edited into a human one leaves its worker behind.
    return owner !== undefined && a.worker === undefined && a.kind !== 'human' ? { ...a, worker: owner } : a;
  };
  // Every change people make to an agent is in the audit log, field by field (secret values
  // hidden). Turning its sandbox off lets its processes run with the full rights of the person
  // who started Baton: the entry says so in its own words.
  const auditAgent = (before: Agent | undefined, after: Agent | undefined, actor: string) => {
    const id = (after ?? before)!.id;
    const was = before ? (sandboxModeOf(before) ?? 'none') : null;
    const off = after !== undefined && sandboxModeOf(after) === 'off' && was !== 'off';
    const entry = configChangeEntry({
      at: now(),
      actor,
      entity: 'agent',
      entity_id: id,
      what: `agent "${id}"`,
      before,
      after,
      ...(off
        ? {
            from_status: was,
            to_status: 'sandbox off',
            why: `the OS sandbox of agent "${id}" was turned off: its processes run with the full rights of the person who started Baton`,
          }
        : {}),
    });
    if (entry) store.memory.audit(entry);
  };
  return {
    'agents.test': async ({ agent_id, description }) => {
      const agent = store.agents.get(agent_id);
      if (!agent) throw new AppError('not_found', `no agent "${agent_id}"`);
      if (agent.kind !== 'command') {
        const message = `${agent_id} is a${agent.kind === 'echo' || agent.kind === 'http' ? 'n' : ''} ${agent.kind} agent: only a command agent's program can be tested here`;
        throw invalidInput(message, [{ path: 'agent_id', message }]);
      }
      return testCommandAgent(agent, { ...agentTest, description });
    },
    'agents.list': () => store.agents.list().map((a) => engine.effectiveStatus(a)),
    'agents.limits': () => engine.limits(),
    'agents.sandbox': () => sandboxStatus(),
    // The coding CLIs' table (their launches and stream parsers) is loaded when first asked, not at start.
    'agents.detectAcp': async () =>
      (await import('../agents/coding/clis/detect.ts')).detectAcpAgents(
        userEnv(),
        store.workspaces.list().map((w) => w.path),
      ),
    'agents.routeFacts': async () => ({ claude_acp: (await routeFacts()).claudeAcp }),
    'agents.leaderboard': ({ skill, start }) =>
      rankRecords(store.skillRecords.forSkill(skill, start ?? null)),
    'agents.allowedHosts': ({ agent_id }) => {
      if (!store.agents.get(agent_id))
        throw new AppError('not_found', `no agent "${agent_id}"`, { field: 'agent_id' });
      return store.sandboxHosts.allowed(`agent:${agent_id}`);
    },
    'agents.forgetHost': ({ agent_id, host }, call) => {
      if (!store.agents.get(agent_id))
        throw new AppError('not_found', `no agent "${agent_id}"`, { field: 'agent_id' });
      const forgotten = store.tx(() => {
        const gone = store.sandboxHosts.forget(`agent:${agent_id}`, host);
        if (gone)
          store.memory.audit({
            at: now(),
            actor: actorOfCall(null, call),
            entity: 'agent',
            entity_id: agent_id,
            run_id: null,
            from_status: null,
            to_status: 'host forgotten',
            why: `${host} is no longer allowed for agent "${agent_id}": later attempts are refused it`,
          });
        return gone;
      });
      return { forgotten };
    },
    'agents.toolGrants': ({ agent_id }) => {
      if (!store.agents.get(agent_id))
        throw new AppError('not_found', `no agent "${agent_id}"`, { field: 'agent_id' });
      return store.toolGrants.allowed(agentGrantScope(agent_id));
    },
    'agents.forgetToolGrant': ({ agent_id, tool }, call) => {
      if (!store.agents.get(agent_id))
        throw new AppError('not_found', `no agent "${agent_id}"`, { field: 'agent_id' });
      const forgotten = store.tx(() => {
        const gone = store.toolGrants.forget(agentGrantScope(agent_id), tool);
        if (gone)
          store.memory.audit({
            at: now(),
            actor: actorOfCall(null, call),
            entity: 'agent',
            entity_id: agent_id,
            run_id: null,
            from_status: null,
            to_status: 'tool no longer allowed',
            why: `${tool} is no longer allowed always for agent "${agent_id}": its later calls are asked`,
          });
        return gone;
      });
      return { forgotten };
    },
    'agents.probe': async () => (availability ? availability.probeAll() : []),
    'agents.import': ({ agents }, call) => {
      const parsed = agentsFileSchema.safeParse(agents);
      if (!parsed.success)
        throw invalidInput('agents file is invalid', toIssues(parsed.error.issues, ['agents']));
      const saved = store.tx(() =>
        parsed.data.map((a) => {
          const before = store.agents.get(a.id);
          const written = store.agents.save(keepWorker(a), now());
          auditAgent(before, written, actorOfCall(null, call));
          return written;
        }),
      );
      engine.agentsChanged();
      for (const a of saved) bus.emit('agent.updated', a);
      return saved;
    },
    'agents.create': (agent, call) => {
      const created = store.tx(() => {
        const made = store.agents.create(agent, now());
        if (made) auditAgent(undefined, agent, actorOfCall(null, call));
        return made;
      });
      if (!created) {
        const message = `An agent with id ${agent.id} already exists — edit it instead`;
        throw new AppError('conflict', message, { issues: [{ path: 'id', message }] });
      }
      engine.agentsChanged();
      bus.emit('agent.updated', agent);
      return agent;
    },
    'agents.save': (agent, call) => {
      const saved = store.tx(() => {
        const before = store.agents.get(agent.id);
        const written = store.agents.save(keepWorker(agent), now());
        auditAgent(before, written, actorOfCall(null, call));
        return written;
      });
      engine.agentsChanged();
      bus.emit('agent.updated', saved);
      return saved;
    },
    'agents.remove': ({ agent_id }, call) => {
      const before = store.agents.get(agent_id);
      if (!before) return { removed: false };
      // An attempt in flight would outlive its agent: its report would find no agent, and its
      // place under the engine's limits would never be given back. So it ends first. Only the
      // tasks it holds matter here, not the ready work its inbox would also gather.
      const tasks = engine.work.held(agent_id).map(({ run_id, task_id }) => ({ run_id, task_id }));
      if (tasks.length > 0) {
        const [n, them] = tasks.length === 1 ? ['1 task', 'it'] : [`${tasks.length} tasks`, 'them'];
        throw new AppError(
          'conflict',
          `${agent_id} is working on ${n} (${tasks.map((t) => t.task_id).join(', ')}). ` +
            `Wait for ${them} to end or cancel ${them}, then remove ${agent_id}; set it OFFLINE to stop new work.`,
          { in_progress: tasks },
        );
      }
      const removed = store.tx(() => {
        const gone = store.agents.delete(agent_id);
        if (gone) auditAgent(before, undefined, actorOfCall(null, call));
        return gone;
      });
      engine.agentsChanged();
      // Other windows and tabs still list it until told.
      if (removed) bus.emit('agent.removed', { id: agent_id });
      return { removed };
    },
  };
}

/** An agent's sandbox mode, for the kinds that have one (their processes run in it). */
export function sandboxModeOf(a: Agent): 'required' | 'off' | null {
  if (a.kind !== 'command' && a.kind !== 'llm' && a.kind !== 'coding') return null;
  return a.sandbox?.mode ?? 'required';
}
