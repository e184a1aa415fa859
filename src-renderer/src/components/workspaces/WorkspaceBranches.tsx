import { useCallback, useEffect, useState } from 'react';
import type {
  BranchKind,
  DeletedBranches,
  TaskBranchInfo,
} from '../../../../src-shared/contract/domains/workspaces.ts';
import {
  BRANCH_KIND_LABEL,
  BRANCH_KINDS,
  deletableKinds,
} from '../../../../src-shared/contract/domains/workspaces.ts';
import { api } from '../../api/client.ts';
import { plural } from '../../format/plural.ts';
import { useBaton } from '../../store/index.ts';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';

/**
 * A workspace's task branches (`baton/<run>/<task>`): counts by what they hold, the list, and a
 * clean-up that deletes the merged and empty ones; work in progress nobody reviewed and a done
 * task's unmerged work only when their boxes are ticked. The confirmation lists every branch that
 * goes; branches a running run uses or that are checked out anywhere are never offered.
 */
export function WorkspaceBranches({ workspaceId }: { workspaceId: string }) {
  const fail = useBaton((s) => s.fail);
  const [branches, setBranches] = useState<TaskBranchInfo[] | null>(null);
  const [withWork, setWithWork] = useState(false);
  const [withUnmerged, setWithUnmerged] = useState(false);
  const [report, setReport] = useState<DeletedBranches | null>(null);
  const load = useCallback(async () => {
    try {
      const [list] = await api.workspaceBranches(workspaceId);
      setBranches(list?.branches ?? []);
    } catch (err) {
      fail(`Could not list the branches of ${workspaceId}`, err);
    }
  }, [workspaceId, fail]);
  useEffect(() => {
    void load();
  }, [load]);
  if (branches === null) return <p className="muted small">Reading the branches…</p>;
  const counts = new Map<BranchKind, number>();
  for (const b of branches) counts.set(b.kind, (counts.get(b.kind) ?? 0) + 1);
  const allowed = new Set(deletableKinds({ include_kept_work: withWork, include_unmerged: withUnmerged }));
  const goes = branches.filter((b) => allowed.has(b.kind));
  const clean = async () => {
    try {
      setReport(
        await api.deleteBranches({
          workspace_id: workspaceId,
          branches: goes.map((b) => ({ name: b.name, tip: b.tip })),
          include_kept_work: withWork,
          include_unmerged: withUnmerged,
        }),
      );
      setWithWork(false);
      setWithUnmerged(false);
    } catch (err) {
      fail(`The branches of ${workspaceId} were not deleted`, err);
    }
    await load();
  };
  return (
    <details className="workspace-branches">
      <summary>
        Branches: {branches.length === 0 ? 'none' : plural(branches.length, 'task branch', 'task branches')}
        {branches.length > 0 && (
          <span className="muted">
            {' '}
            (
            {BRANCH_KINDS.filter((k) => counts.has(k))
              .map((k) => `${counts.get(k)} ${BRANCH_KIND_LABEL[k]}`)
              .join(', ')}
            )
          </span>
        )}
      </summary>
      {branches.length > 0 && (
        <>
          <ul className="small branch-list" aria-label={`Task branches of ${workspaceId}`}>
            {branches.map((b) => (
              <li key={b.name}>
                <code>{b.name}</code>{' '}
                <span className={`pill branch-${b.kind}`}>{BRANCH_KIND_LABEL[b.kind]}</span>{' '}
                <span className="muted">{b.why}</span>
              </li>
            ))}
          </ul>
          <div className="branch-cleanup">
            {counts.has('work_in_progress') && (
              <label className="check small">
                <input type="checkbox" checked={withWork} onChange={(e) => setWithWork(e.target.checked)} />{' '}
                Also delete work in progress nobody reviewed ({counts.get('work_in_progress')})
              </label>
            )}
            {counts.has('unmerged') && (
              <label className="check small">
                <input
                  type="checkbox"
                  checked={withUnmerged}
                  onChange={(e) => setWithUnmerged(e.target.checked)}
                />{' '}
                Also delete done work not merged into the base branch ({counts.get('unmerged')})
              </label>
            )}
            <ConfirmButton
              label={
                goes.length === 0
                  ? 'Nothing to clean up'
                  : `Clean up ${plural(goes.length, 'branch', 'branches')}…`
              }
              name={`Clean up the branches of ${workspaceId}`}
              disabled={goes.length === 0}
              question={`Delete ${plural(goes.length, 'branch', 'branches')} of ${workspaceId}?`}
              detail="These branches are deleted from the repository; the others stay. A branch that moved or got checked out meanwhile is left."
              yes="Delete them"
              no="Keep them"
              danger={withWork || withUnmerged}
              onConfirm={() => void clean()}
            >
              <ul className="small branch-list" aria-label="Branches that go">
                {goes.map((b) => (
                  <li key={b.name}>
                    <code>{b.name}</code> <span className="muted">{BRANCH_KIND_LABEL[b.kind]}</span>
                  </li>
                ))}
              </ul>
            </ConfirmButton>
          </div>
        </>
      )}
      {report && (
        <output className="prune-report small" aria-label={`Branches deleted in ${workspaceId}`}>
          Deleted {plural(report.deleted.length, 'branch', 'branches')}
          {report.left.length > 0 ? `; ${report.left.length} left:` : '.'}
          {report.left.length > 0 && (
            <ul>
              {report.left.map((l) => (
                <li key={l.name}>
                  <code>{l.name}</code>: {l.why}
                </li>
              ))}
            </ul>
          )}
        </output>
      )}
    </details>
  );
}
