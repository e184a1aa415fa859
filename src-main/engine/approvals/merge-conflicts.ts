import type { Approval, MergeConflictVerdict } from '../../../src-shared/schemas/approval.ts';
import type { EngineStore } from '../coding-records.ts';
import type { MergeConflictRequest } from '../executor.ts';
import { ACTOR } from '../run-state.ts';

/**
 * A coding attempt's merge conflict between its dependencies' branches (`on_conflict: "ask"`,
 * kind `merge_conflict`, `ASKS` in kinds.ts): the approval's reason names the files and the
 * worktree, and `merge_conflict_approvals` keeps the merge as data for the inbox.
 */
export function conflictReason(req: MergeConflictRequest): string {
  const n = req.files.length;
  const paths = req.files.slice(0, 20).map((f) => f.path);
  return [
    req.again ? `${req.again}; ` : '',
    `merging ${req.merging} into the task's branch conflicts in ${n} file${n === 1 ? '' : 's'}: ${paths.join(', ')}${n > 20 ? ', …' : ''}.`,
    ` Resolve it in ${req.dir} (fix the files; committing is optional), then answer "resolved, go on"; or reject to fail the attempt.`,
  ].join('');
}

/** What the attempt that waits is given once a person answered: go on (resolved), or fail. Null while pending. */
export function mergeConflictVerdict(a: Approval): MergeConflictVerdict | null {
  if (a.status === 'pending') return null;
  const actor = a.actor ?? 'someone';
  return a.status === 'approved' ? { resolved: true, actor } : { resolved: false, actor, comment: a.comment };
}

/**
 * The task's latest question, when a person failed it and no attempt has heard it yet: it was
 * rejected from another process while the attempt that asked was gone (Baton down), so every
 * attempt since the one that asked was interrupted, none failed by it. That answer stands
 * (asking again would drop it); once an attempt has failed by it, a retry asks anew.
 */
export function unheardRejection(
  store: EngineStore,
  at: { run_id: string; task_id: string; attempt: number },
  latest: Approval | undefined,
): string | null {
  if (latest?.status !== 'rejected' || latest.actor === ACTOR) return null;
  const asker = store.mergeConflicts.get(latest.id)?.attempt;
  if (asker === undefined || asker >= at.attempt) return null;
  const ended = new Map(store.execution.attempts(at.run_id, at.task_id).map((x) => [x.attempt, x.outcome]));
  for (let n = asker; n < at.attempt; n++) if (ended.get(n) !== 'interrupted') return null;
  return latest.id;
}
