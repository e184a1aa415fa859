import type { Executor } from '../../engine/executor.ts';
import { NO_TRAITS } from '../../engine/kind-traits.ts';
import type { AgentKindDefinition } from '../kind-definition.ts';
import type { LlmExecutorOptions } from './llm.ts';

/** The `llm` kind: an OpenAI-compatible chat endpoint, with the tool loop when the agent has tools. */
export const llmKind: AgentKindDefinition<'llm', LlmExecutorOptions> = {
  kind: 'llm',
  // Its tool loop thinks in model turns: a budget stops it before one, and a person's waits on its tool calls are not its work.
  traits: { ...NO_TRAITS, thinksInTurns: true },
  create: (deps) => llmExecutorAtFirstTask(deps),
};

/**
 * `createLlmExecutor` (llm.ts), loaded at the first task of an llm agent: its completion, its tool
 * loop and its tools are code an app (and `baton serve`'s start) whose runs have no llm agent never
 * runs. Its executor sets none of the executor's flags, so this one needs none either.
 */
export function llmExecutorAtFirstTask(opts: LlmExecutorOptions): Executor {
  let made: Promise<Executor> | null = null;
  const executor = () => {
    made ??= import('./llm.ts').then(
      (m) => m.createLlmExecutor(opts),
      (err: unknown) => {
        made = null; // the next task tries again
        throw err;
      },
    );
    return made;
  };
  return {
    async *start(ctx, signal) {
      yield* (await executor()).start(ctx, signal);
    },
  };
}
