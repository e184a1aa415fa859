import type { WorkspaceHandlers } from '../../../../src-shared/contract/domains/workspaces.ts';
import { workspaceMethods } from '../../../../src-shared/contract/domains/workspaces.ts';
import type { WorktreeHandlers } from '../../../../src-shared/contract/domains/worktrees.ts';
import { worktreeMethods } from '../../../../src-shared/contract/domains/worktrees.ts';
import { handlersAtFirstCall } from '../../../base/at-first-call.ts';
import type { WorktreeHandlersOptions } from '../worktrees/handlers.ts';
import type { CodingHandlersContext } from './context.ts';

// The `workspaces.*` and `worktrees.*` handlers as the app holds them: each domain's module (its
// folders, editors, branches, ports, prune) loaded at the first call of one of its methods, not
// at the app's start. The workspaces' git library stays loaded (the coding kind's hooks use it).

/** `workspaces.*` (handlers/workspaces.ts), made at the first call. */
export function workspaceHandlers(ctx: CodingHandlersContext): WorkspaceHandlers {
  return handlersAtFirstCall(workspaceMethods, async () =>
    (await import('./workspaces.ts')).workspaceHandlers(ctx),
  );
}

/** `worktrees.*` (worktrees/handlers.ts), made at the first call. */
export function worktreeHandlers(
  ctx: CodingHandlersContext,
  opts: WorktreeHandlersOptions = {},
): WorktreeHandlers {
  return handlersAtFirstCall(worktreeMethods, async () =>
    (await import('../worktrees/handlers.ts')).worktreeHandlers(ctx, opts),
  );
}
