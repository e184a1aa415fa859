import type { DeciderSpec } from '../../src-shared/schemas/decision.ts';
import type { MemoryEntry } from '../../src-shared/schemas/memory.ts';
import type { RunStatus, TaskCounts } from '../../src-shared/schemas/plain/run.ts';
import { isTerminalTaskStatus, TASK_STATUSES } from '../../src-shared/schemas/plain/run.ts';
import type { Plan, TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { DelegatedTask, Run, RunDetail, TaskRun, UnassignedTask } from '../../src-shared/schemas/run.ts';
import { AppError } from '../base/errors.ts';
import type { Store } from '../store/store.ts';
import { descriptionKey } from './decisions.ts';
import type { ResumeRequest } from './executor.ts';

/** The actor of the engine's own transitions and audit entries. */
export const ACTOR = 'engine';

const OPEN_STATUSES = TASK_STATUSES.filter((s) => !isTerminalTaskStatus(s));

/** How many of the run's tasks have not ended (from its counts, kept by `RunWriter.setStatus`). */
export function openTasks(run: Pick<ActiveRun, 'counts'>): number {
  let n = 0;
  for (const s of OPEN_STATUSES) n += run.counts[s];
  return n;
}

/** Who cancelled, when a caller does not say (`runs.cancel` and `runs.cancelTask` take an actor). */
export const DEFAULT_CANCEL_ACTOR = 'user';

/**
 * How a run whose tasks have all ended ends (GitHub Actions' rule: a failure wins, then a
 * cancellation): `failed` when a task failed or found no agent, even if its decider then
 * declared the project complete (approving an escalation does not undo it), or when a person
 * rejected an approval; else `cancelled` when a task was cancelled (not by the decider closing
 * the run); else `completed`: every task done, or skipped because its condition said so (a
 * branch not taken is no failure) or because the decider closed the run.
 */
export function finalRunStatus(counts: TaskCounts, rejected: boolean, cancelledByDecider: number): RunStatus {
  if (counts.failed > 0 || counts.unassigned > 0 || rejected) return 'failed';
  // Closing the run stops what was still running: those cancels are the decider's, not a person's
  // (a person's cancel before it still ends the run cancelled).
  return counts.cancelled > cancelledByDecider ? 'cancelled' : 'completed';
}

/** One attempt going on. */
/**
 * What an attempt took when it started, given back as it was taken when it ends: the registry may
 * say another cost or kind of its agent by then (an import while it ran), and its flight may be
 * gone (settled, its end waiting for a tick) when a cancel comes first.
 */
export interface Held {
  agentId: string;
  /** Its cost in the budget in flight. */
  cost: number;
  /** Whether it took a place under the global limit here (an attempt this process runs). */
  here: boolean;
}

export interface InFlight {
  ac: AbortController | null; // null: a pull agent is doing it elsewhere
  timer: NodeJS.Timeout | null;
  settled: boolean;
  /** Why the plan's or project's budget stopped the attempt at a model turn (`TaskContext.budgetPassed`), once it did. */
  budgetStop?: string;
}

/** A run's build log: the entry as last written, and when it is due again (`RunWriter.writeBuildLog`). */
export interface BuildLogState {
  /** The build_log entry as last written, without its content (rebuilt on each write). */
  entry: MemoryEntry;
  /** What it shows changed since it was last written. */
  dirty: boolean;
  lastAt: number;
  /** How often it is rewritten: the configured interval, longer for logs so big that writing one costs more than 1% of it. */
  everyMs: number;
  timer: NodeJS.Timeout | null;
}

/** A run's decider, and what it asked and did (`DeciderQuestions`, `DeciderRunner`). */
export interface DeciderState {
  spec: DeciderSpec;
  /** Decisions asked for and not applied yet: the run does not end while one is pending. */
  pending: number;
  /** It declared the project complete: the run ends `completed`. */
  closedRun: boolean;
  /** The tasks in progress it cancelled as it closed the run: only those cancels are excused. */
  cancelledAsClosed: number;
  /** The tasks it added (escalations included), and the descriptions of those it created (a task proposed again is a loop). */
  added: Set<string>;
  addedDescriptions: Set<string>;
  /** The last tasks that ended, newest first, five at most. */
  history: { task_id: string; status: string; agent_id: string | null }[];
}

/** A run this process executes, as kept in memory (`TaskFlow.activate`). */
export interface ActiveRun {
  id: string;
  plan: Plan;
  /** The run row as loaded; status and counts are kept current in memory. */
  info: Omit<Run, 'counts'>;
  counts: TaskCounts;
  buildLog: BuildLogState;
  specs: Map<string, TaskSpec>;
  tasks: Map<string, TaskRun>;
  dependents: Map<string, string[]>;
  inflight: Map<string, InFlight>;
  /** What each attempt in progress holds, by task id, as it was taken (`RunHolds`). */
  held: Map<string, Held>;
  retryTimers: Map<string, NodeJS.Timeout>;
  /** `${kind}:${taskId}` for approvals granted, so a gate is passed once. */
  approved: Set<string>;
  /** Tasks in the order they were first delegated; each reads as its latest delegation. */
  delegated: Set<TaskRun>;
  unassigned: Map<string, UnassignedTask>;
  /** Tasks that left artifacts (so dependents look them up). */
  withArtifacts: Set<string>;
  /** Usage cost reported by agents for the current attempt of a task. */
  usage: Map<string, number>;
  /**
   * Model calls of the current attempt of a task whose cost is not known (usage steps without a
   * USD figure: unread, cut, unpriced): charged as unknown beside `usage`, never as $0.
   */
  unseen: Map<string, number>;
  /** The plan's decider and what it asked and did; null without one. */
  decider: DeciderState | null;
  /** Tasks that are a person's decision (escalations a decider added): done when approved. */
  gates: Set<string>;
  /** Another process took the run over (its lease was lost): nothing here may change it. */
  lost: boolean;
  /** Taken up from the store (a restart, a takeover): not begun by this process. */
  resumed: boolean;
  /**
   * Coding tasks whose next attempt goes on with their CLI session (a reviewer asked for
   * changes): taken by that attempt as it starts (`KindHooks.prepare`). An interrupted attempt's
   * successor resumes without an entry here (the store says it was interrupted).
   */
  resumeNext: Map<string, ResumeRequest>;
  /**
   * Coding tasks a person retried asking to start clean: their next attempt starts from the
   * task's start, not from what earlier attempts left (`KindHooks.prepare` takes
   * the entry; a restart loses it, and the retry then starts from the work, which loses nothing).
   */
  startCleanNext: Set<string>;
  /**
   * Tasks that stored a session note (`ExecutorEvent` `session`) in this run: their end is told
   * with it (`TaskEnded.session`), so a kind has no store to read for the other tasks' ends.
   */
  withSessions: Set<string>;
}

/** A map by task id, built without an entry array per task (plans can have 100,000). */
export function byTaskId<T extends { task_id: string }>(list: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of list) map.set(item.task_id, item);
  return map;
}

/** Records `spec` as a dependent of each task it depends on. */
export function addDependents(dependents: Map<string, string[]>, spec: TaskSpec): void {
  for (const dep of spec.depends_on) {
    const list = dependents.get(dep);
    if (list) list.push(spec.task_id);
    else dependents.set(dep, [spec.task_id]);
  }
}

/**
 * Each task's dependents for the plan's tasks, every list no longer than it is: a list grown by
 * `push` keeps room for ~17 more ids, and a 100,000-task run held ~12 MB of that room (its peak
 * RSS up to ~2× that, the heap's growing factor).
 */
export function dependentsOf(tasks: readonly TaskSpec[]): Map<string, string[]> {
  const dependents = new Map<string, string[]>();
  for (const t of tasks) addDependents(dependents, t);
  for (const [id, list] of dependents) if (list.length > 1) dependents.set(id, list.slice());
  return dependents;
}

/** Records a task the decider added in the run's model (when added, and when a run is resumed). */
export function registerAdded(run: ActiveRun, spec: TaskSpec): void {
  run.specs.set(spec.task_id, spec);
  run.decider?.added.add(spec.task_id);
  if ((spec.inputs as { baton_gate?: boolean } | undefined)?.baton_gate) run.gates.add(spec.task_id);
  else run.decider?.addedDescriptions.add(descriptionKey(spec.description.split('\n\n')[0]!));
  addDependents(run.dependents, spec);
}

/**
 * Ends an attempt's flight: it settles nothing more, its timeout is cleared and its agent
 * stopped — at once, or by `later` (after the transaction that ends it commits).
 */
export function stopFlight(flight: InFlight, why: string, later?: (act: () => void) => void): void {
  flight.settled = true;
  if (flight.timer) clearTimeout(flight.timer);
  const ac = flight.ac;
  if (!ac) return;
  if (later) later(() => ac.abort(new Error(why)));
  else ac.abort(new Error(why));
}

/** The delegated_tasks of a run, as the build response and build_log name them. */
export function delegations(run: ActiveRun): DelegatedTask[] {
  const out: DelegatedTask[] = [];
  for (const t of run.delegated) {
    if (t.agent_id === null || t.delegation_task_id === null) continue;
    out.push({ task_id: t.task_id, assigned_agent: t.agent_id, delegation_task_id: t.delegation_task_id });
  }
  return out;
}

/** The run as the store has it, from memory. */
export function snapshot(run: ActiveRun): Run {
  return { ...run.info, counts: { ...run.counts } };
}

/**
 * The run with its tasks (in plan order, then those added) and added tasks, from memory: what
 * `runs.get` reads from the store, without reading back every task row (a run just started has
 * 10,000 of them) and no older than the store. The tasks are the engine's own objects, not
 * copies: an answer leaves through a transport that copies it before the engine can move on
 * (the in-process client structured-clones, IPC clones, HTTP serialises, all in the microtasks
 * that follow, while the engine changes tasks only in ticks, on `setImmediate`).
 */
export function liveDetail(run: ActiveRun): RunDetail {
  // Specs hold the plan's tasks first, then those added while the run went on (`registerAdded`).
  const added: TaskSpec[] = [];
  let planned = run.plan.tasks.length;
  for (const spec of run.specs.values()) if (planned-- <= 0) added.push(spec);
  return { ...snapshot(run), tasks: Array.from(run.tasks.values()), added_tasks: added };
}

/** A run executed here, or the error saying why it is not. */
export function activeRunOf(active: Map<string, ActiveRun>, store: Store, runId: string): ActiveRun {
  const run = active.get(runId);
  if (run) return run;
  const stored = store.runs.get(runId);
  if (!stored) throw new AppError('not_found', `run "${runId}" not found`);
  if (stored.status !== 'executing')
    throw new AppError('conflict', `run "${runId}" already ${stored.status}`);
  throw takenOver(runId);
}

export const takenOver = (runId: string) =>
  new AppError('conflict', `run "${runId}" is being executed by another Baton process`, {
    executed_elsewhere: runId,
  });

/** The error of `takenOver`: another live process executes the run. */
export function isTakenOver(err: unknown): boolean {
  return (
    err instanceof AppError &&
    typeof (err.details as { executed_elsewhere?: unknown } | undefined)?.executed_elsewhere === 'string'
  );
}

export function taskOf(run: ActiveRun, taskId: string): TaskRun {
  const task = run.tasks.get(taskId);
  if (!task) throw new AppError('not_found', `Task not found: ${taskId}`);
  return task;
}
