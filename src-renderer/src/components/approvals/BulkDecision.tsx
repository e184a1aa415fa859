import { useState } from 'react';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import type { BulkResult } from '../../store/approval-history.ts';
import { actorOf } from '../../store/identity.ts';
import { useBaton } from '../../store/index.ts';
import { ConfirmButton } from '../shared/ConfirmButton.tsx';

const approvals = (n: number) => `${n} approval${n === 1 ? '' : 's'}`;

/**
 * The bar that decides several gates at once (the kinds `bulk` in approval-kinds.ts), as a
 * review queue's: select all, one comment for all, "Approve N" and "Reject N" (which asks
 * first); with some picked, the inbox's a and x press these. Each is decided on its own, after the
 * undo window: one that fails (decided by someone else meanwhile) is listed with why, and the
 * others are decided all the same.
 */
export function BulkDecision({
  eligible,
  selected,
  onSelect,
}: {
  /** The approvals shown that may be decided together. */
  eligible: readonly ApprovalView[];
  selected: ReadonlySet<string>;
  onSelect(ids: Set<string>): void;
}) {
  const decideMany = useBaton((s) => s.decideMany);
  const actor = useBaton(actorOf);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const picked = eligible.filter((a) => selected.has(a.id));
  const n = picked.length;
  const all = n > 0 && n === eligible.length;
  const decide = async (approve: boolean) => {
    setBusy(true);
    const held = await decideMany(
      picked.map((a) => a.id),
      approve,
      comment.trim(),
    );
    setBusy(false);
    if (!held) return;
    setComment('');
    onSelect(new Set());
  };
  return (
    <section className="bulk-bar" aria-label="Decide several at once">
      <label className="bulk-all small">
        <input
          type="checkbox"
          checked={all}
          ref={(el) => {
            if (el) el.indeterminate = n > 0 && !all;
          }}
          onChange={(e) => onSelect(new Set(e.target.checked ? eligible.map((a) => a.id) : []))}
          aria-label={`Select all ${eligible.length} that can be decided together`}
        />
        {n > 0 ? `${n} of ${eligible.length} picked` : `Pick all ${eligible.length} gates to decide together`}
      </label>
      {n > 0 && (
        <>
          <label className="bulk-comment small">
            Comment for all {n}
            <input
              type="text"
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              placeholder="why (kept in the audit log)"
            />
          </label>
          <div className="actions">
            <ConfirmButton
              label={`Reject ${n}`}
              question={`Reject ${approvals(n)}?`}
              detail={`${picked.map((a) => a.task_id).join(', ')}: each task and the tasks that depend on it are skipped; the runs' other branches go on. The audit log records them as rejected by ${actor}${comment.trim() ? `, with your comment` : ''}.`}
              yes={`Reject ${n}`}
              no="Keep them waiting"
              danger
              disabled={busy}
              shortcut="bulk-reject"
              onConfirm={() => void decide(false)}
            />
            <button
              type="button"
              className="primary"
              disabled={busy}
              data-inbox="bulk-approve"
              onClick={() => void decide(true)}
            >
              Approve {n}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

/** What a bulk decision did, in words: how many were decided, and each that was not, with why. */
export function BulkOutcome({ result, onClose }: { result: BulkResult; onClose(): void }) {
  const verb = result.approve ? 'Approved' : 'Rejected';
  const total = result.decided.length + result.failed.length;
  return (
    <div
      className={`notice${result.failed.length > 0 ? ' warn' : ''}`}
      role="status"
      aria-label="Bulk decision"
    >
      <p>
        {verb} {result.decided.length} of {approvals(total)}.{result.failed.length > 0 && ' Not decided:'}
      </p>
      {result.failed.length > 0 && (
        <ul className="bulk-failures">
          {result.failed.map((f) => (
            <li key={f.id}>
              <strong>{f.task_id}</strong>: {f.error}
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="link" onClick={onClose}>
        Dismiss
      </button>
    </div>
  );
}
