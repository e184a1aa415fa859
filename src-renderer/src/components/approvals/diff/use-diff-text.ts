import { useEffect, useState } from 'react';
import type { ChangedFile } from '../../../../../src-shared/schemas/workspace.ts';
import { api } from '../../../api/client.ts';
import type { ReviewedApproval } from '../../../approvals/diff-review.ts';
import { DIFF_ARTIFACT } from '../../../approvals/diff-review.ts';

export type DiffText =
  | { state: 'loading' }
  | { state: 'none' }
  | { state: 'error'; message: string }
  /** `files`: every changed file of the diff since an earlier review (null: the approval's own list). */
  | { state: 'ready'; text: string; truncated: boolean; files: readonly ChangedFile[] | null };

/**
 * The unified diff under review: the approval's artifact when its view names one, else the
 * task's latest `changes.diff` (a host whose approval view carries no diff yet). `since`: what
 * changed since the commit the task's earlier review saw instead (`approvals.diffSinceReview`).
 */
export function useDiffText(a: ReviewedApproval, since = false): DiffText {
  const [value, setValue] = useState<DiffText>({ state: 'loading' });
  const named = a.diff?.artifact?.id ?? null;
  const hasView = a.diff !== undefined;
  useEffect(() => {
    let live = true;
    setValue({ state: 'loading' });
    (async () => {
      if (since) {
        const d = await api.diffSinceReview(a.id);
        if (!live) return;
        if (d.files.length === 0) return setValue({ state: 'none' });
        return setValue({ state: 'ready', text: d.patch, truncated: d.truncated, files: d.files });
      }
      let id = named;
      if (id === null && !hasView) {
        const list = await api.taskArtifacts(a.run_id, a.task_id);
        id = list.filter((x) => x.name === DIFF_ARTIFACT).at(-1)?.id ?? null;
      }
      if (id === null) return live && setValue({ state: 'none' });
      const read = await api.readArtifact(id);
      if (!live) return;
      if (read.encoding !== 'utf8') return setValue({ state: 'error', message: 'the diff is not text' });
      setValue({ state: 'ready', text: read.content, truncated: read.truncated, files: null });
    })().catch((err: unknown) => {
      if (live) setValue({ state: 'error', message: err instanceof Error ? err.message : String(err) });
    });
    return () => {
      live = false;
    };
  }, [a.id, a.run_id, a.task_id, named, hasView, since]);
  return value;
}
