import { AppError } from '../../errors.ts';
import type { ToolCallRecord } from '../../store/tool-calls-repo.ts';
import type { RunLoader } from '../run-loader.ts';
import type { Runtime } from '../runtime.ts';
import type { Approvals } from './approvals.ts';

/** One tool call an attempt wants a person to allow. */
export interface ToolCallRequest {
  call_id: string;
  tool: string;
  server: string | null;
  input: unknown;
  /** What the agent said so far in this loop, for the person deciding. */
  agent_text: string;
  /** Shown as the approval's reason (`mila wants to call fs/write_file`). */
  reason: string;
}

/** A person's answer, as the waiting attempt gets it. */
export type ToolCallVerdict =
  | {
      approve: true;
      approval_id: string;
      actor: string;
      /** Arguments the person approved instead of the agent's, or null to run the call as asked. */
      input: Record<string, unknown> | null;
      comment: string | null;
    }
  /** Denied; `message` is what the model is told (the person's comment, or a plain denial). */
  | { approve: false; approval_id: string; actor: string; message: string };

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
  private readonly waiters = new Map<string, (v: ToolCallVerdict) => void>();

  constructor(rt: Runtime, parts: { approvals: Approvals; loader: RunLoader }) {
    this.rt = rt;
    this.approvals = parts.approvals;
    this.loader = parts.loader;
  }

  /** Asks a person about a call of attempt `attempt` of a task and waits for the answer (or `signal`). */
  ask(
    at: { run_id: string; task_id: string; attempt: number; agent_id: string | null },
    req: ToolCallRequest,
    signal: AbortSignal,
  ): Promise<ToolCallVerdict> {
    const store = this.rt.store;
    const earlier = store.toolCalls.forCall(at.run_id, at.task_id, req.call_id);
    let approvalId: string;
    if (earlier) {
      const verdict = this.verdictOf(earlier);
      if (verdict) return Promise.resolve(verdict);
      approvalId = earlier.approval_id;
    } else {
      approvalId = this.loader.tx(() => {
        const run = this.rt.active.get(at.run_id);
        const task = run?.tasks.get(at.task_id);
        if (!run || !task || task.status !== 'in_progress' || task.attempt !== at.attempt)
          throw new AppError('conflict', `attempt ${at.attempt} of task "${at.task_id}" is not running`);
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
    }
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.waiters.delete(approvalId);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(approvalId, (v) => {
        signal.removeEventListener('abort', onAbort);
        this.waiters.delete(approvalId);
        resolve(v);
      });
    });
  }

  /** A person's decision on approval `approvalId` is stored: the attempt waiting on it, if any, gets it. */
  decided(approvalId: string): void {
    const waiter = this.waiters.get(approvalId);
    if (!waiter) return;
    const record = this.rt.store.toolCalls.get(approvalId);
    const verdict = record && this.verdictOf(record);
    if (verdict) waiter(verdict);
  }

  /** How many attempts wait on a person here now. */
  get waiting(): number {
    return this.waiters.size;
  }

  private verdictOf(record: ToolCallRecord): ToolCallVerdict | null {
    const a = this.rt.store.approvals.get(record.approval_id);
    if (!a || a.status === 'pending') return null;
    const actor = a.actor ?? 'someone';
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
