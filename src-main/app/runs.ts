import type { RunHandlers } from '../../src-shared/contract/domains/runs.ts';
import { taskSpecSchema } from '../../src-shared/schemas/plan.ts';
import type { BuildResponse, RunDetail, StartedRun } from '../../src-shared/schemas/run.ts';
import {
  checkpointHandlers,
  codingRunHandlers,
  keptWorkHandlers,
  landingHandlers,
  missingWorkspaceIssues,
  workspaceIssues,
} from '../agents/coding/index.ts';
import { AppError, invalidInput, toIssues } from '../base/errors.ts';
import { readArtifactFile } from './artifact-file.ts';
import type { AppContext } from './context.ts';

/** Who said it, when neither the input nor the caller names a person (the machine's owner at its desk). */
const DEFAULT_SAYER = 'user';

/** Most of an artifact's content `runs.readArtifact` sends. */
const ARTIFACT_READ_LIMIT = 1_048_576;

/**
 * A plan stored before patterns were checked does not run with one that can hold up the
 * engine; nor one naming a workspace no longer registered, nor one whose coding tasks work in a
 * workspace whose repository is gone from disk. Every start goes through it (calls, schedules,
 * triggers).
 */
export async function refuseUnsafeRun(
  ctx: Pick<AppContext, 'store' | 'patterns' | 'coding'>,
  plan_id: string,
  version?: number,
): Promise<void> {
  const stored = ctx.store.plans.get(plan_id, version);
  if (!stored) return; // the engine says what is missing
  const unsafe = [
    ...workspaceIssues(ctx.coding.store, stored.plan),
    ...missingWorkspaceIssues(ctx.coding.store, stored.plan),
    ...(await ctx.patterns.planIssues(stored.plan)),
  ];
  if (unsafe.length > 0)
    throw invalidInput(`plan "${plan_id}" v${stored.version} cannot run`, toIssues(unsafe));
}

export function runHandlers(ctx: AppContext): RunHandlers {
  const { store, engine } = ctx;
  const refuseUnsafe = (plan_id: string, version?: number) => refuseUnsafeRun(ctx, plan_id, version);
  const detail = (run_id: string): RunDetail => {
    const run = store.runs.get(run_id);
    if (!run) throw new AppError('not_found', `run "${run_id}" not found`);
    return { ...run, tasks: store.runs.tasks(run_id), added_tasks: store.runs.addedSpecs(run_id) };
  };
  /**
   * A build answered with what the run screen shows first: no follow-up calls for it. The run
   * comes from the engine's memory while it executes here (reading 10,000 task rows back from
   * the store would cost a large run's start a tenth of its time).
   */
  const started = (build: BuildResponse): StartedRun => ({
    ...build,
    run: engine.liveDetail(build.run_id) ?? detail(build.run_id),
    build_log: store.memory.get(build.memory_id)!,
  });
  return {
    'runs.start': async ({ plan_id, plan_version, actor, inputs }, call) => {
      await refuseUnsafe(plan_id, plan_version);
      // The launch's transaction, then the answer's read of the build log, each once the store's
      // writer has written what it was handed (`whenWriterIdle`, the engine's ticks held through
      // both), not waiting for it on the thread the calls share: under two clients' starts those
      // waits held it ~6 ms a start.
      return store.whenWriterIdle(
        () => engine.startRun(plan_id, actor ?? call.actor ?? undefined, inputs, undefined, plan_version),
        started,
      );
    },
    // Once the writer has written what it was handed (a run's counts and tasks are rows written
    // behind the engine), not waiting for it on the thread the calls share: the Runs screen reads
    // these while runs go on.
    'runs.list': ({ plan_id }) => store.whenWriterIdle(() => store.runs.list(plan_id)),
    'runs.get': ({ run_id }) => store.whenWriterIdle(() => detail(run_id)),
    'runs.cancel': ({ run_id, actor }, call) => engine.cancelRun(run_id, actor ?? call.actor ?? undefined),
    'runs.rerun': async ({ run_id, task_id, actor }, call) => {
      // Read once the writer has written what it was handed (the run's counts read its task rows).
      const old = await store.whenWriterIdle(() => store.runs.get(run_id));
      if (old) await refuseUnsafe(old.plan_id, old.plan_version);
      return store.whenWriterIdle(
        () => engine.rerunFrom(run_id, task_id, actor ?? call.actor ?? undefined),
        started,
      );
    },
    'runs.cancelTask': ({ run_id, task_id, actor }, call) =>
      engine.cancelTask(run_id, task_id, actor ?? call.actor ?? undefined),
    'runs.say': ({ run_id, task_id, text, actor }, call) => {
      const said = engine.say(run_id, task_id, text, actor ?? call.actor ?? DEFAULT_SAYER);
      return { run_id, task_id, attempt: said.attempt, delivery: said.delivery, says: said.says };
    },
    'runs.listening': ({ run_id, task_id }) => engine.listening(run_id, task_id),
    'runs.interrupt': ({ run_id, task_id, actor }, call) =>
      engine.controlTurn(run_id, task_id, 'interrupt', actor ?? call.actor ?? DEFAULT_SAYER),
    'runs.pause': ({ run_id, task_id, actor }, call) =>
      engine.controlTurn(run_id, task_id, 'pause', actor ?? call.actor ?? DEFAULT_SAYER),
    'runs.resume': ({ run_id, task_id, actor }, call) =>
      engine.controlTurn(run_id, task_id, 'resume', actor ?? call.actor ?? DEFAULT_SAYER),
    'runs.turns': ({ run_id, task_id }) => engine.turns(run_id, task_id),
    'runs.retryTask': ({ run_id, task_id, actor, start_clean }, call) =>
      engine.retryTask(run_id, task_id, actor ?? call.actor ?? undefined, start_clean),
    'runs.taskLogs': ({ run_id, task_id, after_id, limit }) =>
      store.execution.logs(run_id, task_id, after_id, limit),
    'runs.taskProgress': ({ run_id, task_id }) => store.execution.progress(run_id, task_id),
    'runs.taskArtifacts': ({ run_id, task_id }) => store.execution.artifacts(run_id, task_id),
    'runs.taskAttempts': ({ run_id, task_id }) => store.execution.attempts(run_id, task_id),
    'runs.readArtifact': async ({ artifact_id, offset, encoding }) => {
      const artifact = store.execution.artifact(artifact_id);
      if (!artifact) throw new AppError('not_found', `artifact ${artifact_id} not found`);
      const { head: body, truncated } = await readArtifactFile(artifact, ARTIFACT_READ_LIMIT, offset);
      const text = encoding === 'base64' || body.includes(0) ? null : body.toString('utf8');
      return text === null || text.includes('\uFFFD')
        ? { artifact, encoding: 'base64', content: body.toString('base64'), truncated }
        : { artifact, encoding: 'utf8', content: text, truncated };
    },
    'runs.waiting': ({ run_id }) => {
      const here = engine.isActive(run_id);
      if (!here && !store.runs.get(run_id)) throw new AppError('not_found', `run "${run_id}" not found`);
      return { executing_here: here, waiting_for_people: engine.waitingOnPeople(run_id) };
    },
    'runs.addTask': ({ run_id, actor, task }) => engine.addTask(run_id, taskSpecSchema.parse(task), actor),
    'runs.spend': ({ scope, id }) => engine.spend(scope, id),
    ...codingRunHandlers(ctx),
    ...checkpointHandlers(ctx),
    ...landingHandlers(ctx),
    ...keptWorkHandlers(ctx, started, refuseUnsafe),
  };
}
