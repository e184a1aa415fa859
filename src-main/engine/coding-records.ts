import type { MergeConflictDetails } from '../../src-shared/schemas/approval.ts';
import type { TaskSession } from '../../src-shared/schemas/workspace.ts';
import type { Store } from '../store/store.ts';
import type { SkillWinsSource } from './agent-outcomes.ts';

/** What a `merge_conflict` approval asks about, as kept with it. */
export type MergeConflictRecord = MergeConflictDetails & {
  approval_id: string;
  run_id: string;
  task_id: string;
};

/** What a `diff_review` approval showed: the attempt and the commit reviewed. */
export interface DiffReviewRecord {
  approval_id: string;
  run_id: string;
  task_id: string;
  attempt: number;
  workspace_id: string;
  branch: string;
  start_commit: string;
  commit: string;
}

/**
 * The records of the coding agent's that the engine's core keeps in its transactions: a task's
 * coding session as its attempt reports it, what a merge conflict asks, what a diff review showed.
 * Their tables and SQL are the coding wing's (`src-main/agents/coding/repos/`), which the app hands
 * the engine with the store (`EngineStore`); the engine names only what it calls.
 */
export interface CodingRecords {
  sessions: {
    upsert(s: TaskSession): void;
    get(runId: string, taskId: string): TaskSession | undefined;
    forRun(runId: string): TaskSession[];
  };
  mergeConflicts: {
    insert(r: MergeConflictRecord): void;
    get(approvalId: string): MergeConflictRecord | undefined;
  };
  diffReviews: {
    insert(r: DiffReviewRecord): void;
  };
  /** What best-of candidacies say of each agent per skill: matching's `skill_wins` (`AgentOutcomes`). */
  skillRecords: SkillWinsSource;
}

/** The store as the engine is given it: the core's repositories, and the coding records it keeps. */
export type EngineStore = Store & CodingRecords;
