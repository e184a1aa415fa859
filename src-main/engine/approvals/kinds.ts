import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type { ApprovalKind } from '../../../src-shared/schemas/approval.ts';
import type { TaskSpec } from '../../../src-shared/schemas/plan.ts';
import { isCodingOutput } from '../../../src-shared/schemas/workspace.ts';
import type { AgentDirectory } from '../agent-directory.ts';
import type { BudgetLedger } from '../budget.ts';
import type { ActiveRun } from '../run-state.ts';
import type { ChangesRequest } from '../tick-inputs.ts';

/** Why a task must wait for a person now, and the cost the person is shown. */
export interface Ask {
  reason: string;
  cost: number;
}

/** What the kinds' questions may look at besides the run and the task. */
export interface GateTools {
  agents: AgentDirectory;
  budget: BudgetLedger;
}

/** What a decision of each kind carries besides approve or reject, who and why. */
export interface DecisionExtras {
  approval_required: NoExtras;
  budget: NoExtras;
  escalation: NoExtras;
  diff_review: NoExtras;
  /** The arguments the person approved instead of the agent's, if they edited them. */
  tool_call: { input?: Record<string, unknown> };
  merge_conflict: NoExtras;
}
type NoExtras = Record<never, never>;

/** A person's decision on an approval of kind `K`. */
export type ApprovalDecision<K extends ApprovalKind> = {
  approve: boolean;
  actor: string;
  comment: string | undefined;
} & DecisionExtras[K];

/** What an answer does to the task that waited (`TaskFlow.answer` does it). */
export type TaskAnswer =
  /** The person's decision is the task's work: it is done, by them, with `output`. */
  | { to: 'done'; reason: string; output: unknown }
  /** It may go on: ready again, then queued, or stopped by the next gate. */
  | { to: 'ready'; reason: string }
  /** It does not run: skipped, and its dependents settled. */
  | { to: 'skipped'; reason: string }
  /** The attempt it waited after is accepted: done, with that attempt's output (a diff review approved). */
  | { to: 'accepted'; reason: string }
  /**
   * The same agent goes on: ready again, pinned to the agent of the attempt it waited after,
   * whose next attempt resumes that attempt's session with the request as its prompt.
   */
  | { to: 'changes'; reason: string; request: ChangesRequest }
  /**
   * The task stays as it is (`in_progress`): the decision is for its running attempt, which
   * waits for it (a tool call: `ToolCallDesk` hands it over once it is stored).
   */
  | { to: 'attempt'; reason: string };

/**
 * One kind of approval: where it stops a task, what the person is shown, what each answer does
 * and what closing it says. Each gate point is a question (`Ask | null`: wait, or go on), or
 * null where the kind does not stop a task. A new point (after an attempt, inside one) is a new
 * member here, which every kind must then answer.
 */
export interface ApprovalHandler<K extends ApprovalKind> {
  /** As the task becomes ready (its dependencies met), before it is queued. */
  whenReady: ((run: ActiveRun, spec: TaskSpec, tools: GateTools) => Ask | null) | null;
  /** As an agent is about to start it (dispatch, or a pull agent taking it). */
  beforeStart: ((run: ActiveRun, spec: TaskSpec, agent: Agent, tools: GateTools) => Ask | null) | null;
  /**
   * After an attempt that succeeded, before the task is done with its output (`TaskFlow.complete`).
   * Optional: a kind without it does not stop a task there.
   */
  afterAttempt?: (run: ActiveRun, spec: TaskSpec, agent: Agent, output: unknown) => Ask | null;
  /** The task's reason while it waits (the run view, the inbox), from why it was asked. */
  waiting(reason: string): string;
  /** What a person's answer does to the task. */
  answer(decision: ApprovalDecision<K>): TaskAnswer;
  /** What a request for changes does; a kind without it refuses `request_changes`. */
  requestChanges?: (request: ChangesRequest) => TaskAnswer;
  /** The comment an approval is closed with when its task stops waiting without a decision (cancelled, skipped). */
  closed(why: string): string;
  /**
   * True for a kind asked inside an attempt (a tool call): the task stays `in_progress` while
   * it waits, its attempt is what waits (`ToolCallDesk`), and the answer goes to the attempt.
   */
  insideAttempt?: true;
}

/** Approvals given are remembered per kind and task, so a gate is passed once. */
export const approvedKey = (kind: ApprovalKind, taskId: string): string => `${kind}:${taskId}`;

const approvedBy = (actor: string) => `approved by ${actor}`;
const rejected = ({ actor, comment }: ApprovalDecision<ApprovalKind>): TaskAnswer => ({
  to: 'skipped',
  reason: `rejected by ${actor}${comment ? `: ${comment}` : ''}`,
});
const closedAs = (why: string) => `closed: ${why}`;

/** The plan requires approval for this task, and it has not been given yet. */
const needsApproval = (run: ActiveRun, spec: TaskSpec): boolean =>
  spec.requires_approval === true && !run.approved.has(approvedKey('approval_required', spec.task_id));

const REQUIRED = 'the plan requires approval for this task';

/**
 * Every kind of approval, one entry each: the compiler asks for a new kind's entry, and for
 * every member of it. Kinds are asked in this order at each point: an escalation first (a task
 * that is a person's decision is asked nothing else), the plan's own approval before a budget.
 */
export const APPROVALS: { [K in ApprovalKind]: ApprovalHandler<K> } = {
  /** A decider escalated to a person: the task is their decision, done when they approve it. */
  escalation: {
    whenReady: (run, spec) =>
      run.gates.has(spec.task_id) && !run.approved.has(approvedKey('escalation', spec.task_id))
        ? { reason: spec.description.replace(/^A person decides how to go on: /, ''), cost: 0 }
        : null,
    beforeStart: null,
    waiting: (reason) => `approval: ${reason}`,
    answer: (d) =>
      d.approve
        ? {
            to: 'done',
            reason: approvedBy(d.actor),
            output: { decided_by: d.actor, comment: d.comment ?? null },
          }
        : rejected(d),
    closed: closedAs,
  },
  /**
   * The plan requires it (`requires_approval`). Asked when the task becomes ready, unless no
   * agent can take it (it is then unassigned, not put to a person for nothing); asked again
   * before it starts, for a task queued without it because no agent could take it then.
   */
  approval_required: {
    whenReady: (run, spec, { agents }) =>
      !run.gates.has(spec.task_id) && needsApproval(run, spec) && agents.match(spec).kind !== 'unassigned'
        ? { reason: REQUIRED, cost: spec.estimated_cost }
        : null,
    beforeStart: (run, spec) =>
      needsApproval(run, spec) ? { reason: REQUIRED, cost: spec.estimated_cost } : null,
    waiting: (reason) => `approval: ${reason}`,
    answer: (d) => (d.approve ? { to: 'ready', reason: approvedBy(d.actor) } : rejected(d)),
    closed: closedAs,
  },
  /**
   * An agent's tool call whose policy is `ask` (issue 16), asked by the attempt itself while the
   * task stays `in_progress` (`ToolCallDesk.ask`); the answer goes to the waiting attempt: run
   * the call (with the person's arguments, if edited) or tell the model it was denied, and why.
   */
  tool_call: {
    whenReady: null,
    beforeStart: null,
    waiting: (reason) => `tool call: ${reason}`,
    answer: (d) => ({
      to: 'attempt',
      reason: d.approve
        ? `tool call ${approvedBy(d.actor)}${d.input ? ' with edited arguments' : ''}`
        : `tool call denied by ${d.actor}${d.comment ? `: ${d.comment}` : ''}`,
    }),
    closed: closedAs,
    insideAttempt: true,
  },
  /** Starting the task would pass the plan's or its project's budget (spent + in flight + its cost). */
  budget: {
    whenReady: null,
    beforeStart: (run, spec, agent, { agents, budget }) =>
      run.approved.has(approvedKey('budget', spec.task_id))
        ? null
        : budget.overBudget(run, spec, agent, agents.reportsUsage(agent)),
    waiting: (reason) => `budget: ${reason}`,
    answer: (d) => (d.approve ? { to: 'ready', reason: approvedBy(d.actor) } : rejected(d)),
    closed: closedAs,
  },
  /**
   * A coding task's dependencies' branches conflict and its `on_conflict` is `ask`: its attempt
   * waits (`MergeConflictDesk`, the task stays `in_progress`) while a person resolves the merge
   * in the task's worktree. Approve: "resolved, go on" (the attempt concludes the merge and
   * runs the agent; asks again if conflicts remain). Reject: the attempt fails.
   */
  merge_conflict: {
    whenReady: null,
    beforeStart: null,
    waiting: (reason) => `merge conflict: ${reason}`,
    answer: (d) => ({
      to: 'attempt',
      reason: d.approve
        ? `merge conflict resolved in the worktree, said ${d.actor}`
        : `merge conflict left to fail by ${d.actor}${d.comment ? `: ${d.comment}` : ''}`,
    }),
    closed: closedAs,
    insideAttempt: true,
  },
  /**
   * A coding agent's attempt succeeded on a task to review (`review: "diff"` on the task, else
   * its agent's): a person reviews the diff before the task is done. Approve: done with the
   * attempt's output. Request changes: the same agent resumes its session in the same worktree
   * with the comments. Reject: skipped.
   */
  diff_review: {
    whenReady: null,
    beforeStart: null,
    afterAttempt: (_run, spec, agent, output) => {
      if (agent.kind !== 'coding' || (spec.review ?? agent.review ?? 'none') !== 'diff') return null;
      if (!isCodingOutput(output)) return null;
      const n = output.files.length;
      return {
        reason: `review the diff on ${output.branch}: ${n} file${n === 1 ? '' : 's'} changed, +${output.additions} −${output.deletions}`,
        cost: 0,
      };
    },
    waiting: (reason) => reason,
    answer: (d) => (d.approve ? { to: 'accepted', reason: approvedBy(d.actor) } : rejected(d)),
    requestChanges: (request) => ({
      to: 'changes',
      reason: `changes requested by ${request.actor}: ${request.comment}`,
      request,
    }),
    closed: closedAs,
  },
};
