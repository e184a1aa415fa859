import type { Run, TaskRun } from '../../../../../src-shared/schemas/run.ts';
import { isTerminalTaskStatus } from '../../../../../src-shared/schemas/run.ts';
import { isDiffReview } from '../../../approvals/diff-review.ts';
import { actorOf } from '../../../store/identity.ts';
import { useBaton } from '../../../store/index.ts';
import { ApprovalBody, ApprovalPill } from '../../approvals/ApprovalBody.tsx';
import { ApprovalDecision } from '../../approvals/ApprovalDecision.tsx';
import { ConfirmButton } from '../../shared/ConfirmButton.tsx';
import { KeepWorktree } from './KeepWorktree.tsx';

/**
 * What can be done with the task where it is: answer the approval it waits for, cancel it while
 * it has not ended, retry it (or run again from it) once its run has ended, each saying what it does.
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
          {isDiffReview(approval) ? <ReviewTheDiff /> : <ApprovalDecision approval={approval} />}
        </div>
      )}
      {!ended && !runFinished && <CancelTask task={task} />}
      <KeepWorktree task={task} run={run} />
      {runFinished && <RunAgain task={task} />}
      {ended && !runFinished && task.status === 'failed' && (
        <p className="muted small">
          Retry: once this run has ended, the task can be retried in a new run that reuses the work finished
          before it.
        </p>
      )}
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

/** A finished run's task: retried (failed) or run again (otherwise) in a new run from it. */
function RunAgain({ task }: { task: TaskRun }) {
  const rerun = useBaton((s) => s.rerunFrom);
  const failed = task.status === 'failed';
  return (
    <div className="run-again">
      <button
        type="button"
        className={failed ? 'primary' : undefined}
        onClick={() => rerun(task.run_id, task.task_id)}
      >
        {failed ? 'Retry in a new run' : 'Re-run from here'}
      </button>
      <p className="muted small">
        Starts a new run of this plan version in which {task.task_id} and every task after it run again; the
        tasks finished before it are reused, not run again. This run stays as it is.
      </p>
    </div>
  );
}

/** A diff is decided on where it can be read: the Approvals inbox shows it, with line comments. */
function ReviewTheDiff() {
  const setView = useBaton((s) => s.setView);
  return (
    <div className="actions">
      <button type="button" className="primary" onClick={() => setView('approvals')}>
        Review the diff
      </button>
    </div>
  );
}
