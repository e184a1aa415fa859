import { isCodingOutput } from '../../../../../src-shared/schemas/plain/workspace.ts';
import type { TaskSpec } from '../../../../../src-shared/schemas/plan.ts';
import type { TaskRun } from '../../../../../src-shared/schemas/run.ts';
import { candidateCosts, candidateLine, whichCandidate, winnerOf } from '../../../coding/best-of-facts.ts';
import { spendText } from '../../../format/cost.ts';
import { durationIsLive, taskDuration } from '../../../format/task-duration.ts';
import { useBaton } from '../../../store/index.ts';
import { stepsKey } from '../../../store/steps.ts';
import { ChecksRow } from '../../checks/ChecksRow.tsx';
import { taskChecks } from '../../checks/latest-checks.ts';
import { attemptText } from '../task-attempts.ts';

/**
 * The task's facts at the top of its panel: its agent (for a best-of task, the candidate its work
 * is and every candidate with its own agent), attempt, duration, cost (said "unknown" where Baton
 * could not see it, and split by candidate), progress, checks and when it is tried next.
 */
export function TaskFacts({
  task,
  spec,
  now,
  nextAttempt,
}: {
  task: TaskRun;
  spec: TaskSpec | undefined;
  now: number;
  nextAttempt: string | null;
}) {
  const book = useBaton((s) => s.steps[stepsKey(task.run_id, task.task_id)]?.book);
  const checks = taskChecks(task.output, book);
  // Part of its spend Baton could not see (a model call past the meter): said, never as 0.
  const unknownSpend =
    task.cost_unknown > 0 ||
    Object.values(book ?? {}).some((list) =>
      list.some((st) => st.kind === 'usage' && st.cost_source === 'unknown'),
    );
  // A best-of task: the candidate its work is, and each one with its own agent (its output, or the review's).
  const reviewBest = useBaton(
    (s) => s.pending.find((a) => a.run_id === task.run_id && a.task_id === task.task_id)?.diff?.best_of,
  );
  const best = (isCodingOutput(task.output) ? task.output.best_of : undefined) ?? reviewBest;
  return (
    <dl className="facts">
      <div>
        <dt>Agent</dt>
        <dd>
          {best ? (winnerOf(best)?.agent_id ?? task.agent_id ?? '—') : (task.agent_id ?? '—')}
          {best && <span className="muted"> · {whichCandidate(best)}</span>}
        </dd>
      </div>
      {best && (
        <div className="fact-wide">
          <dt>Candidates</dt>
          <dd>
            <ul className="candidate-lines">
              {[...best.candidates]
                .sort((a, b) => a.candidate - b.candidate)
                .map((c) => (
                  <li key={c.candidate} className={c.candidate === best.winner ? 'current' : undefined}>
                    {candidateLine(c)}
                  </li>
                ))}
            </ul>
          </dd>
        </div>
      )}
      <div>
        <dt>Attempt</dt>
        <dd>{attemptText(task, spec)}</dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd className={durationIsLive(task) ? 'live' : undefined}>{taskDuration(task, now)}</dd>
      </div>
      {(task.cost > 0 || unknownSpend || best) && (
        <div className={best ? 'fact-wide' : undefined}>
          <dt>Cost</dt>
          <dd>
            {spendText(
              task.cost,
              unknownSpend || (best?.candidates.some((c) => c.cost_usd === null) ?? false),
            )}
            {best && <span className="muted small"> ({candidateCosts(best)})</span>}
          </dd>
        </div>
      )}
      {task.progress !== null && (
        <div>
          <dt>Progress</dt>
          <dd>
            {task.progress}% {task.progress_message}
          </dd>
        </div>
      )}
      {checks.checks.length > 0 && (
        <div>
          <dt>Checks</dt>
          <dd>
            <ChecksRow checks={checks.checks} rounds={checks.rounds} />
          </dd>
        </div>
      )}
      {nextAttempt && (
        <div>
          <dt>Next attempt</dt>
          <dd>{nextAttempt}</dd>
        </div>
      )}
    </dl>
  );
}
