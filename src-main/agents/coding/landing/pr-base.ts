import type { PrFix } from '../../../../src-shared/schemas/landing.ts';
import { FORGE_LABELS } from '../../../../src-shared/schemas/plain/forge.ts';
import type { PullState } from '../../../forges/index.ts';
import { FORGES, gitUserOf, LandingError } from '../../../forges/index.ts';
import type { StoredLanding } from '../repos/landings-repo.ts';
import { git } from '../workspaces/git.ts';
import { maxRounds, startFix, taskSpecOf } from './fix-round.ts';
import type { LandingDeps } from './landing-deps.ts';
import { landingChanged } from './landing-deps.ts';
import { fetchBranch } from './push.ts';
import { isAncestorOf, tryRebase } from './rebase.ts';

/**
 * The landing as the poll goes on with it: polled again soon (after `firstMs`, not its backoff)
 * while GitHub computes whether its pull request merges (`mergeable` null).
 */
export const soonAfter = (deps: LandingDeps, l: StoredLanding, pr: PullState): StoredLanding =>
  pr.mergeable === null && l.task_id !== null
    ? { ...l, next_poll_at: Math.min(l.next_poll_at ?? Infinity, deps.clock() + deps.follow.firstMs) }
    : l;

/** Where the base branch is fetched to in the workspace, for a landing's branch. */
export const baseRef = (branch: string): string => `refs/baton/base/${branch}`;
/** Where a rebase Baton made itself is kept until it is pushed. */
export const rebasedRef = (branch: string): string => `refs/baton/rebased/${branch}`;

/** The most conflicting files a prompt or a summary names. */
const MAX_FILES = 20;
const named = (files: readonly string[]): string =>
  `${files.slice(0, MAX_FILES).join(', ')}${files.length > MAX_FILES ? ', …' : ''}`;

/**
 * An open pull request whose base branch moved under it, looked at (null: nothing to do, the
 * checks and reviews are read next, from the landing as stored: a base that could not be fetched
 * is said on it). GitHub says it first (`mergeable: false`, `mergeable_state:
 * "dirty"`; `mergeable` is null while it computes, and the pull request is read again soon); a
 * base that moved without conflicting asks nothing, unless the base's branch protection wants
 * pull requests up to date (`behind`): then Baton rebases the branch on it (below) as for a
 * conflict. A conflict is confirmed locally:
 * the base is fetched over git and Baton rebases the branch on it itself, in a worktree of its
 * own. When that goes through, the rebased commit is recorded and pushed under a lease (no agent
 * needed); when it conflicts, a fix round of kind `conflict` merges the base into the task's
 * worktree and sends the agent back, in its session, to resolve the conflict markers (Baton
 * concludes the merge), or, with the task's `on_conflict: "ask"`, has a person resolve them first
 * (the merge-conflict approval in the inbox; `attempt/worktree.ts`, `mergeBaseAsking`). A
 * branch holding commits Baton did not push is not rebased: said once, left to a person.
 */
export async function baseOfPull(
  deps: LandingDeps,
  l: StoredLanding,
  pr: PullState,
): Promise<StoredLanding | null> {
  if (l.task_id === null || !deps.rerun) return null;
  // GitHub computes it (the base or the branch just moved): the pull request is read again soon (`soonAfter`).
  if (pr.mergeable === null) return null;
  // `behind` on a forge that says so (GitHub): it merges, but the base's branch protection wants
  // it up to date before it merges. (Elsewhere `behind` says only that the base moved: nothing asked.)
  const kind = deps.store.workspaces.get(l.workspace_id)?.remote?.forge?.kind ?? 'github';
  const behind =
    FORGES[kind].supports.updateWhenBehind && pr.mergeable === true && pr.mergeable_state === 'behind';
  if (!behind && (pr.mergeable !== false || pr.mergeable_state !== 'dirty')) return null;
  const key = `base:${pr.base_sha}:${pr.head_sha}`;
  if (l.handled.includes(key)) return null;
  const said = (message: string) =>
    landingChanged(deps, { ...l, handled: [...l.handled, key], message }, l.state);
  const forgeName = FORGE_LABELS[kind];
  const moved = behind
    ? `${pr.base} moved and must be in pull request #${pr.number} before it merges (${forgeName} says it is behind)`
    : `${pr.base} moved and conflicts with pull request #${pr.number}`;
  if (l.pushed_commit !== null && pr.head_sha !== l.pushed_commit)
    return said(
      `${moved}, but its branch ${l.branch} has commits Baton did not push (its tip is ${pr.head_sha.slice(0, 12)}): Baton does not rebase over them; a person's turn`,
    );
  const w = deps.store.workspaces.get(l.workspace_id);
  const remote = w?.remote;
  const tokenName = remote?.forge?.token_secret;
  const token = tokenName ? deps.secrets.get(tokenName) : undefined;
  if (!w || !remote || !token) return null;
  const head = l.pushed_commit ?? l.commit;
  let base: string;
  try {
    base = await fetchBranch({
      repo: w.path,
      url: remote.url,
      branch: pr.base,
      token,
      user: gitUserOf(remote.forge?.kind),
      tokenName,
      into: baseRef(l.branch),
    });
  } catch (err) {
    // Said once per base commit; nothing more is done about the base this poll (its checks and
    // reviews are read as ever, by the caller, from the landing as saved here), and it is fetched
    // again at the next poll.
    const failed = `base-fetch:${pr.base_sha}`;
    if (!l.handled.includes(failed)) {
      const why = err instanceof LandingError ? err.message : String(err);
      landingChanged(
        deps,
        {
          ...l,
          handled: [...l.handled, failed],
          message: `${pr.base} moved, but fetching it failed: ${why}; its checks and reviews are read meanwhile, and ${pr.base} is fetched again at the next poll`,
        },
        l.state,
      );
    }
    return null;
  }
  // Confirmed here, or not: a base already in the branch's history conflicts with nothing.
  if (await isAncestorOf(w.path, base, head)) return null;
  const tried = await tryRebase({ repo: w.path, head, onto: base, keep: rebasedRef(l.branch) });
  const onto = { branch: pr.base, commit: base };
  if (tried.ok) {
    // Baton's own rebase: recorded before its push, so a restart pushes the same commit, once.
    const fix: PrFix = {
      kind: 'conflict',
      key,
      round: l.fix_rounds,
      summary: `rebasing on ${pr.base}`,
      prompt: '',
      run_id: null,
      base: onto,
      rebased: tried.commit,
    };
    return landingChanged(
      deps,
      {
        ...l,
        state: 'fixing',
        fix,
        message: `${behind ? `${pr.base} moved and pull request #${pr.number} must be up to date with it before it merges` : `${pr.base} moved and ${forgeName} says pull request #${pr.number} conflicts`}; Baton rebased ${l.branch} on ${pr.base} (${base.slice(0, 12)}) without a conflict and pushes it`,
      },
      l.state,
    );
  }
  const max = maxRounds(deps, l);
  const summary = `${pr.base} moved and conflicts in ${named(tried.files)}`;
  if (l.fix_rounds >= max)
    return said(
      `${pr.base} moved and conflicts in ${named(tried.files)}, and the task's ${max} fix round${max === 1 ? '' : 's'} are used up: a person's turn on pull request #${pr.number}`,
    );
  const round = l.fix_rounds + 1;
  const ask = taskSpecOf(deps, l)?.on_conflict === 'ask';
  const fix: PrFix = {
    kind: 'conflict',
    key,
    round,
    summary,
    prompt: conflictPrompt(l, pr, base, tried.files, round, max, ask),
    run_id: null,
    base: onto,
    files: tried.files,
    ...(ask ? { ask: true } : {}),
  };
  const fixing = landingChanged(
    deps,
    {
      ...l,
      state: 'fixing',
      fix,
      fix_rounds: round,
      message: `fix round ${round}: ${summary} on pull request #${pr.number}; ${ask ? 'a person resolves the merge (on_conflict "ask"), then its agent goes on' : 'its agent goes back to work'}`,
    },
    l.state,
  );
  return startFix(deps, fixing);
}

/** What the agent is told when the base moved and conflicts: the base, its commit, the files, and to rebase on it. */
function conflictPrompt(
  l: StoredLanding,
  pr: PullState,
  base: string,
  files: readonly string[],
  round: number,
  max: number,
  asked: boolean,
): string {
  const where = `${baseRef(l.branch)} (commit ${base.slice(0, 12)})`;
  if (asked)
    return [
      `The base branch ${pr.base} of your pull request #${pr.number} (task ${l.task_id}) moved and conflicted with your work in: ${named(files)}.`,
      `A person merged ${pr.base} (${where}) into this worktree's branch and resolved the conflicts. Check that the work still does what the task asks with ${pr.base}'s changes, fix what does not, and commit (fix round ${round} of ${max}). Your commits are pushed to the pull request's branch when you finish.`,
    ].join('\n');
  return [
    `The base branch ${pr.base} of your pull request #${pr.number} (task ${l.task_id}) moved, and your branch no longer merged into it. Baton merged ${pr.base} as it is now (${where}) into this worktree's branch; git stopped on conflicts in:`,
    ...files.slice(0, MAX_FILES).map((f) => `- ${f}`),
    '',
    `Those files hold git's conflict markers (<<<<<<<, =======, >>>>>>>). Resolve each conflict keeping both ${pr.base}'s changes and your work, remove every marker, and check that the work still does what the task asks (fix round ${round} of ${max}). You need not run git: Baton concludes the merge and commits when you finish, and pushes it to the pull request's branch (only over what Baton pushed last).`,
  ].join('\n');
}

/** The refs a landing's rebasing kept in the workspace (the base fetched, Baton's own rebase), removed once its pull request is over. */
export async function forgetBase(deps: LandingDeps, l: StoredLanding): Promise<void> {
  const w = deps.store.workspaces.get(l.workspace_id);
  if (!w) return;
  for (const ref of [baseRef(l.branch), rebasedRef(l.branch)])
    await git(['update-ref', '-d', ref], { cwd: w.path, okExitCodes: [0, 1] }).catch(() => {});
}
