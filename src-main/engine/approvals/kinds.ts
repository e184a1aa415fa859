import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type {
  Approval,
  AskKind,
  AskVerdicts,
  GateKind,
  ToolCallScope,
} from '../../../src-shared/schemas/approval.ts';
import type { ApprovalKind } from '../../../src-shared/schemas/plain/approval.ts';
import { isCodingOutput } from '../../../src-shared/schemas/plain/workspace.ts';
import type { TaskSpec } from '../../../src-shared/schemas/plan.ts';
import type { Store } from '../../store/store.ts';
import type { AgentDirectory } from '../agent-directory.ts';
import type { BudgetLedger } from '../budget.ts';
import type { EngineStore } from '../coding-records.ts';
import type { MergeConflictRequest, SandboxHostRequest, ToolCallRequest } from '../executor.ts';
import type { ActiveRun } from '../run-state.ts';
import type { ChangesRequest } from '../tick-inputs.ts';
import { conflictReason, mergeConflictVerdict, unheardRejection } from './merge-conflicts.ts';
import { sameCall, takeUnheardSameCall } from './same-call.ts';
import { sandboxHostEarlier, sandboxHostReason, sandboxHostVerdict } from './sandbox-hosts.ts';
import { toolCallVerdict } from './tool-calls.ts';
import { grantedVerdict, rememberGrant } from './tool-grants.ts';

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
  /**
   * The arguments the person approved instead of the agent's, if they edited them; how far the
   * approval reaches (absent: this call only).
   */
  tool_call: { input?: Record<string, unknown>; scope?: ToolCallScope };
  merge_conflict: NoExtras;
  sandbox_host: NoExtras;
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
  | { to: 'changes'; reason: string; request: ChangesRequest };

/**
 * One kind of approval that stops a task: where it stops it, what the person is shown, what
 * each answer does to the task and what closing it says. Each gate point is a question (`Ask |
 * null`: wait, or go on), or null where the kind does not stop a task there. A new point is a
 * new member here, which every such kind must then answer.
 */
export interface GateHandler<K extends GateKind> {
  /** As the task becomes ready (its dependencies met), before it is queued. */
  whenReady: ((run: ActiveRun, spec: TaskSpec, tools: GateTools) => Ask | null) | null;
  /** As an agent is about to start it (dispatch, or a pull agent taking it). */
  beforeStart: ((run: ActiveRun, spec: TaskSpec, agent: Agent, tools: GateTools) => Ask | null) | null;
  /**
   * After an attempt that succeeded, before the task is done with its output (`TaskFlow.complete`).
   * Optional: a kind without it does not stop a task there.
   */
  afterAttempt?: (
    run: ActiveRun,
    spec: TaskSpec,
    agent: Agent,
    output: unknown,
    tools: GateTools,
  ) => Ask | null;
  /** The task's reason while it waits (the run view, the inbox), from why it was asked. */
  waiting(reason: string): string;
  /** What a person's answer does to the task. */
  answer(decision: ApprovalDecision<K>): TaskAnswer;
  /** What a request for changes does; a kind without it refuses `request_changes`. */
  requestChanges?: (request: ChangesRequest) => TaskAnswer;
  /** The comment an approval is closed with when its task stops waiting without a decision (cancelled, skipped). */
  closed(why: string): string;
}

/** Which attempt asks (`AttemptAsks`). */
export interface AttemptRef {
  run_id: string;
  task_id: string;
  attempt: number;
}

/**
 * What an attempt asks a person, by kind: the executor's requests (`TaskContext.askToolCall`,
 * `askMergeConflict`), which `inbox.ask`'s questions also are. A tool call's reason is the
 * loop's own words when it gives them, else said here (`AskHandler.reason`).
 */
export interface Questions {
  tool_call: Omit<ToolCallRequest, 'reason'> & { reason?: string };
  merge_conflict: MergeConflictRequest;
  /** `summary`: the attempt's one question for every host past its open ones (never asked from outside). */
  sandbox_host: SandboxHostRequest & { summary?: true };
}
export type Question<K extends AskKind = AskKind> = { [P in K]: { kind: P } & Questions[P] }[K];

/**
 * One kind of approval asked inside an attempt: the task stays `in_progress` and the attempt
 * waits (`AttemptAsks`), in this process, over MCP or on a remote worker; a person's decision
 * goes to that attempt (its verdict), never through the task's flow.
 */
export interface AskHandler<K extends AskKind> {
  /** What the approval is called in refusals (`tool call approval "apr-1" …`). */
  noun: string;
  /** Whether a person who approves may give other input than the attempt asked with (a tool call's arguments). */
  editableInput: boolean;
  /**
   * The approval to wait on instead of asking again (the same question asked by an earlier
   * attempt of the task, or answered while no attempt listened), or null to ask. Run in a
   * transaction: it may record that this question took the approval (a tool call's).
   */
  earlier(store: EngineStore, at: AttemptRef, q: Question<K>): string | null;
  /** The approval's reason (what the inbox's card says), `who` naming the task's agent. */
  reason(q: Question<K>, who: string): string;
  /** Stores what the question asks (in the transaction that records the approval). */
  keep(
    store: EngineStore,
    approvalId: string,
    at: AttemptRef & { agent_id: string | null },
    q: Question<K>,
  ): void;
  /** The attempt that asked, as stored with the question (undefined: nothing stored). */
  askedBy(
    store: EngineStore,
    approvalId: string,
  ): { run_id: string; task_id: string; attempt: number; agent_id: string | null } | undefined;
  /** What the attempt that waits is given once a person decided; null while nobody has. */
  verdict(approval: Approval, store: Store): AskVerdicts[K] | null;
  /**
   * The answer a person gave already to every such question (a tool allowed for the rest of the
   * task, or for the agent): the attempt is given it without asking. Absent: always asked.
   */
  granted?: (
    store: Store,
    at: AttemptRef & { agent_id: string | null },
    q: Question<K>,
  ) => AskVerdicts[K] | null;
  /** What a decision stores besides the approval's row (a tool call's edited arguments). */
  decided?: (store: Store, approvalId: string, d: ApprovalDecision<K>) => void;
  /** The comment an approval is closed with when its task stops waiting without a decision (cancelled, skipped). */
  closed(why: string): string;
  /**
   * The question is about more than the attempt that asked (a host for a whole workspace): it
   * stays open when that attempt or its task ends, and is decided whether or not its run is
   * still going.
   */
  outlivesAttempt?: true;
  /** At most so many of one attempt's questions of this kind are open at once (absent: no limit). */
  limit?: AskLimit<K>;
}

/**
 * How many questions of a kind one attempt may keep open at once, and what a question past them
 * becomes: an agent that asks 300 times must not fill the inbox.
 */
export interface AskLimit<K extends AskKind> {
  open: number;
  /** How many the attempt has open now. */
  openBy(store: EngineStore, at: AttemptRef): number;
  /**
   * A question past the limit (stored in the caller's transaction): answered at once, asking no
   * one (`answer`); listed in a question the attempt has open (`joined`); or asked as another
   * question (`ask`: the attempt's summary).
   */
  beyond(
    store: EngineStore,
    at: AttemptRef,
    q: Question<K>,
  ): { answer: AskVerdicts[K] } | { joined: string } | { ask: Question<K> };
}

/** Most tool calls of one attempt that wait for a person at once; the next is denied, the agent told why. */
export const MAX_OPEN_TOOL_CALLS = 10;
/** Most hosts one attempt asks about one by one at once; the next go into one summary question. */
export const MAX_OPEN_HOSTS = 5;
/** Most hosts one summary question lists; later ones are only steps of the attempt. */
export const MAX_SUMMARY_HOSTS = 100;

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
 * Every kind of approval that stops a task, one entry each (the kinds asked inside an attempt
 * are `ASKS`, below): the compiler asks for a new kind's entry in one table or the other, and for
 * every member of it. Kinds are asked in this order at each point: an escalation first (a task
 * that is a person's decision is asked nothing else), the plan's own approval before a budget.
 */
export const GATES: { [K in GateKind]: GateHandler<K> } = {
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
   * An attempt of an agent whose kind has its diff reviewed (`KindTraits.reviewsDiff`: a coding
   * agent) succeeded on a task to review (`review: "diff"` on the task, else its agent's): a person reviews the diff before the task is done. Approve: done with the
   * attempt's output. Request changes: the same agent resumes its session in the same worktree
   * with the comments. Reject: skipped.
   */
  diff_review: {
    whenReady: null,
    beforeStart: null,
    afterAttempt: (_run, spec, agent, output, { agents }) => {
      if (!agents.traitsOf(agent).reviewsDiff) return null;
      // The agent's own `review`, on a kind whose configuration has one.
      const agentReview = 'review' in agent ? agent.review : undefined;
      if (!isCodingOutput(output)) return null;
      // Checks still failing after the fix rounds put the work to a person when the task says so.
      const red = (output.checks ?? []).filter((c) => c.status !== 'passed').map((c) => c.name);
      if ((spec.review ?? agentReview ?? 'none') !== 'diff' && red.length === 0) return null;
      const n = output.files.length;
      // No change, no diff to review: the coding executor fails such an attempt on a reviewed
      // task (it has nothing to show for the work asked); an output without files that still
      // comes here is not put to a person.
      if (n === 0) return null;
      return {
        reason: `review the diff on ${output.branch}: ${n} file${n === 1 ? '' : 's'} changed, +${output.additions} −${output.deletions}${red.length > 0 ? `; checks failing: ${red.join(', ')}` : ''}`,
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

/**
 * Every kind of approval asked inside an attempt, one entry each: what it stores, what the
 * person's decision gives the attempt that waits, and how it closes.
 */
export const ASKS: { [K in AskKind]: AskHandler<K> } = {
  /**
   * An agent's tool call whose policy is `ask`, or a coding CLI's permission prompt: the verdict
   * runs the call (with the person's arguments, if edited) or tells the model it was denied, and
   * why. The same call asked again (a later attempt resuming the loop) waits on the same approval;
   * so does the same tool with the same arguments asked under a new id after a restart (an ACP
   * agent's loaded session), while nobody has heard that approval's answer (`unheardSameCall`):
   * the first such call takes it, and a second same call is asked anew, as without a restart.
   */
  tool_call: {
    noun: 'tool call',
    editableInput: true,
    // By its id only when it is the same call (tool, server, arguments): ids repeat across attempts.
    earlier: (store, at, q) => {
      // The latest asked under this id that is this call (or the call with the arguments a person
      // approved instead, asked again with them).
      const asked = store.toolCalls
        .forTask(at.run_id, at.task_id)
        .filter((c) => c.call_id === q.call_id)
        .reverse()
        .find(
          (c) => sameCall(c, q) || (c.edited_input !== null && sameCall({ ...c, input: c.edited_input }, q)),
        );
      if (asked) return asked.approval_id;
      const taken = store.toolCalls.takenFor(at.run_id, at.task_id, q.call_id);
      const record = taken === undefined ? undefined : store.toolCalls.get(taken);
      if (record && sameCall(record, q)) return record.approval_id;
      return takeUnheardSameCall(store, at, q);
    },
    reason: (q, who) => q.reason ?? `${who} wants to call ${q.server ? `${q.server}/` : ''}${q.tool}`,
    keep: (store, approval_id, at, q) =>
      store.toolCalls.insert({
        approval_id,
        run_id: at.run_id,
        task_id: at.task_id,
        attempt: at.attempt,
        call_id: q.call_id,
        agent_id: at.agent_id,
        tool: q.tool,
        server: q.server,
        input: q.input,
        agent_text: q.agent_text,
        input_schema: q.input_schema ?? null,
        diff: q.diff ?? null,
      }),
    askedBy: (store, id) => store.toolCalls.get(id),
    granted: (store, at, q) => grantedVerdict(store, at, q),
    verdict: (a, store) => {
      const call = store.toolCalls.get(a.id);
      return toolCallVerdict(a, call?.edited_input ?? null, call?.scope ?? null);
    },
    decided: (store, id, d) => {
      if (d.approve && d.input !== undefined) store.toolCalls.setEdited(id, d.input);
      const call = store.toolCalls.get(id);
      if (!d.approve || !d.scope || !call) return;
      store.toolCalls.setScope(id, d.scope);
      rememberGrant(
        store,
        call,
        d.scope,
        d.actor,
        store.approvals.get(id)?.decided_at ?? new Date().toISOString(),
      );
    },
    closed: closedAs,
    limit: {
      open: MAX_OPEN_TOOL_CALLS,
      openBy: (store, at) => store.toolCalls.openBy(at.run_id, at.task_id, at.attempt),
      beyond: () => ({
        answer: {
          approve: false,
          approval_id: '',
          actor: 'Baton',
          message: `Not asked: ${MAX_OPEN_TOOL_CALLS} of this attempt's tool calls already wait for a person. Make this call again once one of them is answered.`,
        },
      }),
    },
  },
  /**
   * A coding task's dependencies' branches conflict and its `on_conflict` is `ask`: a person
   * resolves the merge in the task's worktree. Approve: "resolved, go on" (the attempt concludes
   * the merge and runs the agent; asks again if conflicts remain). Reject: the attempt fails. The
   * task's pending question is waited on rather than asked twice.
   */
  merge_conflict: {
    noun: 'merge conflict',
    editableInput: false,
    earlier: (store, at) => {
      const asked = store.approvals.forTask(at.run_id, at.task_id).filter((a) => a.kind === 'merge_conflict');
      return asked.find((a) => a.status === 'pending')?.id ?? unheardRejection(store, at, asked.at(-1));
    },
    reason: (q) => conflictReason(q),
    keep: (store, approval_id, at, q) =>
      store.mergeConflicts.insert({
        approval_id,
        run_id: at.run_id,
        task_id: at.task_id,
        attempt: at.attempt,
        dir: q.dir,
        merging: q.merging,
        into: q.into,
        from: q.from,
        files: q.files,
        again: q.again ?? null,
      }),
    askedBy: (store, id) => {
      const r = store.mergeConflicts.get(id);
      return r && { ...r, agent_id: null };
    },
    verdict: mergeConflictVerdict,
    closed: closedAs,
  },
  /**
   * A sandboxed process of an attempt under the network policy `ask` was refused a host its
   * policy does not list: the connection stays refused (nothing waits), and a person is asked
   * once per workspace (or agent) and host whether to allow it from then on. Approve: the host
   * is remembered there, and every later attempt there may reach it. Reject: it stays refused,
   * and is not asked about again. A question asked meanwhile by another attempt, of any run,
   * waits on the same approval. One attempt asks about at most `MAX_OPEN_HOSTS` hosts one by one
   * at once; the hosts past them go into its one summary question (up to `MAX_SUMMARY_HOSTS`),
   * whose answer is every listed host's.
   */
  sandbox_host: {
    noun: 'sandbox host',
    editableInput: false,
    earlier: (store, _at, q) => sandboxHostEarlier(store, q),
    reason: (q) => sandboxHostReason(q),
    keep: (store, approval_id, at, q) => {
      store.sandboxHosts.insert({
        approval_id,
        run_id: at.run_id,
        task_id: at.task_id,
        attempt: at.attempt,
        agent_id: at.agent_id,
        scope: q.scope,
        scope_label: q.scope_label,
        host: q.host,
      });
      if (q.summary) store.sandboxHosts.addToSummary(approval_id, q.host);
    },
    askedBy: (store, id) => store.sandboxHosts.get(id),
    verdict: sandboxHostVerdict,
    decided: (store, id, d) => {
      const asked = store.sandboxHosts.get(id);
      if (!d.approve || !asked) return;
      const listed = store.sandboxHosts.hostsOf(id);
      for (const host of listed.length > 0 ? listed : [asked.host])
        store.sandboxHosts.allow({
          scope: asked.scope,
          host,
          allowed_by: d.actor,
          at: store.approvals.get(id)?.decided_at ?? new Date().toISOString(),
          approval_id: id,
        });
    },
    closed: closedAs,
    outlivesAttempt: true,
    limit: {
      open: MAX_OPEN_HOSTS,
      openBy: (store, at) => store.sandboxHosts.openBy(at.run_id, at.task_id, at.attempt),
      beyond: (store, at, q) => {
        const summary = store.sandboxHosts.summaryOf(at.run_id, at.task_id, at.attempt, q.scope);
        if (summary === undefined) return { ask: { ...q, summary: true } };
        if (store.sandboxHosts.hostsOf(summary).length < MAX_SUMMARY_HOSTS)
          store.sandboxHosts.addToSummary(summary, q.host);
        return { joined: summary };
      },
    },
  },
};
