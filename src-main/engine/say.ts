import type { TaskRun } from '../../src-shared/schemas/run.ts';
import { AppError } from '../base/errors.ts';
import type { MessageDelivery } from './executor.ts';
import type { Runtime } from './runtime.ts';

/**
 * A person's words delivered to a task's running attempt (`runs.say`): refused, saying why, when
 * the task is not running here or its agent takes no messages now. How it reached the agent is
 * the attempt's answer; the attempt records the message as a step with the person's name.
 */
export function sayToTask(
  rt: Runtime,
  runId: string,
  taskId: string,
  text: string,
  by: string,
  release = true,
): { delivery: MessageDelivery; attempt: number; says: string } {
  const task = runningTask(rt, runId, taskId);
  const receive = rt.messages.receiver(runId, taskId, task.attempt);
  const agent = task.agent_id === null ? null : rt.store.agents.get(task.agent_id);
  const who = agent ? `agent "${agent.id}" (kind ${agent.kind})` : 'its agent';
  if (!receive)
    throw new AppError(
      'conflict',
      `task "${taskId}" is running, but ${who} takes no messages now: a coding or llm agent takes them once its program or loop runs, until its last turn ends`,
    );
  const delivery = receive({ text, by, at: rt.iso() });
  if (delivery === null)
    throw new AppError(
      'conflict',
      `task "${taskId}"'s agent has ended its last turn and is finishing: the message was not delivered`,
    );
  // A turn a person stopped goes on with their words (a paused one waits for Resume).
  if (release) rt.turns.said(runId, taskId);
  const how = rt.messages.how(runId, taskId);
  return {
    delivery,
    attempt: task.attempt,
    // Held between turns (Stop this turn, Pause), words for this turn wait for the next.
    says:
      how?.delivery === delivery
        ? how.says
        : `${how?.says.split(':')[0] ?? 'its agent'}: queued for the next turn`,
  };
}

/** The task's record while it runs here; refused, saying how it stands, when it does not. */
export function runningTask(rt: Runtime, runId: string, taskId: string): TaskRun {
  const run = rt.active.get(runId);
  const task = run?.tasks.get(taskId);
  if (!run || !task) {
    if (!rt.store.runs.get(runId)) throw new AppError('not_found', `run "${runId}" not found`);
    const stored = rt.store.runs.tasks(runId).find((t) => t.task_id === taskId);
    if (!stored) throw new AppError('not_found', `task "${taskId}" not found in run "${runId}"`);
    throw new AppError(
      'conflict',
      stored.status === 'in_progress'
        ? `task "${taskId}" is not running in this Baton (its run is taken up elsewhere, or not yet after a restart)`
        : `task "${taskId}" is not running: it is ${stored.status}`,
    );
  }
  if (task.status !== 'in_progress')
    throw new AppError('conflict', `task "${taskId}" is not running: it is ${task.status}`);
  return task;
}

/** The audit log's words for a person's message to a running agent. */
export function saidWhy(delivery: MessageDelivery, text: string): string {
  return `said to the agent (${delivery === 'this_turn' ? 'into this turn' : 'for its next turn'}): ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}
