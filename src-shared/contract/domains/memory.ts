import type { MemoryEntry, MemorySearchHit } from '../../schemas/memory.ts';
import { memorySearchInputSchema, memoryWriteInputSchema } from '../../schemas/memory.ts';
import { byId } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/** Memory entries: build logs, task results, decisions, agents' notes; read one, search them, write a note. */
export const memoryMethods = {
  'memory.read': method(byId('memory_id')).returns<MemoryEntry>(),
  'memory.search': method(memorySearchInputSchema).returns<MemorySearchHit[]>(),
  /**
   * An agent writes a note (never one of Baton's own records): tagged with its type and `by:<agent>`,
   * and with the plan and run it is about (`plan:<id>`, `run:<id>`). A run, plan or project named
   * must exist; a task is named with its run; with a run or plan, a project named must be its own.
   */
  'memory.write': method(memoryWriteInputSchema).returns<MemoryEntry>(),
};

export type MemoryHandlers = HandlersOf<typeof memoryMethods>;
