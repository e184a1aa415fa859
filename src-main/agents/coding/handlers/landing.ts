import type { RunHandlers } from '../../../../src-shared/contract/domains/runs.ts';
import { AppError } from '../../../base/errors.ts';
import { LandingError } from '../../../forges/index.ts';
import type { LandAsked } from '../landing/land-run.ts';
import type { Lander } from '../landing/lander.ts';
import { publicLanding } from '../landing/landing-deps.ts';
import type { CodingHandlersContext } from './context.ts';

/** `runs.landings` and `runs.land`: where a run's work landed, and landing it on request. */
export function landingHandlers(
  ctx: CodingHandlersContext & { landing?: Lander | undefined },
): Pick<RunHandlers, 'runs.landings' | 'runs.land'> {
  const { store } = ctx.coding;
  const runOf = (runId: string) => {
    const run = store.runs.get(runId);
    if (!run) throw new AppError('not_found', `run "${runId}" not found`);
    return run;
  };
  return {
    'runs.landings': ({ run_id }) => {
      if (run_id !== undefined) runOf(run_id);
      const list = run_id === undefined ? store.landings.recent(500) : store.landings.forRun(run_id);
      return list.map(publicLanding);
    },
    'runs.land': async ({ run_id, task_id, how, actor, ...pr }) => {
      const run = runOf(run_id);
      if (task_id === undefined && run.status === 'executing')
        throw new AppError(
          'conflict',
          `run "${run_id}" is still executing: its work lands once it has ended (a done task's lands now: give its task_id)`,
        );
      if (how === undefined && run.status !== 'completed')
        throw new AppError(
          'conflict',
          `run "${run_id}" is ${run.status}: a run lands as its plan says only once it completed (a person may land a done task's work: give how and task_id)`,
        );
      const plan = store.plans.get(run.plan_id, run.plan_version)?.plan;
      if (how === undefined && (plan?.land ?? 'none') === 'none')
        throw new AppError(
          'conflict',
          `the plan of run "${run_id}" does not land its work (its land is "none"): give how ("push" or "pull_request") to land it now`,
          { field: 'land' },
        );
      if (task_id !== undefined) {
        const t = store.runs.tasks(run_id).find((x) => x.task_id === task_id);
        if (!t)
          throw new AppError('not_found', `run "${run_id}" has no task "${task_id}"`, { field: 'task_id' });
        if (t.status !== 'done')
          throw new AppError(
            'conflict',
            `task "${task_id}" is ${t.status.replaceAll('_', ' ')}: only a done task's work lands`,
            {
              field: 'task_id',
            },
          );
      }
      if (!ctx.landing) throw new AppError('unavailable', 'landing is not running in this process');
      const asked =
        how === undefined ? undefined : { how, ...(task_id !== undefined ? { task_id } : {}), ...pr };
      if (asked) auditAsked(ctx, run_id, asked, actor ?? 'user');
      try {
        return await ctx.landing.land(run_id, asked, actor);
      } catch (err) {
        if (err instanceof LandingError) throw new AppError('conflict', err.message);
        throw err;
      }
    },
  };
}

/** A person's request to land work now, in the audit log under their name ("Ana asked for a pull request of task api into main"). */
function auditAsked(ctx: CodingHandlersContext, runId: string, asked: LandAsked, actor: string): void {
  const what = asked.how === 'push' ? 'a push' : `a ${asked.draft ? 'draft ' : ''}pull request`;
  const of = asked.task_id === undefined ? `the work of run ${runId}` : `task ${asked.task_id}'s work`;
  const into = asked.base ? ` into ${asked.base}` : '';
  const titled = asked.title ? ` titled "${asked.title}"` : '';
  ctx.coding.store.memory.audit({
    at: ctx.now(),
    actor,
    entity: asked.task_id === undefined ? 'run' : 'task',
    entity_id: asked.task_id ?? runId,
    run_id: runId,
    from_status: null,
    to_status: 'landing asked',
    why: `${actor} asked for ${what} of ${of}${into}${titled}`,
  });
}
