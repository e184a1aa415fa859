import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PROCESS_SCOPE } from '../processes/attempt-scope.ts';
import { stopMarkedTrees } from '../processes/process-tree.ts';

/**
 * The process-tree marker (`BATON_ATTEMPT`, process-tree.ts) of every program an attempt starts
 * (a command agent's program, a coding agent's CLI and its workspace's setup command, an `llm`
 * agent's MCP servers), with `/<part>` added where an attempt runs more than one tree at once.
 * A Baton that dies leaves these programs running; whoever takes responsibility for the run
 * after it finds them by it, by attempt, task or run (`stopOrphans`), within its scope
 * (`attemptScope`). Task ids and scopes hold no `/`.
 */
export const attemptMarker = (scope: string, runId: string, taskId: string, attempt: number): string => {
  markedRuns.add(`${scope}/${runId}`);
  return `attempt/${scope}/${runId}/${taskId}/${attempt}`;
};

/**
 * The runs (`<scope>/<run>`) this process made an attempt's marker for, i.e. may have started a
 * program of (a command, a coding CLI, an MCP server): a run it began and made none for has no
 * program to look for when it ends (`mayHaveLeftovers`), and its end reads no process table.
 */
const markedRuns = new Set<string>();

/**
 * Whether a run's end should look for programs its attempts left (`stopOrphans`): it was taken
 * up from the store (a Baton before this one may have started some), or this process made a
 * marker for it. Asked once, at the run's end: the run is forgotten.
 */
export function mayHaveLeftovers(scope: string, runId: string, resumed: boolean): boolean {
  const marked = markedRuns.delete(`${scope}/${runId}`);
  return resumed || marked;
}

/** The marker of an executor's attempt (`attemptMarker`), in the scope its context names. */
export const markerOf = (ctx: {
  marker_scope?: string | undefined;
  run_id: string;
  task: { task_id: string };
  attempt: number;
}): string => attemptMarker(ctx.marker_scope ?? PROCESS_SCOPE, ctx.run_id, ctx.task.task_id, ctx.attempt);

/** Where an attempt works: `<workspaceRoot>/<run>/<task>/<attempt>` (`TaskContext.workspace`). */
export const attemptWorkspace = (root: string, runId: string, taskId: string, attempt: number): string =>
  join(root, runId, taskId, String(attempt));

/**
 * A coding attempt's own folder inside its workspace: its CLI's TMPDIR, and the files that hold
 * what is good for this attempt only (the MCP config with its token). It goes when the attempt
 * ends, however it ends: the executor removes it, and a Baton that finds the attempt interrupted
 * by its process's death does (`InterruptedAttempts`).
 */
export const attemptTmp = (workspace: string): string => join(workspace, 'tmp');

/** Where best-of candidate `k` of an attempt works, inside the attempt's workspace (its own `attemptTmp` there). */
export const candidateWorkspace = (workspace: string, k: number): string =>
  join(workspace, '.baton', 'candidates', String(k));

/**
 * Removes what a coding attempt run by a process that is gone left of its own: its folder
 * (`attemptTmp`) and each best-of candidate's (`candidateWorkspace`), whose MCP configs hold
 * tokens that died with that process.
 */
export async function removeAttemptTmps(workspace: string): Promise<void> {
  await rm(attemptTmp(workspace), { recursive: true, force: true });
  const candidates = join(workspace, '.baton', 'candidates');
  const names = await readdir(candidates).catch(() => [] as string[]);
  for (const k of names)
    if (/^\d+$/.test(k))
      await rm(attemptTmp(candidateWorkspace(workspace, Number(k))), { recursive: true, force: true });
}

/** Between SIGTERM and SIGKILL for a program left running by a Baton that died. */
const ORPHAN_GRACE_MS = 2_000;

/**
 * Stops the programs a Baton that died left running for a run, one of its tasks, or one attempt
 * (found by `attemptMarker` on this machine); resolves with how many were found. Only what no
 * live process runs may be asked for: a task's attempt running here would be stopped too.
 */
export function stopOrphans(
  scope: string,
  runId: string,
  taskId?: string,
  attempt?: number,
): Promise<number> {
  const under =
    taskId === undefined
      ? `attempt/${scope}/${runId}`
      : attempt === undefined
        ? `attempt/${scope}/${runId}/${taskId}`
        : attemptMarker(scope, runId, taskId, attempt);
  const prefix = `${under}/`;
  return stopMarkedTrees((m) => m === under || m.startsWith(prefix), ORPHAN_GRACE_MS).catch(() => 0);
}

/** `stopOrphans` for many attempts at once (`attemptMarker`s): one look through the processes for all. */
export function stopAttemptOrphans(markers: ReadonlySet<string>): Promise<number> {
  // `attempt/<scope>/<run>/<task>/<n>`, and the parts below it (`…/setup`, `…/mcp/0`).
  const ofAttempt = (m: string) => m.split('/', 5).join('/');
  return stopMarkedTrees((m) => markers.has(ofAttempt(m)), ORPHAN_GRACE_MS).catch(() => 0);
}
