import type { AgentKindDefinition } from '../kind-definition.ts';
import type { LlmExecutorOptions } from './llm.ts';
import { createLlmExecutor } from './llm.ts';

/** The `llm` kind: an OpenAI-compatible chat endpoint, with the tool loop when the agent has tools. */
export const llmKind: AgentKindDefinition<'llm', LlmExecutorOptions> = {
  kind: 'llm',
  create: (deps) => createLlmExecutor(deps),
};
