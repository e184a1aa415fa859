import type { ErrorCode } from '../../../../src-shared/contract/errors.ts';
import { AppError } from '../../../base/errors.ts';

/** Why a workspace operation refused or could not go on; each has its error code. */
const REASONS = {
  git_too_old: 'unavailable',
  not_a_repository: 'invalid_input',
  not_repository_root: 'invalid_input',
  invalid_ref: 'invalid_input',
  invalid_path: 'invalid_input',
  invalid_author: 'invalid_input',
  branch_missing: 'not_found',
  branch_exists: 'conflict',
  commit_missing: 'not_found',
  dir_inside_repository: 'invalid_input',
  dir_not_empty: 'conflict',
  branch_in_use: 'conflict',
  branch_not_prepared: 'conflict',
  not_a_worktree: 'invalid_input',
  worktree_locked: 'conflict',
  head_detached: 'conflict',
  unmerged_files: 'conflict',
  wrong_branch: 'conflict',
  target_checked_out: 'conflict',
  target_moved: 'conflict',
} as const satisfies Record<string, ErrorCode>;

export type WorkspaceErrorReason = keyof typeof REASONS;

/** An expected refusal of the git layer: a clear message naming the field or path, and a reason a caller can switch on. */
export class WorkspaceError extends AppError {
  override name = 'WorkspaceError';
  readonly reason: WorkspaceErrorReason;
  constructor(reason: WorkspaceErrorReason, message: string, details: Record<string, unknown> = {}) {
    super(REASONS[reason], message, { reason, ...details });
    this.reason = reason;
  }
}
