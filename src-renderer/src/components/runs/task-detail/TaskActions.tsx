import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { isTerminalTaskStatus } from '../../../../../src-shared/schemas/plain/run.ts';
import type { Run, TaskRun } from '../../../../../src-shared/schemas/run.ts';
import { isDiffReview } from '../../../approvals/diff-review.ts';
import { actorOf } from '../../../store/identity.ts';
import { useBaton } from '../../../store/index.ts';
import { taskSpecOf } from '../../../store/task-spec.ts';
import { ApprovalBody, ApprovalPill } from '../../approvals/ApprovalBody.tsx';
import { ApprovalDecision } from '../../approvals/ApprovalDecision.tsx';
import { ConfirmButton } from '../../shared/ConfirmButton.tsx';
import { RouteLink } from '../../shared/RouteLink.tsx';
import { KeepWorktree } from './KeepWorktree.tsx';
import { KeptWork } from './KeptWork.tsx';
import { failedUpstream, RETRYABLE_IN_RUN } from './retry-upstream.ts';
import { WorktreeTools } from './WorktreeTools.tsx';

/**
 * What can be done with the task where it is: answer the approval it waits for, cancel it while
 * it has not ended, retry it in its run while the run executes (or the failed task it was skipped
 * for), run again from it once its run has ended, each saying what it does.
 */
export function TaskActions({ task, run }: { task: TaskRun; run: Run }) {
  const approval = useBaton((s) =>
    task.status === 'awaiting_approval'
      ? s.pending.find((a) => a.run_id === task.run_id && a.task_id === task.task_id)
      : undefined,
  );
  const runFinished = run.status !== 'executing';
  const ended = isTerminalTaskStatus(task.status);
  return (
    <section className="task-actions" aria-label={`What to do with ${task.task_id}`}>
      {approval && (
        <div className="task-approval">
          <p className="small">
            <strong>Waits for your decision</strong> <ApprovalPill approval={approval} />
          </p>
          <ApprovalBody approval={approval} />
          {isDiffReview(approval) ? (
            <ReviewTheDiff approvalId={approval.id} />
          ) : (
            <ApprovalDecision approval={approval} />
          )}
        </div>
      )}
      {!ended && !runFinished && <CancelTask task={task} />}
      <KeepWorktree task={task} run={run} />
      <WorktreeTools task={task} run={run} />
      <KeptWork task={task} run={run} />
      {runFinished && <RunAgain task={task} />}
      {!runFinished && RETRYABLE_IN_RUN.has(task.status) && <RetryInRun task={task} />}
      {!runFinished && task.status === 'skipped' && <RetryUpstream task={task} run={run} />}
    </section>
  );
}

function CancelTask({ task }: { task: TaskRun }) {
  const cancel = useBaton((s) => s.cancelTask);
  const actor = useBaton(actorOf);
  return (
    <div className="actions">
      <ConfirmButton
        label="Cancel task"
        question={`Cancel task ${task.task_id}?`}
        detail={`Its agent is stopped, and tasks that depend on it are skipped unless their condition accepts a cancelled task. The audit log records it as cancelled by ${actor}.`}
        yes="Yes, cancel the task"
        danger
        no="Keep the task"
        onConfirm={() => cancel(task.run_id, task.task_id)}
      />
    </div>
  );
}

/** A failed task of an executing run, run again in place (`runs.retryTask`), after a yes. */
function RetryInRun({ task }: { task: TaskRun }) {
  return (
    <div className="run-again">
      <RetryInRunButton task={task} label="Retry" primary />
      <p className="muted small">
        One more attempt inside this run, as the run goes on; the tasks after it wait for it again.
      </p>
    </div>
  );
}

/**
 * A skipped task of an executing run cannot be retried itself: the failed tasks it was skipped
 * for can, and it waits for them again.
 */
function RetryUpstream({ task, run }: { task: TaskRun; run: Run }) {
  const failed = useBaton(
    useShallow((s) =>
      failedUpstream(
        task.task_id,
        (id) => taskSpecOf(s, run, id)?.depends_on,
        (id) => s.runTasks[run.id]?.[id]?.status,
      ),
    ),
  );
  const tasks = useBaton((s) => s.runTasks[run.id]);
  if (failed.length === 0) return null;
  return (
    <div className="run-again">
      <p className="small">
        Skipped because{' '}
        {failed.length === 1
          ? `${failed[0]} ended without its work`
          : `${failed.join(', ')} ended without their work`}
        . Retrying {failed.length === 1 ? 'it' : 'one'} makes {task.task_id} wait for it again.
      </p>
      <div className="actions">
        {failed.map((id) => {
          const upstream = tasks?.[id];
          return upstream ? <RetryInRunButton key={id} task={upstream} /> : null;
        })}
      </div>
    </div>
  );
}

function RetryInRunButton({ task, label, primary }: { task: TaskRun; label?: string; primary?: boolean }) {
  const retry = useBaton((s) => s.retryTask);
  // A coding task's worktree holds what its last attempt left: the next one starts from it, or clean.
  const coding = useBaton((s) => s.sessions[task.run_id]?.some((x) => x.task_id === task.task_id) ?? false);
  const [clean, setClean] = useState(false);
  const why = task.status === 'unassigned' ? 'found no agent' : 'failed';
  return (
    <ConfirmButton
      label={label ?? `Retry ${task.task_id}`}
      primary={primary}
      question={`Retry ${task.task_id} in this run?`}
      detail={`${task.task_id} gets one more attempt now, in this run; its last attempt stays in its history. Tasks after it that were skipped because it ${why} wait for it again.${coding ? ' The attempt starts from what the last one left in its worktree.' : ''}`}
      yes={`Retry ${task.task_id}`}
      no="Not now"
      onConfirm={() => retry(task.run_id, task.task_id, coding && clean)}
    >
      {coding && (
        <label className="check small">
          <input type="checkbox" checked={clean} onChange={(e) => setClean(e.target.checked)} /> Start clean:
          drop what earlier attempts left and start from the task's start
        </label>
      )}
    </ConfirmButton>
  );
}

/** A finished run's task: retried (failed) or run again (otherwise) in a new run from it. */
function RunAgain({ task }: { task: TaskRun }) {
  const rerun = useBaton((s) => s.rerunFrom);
  // Work kept on its branch: Resume (above) is the way on; this one starts over.
  const kept = useBaton(
    (s) => s.sessions[task.run_id]?.find((x) => x.task_id === task.task_id)?.kept_work?.state === 'kept',
  );
  const failed = task.status === 'failed';
  return (
    <div className="run-again">
      <button
        type="button"
        className={failed && !kept ? 'primary' : undefined}
        onClick={() => rerun(task.run_id, task.task_id)}
      >
        {failed ? 'Retry in a new run' : 'Re-run from here'}
      </button>
      <p className="muted small">
        A new run in which {task.task_id} and every task after it run again
        {kept ? ', from the start: the kept work stays on its branch' : ''}; the tasks before it are reused.
        This run stays as it is.
      </p>
    </div>
  );
}

/** A diff is decided on where it can be read: the Approvals inbox shows it, with line comments. */
function ReviewTheDiff({ approvalId }: { approvalId: string }) {
  return (
    <div className="actions">
      <RouteLink to={{ screen: 'approvals', approvalId }} className="button primary">
        Review the diff
      </RouteLink>
    </div>
  );
}
