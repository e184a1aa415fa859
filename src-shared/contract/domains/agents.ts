import { z } from 'zod';
import type { Agent } from '../../schemas/agent.ts';
import { agentSchema, agentsFileSchema } from '../../schemas/agent.ts';
import { byId, none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

export const agentMethods = {
  'agents.list': method(none).returns<Agent[]>(),
  /** Imports an agents file (array or `{ agents }`); existing ids are replaced. */
  'agents.import': method(z.strictObject({ agents: z.unknown() })).returns<Agent[]>(),
  /** Adds a new agent; an id already taken is a `conflict` (on the `id` field), never replaced. */
  'agents.create': method(agentSchema).returns<Agent>(),
  /** Saves an agent, replacing the one with its id if there is one. */
  'agents.save': method(agentSchema).returns<Agent>(),
  /**
   * Removes an agent. An agent holding tasks in progress is a `conflict` (details list them):
   * wait for them or cancel them first. Its past attempts stay in run history and statistics.
   */
  'agents.remove': method(byId('agent_id')).returns<{ removed: boolean }>(),
  /** Tests the connection of every agent with an endpoint now (a connection test). */
  'agents.probe': method(none).returns<{ id: string; reachable: boolean }[]>(),
};

export type AgentHandlers = HandlersOf<typeof agentMethods>;

// Re-exported so a host can validate a raw agents file with the same schema.
export { agentsFileSchema };
