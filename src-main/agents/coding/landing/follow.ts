import type { Landing, PrSeen } from '../../../../src-shared/schemas/landing.ts';
import { reviewWordOf } from '../../../../src-shared/schemas/landing.ts';
import { forgeClient, LandingError } from '../../../forges/index.ts';
import type { StoredLanding } from '../repos/landings-repo.ts';
import type { LandingDeps } from './landing-deps.ts';
import { landingChanged } from './landing-deps.ts';
import { forgetBase, soonAfter } from './pr-base.ts';
import { askOfPull, fixOf, releaseHomes } from './pr-fix.ts';

/** When a landing is polled next: twice as long after each poll, from `firstMs`, at most `maxMs`. */
export function nextPollIn(polls: number, follow: LandingDeps['follow']): number {
  return Math.min(follow.maxMs, follow.firstMs * 2 ** Math.min(polls, 20));
}

/**
 * Looks at one followed landing once: a landing cut short (`pending` or `pushed`: Baton stopped
 * before its push, or before its pull request was opened) is landed again; an open pull request is read: merged → `merged`
 * with its merge commit, closed unmerged → `closed`, deleted (404) → `gone`, a draft whose checks
 * all passed is marked ready for review; failing checks or a review asking for changes start a
 * fix round. A forge that fails to answer leaves it open, said in
 * its message, and polled later.
 */
export async function pollLanding(
  deps: LandingDeps,
  l: StoredLanding,
  reland: (l: StoredLanding) => Promise<unknown>,
): Promise<Landing> {
  const polled = await pollOnce(deps, l, reland);
  // Its pull request over (merged, closed, gone): no fix round comes, the CLI homes kept for them go.
  if (['merged', 'closed', 'gone'].includes(polled.state) && polled.state !== l.state) {
    await releaseHomes(deps, stored(deps, l));
    await forgetBase(deps, l);
  }
  return polled;
}

const stored = (deps: LandingDeps, l: StoredLanding): StoredLanding =>
  deps.store.landings.get(l.run_id, l.task_id) ?? l;

async function pollOnce(
  deps: LandingDeps,
  l: StoredLanding,
  reland: (l: StoredLanding) => Promise<unknown>,
): Promise<Landing> {
  const { store } = deps;
  const later = (x: StoredLanding): StoredLanding => ({
    ...x,
    polls: x.polls + 1,
    next_poll_at: deps.clock() + nextPollIn(x.polls + 1, deps.follow),
  });
  if (l.state === 'pending' || l.state === 'pushed') {
    await reland(l);
    return store.landings.get(l.run_id, l.task_id) ?? l;
  }
  const w = store.workspaces.get(l.workspace_id);
  const forge = w?.remote?.forge;
  const token = forge ? deps.secrets.get(forge.token_secret) : undefined;
  if (!forge || !token || l.pr_number === null) {
    const why = !forge
      ? `workspace "${l.workspace_id}" has no forge any more: pull request #${l.pr_number} is not followed`
      : `the secret "${forge.token_secret}" is not set: pull request #${l.pr_number} is not followed until it is`;
    return landingChanged(deps, later({ ...l, message: why }), l.state);
  }
  const gh = await forgeClient(forge, token);
  // Its agent at work on what the pull request asked: started, waited for, or its commit pushed.
  if (l.state === 'fixing') return fixOf(deps, l, () => gh);
  try {
    const pr = await gh.get(l.pr_number);
    if (pr === null)
      return landingChanged(
        deps,
        {
          ...l,
          state: 'gone',
          next_poll_at: null,
          message: `pull request #${l.pr_number} is gone from ${forge.repo} (${gh.label} answers 404: deleted, or the repository moved); the branch ${l.branch} and its commit ${l.commit.slice(0, 12)} are kept`,
        },
        l.state,
      );
    if (pr.merged)
      return landingChanged(
        deps,
        {
          ...l,
          state: 'merged',
          merge_commit: pr.merge_commit,
          next_poll_at: null,
          message: `pull request #${pr.number} was merged${pr.merge_commit ? ` as ${pr.merge_commit.slice(0, 12)}` : ''}`,
        },
        l.state,
      );
    if (pr.state === 'closed')
      return landingChanged(
        deps,
        {
          ...l,
          state: 'closed',
          next_poll_at: null,
          message: `pull request #${pr.number} was closed without being merged`,
        },
        l.state,
      );
    // Its checks and reviews, read once: kept on the landing (what the app shows of it) and
    // handed to what a fix round is started from.
    const [checks, reviews] = await Promise.all([gh.checks(pr.head_sha), gh.reviews(pr.number)]);
    const pr_seen: PrSeen = {
      head: pr.head_sha,
      checks: { total: checks.total, failed: checks.failed, pending: checks.pending },
      review: reviewWordOf(reviews),
      at: deps.now(),
    };
    let next = { ...l, pr_draft: pr.draft, pr_seen };
    if (pr.draft) {
      if (checks.total > 0 && checks.pending === 0 && checks.failed.length === 0) {
        await gh.readyForReview(pr);
        next = {
          ...next,
          pr_draft: false,
          message: `pull request #${pr.number}: its checks passed, marked ready for review`,
        };
      }
    }
    // Failing checks or a review asking for changes send its agent back to work (pr-fix.ts).
    return await askOfPull(deps, landingChanged(deps, soonAfter(deps, later(next), pr), l.state), pr, gh, {
      checks,
      reviews,
    });
  } catch (err) {
    const message =
      err instanceof LandingError ? err.message : `reading pull request #${l.pr_number}: ${String(err)}`;
    return landingChanged(deps, later({ ...l, message }), l.state);
  }
}

/**
 * Follows every open pull request (and takes up landings cut short) until it is merged, closed
 * or gone: each is polled when its time comes (`next_poll_at`, kept in the store, so following
 * goes on after a restart), one at a time; `tick` resolves once a pass begun after it was asked
 * is over.
 */
export function startFollowing(
  deps: LandingDeps,
  tickMs: number,
  reland: (l: StoredLanding) => Promise<unknown>,
) {
  let stopped = false;
  let current: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const pass = async () => {
    try {
      for (const l of deps.store.landings.followed()) {
        if (stopped) break;
        if (l.next_poll_at !== null && l.next_poll_at > deps.clock()) continue;
        await pollLanding(deps, l, reland);
      }
    } catch (err) {
      deps.log(err, 'following pull requests');
    }
  };
  // One pass at a time; asked during one (a webhook's delivery made a landing due), one more pass
  // follows it right after, not at the next tick, and the asker's promise waits for that pass.
  const tick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (current === null) {
      current = pass().finally(() => {
        current = null;
      });
      return current;
    }
    queued ??= current.then(() => {
      queued = null;
      return tick();
    });
    return queued;
  };
  const timer = setInterval(() => void tick(), tickMs);
  timer.unref?.();
  return {
    tick,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
