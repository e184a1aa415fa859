import type { Approval, ToolCallVerdict } from '../../../src-shared/schemas/approval.ts';
import { AppError } from '../../errors.ts';
import type { ToolCallRecord } from '../../store/tool-calls-repo.ts';
import type { AgentDirectory } from '../agent-directory.ts';
import type { ToolCallRequest } from '../executor.ts';
import type { RunLeases } from '../leases.ts';
import type { RunLoader } from '../run-loader.ts';
import { taskOf } from '../run-state.ts';
import type { Runtime } from '../runtime.ts';
import type { Approvals } from './approvals.ts';

export type { ToolCallVerdict };

/** A tool call asked about from outside Baton's own loop (Claude Code's permission prompt over MCP). */
export interface OutsideToolCall {
  run_id: string;
  task_id: string;
  attempt: number;
  call_id: string;
  tool: string;
  server: string | null;
  input: Record<string, unknown>;
  agent_text: string;
}

/** Which attempt asks. */
export interface AttemptRef {
  run_id: string;
  task_id: string;
  attempt: number;
  agent_id: string | null;
}

/**
 * The desk where attempts wait for people to allow their tool calls (kind `tool_call`,
 * `kinds.ts`). `ask` stores the approval (the row, what it asks about, the audit entry) in a
 * transaction of its own and waits; `Engine.decideApproval` hands the decision over here once
 * it is stored (`decided`). Durable: a later attempt of the task that asks about the same call
 * (the tool loop resuming after a restart) waits on the same approval, or gets its decision at
 * once if a person decided meanwhile; nothing is asked twice.
 */
export class ToolCallDesk {
  private readonly rt: Runtime;
  private readonly approvals: Approvals;
  private readonly loader: RunLoader;
  private readonly leases: RunLeases;
  private readonly agents: AgentDirectory;
  private readonly waiters = new Map<string, Set<(v: ToolCallVerdict) => void>>();

  constructor(
    rt: Runtime,
    parts: { approvals: Approvals; loader: RunLoader; leases: RunLeases; agents: AgentDirectory },
  ) {
    this.rt = rt;
    this.approvals = parts.approvals;
    this.loader = parts.loader;
    this.leases = parts.leases;
    this.agents = parts.agents;
  }

  /**
   * Asks a person about one tool call of a running attempt, for an agent whose loop Baton does
   * not run (Claude Code's permission prompt, through MCP): the approval's id, and its decision
   * if one was made already (the same call asked again finds the same approval).
   */
  askFromOutside(q: OutsideToolCall): { approval_id: string; verdict: ToolCallVerdict | null } {
    const run = this.leases.activeRun(q.run_id);
    const task = taskOf(run, q.task_id);
    const agent = task.agent_id ? this.agents.of(task.agent_id) : undefined;
    const who = agent?.name ?? task.agent_id ?? 'an agent';
    return this.open(
      { run_id: q.run_id, task_id: q.task_id, attempt: q.attempt, agent_id: task.agent_id },
      {
        call_id: q.call_id,
        tool: q.tool,
        server: q.server,
        input: q.input,
        agent_text: q.agent_text,
        reason: `${who} wants to call ${q.server ? `${q.server}/` : ''}${q.tool}`,
      },
    );
  }

  /**
   * The attempt that asked about a tool call stopped waiting before anyone answered (Claude
   * Code's call to the approve tool timed out or was cancelled): the approval is recorded
   * `expired` and audited, and deciding it is then refused saying so. Only the attempt that asked
   * can say so; a decision made first stands (it is returned as it is).
   */
  expire(q: {
    approval_id: string;
    run_id: string;
    task_id: string;
    attempt: number;
    reason: string;
  }): Approval {
    const store = this.rt.store;
    const record = store.toolCalls.get(q.approval_id);
    const approval = store.approvals.get(q.approval_id);
    if (!record || !approval)
      throw new AppError('not_found', `tool call approval "${q.approval_id}" not found`);
    if (record.run_id !== q.run_id || record.task_id !== q.task_id || record.attempt !== q.attempt)
      throw new AppError(
        'conflict',
        `tool call approval "${q.approval_id}" was not asked by attempt ${q.attempt} of task "${q.task_id}" of run "${q.run_id}"`,
      );
    const actor = `${record.agent_id ?? 'an agent'} (MCP)`;
    const expired = this.loader.tx(() => this.approvals.expire(approval, q.reason, actor));
    if (!expired) return store.approvals.get(q.approval_id) ?? approval;
    this.decided(q.approval_id);
    this.rt.bus.emit('approval.changed', expired);
    return expired;
  }

  /** Waits up to `waitMs` for the decision on a tool call approval: the verdict, or null. */
  async waitUpTo(approvalId: string, waitMs: number): Promise<{ verdict: ToolCallVerdict | null }> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), waitMs);
    try {
      return { verdict: await this.waitFor(approvalId, ac.signal) };
    } catch (err) {
      if (ac.signal.aborted) return { verdict: null };
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Asks a person about a call of attempt `attempt` of a task and waits for the answer (or `signal`). */
  async ask(at: AttemptRef, req: ToolCallRequest, signal: AbortSignal): Promise<ToolCallVerdict> {
    const opened = this.open(at, req);
    return opened.verdict ?? this.waitFor(opened.approval_id, signal);
  }

  /**
   * Asks a person about a call (in a transaction of its own), or finds the approval an earlier
   * attempt asked for the same call: its id, and its decision if a person made it already.
   */
  open(at: AttemptRef, req: ToolCallRequest): { approval_id: string; verdict: ToolCallVerdict | null } {
    const store = this.rt.store;
    const earlier = store.toolCalls.forCall(at.run_id, at.task_id, req.call_id);
    if (earlier) return { approval_id: earlier.approval_id, verdict: this.verdictOf(earlier) };
    const approvalId = this.loader.tx(() => {
      const run = this.rt.active.get(at.run_id);
      const task = run?.tasks.get(at.task_id);
      if (!run || !task || task.status !== 'in_progress' || task.attempt !== at.attempt)
        throw new AppError(
          'conflict',
          `attempt ${at.attempt} of task "${at.task_id}" of run "${at.run_id}" is not running here`,
        );
      const approval = this.approvals.askInsideAttempt(run, task, 'tool_call', {
        reason: req.reason,
        cost: 0,
      });
      store.toolCalls.insert({
        approval_id: approval.id,
        run_id: at.run_id,
        task_id: at.task_id,
        attempt: at.attempt,
        call_id: req.call_id,
        agent_id: at.agent_id,
        tool: req.tool,
        server: req.server,
        input: req.input,
        agent_text: req.agent_text,
      });
      return approval.id;
    });
    return { approval_id: approvalId, verdict: null };
  }

  /** Waits for a person's decision on approval `approvalId` (rejects when `signal` aborts). */
  waitFor(approvalId: string, signal: AbortSignal): Promise<ToolCallVerdict> {
    const record = this.rt.store.toolCalls.get(approvalId);
    if (!record)
      return Promise.reject(new AppError('not_found', `tool call approval "${approvalId}" not found`));
    const now = this.verdictOf(record);
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const set = this.waiters.get(approvalId) ?? new Set();
      this.waiters.set(approvalId, set);
      const done = (v: ToolCallVerdict) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      };
      const onAbort = () => {
        set.delete(done);
        if (set.size === 0) this.waiters.delete(approvalId);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      set.add(done);
    });
  }

  /** A person's decision on approval `approvalId` is stored: the attempt waiting on it, if any, gets it. */
  decided(approvalId: string): void {
    const set = this.waiters.get(approvalId);
    if (!set) return;
    const record = this.rt.store.toolCalls.get(approvalId);
    const verdict = record && this.verdictOf(record);
    if (!verdict) return;
    this.waiters.delete(approvalId);
    for (const w of set) w(verdict);
  }

  /** How many approvals someone waits on here now. */
  get waiting(): number {
    return this.waiters.size;
  }

  /** Whether an attempt of this task waits on a person here now (it is then not working). */
  isWaiting(runId: string, taskId: string): boolean {
    for (const id of this.waiters.keys()) {
      const r = this.rt.store.toolCalls.get(id);
      if (r && r.run_id === runId && r.task_id === taskId) return true;
    }
    return false;
  }

  private verdictOf(record: ToolCallRecord): ToolCallVerdict | null {
    const a = this.rt.store.approvals.get(record.approval_id);
    if (!a || a.status === 'pending') return null;
    const actor = a.actor ?? 'someone';
    if (a.status === 'expired')
      return {
        approve: false,
        approval_id: a.id,
        actor,
        message: `Not run: the approval expired (${a.comment ?? 'nobody answered in time'}).`,
      };
    if (a.status === 'approved')
      return { approve: true, approval_id: a.id, actor, input: record.edited_input, comment: a.comment };
    return {
      approve: false,
      approval_id: a.id,
      actor,
      message: a.comment ? `Denied by ${actor}: ${a.comment}` : `Denied by ${actor}.`,
    };
  }
}
