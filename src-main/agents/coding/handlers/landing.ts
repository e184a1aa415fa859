import type { RunHandlers } from '../../../../src-shared/contract/domains/runs.ts';
import { AppError } from '../../../base/errors.ts';
import type { Lander } from '../landing/lander.ts';
import { publicLanding } from '../landing/landing-deps.ts';
import { LandingError } from '../landing/push.ts';
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
    'runs.land': async ({ run_id }) => {
      const run = runOf(run_id);
      if (run.status === 'executing')
        throw new AppError(
          'conflict',
          `run "${run_id}" is still executing: its work lands once it has ended`,
        );
      const plan = store.plans.get(run.plan_id, run.plan_version)?.plan;
      if ((plan?.land ?? 'none') === 'none')
        throw new AppError(
          'conflict',
          `the plan of run "${run_id}" does not land its work (its land is "none")`,
          {
            field: 'land',
          },
        );
      if (!ctx.landing) throw new AppError('unavailable', 'landing is not running in this process');
      try {
        return await ctx.landing.land(run_id);
      } catch (err) {
        if (err instanceof LandingError) throw new AppError('conflict', err.message);
        throw err;
      }
    },
  };
}
