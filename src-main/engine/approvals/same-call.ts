import type { Approval } from '../../../src-shared/schemas/approval.ts';
import type { TaskAttempt } from '../../../src-shared/schemas/run.ts';
import type { ToolCallRecord } from '../../store/tool-calls-repo.ts';
import type { EngineStore } from '../coding-records.ts';
import type { ToolCallRequest } from '../executor.ts';

type Call = Pick<ToolCallRecord, 'approval_id' | 'attempt' | 'tool' | 'server' | 'input'>;
type Asked = Pick<Approval, 'status' | 'decided_at'>;
type Ended = Pick<TaskAttempt, 'attempt' | 'outcome' | 'finished_at'>;

/**
 * The approval an interrupted attempt of the task asked for the same call (same tool, same
 * arguments) that nobody has heard the answer to, for a later attempt whose agent asks it again
 * under a new id (an ACP agent's loaded session re-asking after Baton restarted): still pending,
 * or decided after the attempt that asked had ended (a person answered while Baton was down). The
 * attempt that asked and every one since were interrupted (one that ended otherwise heard or
 * dropped it); the latest such approval wins. Null when there is none: the call is asked anew.
 */
export function unheardSameCall(
  q: Pick<ToolCallRequest, 'tool' | 'server' | 'input'>,
  attempt: number,
  calls: readonly Call[],
  asked: (approvalId: string) => Asked | undefined,
  attempts: readonly Ended[],
): string | null {
  const ended = new Map(attempts.map((a) => [a.attempt, a]));
  const allInterrupted = (from: number) => {
    for (let n = from; n < attempt; n++) if (ended.get(n)?.outcome !== 'interrupted') return false;
    return true;
  };
  let found: Call | null = null;
  for (const c of calls) {
    if (c.attempt >= attempt || c.tool !== q.tool || (c.server ?? null) !== (q.server ?? null)) continue;
    if (canonical(c.input) !== canonical(q.input) || !allInterrupted(c.attempt)) continue;
    const a = asked(c.approval_id);
    if (!a || a.status === 'expired') continue;
    const end = ended.get(c.attempt)?.finished_at ?? null;
    const unheard = a.status === 'pending' || (a.decided_at !== null && end !== null && a.decided_at > end);
    if (unheard && (!found || c.attempt >= found.attempt)) found = c;
  }
  return found?.approval_id ?? null;
}

/** `unheardSameCall` over the store: the task's recorded tool calls, approvals and attempts. */
export function unheardSameCallIn(
  store: EngineStore,
  at: { run_id: string; task_id: string; attempt: number },
  q: Pick<ToolCallRequest, 'tool' | 'server' | 'input'>,
): string | null {
  if (at.attempt <= 1) return null;
  return unheardSameCall(
    q,
    at.attempt,
    store.toolCalls.forTask(at.run_id, at.task_id),
    (id) => store.approvals.get(id),
    store.execution.attempts(at.run_id, at.task_id),
  );
}

/** JSON with object keys sorted: two inputs are the same call when theirs is equal. */
function canonical(v: unknown): string {
  const norm = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(norm)
      : x !== null && typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x as object)
              .sort()
              .map((k) => [k, norm((x as Record<string, unknown>)[k])]),
          )
        : x;
  return JSON.stringify(norm(v ?? null));
}
