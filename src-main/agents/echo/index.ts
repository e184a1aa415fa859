import { NO_TRAITS } from '../../engine/kind-traits.ts';
import type { AgentKindDefinition } from '../kind-definition.ts';
import { echoExecutor } from './echo.ts';

/** The `echo` kind: completes at once with its input (dry runs, benchmarks). */
export const echoKind: AgentKindDefinition<'echo'> = {
  kind: 'echo',
  traits: NO_TRAITS,
  create: () => echoExecutor,
};
