import type { Store } from '../../../store/store.ts';
import type { BestOfRepo } from './best-of-repo.ts';
import { createBestOfRepo } from './best-of-repo.ts';
import type { DiffReviewsRepo } from './diff-reviews-repo.ts';
import { createDiffReviewsRepo } from './diff-reviews-repo.ts';
import type { LandingsRepo } from './landings-repo.ts';
import { createLandingsRepo } from './landings-repo.ts';
import type { MergeConflictsRepo } from './merge-conflicts-repo.ts';
import { createMergeConflictsRepo } from './merge-conflicts-repo.ts';
import type { SessionsRepo } from './sessions-repo.ts';
import { createSessionsRepo } from './sessions-repo.ts';
import type { SkillRecordsRepo } from './skill-records-repo.ts';
import { createSkillRecordsRepo } from './skill-records-repo.ts';
import type { WorkspacesRepo } from './workspaces-repo.ts';
import { createWorkspacesRepo } from './workspaces-repo.ts';
import type { WorktreePortsRepo } from './worktree-ports-repo.ts';
import { createWorktreePortsRepo } from './worktree-ports-repo.ts';

/**
 * The app's store with the tables the coding wing owns: the registered workspaces, the tasks'
 * coding sessions, what merge conflicts asked and what diff reviews showed. The engine is handed
 * it (`EngineStore`: it keeps sessions, merge conflicts and diff reviews in its transactions).
 */
export type CodingStore = Store & {
  workspaces: WorkspacesRepo;
  sessions: SessionsRepo;
  mergeConflicts: MergeConflictsRepo;
  diffReviews: DiffReviewsRepo;
  landings: LandingsRepo;
  bestOf: BestOfRepo;
  skillRecords: SkillRecordsRepo;
  /** Coding tasks' port blocks and Settings' worktree options (migration 045). */
  worktreePorts: WorktreePortsRepo;
};

/** The coding wing's view of `store`: the same repositories and transaction, and its own over the same connection. */
export function codingStore(store: Store): CodingStore {
  const { db } = store;
  // Best-of candidates written by this process: agents' wins per skill are read again after each.
  let bestOfWrites = 0;
  return {
    ...store,
    workspaces: createWorkspacesRepo(db),
    sessions: createSessionsRepo(db),
    mergeConflicts: createMergeConflictsRepo(db),
    diffReviews: createDiffReviewsRepo(db),
    landings: createLandingsRepo(db),
    bestOf: createBestOfRepo(db, () => {
      bestOfWrites++;
    }),
    skillRecords: createSkillRecordsRepo(db, () => bestOfWrites),
    worktreePorts: createWorktreePortsRepo(db),
  };
}
