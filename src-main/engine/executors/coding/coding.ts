import type { Executor } from '../../executor.ts';
import { executorFor } from '../../executor.ts';

/** `coding` agents: a coding-agent CLI in a git worktree. Being built (issue 15). */
export function createCodingExecutor(): Executor {
  return executorFor('coding', async function* () {
    yield { type: 'error', message: 'coding agents cannot run yet: their executor is being built' };
  });
}
