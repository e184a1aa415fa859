import type { AgentHandlers } from '../../src-shared/contract/domains.ts';
import { agentsFileSchema } from '../../src-shared/schemas/agent.ts';
import { invalidInput, toIssues } from '../errors.ts';
import type { AppContext } from './context.ts';

export function agentHandlers({ store, engine, bus, now, availability }: AppContext): AgentHandlers {
  return {
    'agents.list': () => store.agents.list().map((a) => engine.effectiveStatus(a)),
    'agents.probe': async () => (availability ? availability.probeAll() : []),
    'agents.import': ({ agents }) => {
      const parsed = agentsFileSchema.safeParse(agents);
      if (!parsed.success)
        throw invalidInput('agents file is invalid', toIssues(parsed.error.issues, ['agents']));
      const saved = store.tx(() => parsed.data.map((a) => store.agents.save(a, now())));
      engine.agentsChanged();
      for (const a of saved) bus.emit('agent.updated', a);
      return saved;
    },
    'agents.save': (agent) => {
      const saved = store.tx(() => store.agents.save(agent, now()));
      engine.agentsChanged();
      bus.emit('agent.updated', saved);
      return saved;
    },
    'agents.remove': ({ agent_id }) => {
      const removed = store.tx(() => store.agents.delete(agent_id));
      engine.agentsChanged();
      return { removed };
    },
  };
}
