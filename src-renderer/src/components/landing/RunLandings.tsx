import { useEffect } from 'react';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import { stageSentence } from '../../../../src-shared/schemas/landing-stage.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import { useBaton } from '../../store/index.ts';
import { LandingLine } from './LandingLine.tsx';
import { StagePill } from './StagePill.tsx';

const NONE: Landing[] = [];

/** Where a run's work landed: each branch pushed and its pull request, and "Land again" after a failure. */
export function RunLandings({ run }: { run: Run }) {
  const load = useBaton((s) => s.loadLandings);
  const landRun = useBaton((s) => s.landRun);
  const landings = useBaton((s) => s.landings[run.id] ?? NONE);
  useEffect(() => {
    void load(run.id);
  }, [load, run.id]);
  if (landings.length === 0) return null;
  return (
    <section className="run-landings" aria-label="Landing of the run">
      <h3>Landing</h3>
      <p className="small landing-stage" role="status" aria-label="Where the run's work stands">
        {stageSentence(landings)}
      </p>
      <ul>
        {landings.map((l) => (
          <li key={l.task_id ?? ''}>
            <strong>{l.task_id ?? 'run'}</strong> <LandingLine l={l} />
          </li>
        ))}
      </ul>
      {landings.some((l) => l.state === 'failed') && (
        <button type="button" onClick={() => void landRun(run.id)}>
          Land again
        </button>
      )}
    </section>
  );
}

/** A task's own landing on its panel (its branch pushed, its pull request), when it has one. */
export function TaskLanding({ runId, taskId }: { runId: string; taskId: string }) {
  const load = useBaton((s) => s.loadLandings);
  const loaded = useBaton((s) => s.landings[runId] !== undefined);
  const l = useBaton((s) => s.landings[runId]?.find((x) => x.task_id === taskId));
  useEffect(() => {
    if (!loaded) void load(runId);
  }, [load, loaded, runId]);
  if (!l) return null;
  return (
    <div className="task-landing">
      <p className="small landing-stage" role="status" aria-label="Where the task's work stands">
        Its work:
        <StagePill landings={[l]} />
      </p>
      <LandingLine l={l} named={taskId} />
    </div>
  );
}
