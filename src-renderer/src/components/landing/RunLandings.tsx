import { useEffect, useMemo } from 'react';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import { stageSentence } from '../../../../src-shared/schemas/landing-stage.ts';
import { isCodingOutput } from '../../../../src-shared/schemas/plain/workspace.ts';
import type { Run, TaskRun } from '../../../../src-shared/schemas/run.ts';
import { useBaton, useSelectedTaskId } from '../../store/index.ts';
import { taskSpecOf } from '../../store/task-spec.ts';
import { LandingLine } from './LandingLine.tsx';
import { LandingSteps } from './LandingSteps.tsx';
import { LandWork } from './LandWork.tsx';
import { defaultPrTitle } from './land-offer.ts';
import { StagePill } from './StagePill.tsx';

const NONE: Landing[] = [];

/** The run's plan as stored (its name, and whether its pull requests open as drafts). */
function usePlanOf(run: Pick<Run, 'plan_id'>) {
  return useBaton((s) => s.planDetails[run.plan_id]?.plan);
}

/** Keeps the workspaces read (the Land buttons need their remotes). */
function useWorkspacesLoaded() {
  const loaded = useBaton((s) => s.workspacesLoaded);
  const load = useBaton((s) => s.loadWorkspaces);
  useEffect(() => {
    if (!loaded) void load();
  }, [loaded, load]);
}

/**
 * Where a run's work landed: each branch pushed and its pull request, and "Land again" after a
 * failure; a completed run whose coding work has not landed offers Push and Open pull request.
 */
export function RunLandings({ run, tasks }: { run: Run; tasks: Record<string, TaskRun> }) {
  const load = useBaton((s) => s.loadLandings);
  const landRun = useBaton((s) => s.landRun);
  const landings = useBaton((s) => s.landings[run.id] ?? NONE);
  const plan = usePlanOf(run);
  // A task's open panel offers its own Push and pull request: the run's offer waits meanwhile.
  const taskOpen = useSelectedTaskId(run.id) !== null;
  useWorkspacesLoaded();
  useEffect(() => {
    void load(run.id);
  }, [load, run.id]);
  const coding = useMemo(
    () => Object.values(tasks).filter((t) => t.status === 'done' && isCodingOutput(t.output)),
    [tasks],
  );
  const workspaceIds = [
    ...new Set(coding.map((t) => (isCodingOutput(t.output) ? t.output.workspace_id : ''))),
  ];
  const offer = run.status === 'completed' && coding.length > 0 && !taskOpen && plan;
  if (landings.length === 0 && !offer) return null;
  const only = coding.length === 1 ? coding[0] : undefined;
  const onlySpec = only && plan?.tasks.find((t) => t.task_id === only.task_id);
  return (
    <section className="run-landings" aria-label="Landing of the run">
      <h3>Landing</h3>
      {landings.length > 0 && (
        <>
          <p className="small landing-stage" role="status" aria-label="Where the run's work stands">
            {stageSentence(landings)}
          </p>
          <ul>
            {landings.map((l) => (
              <li key={l.task_id ?? ''} className="run-landing">
                <div className="run-landing-head">
                  <strong>{l.task_id ?? 'run'}</strong> <LandingLine l={l} />
                </div>
                <LandingSteps l={l} named={l.task_id ?? 'the run'} />
              </li>
            ))}
          </ul>
          {landings.some((l) => l.state === 'failed') && (
            <button type="button" onClick={() => void landRun(run.id)}>
              Land again
            </button>
          )}
        </>
      )}
      {offer && landings.every((l) => l.state !== 'failed') && (
        <LandWork
          runId={run.id}
          workspaceIds={workspaceIds}
          landings={landings}
          defaultTitle={defaultPrTitle(plan, run.id, onlySpec ?? null)}
          draftByPlan={plan.pull_request?.draft_until_checks === true}
        />
      )}
    </section>
  );
}

/**
 * A task's own landing on its panel (its branch pushed, its pull request), when it has one; a
 * done coding task's work not landed yet offers Push and Open pull request.
 */
export function TaskLanding({ run, task }: { run: Run; task: TaskRun }) {
  const load = useBaton((s) => s.loadLandings);
  const loaded = useBaton((s) => s.landings[run.id] !== undefined);
  const l = useBaton((s) => s.landings[run.id]?.find((x) => x.task_id === task.task_id));
  const plan = usePlanOf(run);
  const spec = useBaton((s) => taskSpecOf(s, run, task.task_id));
  const out = task.status === 'done' && isCodingOutput(task.output) ? task.output : null;
  useWorkspacesLoaded();
  useEffect(() => {
    if (!loaded) void load(run.id);
  }, [load, loaded, run.id]);
  if (!l && !out) return null;
  return (
    <div className="task-landing">
      {l && (
        <>
          <p className="small landing-stage" role="status" aria-label="Where the task's work stands">
            Its work:
            <StagePill landings={[l]} />
          </p>
          <LandingLine l={l} named={task.task_id} />
          <LandingSteps l={l} named={task.task_id} />
        </>
      )}
      {out && plan && (
        <LandWork
          runId={run.id}
          taskId={task.task_id}
          workspaceIds={[out.workspace_id]}
          landings={l ? [l] : []}
          defaultTitle={defaultPrTitle(plan, run.id, spec ?? null)}
          draftByPlan={plan.pull_request?.draft_until_checks === true}
        />
      )}
    </div>
  );
}
