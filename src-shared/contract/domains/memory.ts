import type { MemoryEntry, MemorySearchHit } from '../../schemas/memory.ts';
import { memorySearchInputSchema } from '../../schemas/memory.ts';
import { byId } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/** Memory entries: build logs, task results, decisions; read one, or search them. */
export const memoryMethods = {
  'memory.read': method(byId('memory_id')).returns<MemoryEntry>(),
  'memory.search': method(memorySearchInputSchema).returns<MemorySearchHit[]>(),
};

export type MemoryHandlers = HandlersOf<typeof memoryMethods>;
