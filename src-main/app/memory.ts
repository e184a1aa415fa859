import type { MemoryHandlers } from '../../src-shared/contract/domains/memory.ts';
import { AppError } from '../errors.ts';
import type { AppContext } from './context.ts';

export function memoryHandlers({ store }: AppContext): MemoryHandlers {
  return {
    'memory.read': ({ memory_id }) => {
      const entry = store.memory.get(memory_id);
      if (!entry) throw new AppError('not_found', `memory entry "${memory_id}" not found`);
      return entry;
    },
    'memory.search': (filter) => store.memory.search(filter),
  };
}
