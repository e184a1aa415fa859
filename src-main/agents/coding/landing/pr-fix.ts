import { rm } from 'node:fs/promises';
import { isCodingOutput } from '../../../../src-shared/schemas/plain/workspace.ts';
import type { ChecksSeen, ForgeClient, PullState, ReviewSeen } from '../../../forges/index.ts';
import { gitUserOf, LandingError } from '../../../forges/index.ts';
import type { StoredLanding } from '../repos/landings-repo.ts';
import { git } from '../workspaces/git.ts';
import { endFix, maxRounds, startFix } from './fix-round.ts';
import type { LandingDeps } from './landing-deps.ts';
import { landingChanged, secretsToScan } from './landing-deps.ts';
import { baseOfPull, rebasedRef } from './pr-base.ts';
import { commentMarker, fixedComment, prAsk } from './pr-loop.ts';
import { pushBranch } from './push.ts';
import { isAncestorOf, tryRebase } from './rebase.ts';

/**
 * An open pull request read: whether its failing checks or a review asking for changes send its
 * agent back to work (`prAsk`). A new round is recorded (`fixing`, what it fixes and its prompt)
 * before its run is started, so a restart takes it up and never starts it twice; rounds beyond
 * the task's `fix_rounds` are said once and left to a person.
 */
export async function askOfPull(
  deps: LandingDeps,
  read: StoredLanding,
  pr: PullState,
  gh: ForgeClient,
  /** The head commit's checks and the reviews, when the caller read them already. */
  seen?: { checks: ChecksSeen; reviews: ReviewSeen[] },
): Promise<StoredLanding> {
  if (!deps.rerun || read.task_id === null) return read;
  // Its base moved and conflicts: that first (GitHub runs no checks on a pull request that does not merge).
  const rebasing = await baseOfPull(deps, read, pr);
  if (rebasing)
    return rebasing.state === 'fixing' && rebasing.fix?.rebased ? fixOf(deps, rebasing, () => gh) : rebasing;
  // As the base's look left it (a base that failed to fetch is said on it, and does not block the rest).
  const l = deps.store.landings.get(read.run_id, read.task_id) ?? read;
  if (l.task_id === null) return l;
  const [checks, reviews] = seen
    ? [seen.checks, seen.reviews]
    : await Promise.all([gh.checks(pr.head_sha), gh.reviews(pr.number)]);
  const ask = prAsk(
    {
      task_id: l.task_id,
      pr_number: pr.number,
      head_sha: pr.head_sha,
      rounds: l.fix_rounds,
      max: maxRounds(deps, l),
      handled: l.handled,
      forge: gh.label,
    },
    checks,
    reviews,
  );
  if (ask.kind === 'none') return l;
  if (ask.kind === 'spent')
    return landingChanged(deps, { ...l, handled: [...l.handled, ask.key], message: ask.message }, l.state);
  const fixing = landingChanged(
    deps,
    {
      ...l,
      state: 'fixing',
      fix: ask.fix,
      fix_rounds: ask.fix.round,
      message: `fix round ${ask.fix.round}: ${ask.fix.summary} on pull request #${pr.number}; its agent goes back to work`,
    },
    l.state,
  );
  return startFix(deps, fixing);
}

/**
 * A landing being fixed, looked at: its run not started yet (Baton stopped in between) is
 * started; still going, it waits; ended done, the task's new commit is pushed to the pull
 * request's branch (never over commits Baton did not push) and, for a review, Baton says so on
 * the pull request (once: its comment carries a marker); ended otherwise, the round is over,
 * said, and the pull request is followed as before.
 */
export async function fixOf(
  deps: LandingDeps,
  l: StoredLanding,
  forge: () => ForgeClient | null,
): Promise<StoredLanding> {
  const fix = l.fix;
  const { store } = deps;
  if (!fix || l.task_id === null) return landingChanged(deps, { ...l, state: 'open', fix: null }, l.state);
  let commit: string;
  if (fix.rebased) commit = fix.rebased;
  else {
    if (fix.run_id === null) return startFix(deps, l);
    const run = store.runs.get(fix.run_id);
    if (run?.status === 'executing') return l;
    const task = run ? store.runs.tasks(run.id).find((t) => t.task_id === l.task_id) : undefined;
    if (run?.status !== 'completed' || task?.status !== 'done' || !isCodingOutput(task.output)) {
      const how = !run ? 'is gone' : `ended ${run.status}${task?.error ? `: ${task.error}` : ''}`;
      return endFix(
        deps,
        l,
        fix,
        null,
        `fix round ${fix.round} did not finish: its run ${fix.run_id} ${how}`,
      );
    }
    commit = task.output.commit;
  }
  const runId = fix.run_id ?? 'Baton';
  const w = store.workspaces.get(l.workspace_id);
  const remote = w?.remote;
  const tokenName = remote?.forge?.token_secret;
  const token = tokenName ? deps.secrets.get(tokenName) : undefined;
  if (!w || !remote?.forge || !token || l.pr_number === null)
    return landingChanged(
      deps,
      {
        ...l,
        message: `fix round ${fix.round} is done, but its push waits: the workspace's remote, forge or token is missing`,
      },
      l.state,
    );
  // Baton rebased the pull request's branch itself since this round's work began (its rebase is
  // what it pushed last): the round's commits go on top of that rebase, never pushed as older
  // history that would undo it.
  if (!fix.rebased && fix.kind !== 'conflict' && l.pushed_commit && l.pushed_commit !== commit) {
    const onto = l.pushed_commit;
    const ours = await git(['rev-parse', '--verify', '-q', rebasedRef(l.branch)], {
      cwd: w.path,
      okExitCodes: [0, 1],
    }).catch(() => null);
    if (
      ours?.stdout.toString('utf8').trim() === onto &&
      !(await isAncestorOf(w.path, onto, commit).catch(() => false))
    ) {
      const moved = await tryRebase({ repo: w.path, head: commit, onto, keep: rebasedRef(l.branch) }).catch(
        (err: unknown) => ({ ok: false as const, files: [], error: String(err) }),
      );
      if (!moved.ok)
        return endFix(
          deps,
          l,
          fix,
          null,
          `fix round ${fix.round} was not pushed: its commits do not go on Baton's rebase of pull request #${l.pr_number} (${onto.slice(0, 12)})${moved.files.length > 0 ? `: they conflict in ${moved.files.join(', ')}` : ''}`,
        );
      commit = moved.commit;
    }
  }
  // A conflict's fix must sit on the base it was asked to rebase on; else nothing is pushed.
  if (fix.base && !fix.rebased && !(await isAncestorOf(w.path, fix.base.commit, commit).catch(() => false)))
    return endFix(
      deps,
      l,
      fix,
      null,
      `fix round ${fix.round} was not pushed: its commit ${commit.slice(0, 12)} is not on ${fix.base.branch} (${fix.base.commit.slice(0, 12)}); the agent did not finish the rebase`,
    );
  try {
    const pushed = await pushBranch({
      repo: w.path,
      commit,
      url: remote.url,
      branch: l.branch,
      token,
      user: gitUserOf(remote.forge.kind),
      tokenName,
      pushedBefore: l.pushed_commit,
      // A rebase replaces the branch's commits: pushed only over what Baton pushed last, leased on it.
      rewrites: fix.kind === 'conflict',
      secrets: secretsToScan(deps, remote.base_branch ?? w.base_branch),
    });
    const gh = forge();
    if (fix.kind === 'review' && gh) {
      const marker = commentMarker(fix);
      const said = (await gh.comments(l.pr_number)).some((c) => c.includes(marker));
      if (!said) await gh.comment(l.pr_number, fixedComment(fix, commit, runId));
    }
    if (fix.rebased)
      return endFix(
        deps,
        l,
        fix,
        { commit, pushed_commit: commit },
        `Baton rebased pull request #${l.pr_number} on ${fix.base?.branch ?? 'its base'} and ${pushed.outcome === 'already' ? 'found it pushed' : 'pushed it'}: ${commit.slice(0, 12)}`,
      );
    return endFix(
      deps,
      l,
      fix,
      { commit, pushed_commit: commit },
      `fix round ${fix.round} ${pushed.outcome === 'already' ? 'was on' : 'pushed to'} pull request #${l.pr_number}: ${commit.slice(0, 12)} (${fix.summary})`,
    );
  } catch (err) {
    const why = err instanceof LandingError ? err.message : String(err);
    // Someone else's commits on the branch, or a push the remote refuses: the round ends unpushed.
    const what = fix.rebased
      ? `Baton's rebase of pull request #${l.pr_number} on ${fix.base?.branch ?? 'its base'}`
      : `fix round ${fix.round}`;
    if (err instanceof LandingError && ['not_ours', 'refused', 'secret'].includes(err.reason))
      return endFix(deps, l, fix, null, `${what} was not pushed: ${why}`);
    // Said, and tried again at the next poll: the push is safe to repeat.
    return landingChanged(
      deps,
      {
        ...l,
        message: `${what}: pushing ${commit.slice(0, 12)} failed: ${why}`,
        polls: l.polls + 1,
        next_poll_at: deps.clock() + deps.follow.firstMs * 2 ** Math.min(l.polls + 1, 20),
      },
      l.state,
    );
  }
}

/**
 * The CLI homes a plan that lands as pull requests keeps for fix rounds (sessions/cleanup.ts),
 * removed once its pull request is over: the task's own and its fix runs'. Those of worktrees
 * still there (a run not cleaned up yet) are left alone.
 */
export async function releaseHomes(deps: LandingDeps, l: StoredLanding): Promise<void> {
  if (l.task_id === null) return;
  const runs = [l.run_id, ...l.handled.filter((h) => h.startsWith('run:')).map((h) => h.slice(4))];
  for (const runId of runs) {
    const s = deps.store.sessions.get(runId, l.task_id);
    if (s?.home && s.state === 'removed') await rm(s.home, { recursive: true, force: true });
  }
}
