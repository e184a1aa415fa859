import type { CodingCliDefinition } from '../definition.ts';
import { customAcp } from './acp.ts';

/**
 * Any other agent that speaks the Agent Client Protocol (cli `acp`): its own `executable` and
 * `args` over ACP only (acp.ts), with its own config; Baton writes none and does not know its
 * model server, so its calls are not metered (the cost it reports is weighed) and `max_cost_usd`
 * is refused for it.
 */
export const custom: CodingCliDefinition<'acp'> = {
  cli: 'acp',
  wire: null,
  ownServer: null,
  // Nothing of the person's home is its to write; it reaches the hosts its agent lists.
  ownLogin: { state: [], config: [], hosts: [] },
  stream: null,
  acp: customAcp,
  can: { resume: 'load-session', nativeBudget: false, steer: 'next-turn', interrupt: 'session-cancel' },
};
