import type { AgentKind } from '../../src-shared/schemas/agent.ts';
import { AGENT_KINDS } from '../../src-shared/schemas/agent.ts';
import type {
  AgentKindDefinition,
  AgentKindHooks,
  Executor,
  ExecutorRegistry,
  KindHooks,
} from '../engine/executor.ts';
import type { CodingExecutorOptions } from '../engine/executors/coding/coding.ts';
import { createCodingExecutor } from '../engine/executors/coding/coding.ts';
import type { CommandExecutorOptions } from './command/command.ts';
import { commandKind } from './command/index.ts';
import { echoKind } from './echo/index.ts';
import type { HttpExecutorOptions } from './http/http.ts';
import { httpKind } from './http/index.ts';
import { llmKind } from './llm/index.ts';
import type { LlmExecutorOptions } from './llm/llm.ts';

/** What the app gives the kinds to build them: each kind's options, together. */
export type AgentDeps = CommandExecutorOptions &
  HttpExecutorOptions &
  LlmExecutorOptions &
  CodingExecutorOptions;

/**
 * Every agent kind, one line each (a kind is a folder beside this file and its line here). A kind
 * missing from the table, or a definition under another kind's name, does not compile.
 */
export const AGENT_KIND_DEFINITIONS: { readonly [K in AgentKind]: AgentKindDefinition<K, AgentDeps> } = {
  echo: echoKind,
  command: commandKind,
  http: httpKind,
  llm: llmKind,
  coding: { kind: 'coding', create: (deps) => ({ executor: createCodingExecutor(deps) }) },
  // A person takes a human agent's tasks (My tasks, the pull API): the engine hands them over.
  human: { kind: 'human', create: () => ({ executor: null }) },
};

/** The kinds, built: one executor per kind that runs without a person, and the kinds' hooks. */
export interface AgentKinds {
  executors: ExecutorRegistry;
  hooks: KindHooks;
}

/** Builds every kind of the table once, from what the app gives them. */
export function createAgentKinds(deps: AgentDeps = {}): AgentKinds {
  const executors: Partial<Record<AgentKind, Executor>> = {};
  const hooks: KindHooks = {};
  const build = <K extends AgentKind>(kind: K): void => {
    const parts = AGENT_KIND_DEFINITIONS[kind].create(deps);
    const executor: Executor | null = parts.executor;
    if (executor !== null) executors[kind] = executor;
    const kindHooks: { [P in K]?: AgentKindHooks<P> } = hooks;
    if (parts.onTaskEnded) kindHooks[kind] = { onTaskEnded: parts.onTaskEnded };
  };
  for (const kind of AGENT_KINDS) build(kind);
  // Every kind is in the table, and each kind that runs without a person gives an executor
  // (`AgentKindParts`): the registry is whole.
  return { executors: executors as ExecutorRegistry, hooks };
}

/**
 * One executor per kind that runs without a person (`createAgentKinds`' executors). `human`
 * agents have none: the engine handles them itself (an approval), so it narrows `agent.kind`
 * (see `isExecutingKind`) before looking up `executors[agent.kind]`.
 */
export function createExecutors(deps: AgentDeps = {}): ExecutorRegistry {
  return createAgentKinds(deps).executors;
}
