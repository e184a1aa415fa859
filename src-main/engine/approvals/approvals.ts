import type { Agent } from '../../../src-shared/schemas/agent.ts';
import type { Approval, AskKind, GateKind } from '../../../src-shared/schemas/approval.ts';
import { isAskKind } from '../../../src-shared/schemas/approval.ts';
import type { ApprovalKind } from '../../../src-shared/schemas/plain/approval.ts';
import { isCodingOutput } from '../../../src-shared/schemas/plain/workspace.ts';
import type { TaskSpec } from '../../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../../src-shared/schemas/run.ts';
import { AppError } from '../../base/errors.ts';
import type { AgentDirectory } from '../agent-directory.ts';
import type { BudgetLedger } from '../budget.ts';
import type { ActiveRun } from '../run-state.ts';
import { ACTOR } from '../run-state.ts';
import type { RunWriter } from '../run-writer.ts';
import type { Runtime } from '../runtime.ts';
import type { ChangesRequest } from '../tick-inputs.ts';
import type { ApprovalDecision, Ask, GateHandler, GateTools, TaskAnswer } from './kinds.ts';
import { ASKS, approvedKey, GATES } from './kinds.ts';

/** Every kind that stops a task, in the table's order: the order they are asked in at each point. */
const KINDS = Object.keys(GATES) as GateKind[];
/** The kinds that ask as a task becomes ready, and before an agent starts it. */
const WHEN_READY = KINDS.filter((k) => GATES[k].whenReady !== null);
const BEFORE_START = KINDS.filter((k) => GATES[k].beforeStart !== null);
/** The kinds that ask after an attempt succeeded, before its task is done. */
const AFTER_ATTEMPT = KINDS.filter((k) => GATES[k].afterAttempt !== undefined);

/** The comment an approval of any kind is closed with when its task stops waiting without a decision. */
const closedComment = (kind: ApprovalKind, why: string): string =>
  isAskKind(kind) ? ASKS[kind].closed(why) : GATES[kind].closed(why);

/**
 * Every gate in one room: a task stops for a person where a kind of approval asks it to
 * (`kinds.ts`: as it becomes ready, as an agent is about to start it, after an attempt), an
 * attempt asks a person while it runs (`askInsideAttempt`, waited on at `AttemptAsks`), an
 * approval is decided (`decide`: recorded, and what the answer does to the task returned;
 * `decideAsked`: recorded for the attempt that waits) or closed when its task stops waiting
 * without a decision (`close`). Only people decide.
 */
export class Approvals {
  private readonly rt: Runtime;
  private readonly writer: RunWriter;
  private readonly tools: GateTools;

  constructor(rt: Runtime, parts: { writer: RunWriter; agents: AgentDirectory; budget: BudgetLedger }) {
    this.rt = rt;
    this.writer = parts.writer;
    this.tools = { agents: parts.agents, budget: parts.budget };
  }

  /** As a task becomes ready: true when it now waits for a person (an approval was asked for). */
  gateWhenReady(run: ActiveRun, task: TaskRun, spec: TaskSpec): boolean {
    for (const kind of WHEN_READY) {
      const why = GATES[kind].whenReady?.(run, spec, this.tools);
      if (why) return this.gate(run, task, kind, why);
    }
    return false;
  }

  /**
   * The last look before an agent starts the task: true when it now waits for a person (the
   * approval its plan requires, a cost that would pass a budget).
   */
  gateBeforeStart(run: ActiveRun, task: TaskRun, spec: TaskSpec, agent: Agent): boolean {
    for (const kind of BEFORE_START) {
      const why = GATES[kind].beforeStart?.(run, spec, agent, this.tools);
      if (why) return this.gate(run, task, kind, why);
    }
    return false;
  }

  /**
   * An attempt succeeded: true when the task now waits for a person before it is done with
   * `output` (a diff to review). The output is kept on the task meanwhile.
   */
  gateAfterAttempt(run: ActiveRun, task: TaskRun, spec: TaskSpec, agent: Agent, output: unknown): boolean {
    for (const kind of AFTER_ATTEMPT) {
      const why = GATES[kind].afterAttempt?.(run, spec, agent, output, this.tools);
      if (why) {
        task.output = output;
        const approval = this.record(run, task, kind, why);
        // What a diff review shows, kept with it: a later review shows what changed since.
        if (kind === 'diff_review' && isCodingOutput(output))
          this.rt.store.diffReviews.insert({
            approval_id: approval.id,
            run_id: run.id,
            task_id: task.task_id,
            attempt: task.attempt,
            workspace_id: output.workspace_id,
            branch: output.branch,
            start_commit: output.start_commit,
            commit: output.commit,
          });
        return this.waitOn(run, task, kind, approval);
      }
    }
    return false;
  }

  /** Refuses a request for changes on a kind that has no such answer (before anything is recorded). */
  assertRequestChanges(approval: Approval): void {
    const { kind } = approval;
    if (isAskKind(kind) || GATES[kind].requestChanges === undefined)
      throw new AppError(
        'invalid_input',
        `approval "${approval.id}" is of kind ${approval.kind}, which has no request_changes answer: approve or reject it`,
      );
  }

  /** A pending approval of `kind` for `task`, stored with its audit entry. */
  private record(run: ActiveRun, task: TaskRun, kind: ApprovalKind, { reason, cost }: Ask): Approval {
    const approval: Approval = {
      id: this.rt.ids.next('apr'),
      run_id: run.id,
      task_id: task.task_id,
      status: 'pending',
      kind,
      reason,
      cost,
      requested_at: this.rt.iso(),
      decided_at: null,
      actor: null,
      comment: null,
    };
    this.rt.store.approvals.insert(approval);
    this.writer.audit(
      'approval',
      approval.id,
      run.id,
      null,
      'pending',
      `${kind} for task "${task.task_id}": ${reason}`,
    );
    return approval;
  }

  /** The task waits for a person: an approval of `kind` is asked for. Returns true. */
  gate(run: ActiveRun, task: TaskRun, kind: GateKind, ask: Ask): true {
    return this.waitOn(run, task, kind, this.record(run, task, kind, ask));
  }

  /** The task waits on the approval just recorded. Returns true. */
  private waitOn(run: ActiveRun, task: TaskRun, kind: GateKind, approval: Approval): true {
    this.writer.setStatus(run, task, 'awaiting_approval', {
      reason: GATES[kind].waiting(approval.reason),
    });
    this.rt.bus.emit('approval.changed', approval);
    return true;
  }

  /**
   * An attempt asks a person (inside a transaction), for a kind asked inside an attempt (a tool
   * call, a merge conflict): the approval row and its audit entry; the task stays `in_progress`.
   */
  askInsideAttempt(run: ActiveRun, task: TaskRun, kind: AskKind, ask: Ask): Approval {
    const approval = this.record(run, task, kind, ask);
    this.rt.bus.emit('approval.changed', approval);
    return approval;
  }

  /** The approval a person is about to decide, or why it cannot be decided. */
  pending(approvalId: string): Approval {
    const approval = this.rt.store.approvals.get(approvalId);
    if (!approval) throw new AppError('not_found', `approval "${approvalId}" not found`);
    if (approval.status === 'expired')
      throw new AppError(
        'conflict',
        `approval "${approvalId}" expired at ${approval.decided_at}: ${approval.comment ?? 'nobody waits for it any more'}. There is nothing to decide.`,
      );
    if (approval.status !== 'pending') {
      const by = approval.actor ? ` by ${approval.actor}` : '';
      throw new AppError(
        'conflict',
        `approval "${approvalId}" was already ${approval.status.replace('_', ' ')}${by}`,
      );
    }
    return approval;
  }

  /**
   * The asker of a question inside an attempt (a tool call) stopped waiting before anyone
   * answered (inside a transaction): the approval is recorded `expired`, with why, and audited.
   * Null when it is no longer pending (a person answered first: that answer stands).
   */
  expire(approval: Approval, why: string, actor: string): Approval | null {
    if (approval.status !== 'pending' || !isAskKind(approval.kind)) return null;
    const store = this.rt.store;
    const done = store.approvals.decide({
      id: approval.id,
      status: 'expired',
      decided_at: this.rt.iso(),
      actor,
      comment: why,
    });
    if (!done) return null;
    this.writer.audit(
      'approval',
      approval.id,
      approval.run_id,
      'pending',
      'expired',
      `${approval.kind} for task "${approval.task_id}" expired: ${why}`,
      actor,
    );
    return store.approvals.get(approval.id) ?? null;
  }

  /**
   * A coding CLI's attempt was interrupted by a restart (inside a transaction): the tool calls it
   * asked about and nobody answered expire, since the CLI that waited for them is gone (its
   * resumed session asks anew, under new ids). A tool loop's are not expired here: its next
   * attempt goes on waiting for the same approvals.
   */
  expireAskedBy(run: ActiveRun, taskId: string, attempt: number, why: string): Approval[] {
    const store = this.rt.store;
    const expired: Approval[] = [];
    for (const a of store.approvals.listForRun(run.id)) {
      if (a.kind !== 'tool_call' || a.status !== 'pending' || a.task_id !== taskId) continue;
      if (store.toolCalls.get(a.id)?.attempt !== attempt) continue;
      const done = this.expire(a, why, ACTOR);
      if (done) expired.push(done);
    }
    return expired;
  }

  /**
   * A person decided an approval that stops a task (inside a transaction): the decision is
   * recorded, and what it does to the task that waited is returned (`TaskFlow.answer` does it),
   * or null when the task no longer waits on it. An approval given is remembered, so its gate is
   * passed once.
   */
  decide<K extends GateKind>(
    run: ActiveRun,
    task: TaskRun,
    approval: Approval & { kind: K },
    d: ApprovalDecision<K>,
    changes: ChangesRequest | null = null,
  ): TaskAnswer | null {
    const handler: GateHandler<K> = GATES[approval.kind];
    if (changes && !handler.requestChanges) this.assertRequestChanges(approval);
    this.recordDecision(
      run.id,
      approval,
      changes ? 'changes_requested' : d.approve ? 'approved' : 'rejected',
      d,
    );
    if (changes && changes.line_comments.length > 0)
      this.rt.store.approvals.addLineComments(approval.id, changes.line_comments);
    if (task.status !== 'awaiting_approval') return null;
    if (changes) return handler.requestChanges!(changes);
    if (d.approve) run.approved.add(approvedKey(approval.kind, task.task_id));
    return handler.answer(d);
  }

  /**
   * A person decided an approval an attempt asked while it runs (inside a transaction): the
   * decision is recorded with what its kind keeps besides (a tool call's edited arguments). The
   * task does not move: `AttemptAsks.decided` gives the verdict to the attempt that waits.
   */
  decideAsked<K extends AskKind>(
    runId: string,
    approval: Approval & { kind: K },
    d: ApprovalDecision<K>,
  ): void {
    this.recordDecision(runId, approval, d.approve ? 'approved' : 'rejected', d);
    ASKS[approval.kind].decided?.(this.rt.store, approval.id, d);
  }

  /** A decision's row and its audit entry. */
  private recordDecision(
    runId: string,
    approval: Approval,
    status: 'approved' | 'rejected' | 'changes_requested',
    d: { actor: string; comment: string | undefined },
  ): void {
    const at = this.rt.iso();
    const store = this.rt.store;
    store.approvals.decide({
      id: approval.id,
      status,
      decided_at: at,
      actor: d.actor,
      comment: d.comment ?? null,
    });
    store.memory.audit({
      at,
      actor: d.actor,
      entity: 'approval',
      entity_id: approval.id,
      run_id: runId,
      from_status: 'pending',
      to_status: status,
      why: `${approval.kind} for task "${approval.task_id}"${d.comment ? `: ${d.comment}` : ''}`,
    });
  }

  /** The decided approval as stored, told to whoever shows approvals (after the decision commits). */
  decided(approvalId: string): Approval {
    const decided = this.rt.store.approvals.get(approvalId)!;
    this.rt.bus.emit('approval.changed', decided);
    return decided;
  }

  /**
   * A task that stops waiting without a decision (cancelled, skipped) closes what it waited on:
   * each pending approval is recorded rejected by `actor`, with why.
   */
  close(run: ActiveRun, task: TaskRun, why: string, actor: string): void {
    // A task in progress may have an attempt waiting on a person (a tool call): that closes too.
    const insideAttempt = task.status === 'in_progress';
    if (task.status !== 'awaiting_approval' && !insideAttempt) return;
    const store = this.rt.store;
    for (const a of store.approvals.forTask(run.id, task.task_id)) {
      if (a.status !== 'pending') continue;
      if (insideAttempt && !isAskKind(a.kind)) continue;
      // A host asked about for a whole workspace stays open for a person to decide.
      if (isAskKind(a.kind) && ASKS[a.kind].outlivesAttempt) continue;
      store.approvals.decide({
        id: a.id,
        status: 'rejected',
        decided_at: this.rt.iso(),
        actor,
        comment: closedComment(a.kind, why),
      });
      this.writer.audit(
        'approval',
        a.id,
        run.id,
        'pending',
        'rejected',
        `${a.kind} for task "${task.task_id}" closed: ${why}`,
        actor,
      );
      const closed = store.approvals.get(a.id);
      if (closed) this.rt.bus.emit('approval.changed', closed);
    }
  }
}
