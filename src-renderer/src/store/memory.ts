import type { StateCreator } from 'zustand';
import type { AuditEntry, MemoryEntry, MemorySearchHit } from '../../../src-shared/schemas/memory.ts';
import { api } from '../api/client.ts';
import type { AuditFilter } from './audit-filter.ts';
import type { BatonState } from './index.ts';

export interface MemoryFilter {
  type?: string;
  plan_id?: string;
  /** Part of an agent's id, any case. */
  agent?: string;
  tag?: string;
  since?: string;
  until?: string;
}

/**
 * What the UI holds of memory and the audit log: entries read one by one (a run's build log,
 * kept current by `memory.written`), and the Build logs screen's searches of both.
 */
export interface MemorySlice {
  /** Memory entries read by id, by id. */
  memoryEntries: Record<string, MemoryEntry>;
  loadMemory(memoryId: string): Promise<void>;
  upsertMemory(entry: MemoryEntry): void;
  /** Filters of the build-log browser. */
  memoryFilter: MemoryFilter;
  setMemoryFilter(f: MemoryFilter): void;
  memoryQuery: string;
  memoryHits: MemorySearchHit[];
  memoryLoading: boolean;
  searchMemory(query: string): Promise<void>;
  /** The audit log as the Build logs screen lists it: the newest entries, or those matching a search. */
  auditEntries: AuditEntry[];
  /** The search the audit list is being read for (its entries answer it once read). */
  auditQuery: string;
  auditLoading: boolean;
  searchAudit(query: string): Promise<void>;
  /**
   * What the audit list is narrowed to. The host filters audit.list itself; until the API client
   * passes these on, they narrow the entries listed (the newest, or those matching the search).
   */
  auditFilter: AuditFilter;
  setAuditFilter(f: AuditFilter): void;
}

export const createMemorySlice: StateCreator<BatonState, [], [], MemorySlice> = (set, get) => ({
  memoryEntries: {},
  async loadMemory(memoryId) {
    try {
      get().upsertMemory(await api.readMemory(memoryId));
    } catch (err) {
      get().fail(`Could not read memory entry ${memoryId}`, err);
    }
  },
  upsertMemory: (entry) => set((s) => ({ memoryEntries: { ...s.memoryEntries, [entry.id]: entry } })),
  memoryFilter: {},
  setMemoryFilter(memoryFilter) {
    set({ memoryFilter });
    void get().searchMemory(get().memoryQuery);
  },
  memoryQuery: '',
  memoryHits: [],
  // Until the first search answers, the list is not known to be empty: it says "Searching…",
  // not "No entries yet" (the screen searches 150 ms after it opens).
  memoryLoading: true,
  async searchMemory(query) {
    set({ memoryQuery: query, memoryLoading: true });
    try {
      const hits = await api.searchMemory(query, { ...get().memoryFilter });
      if (get().memoryQuery === query) set({ memoryHits: hits });
    } catch (err) {
      get().fail('Search failed', err);
    } finally {
      set({ memoryLoading: false });
    }
  },
  auditEntries: [],
  auditQuery: '',
  auditLoading: true,
  async searchAudit(query) {
    set({ auditQuery: query, auditLoading: true });
    try {
      const entries = await api.listAudit(query, get().auditFilter);
      if (get().auditQuery === query) set({ auditEntries: entries });
    } catch (err) {
      get().fail('Could not read the audit log', err);
    } finally {
      if (get().auditQuery === query) set({ auditLoading: false });
    }
  },
  auditFilter: {},
  setAuditFilter(auditFilter) {
    set({ auditFilter });
    void get().searchAudit(get().auditQuery);
  },
});
