import type { DroppedAttempt, HeldAttempt } from '../../src-shared/contract/domains/workers.ts';
import type { InboxHandlers } from '../../src-shared/contract/index.ts';
import { isAskKind } from '../../src-shared/schemas/approval.ts';
import { AppError } from '../base/errors.ts';
import type { AppContext } from './context.ts';

/**
 * One way to ask a person from outside Baton's own loop (`inbox.*`): a coding CLI's permission
 * prompt over MCP, a remote worker's tool loop or merge. The question becomes the same approval,
 * card, notifications and webhooks as an attempt of this process asks, and is waited on in turns.
 * A worker (`worker_id`) is answered only for an attempt it holds, whose lease each call renews
 * (a report without notes); one it no longer holds is told to drop it, whatever the approval says.
 */
export function inboxHandlers({ store, engine }: AppContext): InboxHandlers {
  const leases = engine.workers;
  /** The attempt is not the worker's any more (its task cancelled, its lease lapsed): what it is told. Else its lease is renewed. */
  const droppedFrom = (worker_id: string | undefined, held: HeldAttempt): { drop: DroppedAttempt } | null => {
    if (worker_id === undefined) return null;
    const reason = leases.report(worker_id, held, []);
    return reason === null ? null : { drop: { ...held, reason } };
  };
  return {
    'inbox.ask': ({ worker_id, run_id, task_id, attempt, question }) => {
      const held = { run_id, task_id, attempt };
      return droppedFrom(worker_id, held) ?? engine.ask(held, question);
    },
    // Only the task that asked hears the answer (an earlier attempt of it may have asked).
    'inbox.wait': async ({ worker_id, run_id, task_id, attempt, approval_id, wait_ms }) => {
      const held = { run_id, task_id, attempt };
      const before = droppedFrom(worker_id, held);
      if (before) return before;
      const asked = store.approvals.get(approval_id);
      if (!asked || !isAskKind(asked.kind) || asked.run_id !== run_id || asked.task_id !== task_id)
        throw new AppError(
          'not_found',
          `approval "${approval_id}" was not asked by task "${task_id}" of run "${run_id}"`,
        );
      const verdict = await engine.waitAsked(approval_id, wait_ms);
      return droppedFrom(worker_id, held) ?? { verdict };
    },
    'inbox.expire': (q) => engine.expireAsked(q),
  };
}
