import type { AgentKindDefinition } from '../../engine/executor.ts';
import { echoExecutor } from './echo.ts';

/** The `echo` kind: completes at once with its input (dry runs, benchmarks). */
export const echoKind: AgentKindDefinition<'echo'> = {
  kind: 'echo',
  create: () => ({ executor: echoExecutor }),
};
