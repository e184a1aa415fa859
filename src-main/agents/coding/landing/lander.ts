import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import type { StoredLanding } from '../repos/landings-repo.ts';
import { startFollowing } from './follow.ts';
import { createForgeHookRoutes } from './forge-hooks.ts';
import type { LandAsked } from './land-run.ts';
import { askedAgain, landRun } from './land-run.ts';
import type { LandingDeps } from './landing-deps.ts';
import { publicLanding } from './landing-deps.ts';

export type { LandingDeps } from './landing-deps.ts';

/**
 * Landing in the app: a run that ends completed lands as its plan says (`land`), in the background;
 * open pull requests are followed (`startFollowing`) until merged, closed or gone, across
 * restarts; a run of the last week that completed before its landing was recorded is landed when
 * Baton starts. `land` lands a run on request (again after a failure: what landed already is not
 * landed twice).
 */
export function createLander(deps: LandingDeps, opts: { tickMs?: number; enabled?: boolean } = {}) {
  const inFlight = new Map<string, Promise<Landing[]>>();
  /** A landing of one of the run's tasks under way, if any. */
  const taskLandingOf = (runId: string): Promise<Landing[]> | undefined => {
    for (const [key, p] of inFlight) if (key.startsWith(`${runId}\0`)) return p;
    return undefined;
  };
  /** Lands a run as its plan says, or as a person asked (`asked`); one landing of a run (or of its task) at a time. */
  const land = (runId: string, asked?: LandAsked, actor?: string): Promise<Landing[]> => {
    const key = asked?.task_id === undefined ? runId : `${runId}\0${asked.task_id}`;
    const going = inFlight.get(key);
    if (going) return going.then(() => (asked ? land(runId, asked, actor) : going));
    // A landing of the whole run and one of its tasks land the same branches: one waits for the other.
    const other = key === runId ? taskLandingOf(runId) : inFlight.get(runId);
    if (other) return other.then(() => land(runId, asked, actor));
    const p = landRun(deps, runId, asked, actor)
      .then((list) => list.map((l) => publicLanding(l)))
      .finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  };
  /** A landing cut short, taken up again as it was asked (or as its plan says). */
  const reland = (l: StoredLanding) => {
    const asked = askedAgain(l);
    return asked ? land(l.run_id, asked, l.asked?.actor) : land(l.run_id);
  };
  let unsubscribe: (() => void) | null = null;
  let following: ReturnType<typeof startFollowing> | null = null;
  const tick = () => following?.tick() ?? Promise.resolve();
  return {
    land,
    list: (runId: string): Landing[] => deps.store.landings.forRun(runId).map(publicLanding),
    /** Polls what is due now (tests; the timer does it otherwise). */
    tick,
    /** `POST /api/forge/<kind>/<workspace>`: a forge's signed webhooks, which make a pull request due for a poll at once. */
    hookRoute: createForgeHookRoutes(deps, tick),
    /** Resolves once the landings started so far are over. */
    settled: async () => {
      // At most 10 s: a landing still pushing then fails when the store closes, and is taken up
      // again at the next start (it is recorded before anything is pushed).
      let timer: ReturnType<typeof setTimeout> | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, 10_000);
        timer.unref?.();
      });
      await Promise.race([Promise.allSettled([...inFlight.values()]), bound]);
      clearTimeout(timer);
    },
    start() {
      if (opts.enabled === false) return;
      unsubscribe = deps.bus.subscribe(
        (batch) => {
          for (const e of batch) {
            if (e.name !== 'run.updated') continue;
            // A pull request's fix round ended: its landing pushes the fix (the fix run lands nothing itself).
            const owner = deps.store.landings.fixedIn(e.payload.id);
            if (owner) {
              if (e.payload.status !== 'executing' && owner.state === 'fixing') {
                deps.store.landings.save({ ...owner, next_poll_at: 0 });
                void tick();
              }
              continue;
            }
            if (e.payload.status !== 'completed') continue;
            // The run as the event has it says which plan version it ran (its counts are not needed).
            const run = e.payload;
            const plan = deps.store.plans.get(run.plan_id, run.plan_version)?.plan;
            if ((plan?.land ?? 'none') === 'none') continue;
            land(e.payload.id).catch((err: unknown) => deps.log(err, `landing run ${e.payload.id}`));
          }
        },
        ['run.updated'],
      );
      following = startFollowing(deps, opts.tickMs ?? 5_000, reland);
      // Runs that completed while Baton was stopping, before their landing was recorded (the last week's).
      const since = new Date(deps.clock() - 7 * 24 * 3_600_000).toISOString();
      for (const runId of deps.store.landings.unlanded(since, 50)) {
        if (deps.store.landings.fixedIn(runId)) continue;
        const run = deps.store.runs.get(runId);
        const plan = run && deps.store.plans.get(run.plan_id, run.plan_version)?.plan;
        if ((plan?.land ?? 'none') === 'none') continue;
        land(runId).catch((err: unknown) => deps.log(err, `landing run ${runId}`));
      }
    },
    stop() {
      unsubscribe?.();
      following?.stop();
    },
  };
}
export type Lander = ReturnType<typeof createLander>;
