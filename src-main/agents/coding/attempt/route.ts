import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { Step } from '../../../../src-shared/schemas/step.ts';
import type { UsageLimitSignal } from '../../../../src-shared/schemas/usage-limit.ts';
import type { CodingContext, ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import type { ConfinedProgram } from '../../../sandbox/index.ts';
import type { CodingCliDefinition, Invocation, LaunchInput } from '../clis/definition.ts';
import type { Ready } from './ready.ts';
import type { AttemptStart } from './start.ts';

/**
 * A route: how an agent's program is driven (its CLI's own event stream, `../routes/stream/`; the
 * Agent Client Protocol, `../routes/acp/`), as only what differs between them. Everything else of
 * an attempt is the lifecycle's (`lifecycle.ts`), the same for every route.
 */
export interface Route {
  /** The agent's CLI, as its folder defines it (../clis/): what the lifecycle needs of it besides the route's launch. */
  definition: CodingCliDefinition;
  /** How the program is started on this route: what it needs written, its command, arguments and environment. */
  launch(input: LaunchInput): Promise<Invocation>;
  /** Whether the program also stops itself at a USD cap (claude's `--max-budget-usd`): a second line behind the endpoint's. */
  nativeBudget: boolean;
  /** Whether a person's message reaches the running turn on the program's open stdin on this route (claude's stream). */
  steersOnStdin: boolean;
  /** The program as the attempt's log names it on this route: `claude`, `claude over ACP`. */
  says: string;
  /** What the attempt says before its program is confined: the route's first line (the stream route: after its prompt). */
  opening(a: Opening): ExecutorEvent[];
  /** The program run until it ended: its output and Baton's notes into events, and how it ended. */
  run(a: Running): AsyncGenerator<ExecutorEvent, RouteEnd>;
}

/** An agent whose CLI has no launch on the route it takes: why, said as the attempt's error. */
export interface NoRoute {
  none: string;
}

/** What a route is told before its program starts. */
export interface Opening {
  ctx: TaskContext<CodingAgent>;
  coding: CodingContext;
  r: Ready;
  start: AttemptStart;
  inv: Invocation;
  now: () => number;
  /** One of the attempt's steps as its event: counted for the unchanged verdict, its secrets redacted. */
  step: (s: Step) => ExecutorEvent;
}

/** What a route runs its program with. */
export interface Running extends Opening {
  /** The program as the OS sandbox starts it (its command, arguments and environment), and what it refused. */
  program: ConfinedProgram;
  /** The program's whole environment (the ACP route's terminals get it too). */
  env: Record<string, string>;
  signal: AbortSignal;
  /** Between SIGTERM and SIGKILL when stopping the program. */
  graceMs: number;
  /**
   * Runs once the attempt is over, after its work was recorded (the route's process stopped, its
   * timers and listeners gone), before the sandbox and the metering endpoint close; last in, first out.
   */
  atEnd(cleanup: () => unknown): void;
  /**
   * How the route stops its program (the first reason stands): the lifecycle calls it when the
   * attempt is cancelled (`cancelled`) or at the agent's `timeout_s`, until the attempt ends.
   */
  stopWith(stop: (why: string) => void): void;
  /**
   * A turn of the agent ended where the steps do not show it (an ACP `session/prompt` answered):
   * its worktree kept as a checkpoint, in the background (`checkpoints.ts`).
   */
  turnEnded(): void;
}

/** How a route's program ended: the lifecycle turns it into the attempt's end. */
export type RouteEnd =
  /** The program could not be started. */
  | { spawnError: string }
  | {
      /** Why Baton stopped the program (cancelled, timed out, a refused model call, …), or null. */
      stopped: string | null;
      /** Why the metering endpoint refused the program's first refused model call, or null. */
      refused: string | null;
      /**
       * The agent's own end: its last text and session id for its work to be recorded, or why the
       * attempt fails; with `limit` when the agent said its account ran out (the attempt then
       * waits for quota).
       */
      outcome: { text: string; sessionId: string | null } | { error: string; limit?: UsageLimitSignal };
    };
