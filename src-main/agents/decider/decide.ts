import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type { Decide } from '../../engine/decider-questions.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { QuestionExecutor } from '../llm/ask.ts';
import { decideByLlm } from './llm-decider.ts';
import { decideByRules } from './rule-decider.ts';

export interface DecideDeps {
  /** A registered agent by id (an llm decider names its agent). */
  agentOf: (id: string) => Agent | undefined;
  /** The llm kind's executor, which an llm decider asks; none: only the rules decide. */
  llm: QuestionExecutor | undefined;
  secrets: SecretResolver;
}

/**
 * A plan's decider, as the engine asks it (its `decide` option): the rules, or the registered
 * llm agent the plan names.
 */
export function createDecide(deps: DecideDeps): Decide {
  return async (spec, ctx) => {
    if (spec.kind === 'rules') return { decision: decideByRules(ctx) };
    const agent = spec.agent_id ? deps.agentOf(spec.agent_id) : undefined;
    if (agent?.kind !== 'llm')
      throw new Error(`decider agent "${spec.agent_id}" is not a registered llm agent`);
    if (!deps.llm) throw new Error('no llm executor is available');
    return decideByLlm(agent, ctx, { executor: deps.llm, secrets: deps.secrets });
  };
}
