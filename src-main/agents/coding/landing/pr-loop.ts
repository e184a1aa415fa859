import type { PrFix } from '../../../../src-shared/schemas/landing.ts';
import type { ChecksSeen, ReviewSeen } from '../../../forges/index.ts';

/** What an open pull request's checks and reviews ask of its agent. */
export type PrAsk =
  | { kind: 'none' }
  /** Its agent goes back to work: a new fix round. */
  | { kind: 'fix'; fix: PrFix }
  /** Something asks for a fix, but the task's fix rounds are used up: said once, left to a person. */
  | { kind: 'spent'; key: string; message: string };

/** What the loop has done so far on one pull request. */
export interface LoopSoFar {
  task_id: string;
  pr_number: number;
  head_sha: string;
  /** Fix rounds used. */
  rounds: number;
  /** The task's `fix_rounds`: how many it may use. */
  max: number;
  /** `checks:<sha>` and `review:<id>` answered already. */
  handled: readonly string[];
  /** The forge's name as its prompts say it (default GitHub). */
  forge?: string;
}

const MAX_REVIEW_CHARS = 8_000;

/**
 * Whether an open pull request sends its agent back to work: its checks failed on its head commit
 * (each failing head is answered once), or a reviewer asked for changes (each such review
 * answered once; a review of an older head counts too, it was not answered yet). Checks come
 * first: a fix of them is pushed before a reviewer's request is taken up. A round beyond the
 * task's `fix_rounds` is not started: it is said once, and left to a person.
 */
export function prAsk(so: LoopSoFar, checks: ChecksSeen, reviews: readonly ReviewSeen[]): PrAsk {
  const done = new Set(so.handled);
  const round = so.rounds + 1;
  const spent = (key: string, what: string): PrAsk => ({
    kind: 'spent',
    key,
    message: `${what}, and the task's ${so.max} fix round${so.max === 1 ? '' : 's'} are used up: a person's turn on pull request #${so.pr_number}`,
  });
  const checksKey = `checks:${so.head_sha}`;
  if (checks.pending === 0 && checks.failures.length > 0 && !done.has(checksKey)) {
    const names = checks.failures.map((f) => f.name).join(', ');
    const summary = `the check${checks.failures.length === 1 ? '' : 's'} ${names} failed`;
    if (so.rounds >= so.max) return spent(checksKey, summary);
    return {
      kind: 'fix',
      fix: {
        kind: 'checks',
        key: checksKey,
        round,
        summary,
        prompt: checksPrompt(so, checks, round),
        run_id: null,
      },
    };
  }
  const review = reviews.find((r) => r.state === 'CHANGES_REQUESTED' && !done.has(`review:${r.id}`));
  if (review) {
    const key = `review:${review.id}`;
    const summary = `${review.user} asked for changes`;
    if (so.rounds >= so.max) return spent(key, summary);
    return {
      kind: 'fix',
      fix: {
        kind: 'review',
        key,
        round,
        summary,
        prompt: reviewPrompt(so, review, round),
        reviewer: review.user,
        run_id: null,
      },
    };
  }
  return { kind: 'none' };
}

function checksPrompt(so: LoopSoFar, checks: ChecksSeen, round: number): string {
  const lines = [
    `The pull request #${so.pr_number} of your work on task ${so.task_id} was pushed, and its CI checks on ${so.forge ?? 'GitHub'} failed on commit ${so.head_sha.slice(0, 12)}:`,
  ];
  for (const f of checks.failures) {
    lines.push('', `Check ${f.name} (${f.conclusion}):`);
    lines.push(f.output.trim() || '(it said nothing more)');
  }
  lines.push(
    '',
    `Fix what makes them fail in this worktree (fix round ${round} of ${so.max}). Your commits are pushed to the pull request's branch when you finish.`,
  );
  return lines.join('\n');
}

function reviewPrompt(so: LoopSoFar, review: ReviewSeen, round: number): string {
  const lines = [
    `A reviewer (${review.user}) asked for changes to your work on task ${so.task_id}, on its pull request #${so.pr_number}:`,
    review.body.trim().slice(0, MAX_REVIEW_CHARS) || '(no comment)',
  ];
  if (review.comments.length > 0) {
    lines.push('', 'Comments on lines of the diff:');
    for (const c of review.comments) lines.push(`- ${c.path}:${c.line}: ${c.body}`);
  }
  lines.push(
    '',
    `Make these changes in this worktree (fix round ${round} of ${so.max}). Your commits are pushed to the pull request's branch when you finish.`,
  );
  return lines.join('\n');
}

/** The comment Baton leaves on a pull request once a reviewer's changes are pushed; its marker finds it again after a restart. */
export function fixedComment(fix: PrFix, commit: string, runId: string): string {
  return [
    `${fix.reviewer ? `@${fix.reviewer} ` : ''}Baton pushed ${commit.slice(0, 12)} for the changes you asked for (fix round ${fix.round}, run ${runId}).`,
    '',
    commentMarker(fix),
  ].join('\n');
}

/** The hidden marker of Baton's comment for one fix: `<!-- baton:review:123 -->`. */
export const commentMarker = (fix: PrFix): string => `<!-- baton:${fix.key} -->`;
