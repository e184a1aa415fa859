import { useEffect, useMemo, useState } from 'react';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';

/**
 * Every approval of a run, decided or not, by task id (each task's oldest first): what the run
 * asked people and how long each wait was. Read again whenever an approval of the run is asked or
 * decided (the store's pending approvals, which the host's events keep current, change then).
 */
export function useRunApprovals(runId: string): ReadonlyMap<string, ApprovalView[]> {
  const pending = useBaton((s) =>
    s.pending
      .filter((a) => a.run_id === runId)
      .map((a) => a.id)
      .join(' '),
  );
  const fail = useBaton((s) => s.fail);
  const [approvals, setApprovals] = useState<{ runId: string; list: ApprovalView[] }>({ runId, list: [] });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `pending` changing is the reason to read them again
  useEffect(() => {
    let current = true;
    api.runApprovals(runId).then(
      (list) => current && setApprovals({ runId, list }),
      (err) => current && fail(`Could not read the approvals of run ${runId}`, err),
    );
    return () => {
      current = false;
    };
  }, [runId, pending, fail]);
  return useMemo(() => {
    const byTask = new Map<string, ApprovalView[]>();
    if (approvals.runId !== runId) return byTask;
    for (const a of approvals.list) byTask.set(a.task_id, [...(byTask.get(a.task_id) ?? []), a]);
    return byTask;
  }, [approvals, runId]);
}
