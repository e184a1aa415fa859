import type { AgentHandlers } from '../../src-shared/contract/domains/agents.ts';
import type { Agent } from '../../src-shared/schemas/agent.ts';
import { agentsFileSchema } from '../../src-shared/schemas/agent.ts';
import { testCommandAgent } from '../agents/index.ts';
import { AppError, invalidInput, toIssues } from '../base/errors.ts';
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
    'agents.probe': async () => (availability ? availability.probeAll() : []),
    'agents.import': ({ agents }) => {
      const parsed = agentsFileSchema.safeParse(agents);
      if (!parsed.success)
        throw invalidInput('agents file is invalid', toIssues(parsed.error.issues, ['agents']));
      const saved = store.tx(() => parsed.data.map((a) => store.agents.save(keepWorker(a), now())));
      engine.agentsChanged();
      for (const a of saved) bus.emit('agent.updated', a);
      return saved;
    },
    'agents.create': (agent) => {
      if (!store.tx(() => store.agents.create(agent, now()))) {
        const message = `An agent with id ${agent.id} already exists — edit it instead`;
        throw new AppError('conflict', message, { issues: [{ path: 'id', message }] });
      }
      engine.agentsChanged();
      bus.emit('agent.updated', agent);
      return agent;
    },
    'agents.save': (agent) => {
      const saved = store.tx(() => store.agents.save(keepWorker(agent), now()));
      engine.agentsChanged();
      bus.emit('agent.updated', saved);
      return saved;
    },
    'agents.remove': ({ agent_id }) => {
      if (!store.agents.get(agent_id)) return { removed: false };
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
      const removed = store.tx(() => store.agents.delete(agent_id));
      engine.agentsChanged();
      // Other windows and tabs still list it until told.
      if (removed) bus.emit('agent.removed', { id: agent_id });
      return { removed };
    },
  };
}
