import { NO_TRAITS } from '../../engine/kind-traits.ts';
import type { AgentKindDefinition } from '../kind-definition.ts';
import type { LlmExecutorOptions } from './llm.ts';
import { createLlmExecutor } from './llm.ts';

/** The `llm` kind: an OpenAI-compatible chat endpoint, with the tool loop when the agent has tools. */
export const llmKind: AgentKindDefinition<'llm', LlmExecutorOptions> = {
  kind: 'llm',
  // Its tool loop thinks in model turns: a budget stops it before one, and a person's waits on its tool calls are not its work.
  traits: { ...NO_TRAITS, thinksInTurns: true },
  create: (deps) => createLlmExecutor(deps),
};
