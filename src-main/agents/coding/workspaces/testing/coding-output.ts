import { join } from 'node:path';
import type { CodingOutput } from '../../../../../src-shared/schemas/workspace.ts';
import type { TempRepo } from './temp-repo.ts';

/**
 * What a coding agent leaves, made by hand: branch `branch` from `from` with `files` committed
 * (in a worktree removed after), as the task's output in workspace `workspaceId`.
 */
export function codingWork(
  repo: TempRepo,
  branch: string,
  from: string,
  files: Record<string, string>,
  workspaceId = 'app',
): CodingOutput {
  const dir = join(repo.worktrees, branch.replaceAll('/', '-'));
  const start = repo.git(['rev-parse', from]);
  repo.git(['worktree', 'add', '-q', '-b', branch, dir, from]);
  for (const [path, content] of Object.entries(files)) repo.write(path, content, dir);
  const commit = repo.commitAll(`work on ${branch}`, dir);
  repo.git(['worktree', 'remove', dir]);
  const paths = Object.keys(files);
  return {
    workspace_id: workspaceId,
    branch,
    commit,
    start_commit: start,
    files: paths.map((path) => ({ path, status: 'added', additions: 1, deletions: 0 })),
    additions: paths.length,
    deletions: 0,
    summary: `wrote ${paths.join(', ')}`,
    session_id: null,
    diff_artifact: null,
  };
}
