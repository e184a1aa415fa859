import type { Landing, LandingState } from '../../../../src-shared/schemas/landing.ts';

const STATE: Record<LandingState, string> = {
  pending: 'Landing',
  pushed: 'Pushed',
  open: 'In review',
  fixing: 'Fixing',
  merged: 'Merged',
  closed: 'PR closed',
  failed: 'Not landed',
  gone: 'PR gone',
};

/** What a landing's line says: its state, its link's words, a detail, and why (a failure, a closed or deleted pull request). */
export function landingWords(l: Landing): {
  state: string;
  link: string;
  detail: string | null;
  why: string | null;
} {
  const pr = l.pr_number === null ? '' : `Pull request #${l.pr_number}`;
  const rebasing = l.state === 'fixing' && l.fix?.kind === 'conflict';
  const state = l.state === 'open' && l.pr_draft ? 'Draft PR' : rebasing ? 'Rebasing' : STATE[l.state];
  const detail =
    l.state === 'merged' && l.merge_commit
      ? `merge commit ${l.merge_commit.slice(0, 10)}`
      : l.pr_number !== null
        ? l.branch
        : null;
  const why = l.state === 'failed' || l.state === 'closed' || l.state === 'gone' ? l.message : null;
  // Fixing: what the agent is at (its round, what the checks or the reviewer asked), or Baton's own rebase.
  const doing =
    l.state === 'fixing' && l.fix?.rebased
      ? `${l.fix.summary}, by Baton`
      : l.state === 'fixing' && l.fix
        ? `fix round ${l.fix.round}: ${l.fix.summary}`
        : l.fix_rounds > 0 && l.state === 'open'
          ? `${l.fix_rounds} fix round${l.fix_rounds === 1 ? '' : 's'} so far`
          : null;
  return { state, link: pr || l.branch, detail: doing ?? detail, why };
}
