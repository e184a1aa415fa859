import { useState } from 'react';
import type { BestOfCandidate, BestOfSummary } from '../../../../../src-shared/schemas/best-of.ts';
import { spendText } from '../../../format/cost.ts';
import { formatDuration } from '../../../format/duration.ts';
import { counted } from '../../../format/plural.ts';
import { useBaton } from '../../../store/index.ts';
import { ConfirmButton } from '../../shared/ConfirmButton.tsx';
import { type Column, DataTable } from '../../shared/DataTable.tsx';

const ENDED: Record<BestOfCandidate['status'], string> = {
  passed: 'checks passed',
  checks_failed: 'checks failed',
  failed: 'no work',
  cancelled: 'stopped',
};

/**
 * A best-of task's candidates side by side (docs/best-of.md): each one's agent, checks, diff
 * size, cost, time, rank and why; the judge's pick and reason; the winner marked (and who picked
 * it, when a person did). Another candidate with work can be picked: its commit becomes the
 * task's branch and its diff the one reviewed below.
 */
export function Candidates({ approvalId, best }: { approvalId: string; best: BestOfSummary }) {
  const pick = useBaton((s) => s.pickCandidate);
  const [busy, setBusy] = useState<number | null>(null);
  const byRank = [...best.candidates].sort((a, b) => a.rank - b.rank);
  const isCurrent = (c: BestOfCandidate) => c.candidate === best.winner;
  const columns: Column<BestOfCandidate>[] = [
    {
      id: 'candidate',
      header: 'Candidate',
      rowHeader: true,
      cell: (c) => (
        <>
          #{c.candidate} <span className="muted">{c.agent_id}</span>
          {isCurrent(c) && <span className="best-of-badge">under review</span>}
        </>
      ),
    },
    {
      id: 'checks',
      header: 'Checks',
      cell: (c) => (
        <>
          <span className={`best-of-${c.status}`}>{c.checks_line || ENDED[c.status]}</span>
          {c.checks_line && <span className="muted small"> {ENDED[c.status]}</span>}
        </>
      ),
    },
    {
      id: 'diff',
      header: 'Diff',
      cell: (c) =>
        c.commit === null ? (
          '—'
        ) : (
          <>
            {counted(c.files, 'file')}, <span className="review-add">+{c.additions}</span>{' '}
            <span className="review-del">−{c.deletions}</span>
          </>
        ),
    },
    { id: 'fix-rounds', header: 'Fix rounds', cell: (c) => c.fix_rounds ?? 0 },
    { id: 'cost', header: 'Cost', cell: (c) => spendText(c.cost_usd, false, '$') },
    { id: 'time', header: 'Time', cell: (c) => formatDuration(c.duration_ms) },
    { id: 'rank', header: 'Rank', cell: (c) => c.rank },
    { id: 'why', header: 'Why', cellClass: 'small', cell: (c) => c.reason },
    {
      id: 'pick',
      header: 'Pick',
      hiddenHeader: true,
      cell: (c) =>
        !isCurrent(c) &&
        c.commit !== null && (
          <PickButton
            c={c}
            busy={busy}
            onPick={async () => {
              setBusy(c.candidate);
              await pick(approvalId, c.candidate);
              setBusy(null);
            }}
          />
        ),
    },
  ];
  return (
    <section className="best-of" aria-label="Candidates">
      <p className="small">
        Best of {best.candidates.length}: candidate #{best.winner} is under review
        {best.picked_by ? `, picked by ${best.picked_by}` : ', ranked first'}.
      </p>
      {best.judge && (
        <p className="small best-of-judge" role="note" aria-label="Judge">
          Judge {best.judge.agent_id}
          {best.judge.pick === null ? ' picked none' : ` picked #${best.judge.pick}`}: {best.judge.reason}
        </p>
      )}
      <div className="best-of-scroll">
        <DataTable
          label="Candidates"
          className="best-of-table"
          columns={columns}
          rows={byRank}
          rowKey={(c) => String(c.candidate)}
          rowLabel={(c) => `Candidate #${c.candidate}`}
          current={isCurrent}
          rowClass={(c) => (isCurrent(c) ? 'best-of-current' : undefined)}
        />
      </div>
    </section>
  );
}

/**
 * Pick #n: at once for a candidate whose checks passed; for one whose checks failed, after a
 * question saying which failed (its work then goes under review with its red checks).
 */
function PickButton({
  c,
  busy,
  onPick,
}: {
  c: BestOfCandidate;
  busy: number | null;
  onPick(): Promise<void>;
}) {
  const label = busy === c.candidate ? 'Picking…' : `Pick #${c.candidate}`;
  if (c.status !== 'checks_failed')
    return (
      <button type="button" disabled={busy !== null} onClick={() => void onPick()}>
        {label}
      </button>
    );
  return (
    <ConfirmButton
      label={label}
      question={`Pick #${c.candidate}, whose checks failed?`}
      detail={`Its checks: ${c.checks_line || 'failed'} (${c.checks_passed} of ${c.checks_total} passed). Its work goes under review with its red checks; approving it makes it the task's work as it is.`}
      yes={`Pick #${c.candidate}`}
      no="Keep the one under review"
      disabled={busy !== null}
      onConfirm={() => void onPick()}
    />
  );
}
