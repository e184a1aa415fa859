import type { Engine } from '../../../engine/engine.ts';
import type { EventBus } from '../../../events/event-bus.ts';
import type { CodingKind } from '../kind.ts';
import type { Terminals } from '../terminal/index.ts';

/** What the coding wing's contract handlers are built from (the app's context has all of it). */
export interface CodingHandlersContext {
  bus: EventBus;
  now: () => string;
  /** Baton's own folders no agent reads: hidden from Baton's git in a worktree whose agent may run. */
  hiddenFolders: () => string[];
  /** The store with the wing's own tables, and where the coding kind keeps its worktrees and parked ones. */
  coding: Pick<CodingKind, 'store' | 'worktreeRoot' | 'parkedFolder'>;
  /** A re-run from a task (resuming kept work); a held agent's turns, and words for its next one (a revert while held). */
  engine: Pick<Engine, 'rerunFrom' | 'turns' | 'tellHeld' | 'listening'>;
  /** People's terminals in tasks' worktrees: no revert under one (it would undo what the person typed). */
  terminals: Pick<Terminals, 'get'>;
}
