import { useEffect, useState } from 'react';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import { checksLine } from '../../../../src-shared/schemas/plain/checks.ts';
import { decidersText } from '../../../../src-shared/schemas/plain/people.ts';
import type { OpenedLink } from '../../api/auth.ts';
import { AuthError, openLink } from '../../api/auth.ts';
import { APPROVAL_KINDS } from '../../approvals/approval-kinds.ts';

/** The link a notification carries (`/link#bpl_…`), taken out of the address bar at once. */
export function linkInAddress(): string | null {
  if (location.pathname !== '/link') return null;
  const link = decodeURIComponent(location.hash.slice(1));
  history.replaceState(null, '', '/link');
  return link || null;
}

/** Where the app shows an approval (what deciding it takes: a session, or signing in first). */
const approvalPath = (id: string) => `/approvals/${encodeURIComponent(id)}`;

/**
 * A one-time link from a notification, opened (once): its approval, read-only, for the person it
 * was sent to. Signed in here as that person, the app opens at the approval, to decide it; else
 * the page says who may decide it and offers to sign in (a passkey on a phone) to do so.
 */
export function LinkPage({ link }: { link: string | null }) {
  const [opened, setOpened] = useState<OpenedLink | { error: string } | null>(null);
  useEffect(() => {
    document.title = 'An approval · Baton';
    if (!link) {
      setOpened({ error: 'This address holds no link: open the one in the notification again.' });
      return;
    }
    openLink(link).then(
      (o) => {
        if (o.signed_in && o.approval.status === 'pending') location.replace(approvalPath(o.approval.id));
        else setOpened(o);
      },
      (e) => setOpened({ error: e instanceof AuthError || e instanceof Error ? e.message : String(e) }),
    );
  }, [link]);
  if (opened === null) return <p className="muted centered">Opening the approval…</p>;
  if ('error' in opened)
    return (
      <main className="access-page link-page">
        <h1>This link does not open</h1>
        <p role="alert">{opened.error}</p>
        <a className="button primary wide" href="/approvals">
          Open Baton
        </a>
      </main>
    );
  const a = opened.approval;
  const kind = APPROVAL_KINDS[a.kind];
  return (
    <main className="access-page link-page">
      <p className="muted small">Sent to {opened.person.name} · this link opens once</p>
      <h1>
        <span className={`pill status-${kind.tone}`}>{kind.label}</span> {a.task_id}
      </h1>
      <ApprovalFacts approval={a} />
      {a.status === 'pending' ? (
        <>
          <p className="small">
            Who may decide it: {decidersText(a.deciders)}. To decide it, sign in as {opened.person.name} on
            this browser: the link shows it, it does not decide it.
          </p>
          <a className="button primary wide" href={approvalPath(a.id)}>
            Sign in to decide
          </a>
        </>
      ) : (
        <p className="link-decided" role="status">
          <strong>{decidedWord(a)}</strong>
          {a.actor ? ` by ${a.actor}` : ''}
          {a.comment ? `: ${a.comment}` : ''}
        </p>
      )}
    </main>
  );
}

/** How a decided approval is said: its kind's word for it. */
function decidedWord(a: ApprovalView): string {
  const { decidedAs } = APPROVAL_KINDS[a.kind];
  switch (a.status) {
    case 'pending':
      return 'Waiting';
    case 'approved':
      return decidedAs.approved;
    case 'rejected':
      return decidedAs.rejected;
    case 'changes_requested':
      return 'Changes requested';
    case 'expired':
      return 'Expired';
  }
}

/** What a person reads to decide: the task, why it waits, and its kind's facts. */
function ApprovalFacts({ approval: a }: { approval: ApprovalView }) {
  const kind = APPROVAL_KINDS[a.kind];
  return (
    <section className="link-facts" aria-label="The approval">
      {a.task_description && <p className="link-task">{a.task_description}</p>}
      <p className="small muted">
        {a.plan_id ? `plan ${a.plan_id} · ` : ''}run {a.run_id}
        {a.cost > 0 ? ` · cost ${Number(a.cost.toPrecision(4))}` : ''}
      </p>
      {/* A diff's own lines say what its kind's sentence would (branch, files, lines). */}
      {!a.diff && <p className="small">{kind.explain(a)}</p>}
      {a.diff && (
        <div className="small">
          <p>
            <strong>
              +{a.diff.additions} −{a.diff.deletions}
            </strong>{' '}
            in {a.diff.files.length} file{a.diff.files.length === 1 ? '' : 's'} on{' '}
            <code>{a.diff.branch}</code>
            {a.diff.checks?.length ? ` · checks ${checksLine(a.diff.checks)}` : ''}
          </p>
          <ul className="link-files">
            {a.diff.files.slice(0, 30).map((f) => (
              <li key={f.path}>
                <code>{f.path}</code>{' '}
                <span className="muted">
                  +{f.additions} −{f.deletions}
                </span>
              </li>
            ))}
          </ul>
          {a.diff.summary && <p className="muted">{a.diff.summary}</p>}
        </div>
      )}
      {a.tool_call && <pre className="link-input">{JSON.stringify(a.tool_call.input, null, 2)}</pre>}
    </section>
  );
}
