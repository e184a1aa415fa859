import { isTerminalTaskStatus } from '../../src-shared/schemas/plain/run.ts';
import type { EngineParts } from './parts.ts';
import { retryInRun } from './task-retry.ts';
import type { TickHandlers } from './tick-inputs.ts';

/**
 * What each tick input does (`tick-inputs.ts`): the tick applies the queued ones in its
 * transaction, a call its own at once. A new kind of input is one entry here, which the
 * compiler asks for.
 */
export function tickHandlers(parts: EngineParts): TickHandlers {
  const { flow, attempts, decider, approvals } = parts;
  return {
    'executor.note': (note) => attempts.applyNote(note),
    'attempt.ended': (end) => flow.complete(end),
    'decider.answer': (answer) => decider.apply(answer),
    'retry.due': (due) => flow.retryDue(due),
    'approval.decision': ({ run, task, approval, approve, actor, comment, changes }) => {
      const answer = approvals.decide(run, task, approval, { approve, actor, comment }, changes ?? null);
      if (answer) flow.answer(run, task, answer, actor);
    },
    'run.cancel': ({ run, actor }) => {
      for (const t of run.tasks.values()) {
        if (!isTerminalTaskStatus(t.status)) flow.cancelOne(run, t, `run cancelled by ${actor}`, actor);
      }
      flow.finish(run, 'cancelled', actor);
    },
    'task.cancel': ({ run, task, actor }) => {
      flow.cancelOne(run, task, `cancelled by ${actor}`, actor);
      flow.settleDependents(run, task.task_id);
      flow.maybeFinish(run);
    },
    'task.retry': ({ run, task, downstream, actor }) => retryInRun(run, task, downstream, actor, parts),
    'task.add': ({ run, spec, actor }) => decider.add(run, spec, `added by ${actor}`, actor),
  };
}
