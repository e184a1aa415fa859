import { z } from 'zod';
import { taskRefSchema } from './run.ts';
import type { ChangedFile } from './workspace.ts';

/**
 * A coding attempt's checkpoints (docs/checkpoints.md): its worktree's files after each model
 * turn that changed them, kept by Baton on private refs of the task's branch. Turn 0 is the
 * worktree as the attempt found it.
 */
export interface Checkpoint {
  attempt: number;
  /** 0: the worktree as the attempt found it; then each turn that changed files, 1, 2, … */
  turn: number;
  /** The checkpoint's commit (on `refs/baton/checkpoints/<branch>/<attempt>/<turn>`). */
  commit: string;
  /** When it was taken (ISO 8601). */
  at: string;
  /** Files changed since the checkpoint before (turn 0: since the branch's tip). */
  files: number;
}

/** What `runs.checkpointDiff` answers: a turn's changes against the checkpoint before. */
export interface CheckpointDiff {
  attempt: number;
  turn: number;
  files: ChangedFile[];
  additions: number;
  deletions: number;
  /** The unified diff, cut at 1 MB (`truncated_note` says so). */
  patch: string;
  truncated_note: string | null;
}

/** What `runs.revertToTurn` answers. */
export interface TurnReverted {
  attempt: number;
  turn: number;
  /** The files written back or deleted. */
  files: string[];
  /** What the task's next attempt is told (and the step recorded says). */
  note: string;
  /** What the person does next for the agent to go on from there (request changes, retry), in words. */
  then: string;
}

/** How a revert's note begins: the step recorded says it, and the task's next attempt is told it (its prompt). */
export const REVERT_NOTE_PREFIX = 'Reverted the worktree to';

export const checkpointRefSchema = taskRefSchema.extend({
  attempt: z.number().int().min(1),
  turn: z.number().int().min(0),
});
