import { taskWatchers } from './task-watchers.ts';

/**
 * The task panels that show whose terminal holds their task (`TakeOver`), by run and task: told
 * when a terminal opens, its shell ends or it is decided there (the host's `terminal.changed`
 * event), and all of them when events may have been missed (a resync); each then asks
 * `terminals.get` again.
 */
const panels = taskWatchers();

/** Calls `look` whenever task `taskId` of run `runId` may have another terminal state; returns how to stop. */
export const watchTaskTerminal = panels.watch;

/** A `terminal.changed` event: that task's panels look again. */
export function terminalChanged(e: { run_id: string; task_id: string }): void {
  panels.tell(e.run_id, e.task_id);
}

/** Events may have been missed: every panel looks again. */
export const terminalsMissed = panels.tellAll;
