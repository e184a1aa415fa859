import type { ReactElement } from 'react';
import { Suspense } from 'react';
import type { ApprovalView, BlockedWork } from '../../../../src-shared/schemas/approval.ts';
import { mayDecide } from '../../../../src-shared/schemas/people.ts';
import type { ApprovalKind } from '../../../../src-shared/schemas/plain/approval.ts';
import { decidersText } from '../../../../src-shared/schemas/plain/people.ts';
import { spendText } from '../../format/cost.ts';
import { plural } from '../../format/plural.ts';
import { startedByText } from '../../format/started-by.ts';
import { useBaton } from '../../store/index.ts';
import { TurnControls } from '../runs/task-detail/TurnControls.tsx';
import { lazyRetry } from '../shared/lazy-retry.ts';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { RouteLink } from '../shared/RouteLink.tsx';
import { ApprovalBody, ApprovalPill } from './ApprovalBody.tsx';
import { ApprovalDecision } from './ApprovalDecision.tsx';
import { BuildsOn } from './BuildsOn.tsx';
import { MergeConflictReview } from './merge-conflict/MergeConflictReview.tsx';

/** A diff to review brings its viewer (git-diff-view and its highlighter) only when one waits. */
const loadDiffReview = () => import('./diff/DiffReview.tsx');
const DiffReview = lazyRetry(loadDiffReview);
/** A tool call's review draws a file write's diff with the same viewer. */
const loadToolCallReview = () => import('./tool-call/ToolCallReview.tsx');
const ToolCallReview = lazyRetry(loadToolCallReview);

/**
 * Loads the reviews of the kinds in the list before one is shown, so moving onto a diff (j) shows
 * it at once and its keys (r) find its controls.
 */
export function preloadReviews(kinds: ReadonlySet<ApprovalKind>): void {
  // A preload that fails (Baton not reachable) is only a head start lost: the review loads again when shown.
  if (kinds.has('diff_review')) loadDiffReview().catch(() => undefined);
  if (kinds.has('tool_call')) loadToolCallReview().catch(() => undefined);
}

/** How the inbox's card answers an approval of kind `K`: a review of its own, or null for the plain answers. */
type Review<K extends ApprovalKind> = (
  a: ApprovalView & { kind: K },
  onDeciding: (id: string) => void,
) => ReactElement | null;

/**
 * How the inbox's card answers each kind, one entry per kind (the compiler asks for a new
 * kind's): a kind with a review of its own (a diff, a tool call, a merge conflict) takes the
 * card's whole width; null (a kind without one, or a row an older host kept without its
 * details) leaves the card plain: read on the left, the comment and two answers on the right.
 */
const REVIEWS: { [K in ApprovalKind]: Review<K> } = {
  approval_required: () => null,
  budget: () => null,
  escalation: () => null,
  diff_review: (a, onDeciding) => (
    <Suspense
      fallback={
        <p className="muted small" data-loading>
          Opening the diff…
        </p>
      }
    >
      <DiffReview approval={a} onDeciding={onDeciding} />
    </Suspense>
  ),
  tool_call: (a, onDeciding) =>
    a.tool_call ? (
      <Suspense
        fallback={
          <p className="muted small" data-loading>
            Opening the tool call…
          </p>
        }
      >
        <ToolCallReview approval={a} call={a.tool_call} onDeciding={onDeciding} />
      </Suspense>
    ) : null,
  merge_conflict: (a, onDeciding) =>
    a.merge_conflict ? (
      <MergeConflictReview approval={a} conflict={a.merge_conflict} onDeciding={onDeciding} />
    ) : null,
  sandbox_host: () => null,
};

function reviewOf<K extends ApprovalKind>(a: ApprovalView & { kind: K }, onDeciding: (id: string) => void) {
  const review: Review<K> = REVIEWS[a.kind];
  return review(a, onDeciding);
}

/**
 * The approval the inbox's list has current, in full beside the list: what it asks and where it
 * comes from, what it blocks, and its answer. The inbox's keys press its controls (`data-inbox`
 * on them: its Approve, its Reject, its comment…).
 */
export function ApprovalCard({
  approval: a,
  onDeciding,
}: {
  approval: ApprovalView;
  onDeciding(id: string): void;
}) {
  // A plain approval is read on the left and answered on the right, as a review queue's row;
  // a kind with a review of its own takes the card's whole width.
  const review = reviewOf(a, onDeciding);
  const plain = review === null;
  // Who may decide it, as the host will check: controls a person may not use are not offered.
  const me = useBaton((s) => s.me);
  const may = me
    ? mayDecide(a.deciders, { name: me.person?.name ?? null, role: me.role })
    : { ok: true as const };
  return (
    <section className="approval-detail" aria-label={`Approval for ${a.task_id}`} data-approval={a.id}>
      <div className={`card approval-card current${plain ? ' split' : ''}`}>
        <div className="card-main">
          <div className="card-head">
            <RouteLink
              to={{ screen: 'approvals', approvalId: a.id }}
              className="card-title"
              title={`The address of this approval (${a.id})`}
            >
              {a.task_id}
            </RouteLink>
            <ApprovalPill approval={a} />
          </div>
          {a.task_description && <p>{a.task_description}</p>}
          {a.blocks && <BlocksLine blocks={a.blocks} />}
          {plain && <ApprovalBody approval={a} />}
          <BuildsOn taskId={a.task_id} dependencies={a.dependencies} open={a.dependencies.length <= 3} />
          <ApprovalOrigin approval={a} />
          {/* A tool call waits inside a running turn: the turn can be stopped, or the agent paused, from here. */}
          {a.kind === 'tool_call' && a.status === 'pending' && a.tool_call && (
            <TurnControls
              task={{
                run_id: a.run_id,
                task_id: a.task_id,
                status: 'in_progress',
                attempt: a.tool_call.attempt,
              }}
            />
          )}
        </div>
        <div className="card-decide">
          {may.ok ? (
            (review ?? <ApprovalDecision approval={a} onDeciding={onDeciding} />)
          ) : (
            <p className="small muted not-yours" role="note">
              You cannot decide this: {may.why}.
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

/**
 * What deciding it lets go on: the tasks of its run that wait on its task (the inbox puts the
 * approval that unblocks the most first), and the ones right after it.
 */
function BlocksLine({ blocks }: { blocks: BlockedWork }) {
  if (blocks.count === 0) return <p className="small muted blocks-line">Blocks nothing else in its run</p>;
  const count = blocks.more ? `${blocks.count.toLocaleString('en')}+ tasks` : plural(blocks.count, 'task');
  const after = blocks.count - blocks.next.length;
  return (
    <p className="small blocks-line">
      <strong>Blocks {count}</strong> of its run: next{' '}
      {blocks.next.map((t, i) => (
        <span key={t}>
          {i > 0 && ', '}
          <code>{t}</code>
        </span>
      ))}
      {after > 0 && ` and ${blocks.more ? 'more' : plural(after, 'more task')} after`}
    </p>
  );
}

/** Where an approval comes from: its plan and run, who or what started the run, its cost, when it was asked. */
export function ApprovalOrigin({ approval: a }: { approval: ApprovalView }) {
  const startedBy = startedByText(a.run_started_by);
  return (
    <p className="small muted approval-origin">
      plan{' '}
      {a.plan_id ? (
        <RouteLink to={{ screen: 'plan', planId: a.plan_id, tab: 'graph' }} className="link">
          {a.plan_id}
        </RouteLink>
      ) : (
        '?'
      )}{' '}
      · run{' '}
      <RouteLink
        to={{ screen: 'run', runId: a.run_id, taskId: a.task_id }}
        className="link"
        title={`Show ${a.task_id} in its run`}
        data-inbox="open"
      >
        <code>{a.run_id}</code>
      </RouteLink>
      {startedBy && ` · ${startedBy}`}
      {a.cost > 0 && ` · cost ${spendText(a.cost)}`} · <RelativeTime at={a.requested_at} prefix="asked" /> ·{' '}
      <span className="deciders">{a.deciders ? `decided by ${decidersText(a.deciders)}` : ''}</span>
    </p>
  );
}
