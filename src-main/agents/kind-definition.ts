import type { AgentKind } from '../../src-shared/schemas/agent.ts';
import type { ExecutingKind, Executor } from '../engine/executor.ts';
import type { KindTraits } from '../engine/kind-traits.ts';

/** A kind's executor: one for every kind that runs without a person, none (null) for `human`. */
export type KindExecutor<K extends AgentKind> = K extends ExecutingKind ? Executor : null;

/**
 * An agent kind as the registry holds it (`registry.ts`, one line per kind), defined in its
 * folder's `index.ts`:
 * - `kind`: its name (`Agent['kind']`);
 * - `create`: its executor from the options the kinds are given (`Deps`), null for `human`. That
 *   is all a process without Baton's store runs of it (`baton worker`);
 * - `inApp`, for a kind that implements the engine's hooks (`Executor.prepare`, `onTaskEnded`,
 *   `onRunEnded`, `outputFiles`, in `src-main/engine/executor.ts`) and keeps state in the app:
 *   that executor (or one a test gives instead) made into the kind the app holds, from what the
 *   app gives (`Host`). Without it the app holds the executor as `create` made it;
 * - `traits`: what the engine's core reads of the kind instead of its name (`KindTraits`, in
 *   `src-main/engine/kind-traits.ts`: thinks in model turns, resumes a session, works in a
 *   workspace, has its diff reviewed); `NO_TRAITS` for a kind the core treats like any other.
 */
export interface AgentKindDefinition<K extends AgentKind, Deps = unknown, Host = unknown> {
  readonly kind: K;
  readonly create: (deps: Deps) => KindExecutor<K>;
  readonly inApp?: (executor: KindExecutor<K>, host: Host) => KindExecutor<K>;
  readonly traits: KindTraits;
}
