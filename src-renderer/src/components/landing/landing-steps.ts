import type { Landing } from '../../../../src-shared/schemas/landing.ts';

/** Where one step of a landing is: done, being done now, waiting for something, gone wrong, or not reached. */
export type StepState = 'done' | 'now' | 'waiting' | 'failed' | 'todo';

/** One step of a landing, as its stepper says it: its name, where it is, and what it says. */
export interface LandingStep {
  name: 'Pushed' | 'Pull request' | 'Checks' | 'Review' | 'Merged';
  state: StepState;
  text: string;
}

/**
 * A landing's steps, as a pull request page's (Conductor's Checks tab, GitHub's merge box): its
 * branch pushed, its pull request opened, its checks, its review, merged. A push alone is its
 * first step. The checks and the review are read from what Baton saw at its last look at the
 * pull request (`pr_seen`), so passing checks and an approval show before any fix round; a fix
 * round says which step it answers.
 */
export function landingSteps(l: Landing): LandingStep[] {
  const pushed =
    l.state === 'pending'
      ? step('Pushed', 'now', `pushing ${l.branch}`)
      : l.state === 'failed' && l.pr_number === null
        ? step('Pushed', 'failed', 'not pushed')
        : step('Pushed', 'done', l.branch);
  if (l.mode === 'push') return [pushed];
  const pr =
    l.pr_number !== null
      ? step('Pull request', 'done', `#${l.pr_number}${l.pr_draft ? ' (draft)' : ''}`)
      : l.state === 'pushed'
        ? step('Pull request', 'now', 'opening')
        : step('Pull request', l.state === 'failed' ? 'failed' : 'todo', 'not opened');
  return [pushed, pr, checksStep(l), reviewStep(l), mergedStep(l)];
}

const step = (name: LandingStep['name'], state: StepState, text: string): LandingStep => ({
  name,
  state,
  text,
});

/** Whether its pull request is over: merged, closed unmerged, or gone. */
const over = (l: Landing) => l.state === 'merged' || l.state === 'closed' || l.state === 'gone';

function checksStep(l: Landing): LandingStep {
  const fix = l.state === 'fixing' ? l.fix : null;
  if (fix?.kind === 'checks') return step('Checks', 'now', `fix round ${fix.round}: ${fix.summary}`);
  if (fix?.kind === 'conflict')
    return step('Checks', 'waiting', `after the rebase on ${fix.base?.branch ?? 'its base'}`);
  const seen = l.pr_seen?.checks;
  if (l.state === 'merged') return step('Checks', 'done', seen ? checkWords(seen) : 'passed');
  if (l.pr_number === null || over(l)) return step('Checks', 'todo', '');
  if (!seen) return step('Checks', 'waiting', 'not read yet');
  if (seen.failed.length > 0) return step('Checks', 'failed', checkWords(seen));
  return step('Checks', seen.pending > 0 ? 'now' : 'done', checkWords(seen));
}

function reviewStep(l: Landing): LandingStep {
  const fix = l.state === 'fixing' ? l.fix : null;
  if (fix?.kind === 'review') return step('Review', 'now', `fix round ${fix.round}: ${fix.summary}`);
  const r = l.pr_seen?.review;
  if (r && r.changes_requested.length > 0)
    return step('Review', 'failed', `changes asked by ${r.changes_requested.join(', ')}`);
  if (r && r.approved.length > 0) return step('Review', 'done', `approved by ${r.approved.join(', ')}`);
  if (l.state === 'merged') return step('Review', 'done', 'merged without an approval seen');
  if (l.pr_number === null || over(l)) return step('Review', 'todo', '');
  return step('Review', 'waiting', 'waiting for reviewers');
}

function mergedStep(l: Landing): LandingStep {
  if (l.state === 'merged')
    return step('Merged', 'done', l.merge_commit ? l.merge_commit.slice(0, 10) : 'merged');
  if (l.state === 'closed') return step('Merged', 'failed', 'closed without merging');
  if (l.state === 'gone') return step('Merged', 'failed', 'pull request gone');
  return step('Merged', 'todo', '');
}

/** The checks in words: "3 passed", "1 of 3 failed: test", "2 of 3 passed, 1 running", "none". */
function checkWords(c: NonNullable<Landing['pr_seen']>['checks']): string {
  if (c.total === 0) return 'none on the forge';
  if (c.failed.length > 0) return `${c.failed.length} of ${c.total} failed: ${c.failed.join(', ')}`;
  const passed = c.total - c.pending;
  if (c.pending > 0) return `${passed} of ${c.total} passed, ${c.pending} running`;
  return `${c.total} passed`;
}
