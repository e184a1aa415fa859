import type { TerminalOutput, TerminalView } from '../../../../src-shared/contract/domains/terminals.ts';
import type { EventBus } from '../../../events/event-bus.ts';
import type { AgentHold } from './hold.ts';
import type { Place, PlaceDeps } from './place.ts';
import type { Shell } from './shell.ts';
import type { Snapshot } from './work.ts';

/** Who opened a terminal: their person's id (null: the machine's owner before any account) and name. */
export interface Opener {
  personId: string | null;
  name: string;
  /** An admin (or the owner): closes and decides another's terminal (its opener removed or away). */
  admin?: boolean;
}

export interface TerminalsDeps extends PlaceDeps {
  /** The audit log: who opened a terminal in which task, and what came of it. */
  audit: (e: { actor: string; run_id: string; task_id: string; to: string; why: string }) => void;
  bus: EventBus;
  now: () => string;
  /** A person's words to the task's running agent (`runs.say`): how they reached it. */
  say: (runId: string, taskId: string, text: string, by: string) => { says: string };
  /** Cancels the task, as `runs.cancelTask` does. */
  cancelTask: (runId: string, taskId: string, by: string) => void;
  hold?: AgentHold;
  /**
   * Where a terminal the desktop window attached (`terminals.attach`) sends its output: the
   * desktop app's window. Absent (a browser host, the CLI): `terminals.attach` is unavailable.
   */
  desktopOutput?: ((out: TerminalOutput) => void) | undefined;
  /** How long an opened terminal waits for its socket before it is dropped. */
  socketWaitMs?: number;
}

/** An open terminal, as `createTerminals` keeps it. */
export interface Terminal {
  id: string;
  place: Place;
  opener: Opener;
  state: TerminalView['state'];
  before: Snapshot;
  tmp: string;
  where: string;
  sandboxed: boolean;
  held: boolean;
  /** The terminal paused the agent itself (not a person's Pause from before). */
  paused: boolean;
  /** It paused the task's next attempt, no attempt running (`AgentHeld.between`). */
  between: boolean;
  note: string;
  openedAt: string;
  shell: Shell | null;
  /** The socket is attached (one at a time). */
  attached: boolean;
  waiting: NodeJS.Timeout | null;
  /** Why the shell was ended by Baton (its task ended, even before the shell started), for the socket's close. */
  endedBy?: string;
  /** The shell's end, once asked for. */
  killing?: Promise<void>;
  /** The task had ended already when the terminal opened (a terminal in a failed task's worktree). */
  endedAtOpen: boolean;
}
