/**
 * The task panels that show whose terminal holds their task (`TakeOver`), by run and task: told
 * when a terminal opens, its shell ends or it is decided there (the host's `terminal.changed`
 * event), and all of them when events may have been missed (a resync); each then asks
 * `terminals.get` again.
 */
const watchers = new Map<string, Set<() => void>>();

const keyOf = (runId: string, taskId: string) => `${runId}\u0000${taskId}`;

/** Calls `look` whenever task `taskId` of run `runId` may have another terminal state; returns how to stop. */
export function watchTaskTerminal(runId: string, taskId: string, look: () => void): () => void {
  const key = keyOf(runId, taskId);
  const set = watchers.get(key) ?? new Set<() => void>();
  watchers.set(key, set);
  set.add(look);
  return () => {
    set.delete(look);
    if (set.size === 0) watchers.delete(key);
  };
}

/** A `terminal.changed` event: that task's panels look again. */
export function terminalChanged(e: { run_id: string; task_id: string }): void {
  for (const look of watchers.get(keyOf(e.run_id, e.task_id)) ?? []) look();
}

/** Events may have been missed: every panel looks again. */
export function terminalsMissed(): void {
  for (const set of watchers.values()) for (const look of set) look();
}
