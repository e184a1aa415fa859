import type { AgentKind } from '../../src-shared/schemas/agent.ts';
import { AGENT_KINDS } from '../../src-shared/schemas/agent.ts';
import type { Executor, ExecutorRegistry } from '../engine/executor.ts';
import { isExecutingKind } from '../engine/executor.ts';
import type { KindTraitTable } from '../engine/kind-traits.ts';
import { NO_TRAITS } from '../engine/kind-traits.ts';
import type { CodingExecutorOptions, CodingHost } from './coding/index.ts';
import { codingKind } from './coding/index.ts';
import type { CommandExecutorOptions } from './command/command.ts';
import { commandKind } from './command/index.ts';
import { echoKind } from './echo/index.ts';
import type { HttpExecutorOptions } from './http/http.ts';
import { httpKind } from './http/index.ts';
import type { AgentKindDefinition, KindExecutor } from './kind-definition.ts';
import { llmKind } from './llm/index.ts';
import type { LlmExecutorOptions } from './llm/llm.ts';

/** What the kinds' executors are given: each kind's options, together. */
export type AgentDeps = CommandExecutorOptions &
  HttpExecutorOptions &
  LlmExecutorOptions &
  CodingExecutorOptions;

/** What the app gives the kinds it holds with their hooks (`inApp`): the coding kind's store and worktrees. */
export type AgentHost = CodingHost;

/**
 * Every agent kind, one line each (a kind is a folder beside this file and its line here). A kind
 * missing from the table, one it does not know, or a definition under another kind's name, does
 * not compile.
 */
export const AGENT_KIND_DEFINITIONS = {
  echo: echoKind,
  command: commandKind,
  http: httpKind,
  llm: llmKind,
  coding: codingKind,
  // A person takes a human agent's tasks (My tasks, the pull API): the engine hands them over.
  human: { kind: 'human', create: () => null, traits: NO_TRAITS },
} satisfies { readonly [K in AgentKind]: AgentKindDefinition<K, AgentDeps, AgentHost> };

type Definitions = typeof AGENT_KIND_DEFINITIONS;

/** The table as the builders read it: each kind's definition, whatever it holds in the app. */
const DEFINITIONS: { readonly [K in AgentKind]: AgentKindDefinition<K, AgentDeps, AgentHost> } =
  AGENT_KIND_DEFINITIONS;

/** Every kind's traits, as declared on its line of the table: what the engine reads instead of a kind's name. */
export const KIND_TRAITS: KindTraitTable = Object.fromEntries(
  AGENT_KINDS.map((kind) => [kind, DEFINITIONS[kind].traits]),
) as { [K in AgentKind]: KindTraitTable[K] };

/** What the app holds of one kind: what its `inApp` makes, else its executor. */
type HeldKind<D> = D extends { inApp: (...args: never[]) => infer Held }
  ? Held
  : D extends { create: (...args: never[]) => infer Made }
    ? Made
    : never;

/** Every kind as the app holds it, by name (`coding`: the `CodingKind`, `human`: null). */
export type HeldKinds = { readonly [K in AgentKind]: HeldKind<Definitions[K]> };

/** The kinds, built for the app: each as held, and the executors the engine runs attempts with. */
export interface AgentKinds {
  kinds: HeldKinds;
  /** By kind; a kind a test left without one (`instead`: undefined) pulls its work. */
  executors: Partial<ExecutorRegistry>;
}

/**
 * Builds every kind of the table once for the app: its executor, made into what the app holds by
 * the kind's `inApp` (its hooks) when it has one. `instead` (tests) gives executors to run in
 * place of the kinds' own: inside the kind's hooks for a kind with `inApp`, else in its place
 * (undefined: none, the kind's agents pull their work).
 */
export function createAgentKinds(
  deps: AgentDeps,
  host: AgentHost,
  instead: Partial<ExecutorRegistry> = {},
): AgentKinds {
  const given = instead as Partial<Record<AgentKind, Executor>>;
  const held: Partial<Record<AgentKind, Executor | null>> = {};
  const build = <K extends AgentKind>(kind: K): void => {
    const definition = DEFINITIONS[kind];
    if (!definition.inApp) {
      held[kind] = definition.create(deps);
      return;
    }
    const executor = (given[kind] as KindExecutor<K> | undefined) ?? definition.create(deps);
    held[kind] = definition.inApp(executor, host);
  };
  for (const kind of AGENT_KINDS) build(kind);
  // Every kind is in the table, each built as its definition says: the kinds are whole.
  const kinds = held as HeldKinds;
  const executors: Partial<ExecutorRegistry> = executorsOf(kinds);
  for (const kind of AGENT_KINDS) {
    if (!isExecutingKind(kind) || !(kind in instead) || DEFINITIONS[kind].inApp) continue;
    const executor = instead[kind];
    if (executor) executors[kind] = executor;
    else delete executors[kind];
  }
  return { kinds, executors };
}

/**
 * One executor per kind that runs without a person, as `create` makes it: no kind's hooks (a
 * process without Baton's store: `baton worker`). `human` agents have none: the engine handles
 * them itself (an approval), so it narrows `agent.kind` (see `isExecutingKind`) before looking up
 * `executors[agent.kind]`.
 */
export function createExecutors(deps: AgentDeps = {}): ExecutorRegistry {
  const kinds: Partial<Record<AgentKind, Executor | null>> = {};
  for (const kind of AGENT_KINDS) kinds[kind] = DEFINITIONS[kind].create(deps);
  return executorsOf(kinds as HeldKinds);
}

function executorsOf(kinds: { readonly [K in AgentKind]: KindExecutor<K> }): ExecutorRegistry {
  const { human: _none, ...executors } = kinds;
  return executors;
}
