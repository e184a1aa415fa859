import { NO_TRAITS } from '../../engine/kind-traits.ts';
import type { AgentKindDefinition } from '../kind-definition.ts';
import type { CommandExecutorOptions } from './command.ts';
import { createCommandExecutor } from './command.ts';

/** The `command` kind: a configured program, without a shell, in the attempt's workspace. */
export const commandKind: AgentKindDefinition<'command', CommandExecutorOptions> = {
  kind: 'command',
  traits: NO_TRAITS,
  // The line protocol carries no usage: an attempt costs its estimate (or the agent's cost per task).
  create: (deps) => ({ ...createCommandExecutor(deps), reportsUsage: false }),
};
