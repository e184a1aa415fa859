import { z } from 'zod';
import type { DetectedCli, Workspace } from '../../schemas/workspace.ts';
import { workspaceInputSchema } from '../../schemas/workspace.ts';
import { byId, none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/** What `workspaces.prune` did in one workspace. */
export interface PruneReport {
  workspace_id: string;
  /** Worktrees removed (their folders), and git's records cleared of folders already gone. */
  removed: string[];
  pruned: string[];
  /** Worktrees left: runs still executing use them, or a person kept them (without `include_kept`). */
  left: { dir: string; run_id: string; task_id: string; why: string }[];
  /** Set when its repository is missing from disk (nothing of it was pruned): what is wrong, in words. */
  missing?: string;
  /** Set when pruning it failed (the other workspaces were still pruned): why. */
  error?: string;
}

/**
 * Workspaces (issue 15): git repositories people register for coding agents. Registered only
 * here (the UI, `baton workspaces`), never by importing a plan.
 */
export const workspaceMethods = {
  'workspaces.list': method(none).returns<Workspace[]>(),
  /**
   * Registers a repository: `path` must be a git repository (its real path is stored),
   * `base_branch` a branch of it (default: its current branch). An id already taken is a
   * `conflict`, never replaced.
   */
  'workspaces.add': method(workspaceInputSchema).returns<Workspace>(),
  /** Forgets a workspace (its repository and branches stay); refused while a run that names it executes. */
  'workspaces.remove': method(byId('workspace_id')).returns<{ removed: boolean }>(),
  /**
   * Removes the worktrees Baton left in a workspace (runs that ended, a crash during cleanup),
   * not those of runs still executing (in any process); `include_kept` also those people kept.
   * Without `workspace_id`, every workspace: one whose repository is missing from disk, or
   * whose pruning fails, is reported so (`missing`, `error`) and the others are pruned.
   */
  'workspaces.prune': method(
    z.strictObject({
      workspace_id: z.string().min(1).max(200).optional(),
      include_kept: z.boolean().default(false),
    }),
  ).returns<PruneReport[]>(),
  /** The coding CLIs found on PATH, with their versions, and an agent to register for each. */
  'workspaces.detectClis': method(none).returns<DetectedCli[]>(),
};

export type WorkspaceHandlers = HandlersOf<typeof workspaceMethods>;
