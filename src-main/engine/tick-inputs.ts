import type { Approval, GateKind, LineComment } from '../../src-shared/schemas/approval.ts';
import type { Decision, DecisionContext } from '../../src-shared/schemas/decision.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { Step } from '../../src-shared/schemas/step.ts';
import type { UsageLimitSignal } from '../../src-shared/schemas/usage-limit.ts';
import type { ExecutorEvent } from './executor.ts';
import type { ActiveRun } from './run-state.ts';

/** An attempt ended: its executor answered or failed, a pull agent completed it, or its timeout passed. */
export interface AttemptEnded {
  kind: 'attempt.ended';
  runId: string;
  taskId: string;
  attempt: number;
  ok: boolean;
  output?: unknown;
  error?: string;
  /** Set when the plan's or project's budget stopped the attempt mid-way: why (the task then waits for approval). */
  budget?: string;
  /** Set when the agent's account hit a usage or rate limit (`usageLimited`): the task follows its `on_limit`. */
  limit?: UsageLimitSignal;
}

/** Something an executor reported during an attempt (progress, log, artifact, usage). */
export interface ExecutorNote {
  kind: 'executor.note';
  runId: string;
  taskId: string;
  attempt: number;
  event: ExecutorEvent;
  /** Called once the tick that applied the note has committed (a step waits for it: stored before the next acts). */
  stored?: () => void;
}

/** A decider's answer to what it was asked after a task ended. */
export interface DeciderAnswer {
  kind: 'decider.answer';
  runId: string;
  taskId: string;
  ctx: DecisionContext;
  decision: Decision;
  problems: string[];
}

/** A failed task's backoff passed: it is queued for its next attempt. */
export interface RetryDue {
  kind: 'retry.due';
  runId: string;
  taskId: string;
}

/** A reviewer's request for changes (`GateHandler.requestChanges`): the comment and line comments. */
export interface ChangesRequest {
  actor: string;
  comment: string;
  line_comments: LineComment[];
}

/**
 * A person decided an approval that stopped a task. (A decision on what an attempt asked goes to
 * that attempt, `AttemptAsks`: the task does not move.)
 */
export interface ApprovalDecided {
  kind: 'approval.decision';
  run: ActiveRun;
  task: TaskRun;
  approval: Approval & { kind: GateKind };
  approve: boolean;
  actor: string;
  comment: string | undefined;
  /** A request for changes instead of approve/reject (kinds with that answer only). */
  changes?: ChangesRequest | null;
}

/** A person cancelled a run. */
export interface RunCancelled {
  kind: 'run.cancel';
  run: ActiveRun;
  actor: string;
}

/** A person cancelled one task. */
export interface TaskCancelled {
  kind: 'task.cancel';
  run: ActiveRun;
  task: TaskRun;
  actor: string;
}

/** A person retries a failed task inside its running run (`runs.retryTask`); `downstream` waits again. */
export interface TaskRetried {
  kind: 'task.retry';
  run: ActiveRun;
  task: TaskRun;
  downstream: TaskRun[];
  actor: string;
}

/** A caller added a task to a running run (`runs.addTask`: an agent over MCP), past the decider's guardrails. */
export interface TaskAdded {
  kind: 'task.add';
  run: ActiveRun;
  spec: TaskSpec;
  actor: string;
}

/**
 * Everything that moves a run, by kind: one closed union. Each kind has one handler
 * (`TickHandlers`, in `Engine`), so the compiler asks for the handler of a new kind.
 */
export interface TickInputs {
  'attempt.ended': AttemptEnded;
  'executor.note': ExecutorNote;
  'decider.answer': DeciderAnswer;
  'retry.due': RetryDue;
  'approval.decision': ApprovalDecided;
  'run.cancel': RunCancelled;
  'task.cancel': TaskCancelled;
  'task.retry': TaskRetried;
  'task.add': TaskAdded;
}
export type TickInputKind = keyof TickInputs;
export type TickInput = TickInputs[TickInputKind];
export type TickHandlers = { [K in TickInputKind]: (input: TickInputs[K]) => void };

/**
 * The inputs that happen between ticks (an executor, a timer, a decider): they wait in the inbox
 * and the next tick applies them in its transaction, kind by kind in this order.
 */
export const QUEUED_INPUTS = ['executor.note', 'attempt.ended', 'decider.answer', 'retry.due'] as const;
export type QueuedKind = (typeof QUEUED_INPUTS)[number];
/**
 * The inputs a call brings (`approvals.decide`, `runs.cancel`, `runs.cancelTask`, `runs.addTask`):
 * applied at once, in a transaction of their own, so the call answers once its change is stored.
 */
export type CallKind = Exclude<TickInputKind, QueuedKind>;

export type InboxLists = { [K in QueuedKind]: TickInputs[K][] };
const emptyLists = (): InboxLists => ({
  'executor.note': [],
  'attempt.ended': [],
  'decider.answer': [],
  'retry.due': [],
});

/** Where queued inputs wait for the next tick, a list per kind. Inputs carry their `kind`: nothing is wrapped. */
export class Inbox {
  private lists = emptyLists();
  private waiting = 0;
  /** How many times a tick has taken what waited: an input pushed since the last change still waits. */
  taken = 0;

  /** How many inputs wait for the next tick. */
  get pending(): number {
    return this.waiting;
  }

  push<K extends QueuedKind>(input: TickInputs[K] & { kind: K }): void {
    const list: TickInputs[K][] = this.lists[input.kind];
    list.push(input);
    this.waiting++;
    if (this.heard.size > 0 && input.kind === 'executor.note') this.hear(input as ExecutorNote);
  }

  /** Who waits for an attempt's tool call to be reported (`whenCallHeard`), by attempt and call. */
  private readonly heard = new Map<string, (() => void)[]>();

  /** Resolves once attempt `at` reports a step of tool call `callId`, or after `ms`. */
  whenCallHeard(
    at: { run_id: string; task_id: string; attempt: number },
    callId: string,
    ms: number,
  ): Promise<void> {
    const key = JSON.stringify([at.run_id, at.task_id, at.attempt, callId]);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        const left = this.heard.get(key)?.filter((d) => d !== done) ?? [];
        if (left.length > 0) this.heard.set(key, left);
        else this.heard.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.heard.set(key, [...(this.heard.get(key) ?? []), done]);
    });
  }

  private hear(n: ExecutorNote): void {
    const ev = n.event;
    if (ev.type !== 'step' || ev.step.kind !== 'tool_call') return;
    const waiting = this.heard.get(JSON.stringify([n.runId, n.taskId, n.attempt, ev.step.call_id]));
    if (waiting) for (const done of [...waiting]) done();
  }

  /**
   * The latest step an attempt reported that waits here (heard, not yet stored) and `pick`
   * accepts, or undefined: what a question the attempt asks shows beside it (`AttemptAsks`).
   */
  waitingStep(
    at: { run_id: string; task_id: string; attempt: number },
    pick: (s: Step) => boolean,
  ): Step | undefined {
    const notes = this.lists['executor.note'];
    for (let i = notes.length - 1; i >= 0; i--) {
      const n = notes[i]!;
      const ev = n.event;
      if (
        ev.type === 'step' &&
        n.attempt === at.attempt &&
        n.taskId === at.task_id &&
        n.runId === at.run_id &&
        pick(ev.step)
      )
        return ev.step;
    }
    return undefined;
  }

  /** Everything that waits, for a tick to apply; the inbox is empty after. */
  take(): InboxLists {
    if (this.waiting === 0) return NOTHING;
    const lists = this.lists;
    this.lists = emptyLists();
    this.waiting = 0;
    this.taken++;
    return lists;
  }

  /**
   * What a tick took and had no time for (`applyWithin`): back at the head of each kind's list,
   * before what came since, so each kind keeps its order.
   */
  putBack(rest: InboxLists): void {
    for (const kind of QUEUED_INPUTS) this.putBackKind(kind, rest[kind]);
  }

  private putBackKind<K extends QueuedKind>(kind: K, rest: TickInputs[K][]): void {
    const n = rest.length;
    if (n === 0) return;
    // In place: the list's own array is the one `push` appends to.
    const list: TickInputs[K][] = this.lists[kind];
    const after = list.length;
    list.length = after + n;
    for (let i = after - 1; i >= 0; i--) list[i + n] = list[i]!;
    for (let i = 0; i < n; i++) list[i] = rest[i]!;
    this.waiting += n;
  }
}

/** What `take` gives when nothing waits (most ticks a call asks for): never pushed to. */
const NOTHING: InboxLists = Object.freeze(emptyLists());

/** Applies one input with its kind's handler. */
export function applyInput<K extends TickInputKind>(
  handlers: TickHandlers,
  input: TickInputs[K] & { kind: K },
): void {
  const handle: (input: TickInputs[K]) => void = handlers[input.kind];
  handle(input);
}

/**
 * Applies the inputs a tick took, kind by kind in QUEUED_INPUTS order, while the tick has time
 * (`TickBudget`: one input at least). Returns what it had no time for, for the inbox's head
 * (`Inbox.putBack`), or null when it applied everything.
 */
export function applyWithin(
  handlers: TickHandlers,
  inputs: InboxLists,
  budget: WorkBudget,
): InboxLists | null {
  const state: Applying = { applied: 0, rest: null };
  for (const kind of QUEUED_INPUTS) applyKindWithin(handlers, kind, inputs[kind], budget, state);
  return state.rest;
}

/** A tick's budget as its work sees it (`TickBudget`). */
export interface WorkBudget {
  readonly spent: boolean;
  /** One unit of work taken on. */
  use(): void;
}

interface Applying {
  applied: number;
  /** What is left, once the budget is spent. */
  rest: InboxLists | null;
}

function applyKindWithin<K extends QueuedKind>(
  handlers: TickHandlers,
  kind: K,
  list: TickInputs[K][],
  budget: WorkBudget,
  state: Applying,
): void {
  const handle: (input: TickInputs[K]) => void = handlers[kind];
  let i = 0;
  for (; state.rest === null && i < list.length; i++) {
    if (state.applied > 0 && budget.spent) {
      state.rest = emptyLists();
      break;
    }
    state.applied++;
    budget.use();
    handle(list[i]!);
  }
  if (state.rest === null) return;
  const rest: TickInputs[K][] = state.rest[kind];
  for (; i < list.length; i++) rest.push(list[i]!);
}
