import { useEffect, useRef } from 'react';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import { plural } from '../../format/plural.ts';
import { useBaton } from '../../store/index.ts';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { ApprovalPill } from './ApprovalBody.tsx';

/** Whether a row is picked for a bulk decision (only kinds that may be decided together have one). */
export interface RowSelection {
  selected: boolean;
  onSelect(selected: boolean): void;
}

/**
 * One approval of the inbox's list, as a row of Linear's inbox: its task and kind, what it is
 * about in one line, its plan, what it blocks and when it was asked. Pressing it (or j/k onto it)
 * shows it in the detail beside the list, where it is answered.
 */
export function ApprovalRow({
  approval: a,
  current,
  onCurrent,
  onPress,
  selection,
  aligned = false,
}: {
  approval: ApprovalView;
  current: boolean;
  onCurrent(id: string): void;
  /** Pressed (clicked, tapped), as j/k's focus is not: a narrow inbox then shows its detail. */
  onPress?(id: string): void;
  selection?: RowSelection | undefined;
  /** Other rows have a checkbox: this one keeps its room, so the rows line up. */
  aligned?: boolean;
}) {
  const opened = useBaton((s) => s.openApprovalId === a.id);
  const plan = useBaton((s) => (a.plan_id ? s.plans.find((p) => p.plan_id === a.plan_id)?.name : undefined));
  const row = useRef<HTMLLIElement>(null);
  // The approval an address points at is brought into view once.
  useEffect(() => {
    if (opened) row.current?.scrollIntoView({ block: 'nearest' });
  }, [opened]);
  const about = a.task_description ?? a.reason;
  const blocks = a.blocks && a.blocks.count > 0 ? a.blocks : null;
  return (
    <li
      ref={row}
      className={`approval-row${current ? ' current' : ''}${selection?.selected ? ' selected' : ''}${opened ? ' opened' : ''}`}
      aria-label={`Approval for ${a.task_id}`}
      aria-current={current || undefined}
      data-approval={a.id}
      data-current={current || undefined}
      tabIndex={-1}
      onFocus={() => onCurrent(a.id)}
    >
      {selection ? (
        <input
          type="checkbox"
          className="bulk-pick"
          checked={selection.selected}
          onChange={(e) => selection.onSelect(e.target.checked)}
          aria-label={`Select ${a.task_id} to decide with others`}
          data-inbox="select"
        />
      ) : (
        aligned && <span className="bulk-pick-space" aria-hidden="true" />
      )}
      <button
        type="button"
        className="row-main"
        onClick={() => {
          onCurrent(a.id);
          onPress?.(a.id);
        }}
        data-inbox="row"
      >
        <span className="row-head">
          <strong className="row-task">{a.task_id}</strong>
          <span className="row-when">
            <RelativeTime at={a.requested_at} />
          </span>
        </span>
        {about && <span className="row-about">{about}</span>}
        <span className="row-meta">
          <ApprovalPill approval={a} />
          <span className="row-where">
            {blocks && (
              <>
                <span className="row-blocks">
                  blocks{' '}
                  {blocks.more ? `${blocks.count.toLocaleString('en')}+ tasks` : plural(blocks.count, 'task')}
                </span>
                {' · '}
              </>
            )}
            {plan ?? a.plan_id ?? a.run_id}
          </span>
        </span>
      </button>
    </li>
  );
}
