import type { Approval, AskKind, AskVerdict, AskVerdicts } from '../../../src-shared/schemas/approval.ts';
import { isAskKind } from '../../../src-shared/schemas/approval.ts';
import { AppError } from '../../base/errors.ts';
import { stepRowProblem } from '../../store/steps-repo.ts';
import type { AgentDirectory } from '../agent-directory.ts';
import { TURN_STOPPED } from '../attempt-turns.ts';
import type { RunLoader } from '../run-loader.ts';
import type { Runtime } from '../runtime.ts';
import type { Approvals } from './approvals.ts';
import type { AskHandler, AttemptRef, Question } from './kinds.ts';
import { ASKS } from './kinds.ts';

/** How long a question from outside an attempt waits for its call's step from the attempt's stream (`whenShown`). */
export const SHOWN_WAIT_MS = 1_000;

/** Whether a step is tool call `callId`'s. */
const stepOfCall =
  (callId: string) =>
  (s: { kind: string; call_id?: string }): boolean =>
    s.kind === 'tool_call' && s.call_id === callId;

/**
 * Where attempts wait for people: the one desk for every kind asked inside an attempt (`ASKS` in
 * kinds.ts: a tool call, a merge conflict), whoever asks — an attempt of this process (`ask`,
 * a promise), or one outside it (a coding CLI over MCP, a remote worker: `open`, then `waitUpTo`
 * in turns, `inbox.*`). `open` stores the approval (the row, what it asks about, the audit entry)
 * in a transaction of its own; `Engine.decideApproval` hands a decision over here once it is
 * stored (`decided`), without moving the task. Durable: a later attempt of the task that asks the
 * same question (the tool loop resuming after a restart) waits on the same approval, or gets its
 * decision at once if a person decided meanwhile; nothing is asked twice.
 */
export class AttemptAsks {
  private readonly rt: Runtime;
  private readonly approvals: Approvals;
  private readonly loader: RunLoader;
  private readonly agents: AgentDirectory;
  private readonly waiters = new Map<
    string,
    { runId: string; taskId: string; hear: Set<(v: AskVerdict) => void> }
  >();

  constructor(rt: Runtime, parts: { approvals: Approvals; loader: RunLoader; agents: AgentDirectory }) {
    this.rt = rt;
    this.approvals = parts.approvals;
    this.loader = parts.loader;
    this.agents = parts.agents;
  }

  /** Asks a person for attempt `at` and waits for the answer (rejects when `signal` aborts). */
  async ask<K extends AskKind>(at: AttemptRef, q: Question<K>, signal: AbortSignal): Promise<AskVerdicts[K]> {
    const opened = this.open(at, q);
    // The approval waited on is of the question's kind (asked now, or found for the same question).
    if (opened.verdict) return opened.verdict;
    try {
      return (await this.waitFor(opened.approval_id, signal)) as AskVerdicts[K];
    } catch (err) {
      // A person stopped the turn that asked: the question is withdrawn, not left in the inbox.
      if (signal.reason === TURN_STOPPED && opened.approval_id)
        try {
          this.expire({ approval_id: opened.approval_id, ...at, reason: TURN_STOPPED });
        } catch (gone) {
          this.rt.log(gone, 'withdrawing a question of a stopped turn');
        }
      throw err;
    }
  }

  /**
   * A tool call asked from outside its attempt's loop (a coding CLI's permission prompt over MCP)
   * while that attempt runs here: resolves once its stream has shown the call (heard, or stored),
   * or after `SHOWN_WAIT_MS`. The CLI prints the call before it asks, but Baton may not have read
   * that line yet; the card's transaction then stores the step it shows (`keepShown`).
   */
  whenShown(at: AttemptRef, q: Question<AskKind>): Promise<void> | undefined {
    if (q.kind !== 'tool_call' || (q as Question<'tool_call'>).shown) return undefined;
    const callId = (q as Question<'tool_call'>).call_id;
    const run = this.rt.active.get(at.run_id);
    const task = run?.tasks.get(at.task_id);
    // Only an attempt whose stream is read here (a worker elsewhere sends its steps first).
    if (!task || task.attempt !== at.attempt || !run!.inflight.get(at.task_id)?.ac) return undefined;
    if (this.rt.inbox.waitingStep(at, stepOfCall(callId))) return undefined;
    if (this.rt.store.steps.hasCall(at.run_id, at.task_id, at.attempt, callId)) return undefined;
    return this.rt.inbox.whenCallHeard(at, callId, SHOWN_WAIT_MS);
  }

  /**
   * Asks a person (in a transaction of its own), or finds the approval an earlier attempt asked
   * for the same question: its id, and its decision if a person made it already.
   */
  open<K extends AskKind>(
    at: AttemptRef,
    q: Question<K>,
  ): { approval_id: string; verdict: AskVerdicts[K] | null } {
    const kind: AskHandler<K> = ASKS[q.kind];
    const store = this.rt.store;
    // In a transaction: a later attempt's call that takes an earlier one's approval is recorded.
    const earlier = this.loader.tx(() => {
      const found = kind.earlier(store, at, q);
      if (found) this.keepShown(at, q);
      return found;
    });
    if (earlier) {
      const a = store.approvals.get(earlier);
      return { approval_id: earlier, verdict: a ? kind.verdict(a, store) : null };
    }
    // Granted already (a tool allowed for the rest of the task, or for the agent): nothing is asked.
    const asker = this.rt.active.get(at.run_id)?.tasks.get(at.task_id);
    const granted = asker && kind.granted?.(store, { ...at, agent_id: asker.agent_id ?? null }, q);
    if (granted)
      return { approval_id: (granted as { approval_id?: string }).approval_id ?? '', verdict: granted };
    // Past the attempt's open questions of this kind: answered at once, listed in one it has open, or asked otherwise.
    let question: Question<K> = q;
    const limit = kind.limit;
    if (limit && limit.openBy(store, at) >= limit.open) {
      const beyond = this.loader.tx(() => limit.beyond(store, at, q));
      if ('answer' in beyond) return { approval_id: '', verdict: beyond.answer };
      if ('joined' in beyond) {
        const joined = store.approvals.get(beyond.joined);
        if (joined) this.rt.bus.emit('approval.changed', joined);
        return { approval_id: beyond.joined, verdict: joined ? kind.verdict(joined, store) : null };
      }
      question = beyond.ask;
    }
    const approvalId = this.loader.tx(() => {
      const run = this.rt.active.get(at.run_id);
      const task = run?.tasks.get(at.task_id);
      if (!run || !task || task.status !== 'in_progress' || task.attempt !== at.attempt)
        throw new AppError(
          'conflict',
          `attempt ${at.attempt} of task "${at.task_id}" of run "${at.run_id}" is not running here`,
        );
      const agent = task.agent_id ? this.agents.of(task.agent_id) : undefined;
      const reason = kind.reason(question, agent?.name ?? task.agent_id ?? 'an agent');
      const approval = this.approvals.askInsideAttempt(run, task, question.kind, { reason, cost: 0 });
      kind.keep(store, approval.id, { ...at, agent_id: task.agent_id }, question);
      this.keepShown(at, q);
      return approval.id;
    });
    return { approval_id: approvalId, verdict: null };
  }

  /**
   * The step a tool call shows while its question waits, stored in the transaction that records
   * the question (a new card, or an earlier attempt's taken; a tool call past the open ones is
   * answered at once, no card): its stream's copy is stored by a later tick, and a crash between the two left
   * the card without its step. The same row (by seq) either way. The asker's own
   * (`ToolCallRequest.shown`: an ACP agent's), or else the call's latest step its attempt's stream
   * reported and no tick has stored yet (a coding CLI that asks over MCP: its line read before).
   */
  private keepShown<K extends AskKind>(at: AttemptRef, q: Question<K>): void {
    if (q.kind !== 'tool_call') return;
    const call = q as Question<'tool_call'>;
    const shown = call.shown ?? this.rt.inbox.waitingStep(at, stepOfCall(call.call_id));
    if (!shown || stepRowProblem(shown) !== null) return;
    // As a tick's note: dropped unless the attempt is still the task's running one.
    const task = this.rt.active.get(at.run_id)?.tasks.get(at.task_id);
    if (task?.status !== 'in_progress' || task.attempt !== at.attempt) return;
    this.rt.store.steps.upsertOf({ ...at, agent_id: task.agent_id }, [shown]);
  }

  /** Waits up to `waitMs` for the decision on an approval asked inside an attempt: the verdict, or null. */
  async waitUpTo(approvalId: string, waitMs: number): Promise<AskVerdict | null> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), waitMs);
    try {
      return await this.waitFor(approvalId, ac.signal);
    } catch (err) {
      if (ac.signal.aborted) return null;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for a person's decision on approval `approvalId` (rejects when `signal` aborts). */
  waitFor(approvalId: string, signal: AbortSignal): Promise<AskVerdict> {
    const approval = this.asked(approvalId);
    if (!approval) return Promise.reject(new AppError('not_found', `approval "${approvalId}" not found`));
    const now = this.verdictOf(approval);
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const entry = this.waiters.get(approvalId) ?? {
        runId: approval.run_id,
        taskId: approval.task_id,
        hear: new Set(),
      };
      this.waiters.set(approvalId, entry);
      const hear = (v: AskVerdict) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      };
      const onAbort = () => {
        entry.hear.delete(hear);
        if (entry.hear.size === 0) this.waiters.delete(approvalId);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      entry.hear.add(hear);
    });
  }

  /**
   * The attempt that asked stopped waiting before anyone answered (a coding CLI's call to the
   * approve tool timed out or was cancelled): the approval is recorded `expired` and audited,
   * and deciding it is then refused saying so. Only the attempt that asked can say so; a decision
   * made first stands (it is returned as it is).
   */
  expire(q: {
    approval_id: string;
    run_id: string;
    task_id: string;
    attempt: number;
    reason: string;
  }): Approval {
    const approval = this.asked(q.approval_id);
    const kind = approval && ASKS[approval.kind];
    const asker = kind?.askedBy(this.rt.store, q.approval_id);
    if (!approval || !kind || !asker)
      throw new AppError('not_found', `approval "${q.approval_id}" asked inside an attempt not found`);
    if (asker.run_id !== q.run_id || asker.task_id !== q.task_id || asker.attempt !== q.attempt)
      throw new AppError(
        'conflict',
        `${kind.noun} approval "${q.approval_id}" was not asked by attempt ${q.attempt} of task "${q.task_id}" of run "${q.run_id}"`,
      );
    const actor = `${asker.agent_id ?? 'an agent'} (MCP)`;
    const expired = this.loader.tx(() => this.approvals.expire(approval, q.reason, actor));
    if (!expired) return this.rt.store.approvals.get(q.approval_id) ?? approval;
    this.decided(q.approval_id);
    this.rt.bus.emit('approval.changed', expired);
    return expired;
  }

  /** A person's decision on approval `approvalId` is stored: the attempt waiting on it, if any, gets it. */
  decided(approvalId: string): void {
    const entry = this.waiters.get(approvalId);
    if (!entry) return;
    const approval = this.asked(approvalId);
    const verdict = approval && this.verdictOf(approval);
    if (!verdict) return;
    this.waiters.delete(approvalId);
    for (const hear of entry.hear) hear(verdict);
  }

  /** Whether an attempt of this task waits on a person here now (it is then not working). */
  isWaiting(runId: string, taskId: string): boolean {
    for (const w of this.waiters.values()) if (w.runId === runId && w.taskId === taskId) return true;
    return false;
  }

  /** The approval, if it is one asked inside an attempt. */
  private asked(approvalId: string): (Approval & { kind: AskKind }) | undefined {
    const a = this.rt.store.approvals.get(approvalId);
    if (!a) return undefined;
    const { kind } = a;
    return isAskKind(kind) ? { ...a, kind } : undefined;
  }

  private verdictOf(a: Approval & { kind: AskKind }): AskVerdict | null {
    return ASKS[a.kind].verdict(a, this.rt.store);
  }
}
