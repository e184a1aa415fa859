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
 *
 * An approval answers one call: once a later attempt's call took it (`takenBy`: the latest
 * attempt that did), that attempt holds it as if it had asked, and a second same call of that
 * attempt is asked anew, as it would be had Baton never restarted. A rejection is not a rule;
 * only "for this task" or "always for this agent" answers later calls (`tool-grants.ts`).
 */
export function unheardSameCall(
  q: Pick<ToolCallRequest, 'tool' | 'server' | 'input'>,
  attempt: number,
  calls: readonly Call[],
  asked: (approvalId: string) => Asked | undefined,
  attempts: readonly Ended[],
  takenBy: ReadonlyMap<string, number> = new Map(),
): string | null {
  const ended = new Map(attempts.map((a) => [a.attempt, a]));
  const allInterrupted = (from: number) => {
    for (let n = from; n < attempt; n++) if (ended.get(n)?.outcome !== 'interrupted') return false;
    return true;
  };
  let found: { id: string; holder: number } | null = null;
  for (const c of calls) {
    // Who holds it: the attempt that asked, or the latest that took it since.
    const holder = Math.max(c.attempt, takenBy.get(c.approval_id) ?? 0);
    if (holder >= attempt || c.tool !== q.tool || (c.server ?? null) !== (q.server ?? null)) continue;
    if (canonical(c.input) !== canonical(q.input) || !allInterrupted(holder)) continue;
    const a = asked(c.approval_id);
    if (!a || a.status === 'expired') continue;
    const end = ended.get(holder)?.finished_at ?? null;
    const unheard = a.status === 'pending' || (a.decided_at !== null && end !== null && a.decided_at > end);
    if (unheard && (!found || holder >= found.holder)) found = { id: c.approval_id, holder };
  }
  return found?.id ?? null;
}

/**
 * `unheardSameCall` over the store (the task's recorded tool calls, approvals, attempts and
 * takers), taken by this call: recorded, so that it answers this call of `at` and no other.
 */
export function takeUnheardSameCall(
  store: EngineStore,
  at: { run_id: string; task_id: string; attempt: number },
  q: Pick<ToolCallRequest, 'call_id' | 'tool' | 'server' | 'input'>,
): string | null {
  if (at.attempt <= 1) return null;
  const found = unheardSameCall(
    q,
    at.attempt,
    store.toolCalls.forTask(at.run_id, at.task_id),
    (id) => store.approvals.get(id),
    store.execution.attempts(at.run_id, at.task_id),
    store.toolCalls.takers(at.run_id, at.task_id),
  );
  if (found !== null) store.toolCalls.take(found, at.run_id, at.task_id, at.attempt, q.call_id);
  return found;
}

/**
 * Whether a recorded call is the call `q` asks: the same tool of the same server with the same
 * arguments. A call id alone says nothing: a model server that gives none leaves the loop to make
 * one (`call_1_0`), and a later attempt makes the same ids again for other calls.
 */
export function sameCall(
  c: Pick<ToolCallRecord, 'tool' | 'server' | 'input'>,
  q: Pick<ToolCallRequest, 'tool' | 'server' | 'input'>,
): boolean {
  return (
    c.tool === q.tool &&
    (c.server ?? null) === (q.server ?? null) &&
    canonical(c.input) === canonical(q.input)
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
