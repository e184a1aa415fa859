import type { TaskRun } from '../../src-shared/schemas/run.ts';
import type { TurnControl, TurnState } from '../../src-shared/steering.ts';
import { AppError } from '../base/errors.ts';
import type { Runtime } from './runtime.ts';
import { runningTask } from './say.ts';

/**
 * A person's hold on a coding task's agent between its turns (docs/steering.md): Stop this turn
 * (`runs.interrupt`: its running turn stopped by the agent's own means, the agent then waits for
 * their next words or Resume), Pause (`runs.pause`: stored, its turn stopped the same way, held
 * until Resume across restarts of Baton) and Resume (`runs.resume`). Refused, saying how the task
 * stands, when it is not running here or its agent has no turn that can be stopped now. The
 * attempt records each as a step with the person's name; the engine's caller writes the audit.
 */
export function controlTurn(
  rt: Runtime,
  runId: string,
  taskId: string,
  control: EngineTurnControl,
  by: string,
): { task: TaskRun; state: TurnState; says: string } {
  if (control === 'between') return holdBetween(rt, runId, taskId, by);
  const turns = rt.turns;
  if (control === 'resume') {
    // A hold another part of Baton keeps (a person typing in the worktree) is theirs to let go.
    const keeper = turns.keeper(runId, taskId);
    if (keeper !== null)
      throw new AppError('conflict', `task "${taskId}" is held by ${keeper}: it is not resumed from here`);
    // A pause is lifted even where no attempt runs it (its run not taken up here yet).
    const pause = turns.pause(runId, taskId);
    const task = pause ? rt.active.get(runId)?.tasks.get(taskId) : runningTask(rt, runId, taskId);
    if (!turns.resume(runId, taskId)) {
      if (!task) throw new AppError('not_found', `task "${taskId}" not found in run "${runId}"`);
      throw new AppError(
        'conflict',
        `task "${taskId}" is not paused and its turn was not stopped: its agent ${turns.canStop(runId, taskId, task.attempt) ? 'is running its turn' : 'is not between turns'}`,
      );
    }
    turns.note(runId, taskId, { what: 'resumed', by, at: rt.iso() });
    const says = pause ? `resumed: paused by ${pause.by} since ${pause.at}` : 'resumed';
    return { task: task ?? placeholder(rt, runId, taskId), state: stateOf(rt, runId, taskId), says };
  }
  const task = runningTask(rt, runId, taskId);
  const held = turns.heldAs(runId, taskId);
  if (held === 'paused') {
    const p = turns.pause(runId, taskId)!;
    throw new AppError('conflict', `task "${taskId}" is already paused by ${p.by} since ${p.at}`);
  }
  if (held === 'stopped' && control === 'interrupt')
    throw new AppError(
      'conflict',
      `task "${taskId}"'s turn is already stopped: its agent waits for a message or Resume`,
    );
  if (held === null && !turns.canStop(runId, taskId, task.attempt)) {
    const agent = task.agent_id === null ? null : rt.store.agents.get(task.agent_id);
    const who =
      agent?.kind === 'coding'
        ? `agent "${agent.id}" (${agent.cli}${agent.protocol === 'acp' ? ' over ACP' : ''})`
        : agent
          ? `agent "${agent.id}" (kind ${agent.kind})`
          : 'its agent';
    throw new AppError(
      'conflict',
      `task "${taskId}" is running, but ${who} has no turn Baton can stop now: a coding agent's turn can be stopped while it runs where its CLI has the means (Claude Code, Codex's app-server, opencode's own server, ACP agents; not codex exec, opencode run or qwen-code's stream), not while its worktree is prepared or its checks run`,
    );
  }
  const at = rt.iso();
  if (control === 'pause') turns.hold({ run_id: runId, task_id: taskId, by, at });
  // A turn still running is stopped now; one already stopped stays so (now paused).
  if (held === null && !turns.stop(runId, taskId, task.attempt) && control === 'interrupt')
    throw new AppError('conflict', `task "${taskId}"'s turn has just ended: nothing to stop`);
  turns.note(runId, taskId, { what: control === 'pause' ? 'paused' : 'stopped', by, at });
  const says =
    control === 'pause'
      ? 'paused: its turn stopped, the agent gets no next turn until Resume'
      : 'turn stopped: the agent waits for your next message or Resume';
  return { task, state: stateOf(rt, runId, taskId), says };
}

/**
 * The engine's controls: a person's (`TurnControl`), and `between`, a terminal's: it pauses a task
 * no attempt runs now (its diff waits for review, it failed with its worktree kept) while a person
 * works in its worktree, so that a retry or a request for changes made meanwhile starts an attempt
 * that waits, before its worktree is prepared, until Resume. Refused when nothing here would start
 * one (its run does not execute here) or an attempt runs (`pause` holds that one).
 */
export type EngineTurnControl = TurnControl | 'between';

function holdBetween(rt: Runtime, runId: string, taskId: string, by: string) {
  const task = rt.active.get(runId)?.tasks.get(taskId);
  if (!task || task.status === 'in_progress')
    throw new AppError(
      'conflict',
      task
        ? `task "${taskId}" is running: pause it`
        : `task "${taskId}" of run "${runId}" is not executed here`,
    );
  const pause = rt.turns.pause(runId, taskId);
  if (pause)
    throw new AppError('conflict', `task "${taskId}" is already paused by ${pause.by} since ${pause.at}`);
  rt.turns.holdBetween({ run_id: runId, task_id: taskId, by, at: rt.iso() }, task.attempt);
  const says = `paused while ${by} works in its worktree: no attempt runs, and the next waits until Resume`;
  return { task, state: stateOf(rt, runId, taskId), says };
}

/** How a task's agent is held now (`runs.turns`): stopped, paused (by whom, since when), and whether its turn can be stopped. */
export function turnState(rt: Runtime, runId: string, taskId: string): TurnState {
  return stateOf(rt, runId, taskId);
}

function stateOf(rt: Runtime, runId: string, taskId: string): TurnState {
  const turns = rt.turns;
  const held = turns.heldAs(runId, taskId);
  const pause = turns.pause(runId, taskId);
  const task = rt.active.get(runId)?.tasks.get(taskId);
  const stoppable =
    held === null && task?.status === 'in_progress' && turns.canStop(runId, taskId, task.attempt);
  return {
    held,
    by: pause?.by ?? null,
    since: pause?.at ?? null,
    kept_by: held === null ? null : turns.keeper(runId, taskId),
    can_stop: stoppable === true,
    between_turns: held !== null && turns.betweenTurns(runId, taskId),
  };
}

/** A resumed task that no attempt runs here: its stored row. */
function placeholder(rt: Runtime, runId: string, taskId: string): TaskRun {
  const stored = rt.store.runs.tasks(runId).find((t) => t.task_id === taskId);
  if (!stored) throw new AppError('not_found', `task "${taskId}" not found in run "${runId}"`);
  return stored;
}
