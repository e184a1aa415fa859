import type { MemoryHandlers } from '../../src-shared/contract/domains/memory.ts';
import { AppError } from '../errors.ts';
import { STEP_ENTRY_PREFIX, stepAsEntry } from '../store/steps-repo.ts';
import type { AppContext } from './context.ts';

export function memoryHandlers({ store }: AppContext): MemoryHandlers {
  return {
    'memory.read': ({ memory_id }) => {
      // A step a search found (`step:<n>`) reads as the entry the search showed.
      if (memory_id.startsWith(STEP_ENTRY_PREFIX)) {
        const n = Number(memory_id.slice(STEP_ENTRY_PREFIX.length));
        const found = Number.isSafeInteger(n) && n > 0 ? store.steps.byId(n) : undefined;
        if (found) return stepAsEntry(n, found.step, found.agent_id, found.project_id);
      }
      const entry = store.memory.get(memory_id);
      if (!entry) throw new AppError('not_found', `memory entry "${memory_id}" not found`);
      return entry;
    },
    'memory.search': (filter) => store.memory.search(filter),
  };
}
