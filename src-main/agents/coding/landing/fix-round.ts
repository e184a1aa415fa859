import { DEFAULT_FIX_ROUNDS } from '../../../../src-shared/schemas/checks.ts';
import type { PrFix } from '../../../../src-shared/schemas/landing.ts';
import type { StoredLanding } from '../repos/landings-repo.ts';
import type { LandingDeps } from './landing-deps.ts';
import { landingChanged } from './landing-deps.ts';

// A pull request's fix round started and ended, whichever sent its agent back: its base moved and
// conflicts (pr-base.ts), or its checks or a review (pr-fix.ts).

/** The plan's task a landing is of. */
export function taskSpecOf(deps: LandingDeps, l: StoredLanding) {
  const run = deps.store.runs.get(l.run_id);
  const plan = run && deps.store.plans.get(run.plan_id, run.plan_version)?.plan;
  return plan?.tasks.find((t) => t.task_id === l.task_id);
}

/** How many fix rounds a landing's task may use: its `fix_rounds` (as for the workspace's checks). */
export const maxRounds = (deps: LandingDeps, l: StoredLanding): number =>
  taskSpecOf(deps, l)?.fix_rounds ?? DEFAULT_FIX_ROUNDS;

/** The run whose CLI session the next fix round goes on with: the last fix run's, else the landing's own. */
const lastRunOf = (l: StoredLanding): string =>
  l.handled.findLast((h) => h.startsWith('run:'))?.slice(4) ?? l.run_id;

/**
 * A recorded fix round's run: a re-run of the landing's run from its task, going on in the task's
 * CLI session (its branch, its worktree's folder, its CLI home), told what the pull request
 * asked. The run's id is written with the run itself, so a restart in between starts none twice.
 */
export function startFix(deps: LandingDeps, l: StoredLanding): StoredLanding {
  const fix = l.fix;
  const { store } = deps;
  if (!fix || fix.run_id !== null || fix.rebased || !deps.rerun || l.task_id === null) return l;
  const taskId = l.task_id;
  // A remote worker keeps the task's worktree and CLI session on its own machine, and its pull
  // API tells it neither a round's prompt nor a base to merge: a round there would do the task
  // afresh, so none is started; said, and left to a person.
  const doneBy = store.runs.tasks(l.run_id).find((t) => t.task_id === taskId)?.agent_id;
  const worker = doneBy ? store.agents.get(doneBy)?.worker : undefined;
  if (worker !== undefined)
    return endFix(
      deps,
      l,
      fix,
      null,
      `fix round ${fix.round} (${fix.summary}) is not started: task "${taskId}" was done by agent "${doneBy}" on remote worker "${worker}", and pull requests' fix rounds do not run on remote workers yet; a person's turn on pull request #${l.pr_number}`,
    );
  const from = lastRunOf(l);
  const session = store.sessions.get(from, taskId);
  try {
    deps.rerun(l.run_id, taskId, (newRun) => {
      const at = deps.now();
      if (session) {
        store.sessions.upsert({ ...session, run_id: newRun, attempt: 0, state: 'active', updated_at: at });
        store.sessions.setContinues(newRun, taskId, from);
      }
      store.landings.save({ ...l, fix: { ...fix, run_id: newRun }, updated_at: at });
    });
  } catch (err) {
    return endFix(
      deps,
      l,
      fix,
      null,
      `fix round ${fix.round} could not start: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const started = store.landings.get(l.run_id, l.task_id) ?? l;
  return landingChanged(
    deps,
    {
      ...started,
      message: `fix round ${fix.round}: ${fix.summary}; ${fix.ask ? `a person resolves the merge with ${fix.base?.branch ?? 'its base'} in the inbox (on_conflict "ask"), then its agent goes on` : 'its agent works on it'} in run ${started.fix?.run_id}`,
    },
    l.state,
  );
}

/** The round over: the landing open again, what it answered never answered twice. */
export function endFix(
  deps: LandingDeps,
  l: StoredLanding,
  fix: PrFix,
  extra: Partial<StoredLanding> | null,
  message: string,
) {
  return landingChanged(
    deps,
    {
      ...l,
      ...extra,
      state: 'open',
      fix: null,
      handled: [...l.handled, fix.key, ...(fix.run_id ? [`run:${fix.run_id}`] : [])],
      message,
      polls: 0,
      next_poll_at: deps.clock() + deps.follow.firstMs,
    },
    l.state,
  );
}
