/**
 * Callbacks kept by run and task (the panels of one task that want to hear of a change the page
 * learns of by other means than the store): told one task's, or all of them after a resync.
 */
export function taskWatchers() {
  const watchers = new Map<string, Set<() => void>>();
  const keyOf = (runId: string, taskId: string) => `${runId}\u0000${taskId}`;
  return {
    /** Calls `f` whenever task `taskId` of run `runId` is told; returns how to stop. */
    watch(runId: string, taskId: string, f: () => void): () => void {
      const key = keyOf(runId, taskId);
      const set = watchers.get(key) ?? new Set<() => void>();
      watchers.set(key, set);
      set.add(f);
      return () => {
        set.delete(f);
        if (set.size === 0) watchers.delete(key);
      };
    },
    /** Calls what watches that task. */
    tell(runId: string, taskId: string): void {
      for (const f of watchers.get(keyOf(runId, taskId)) ?? []) f();
    },
    /** Calls what watches any task. */
    tellAll(): void {
      for (const set of watchers.values()) for (const f of set) f();
    },
  };
}
