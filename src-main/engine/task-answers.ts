import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { TaskAnswer } from './approvals/kinds.ts';
import type { ActiveRun } from './run-state.ts';
import type { RunWriter } from './run-writer.ts';
import type { Runtime } from './runtime.ts';

/** What carrying out an answer needs: the writer and the flow's next steps. */
export interface AnswerParts {
  rt: Runtime;
  writer: RunWriter;
  flow: FlowSteps;
}

/** The steps of `TaskFlow` an answer goes on with (its class gives them). */
export interface FlowSteps {
  settleDependents(run: ActiveRun, taskId: string): void;
  maybeFinish(run: ActiveRun): void;
  enqueueOrGate(run: ActiveRun, task: TaskRun): void;
}

/**
 * Does what a person's answer to an approval does to the task that waited (`TaskFlow.answer`,
 * the answers in `approvals/kinds.ts`): done by the person, ready again, skipped, done with the
 * reviewed attempt's output (`accepted`), or the same agent going on with its session
 * (`changes`). A decision on what an attempt asked never comes here: it goes to that attempt.
 */
export function carryOut(
  parts: AnswerParts,
  run: ActiveRun,
  task: TaskRun,
  answer: TaskAnswer,
  actor: string,
): void {
  const { rt, writer, flow } = parts;
  switch (answer.to) {
    case 'done':
      writer.setStatus(run, task, 'ready', { reason: answer.reason }, actor);
      writer.setStatus(
        run,
        task,
        'in_progress',
        { agent_id: actor, attempt: task.attempt + 1, started_at: rt.iso() },
        actor,
      );
      writer.setStatus(run, task, 'done', { output: answer.output, finished_at: rt.iso() }, actor);
      flow.settleDependents(run, task.task_id);
      flow.maybeFinish(run);
      return;
    case 'ready':
      writer.setStatus(run, task, 'ready', { reason: answer.reason }, actor);
      flow.enqueueOrGate(run, task);
      return;
    case 'skipped':
      writer.setStatus(run, task, 'skipped', { reason: answer.reason, finished_at: rt.iso() }, actor);
      flow.settleDependents(run, task.task_id);
      flow.maybeFinish(run);
      return;
    case 'accepted':
      writer.setStatus(
        run,
        task,
        'done',
        { reason: answer.reason, finished_at: rt.iso(), progress: 100 },
        actor,
      );
      writer.writeTaskResult(run, task);
      flow.settleDependents(run, task.task_id);
      flow.maybeFinish(run);
      return;
    case 'changes': {
      // The reviewed attempt stays in the task's history; the same agent goes on with its session.
      writer.keepAttempt(task, 'done', null);
      const { comment, line_comments } = answer.request;
      run.resumeNext.set(task.task_id, {
        reason: 'changes_requested',
        session_id: null,
        comment,
        line_comments,
      });
      run.specs.set(task.task_id, { ...run.specs.get(task.task_id)!, agent: task.agent_id! });
      writer.setStatus(run, task, 'ready', { reason: answer.reason }, actor);
      flow.enqueueOrGate(run, task);
      return;
    }
  }
}
