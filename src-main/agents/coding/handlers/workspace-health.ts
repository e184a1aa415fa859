import { mayGoToCodingAgent } from '../../../../src-shared/schemas/plain/workspace.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import type { CodingStore } from '../repos/coding-store.ts';
import { repositoryMissing } from '../workspaces/index.ts';

/** What is wrong with a registered workspace's repository on disk, in words, or null when it is there. */
export function workspaceMissing(w: Pick<Workspace, 'path'>): string | null {
  return repositoryMissing(w.path);
}

/** What to do about a missing workspace, said wherever it stops something. */
export const reRegister = (id: string): string =>
  `register it again where it is now (baton workspaces remove ${id}, then baton workspaces add <path> --id ${id}; or the Workspaces screen)`;

/**
 * The workspaces of a plan's coding tasks (a task's own, else the plan's) whose repositories are
 * missing from disk, one issue per task at its field: a run of the plan is refused up front
 * rather than fail at each attempt with git's words. Tasks no coding agent can take need none.
 */
export function missingWorkspaceIssues(
  store: CodingStore,
  plan: { workspace?: string | undefined; tasks: readonly TaskLike[] },
): { path: (string | number)[]; message: string }[] {
  // A plan that names no workspace (most runs) has none to look at.
  if (plan.workspace === undefined && !plan.tasks.some((t) => t.workspace !== undefined)) return [];
  const agents = store.agents.list();
  const seen = new Map<string, string | null>();
  /** What is wrong with the workspace, its path named; null when it is there (or not registered: said elsewhere). */
  const missing = (id: string): string | null => {
    if (!seen.has(id)) {
      const w = store.workspaces.get(id);
      const why = w ? workspaceMissing(w) : null;
      seen.set(id, why === null ? null : `${w!.path}: ${why}`);
    }
    return seen.get(id)!;
  };
  const issues: { path: (string | number)[]; message: string }[] = [];
  plan.tasks.forEach((t, i) => {
    const id = t.workspace ?? plan.workspace;
    if (id === undefined || !mayGoToCodingAgent(t, agents)) return;
    const why = missing(id);
    if (why === null) return;
    issues.push({
      path: t.workspace !== undefined ? ['tasks', i, 'workspace'] : ['workspace'],
      message: `coding task "${t.task_id}" works in workspace "${id}", which is missing (${why}); ${reRegister(id)}`,
    });
  });
  return issues;
}

interface TaskLike {
  task_id: string;
  workspace?: string | undefined;
  agent?: string | undefined;
  required_skills?: readonly string[] | undefined;
}
