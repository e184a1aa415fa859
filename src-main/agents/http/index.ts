import { NO_TRAITS } from '../../engine/kind-traits.ts';
import type { AgentKindDefinition } from '../kind-definition.ts';
import type { HttpExecutorOptions } from './http.ts';
import { createHttpExecutor } from './http.ts';

/** The `http` kind: a service Baton posts the task to, which answers or posts its result back. */
export const httpKind: AgentKindDefinition<'http', HttpExecutorOptions> = {
  kind: 'http',
  traits: NO_TRAITS,
  // An HTTP agent's reply carries no usage: an attempt costs its estimate (or the agent's cost per task).
  create: (deps) => ({ ...createHttpExecutor(deps), reportsUsage: false }),
};
