import { useEffect, useState } from 'react';
import type { Step } from '../../../../../src-shared/schemas/step.ts';
import { api } from '../../../api/client.ts';
import { blockedByCandidate, blockedLines } from '../../../steps/sandbox-blocked.ts';

/**
 * What the OS sandbox refused the attempt under review ("2 connections blocked: example.com"),
 * read from the same steps the task panel's trace shows (the attempt is over: they are all
 * there); nothing when it refused nothing. A best-of attempt's candidates ran side by side: the
 * candidate under review's are said, and each other candidate's apart, never one sum.
 */
export function SandboxBlocked({
  runId,
  taskId,
  attempt,
  candidates,
}: {
  runId: string;
  taskId: string;
  attempt: number;
  /** A best-of attempt: its candidates, and the one under review. */
  candidates?: { all: readonly number[]; underReview: number } | undefined;
}) {
  const [steps, setSteps] = useState<Step[]>([]);
  useEffect(() => {
    let live = true;
    api
      .taskSteps(runId, taskId)
      .then((all) => {
        if (live) setSteps(all.filter((s) => s.attempt === attempt));
      })
      // The review goes on without the line: the trace in the task panel says the same.
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [runId, taskId, attempt]);
  if (!steps.some((s) => s.kind === 'sandbox')) return null;
  if (!candidates)
    return <BlockedList lines={blockedLines(steps)} label={`Blocked by the sandbox in attempt ${attempt}`} />;
  const { underReview, others } = blockedByCandidate(steps, candidates.all, candidates.underReview);
  return (
    <div className="sandbox-blocked-candidates small">
      {underReview.length > 0 ? (
        <BlockedList
          lines={underReview}
          label={`Blocked by the sandbox in candidate #${candidates.underReview}, under review`}
          head={`Candidate #${candidates.underReview} (under review):`}
        />
      ) : (
        <p className="muted">
          The sandbox blocked nothing in candidate #{candidates.underReview}, under review.
        </p>
      )}
      {others.length > 0 && <p className="muted">Other candidates: {others.join('; ')}</p>}
    </div>
  );
}

function BlockedList({ lines, label, head }: { lines: readonly string[]; label: string; head?: string }) {
  return (
    <ul className="small sandbox-blocked" aria-label={label}>
      {head && <li className="sandbox-blocked-head">{head}</li>}
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}
