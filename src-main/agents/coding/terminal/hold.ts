import type { TaskRun } from '../../../../src-shared/schemas/run.ts';
import type { TurnControlled, TurnState } from '../../../../src-shared/steering.ts';
import { AppError } from '../../../base/errors.ts';
import type { EngineTurnControl } from '../../../engine/turn-control.ts';

/** How a terminal's agent stands once the terminal has tried to hold it, in the dialog's words. */
export interface AgentHeld {
  held: boolean;
  /** The terminal paused it (false: a person's Pause held it already, which a terminal dropped unused leaves as it was). */
  paused: boolean;
  /** No attempt ran: the terminal paused the task's next one (`between`), which ending the task does not end. */
  between?: boolean;
  note: string;
}

/**
 * Holding a task's agent while a person types in its worktree, and letting it go (docs/take-over.md).
 * `holdAgent` resolves once the agent's worktree is quiet (its stopped turn has ended), or says
 * why nothing is held; it throws when the agent was held but its turn did not end in time (then
 * it is let go again, and no terminal opens).
 */
export interface AgentHold {
  holdAgent(runId: string, taskId: string, by: string): Promise<AgentHeld>;
  /** Resumes the agent held (its keep lifted first); throws why it could not (its attempt ended meanwhile). */
  releaseAgent(runId: string, taskId: string, by: string): void | Promise<void>;
  /** Lets go of the hold without resuming it: a person's Pause from before stays; an ended task's is gone. */
  leave(runId: string, taskId: string): void;
  /** Whether the task's agent is held now (its attempt's end lifts a pause). */
  holding(runId: string, taskId: string): boolean;
}

/** The engine's part a hold needs (`Engine.controlTurn`, `turns`, `quietTurns`). */
export interface TurnsOfEngine {
  controlTurn(runId: string, taskId: string, control: EngineTurnControl, actor: string): TurnControlled;
  turns(runId: string, taskId: string): TurnState;
  quietTurns(runId: string, taskId: string, ms: number): Promise<boolean>;
  keepHeld(runId: string, taskId: string, who: string | null): void;
}

/** Whose hold it is, in the words of the engine's refusal of anyone else's Resume. */
const keeperOf = (by: string) =>
  `${by}'s terminal (Take over), which lets its agent go on when ${by} closes it (or an admin does)`;

const GOES_ON = 'When you close the terminal, you choose what happens next.';

/** Holds nothing: what a Baton without an engine to hold agents has (the agent goes on beside the person). */
export const NO_HOLD: AgentHold = {
  holdAgent: async () => ({
    held: false,
    paused: false,
    note: `The agent is not paused: it may work in this folder while you type. ${GOES_ON}`,
  }),
  releaseAgent: () => {},
  leave: () => {},
  holding: () => false,
};

/**
 * The hold a terminal takes: Pause (`Engine.controlTurn(…, 'pause', person)`, stored as a person's
 * Pause is), then a wait until the stopped turn has ended and the attempt waits between turns, so
 * that no write of the agent's lands among the person's changes. `waitMs` bounds that wait.
 */
export function pauseHold(
  engine: TurnsOfEngine,
  taskOf: (runId: string, taskId: string) => TaskRun | undefined,
  waitMs = 30_000,
): AgentHold {
  /**
   * A task no attempt runs: paused while the person types (`between`), so that a retry or a
   * request for changes made meanwhile waits for them; not held when nothing here would start one.
   */
  const between = (runId: string, taskId: string, by: string, why: string): AgentHeld => {
    const now = engine.turns(runId, taskId);
    if (now.held === 'paused')
      return {
        held: true,
        paused: false,
        note: `No agent works in this task now (${why}), and it is paused (by ${now.by} since ${now.since}): a retry or a request for changes waits until it is resumed. ${GOES_ON}`,
      };
    try {
      engine.controlTurn(runId, taskId, 'between', by);
    } catch {
      return {
        held: false,
        paused: false,
        note: `No agent works in this task now (${why}): the worktree is yours while you type. ${GOES_ON}`,
      };
    }
    return {
      held: true,
      paused: true,
      between: true,
      note: `No agent works in this task now (${why}): while you type, a retry or a request for changes waits until you close the terminal. ${GOES_ON}`,
    };
  };
  /** What holds the agent is kept by the terminal: nobody else's Resume lets it go meanwhile. */
  const kept = (runId: string, taskId: string, by: string, held: AgentHeld): AgentHeld => {
    if (held.held) engine.keepHeld(runId, taskId, keeperOf(by));
    return held;
  };
  return {
    async holdAgent(runId, taskId, by) {
      return kept(runId, taskId, by, await holdOf(runId, taskId, by));
    },
    releaseAgent(runId, taskId, by) {
      engine.keepHeld(runId, taskId, null);
      engine.controlTurn(runId, taskId, 'resume', by);
    },
    leave(runId, taskId) {
      engine.keepHeld(runId, taskId, null);
    },
    holding(runId, taskId) {
      return engine.turns(runId, taskId).held !== null;
    },
  };

  async function holdOf(runId: string, taskId: string, by: string): Promise<AgentHeld> {
    const task = taskOf(runId, taskId);
    if (task?.status !== 'in_progress') return between(runId, taskId, by, `it is ${task?.status ?? 'gone'}`);
    const before = engine.turns(runId, taskId);
    if (before.held !== 'paused') {
      try {
        engine.controlTurn(runId, taskId, 'pause', by);
      } catch {
        return {
          held: false,
          paused: false,
          note: `The agent is not paused: Baton cannot stop its turn now (its CLI has no means to, or it is preparing its worktree or running its checks), so it may work in this folder while you type. ${GOES_ON}`,
        };
      }
    }
    if (!(await engine.quietTurns(runId, taskId, waitMs))) {
      // Its own pause is lifted; a person's Pause from before stays.
      if (before.held !== 'paused')
        try {
          engine.controlTurn(runId, taskId, 'resume', by);
        } catch {
          // It ended meanwhile.
        }
      throw new AppError(
        'conflict',
        `task "${taskId}"'s agent was paused, but its stopped turn had not ended ${Math.round(waitMs / 1000)} s later: no terminal was opened (it might still write in the worktree), and the agent goes on. Try again, or Pause it first`,
      );
    }
    // Its attempt ended as it was stopped (the pause goes with it): nothing of it runs.
    if (engine.turns(runId, taskId).held === null)
      return between(runId, taskId, by, 'its attempt ended as it was paused');
    return {
      held: true,
      paused: before.held !== 'paused',
      note:
        before.held === 'paused'
          ? `The agent is paused (by ${before.by} since ${before.since}). Letting it go on when you close the terminal resumes it. ${GOES_ON}`
          : `The agent is paused while you type: its turn was stopped and has ended. ${GOES_ON}`,
    };
  }
}
