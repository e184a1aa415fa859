import { z } from 'zod';
import type {
  EditorsOnHost,
  KeptWorktree,
  PortsNow,
  WorktreePlace,
  WorktreeSettings,
} from '../../schemas/worktrees.ts';
import { EDITOR_CHOICES, worktreeRefSchema, worktreeSettingsSchema } from '../../schemas/worktrees.ts';
import { none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/**
 * Coding tasks' worktrees as a person reaches them: opened in an editor on the machine Baton runs
 * on, their ports, the ones kept after their runs, archived on purpose. A worktree is always
 * found from its run's and task's ids in the store, never from a path the caller names.
 */
export const worktreeMethods = {
  /** The editors found on the PATH of the person who started Baton (its own folders left out), and Settings' choice. */
  'worktrees.editors': method(none).returns<EditorsOnHost>(),
  /** Settings' worktree options, replaced whole: the editor (or a command with `{path}`), where port blocks start. */
  'worktrees.saveSettings': method(worktreeSettingsSchema).returns<WorktreeSettings>(),
  /** A task's worktree: its folder, branch and block of ports. */
  'worktrees.place': method(worktreeRefSchema).returns<WorktreePlace>(),
  /**
   * What listens on a task's ports now (looked at: the sandbox's sockets, a connection here), and
   * how its agent's servers are reached from this machine. Asked while its panel is open.
   */
  'worktrees.ports': method(worktreeRefSchema).returns<PortsNow>(),
  /**
   * Starts the editor (Settings', or `editor`) on the task's worktree, on the machine Baton runs
   * on, detached, with the person's environment; the program and its arguments are one argv, no shell.
   */
  'worktrees.open': method(
    worktreeRefSchema.extend({
      editor: z.enum(EDITOR_CHOICES, { error: `must be one of ${EDITOR_CHOICES.join(', ')}` }).optional(),
    }),
  ).returns<{ path: string; editor: string; argv: string[] }>(),
  /** Worktrees on disk whose runs ended (or a person kept): what each holds and weighs. */
  'worktrees.list': method(none).returns<KeptWorktree[]>(),
  /**
   * Removes a kept worktree on purpose: its branch and commits stay. One with uncommitted changes
   * is refused, naming them, unless `discard_changes`; one whose run still executes is refused.
   */
  'worktrees.archive': method(
    worktreeRefSchema.extend({ discard_changes: z.boolean().default(false) }),
  ).returns<{ path: string; branch: string }>(),
};

export type WorktreeHandlers = HandlersOf<typeof worktreeMethods>;
