import { existsSync } from 'node:fs';
import type { Editor, WorkspaceHandlers } from '../../../../src-shared/contract/domains/workspaces.ts';
import { AppError } from '../../../base/errors.ts';
import type { CodingStore } from '../repos/coding-store.ts';

/** Starts an editor's program on a folder (the desktop shell's; `src-main/electron/launch-editor.ts`). */
export type LaunchEditor = (editor: Editor, folder: string) => Promise<void>;

/**
 * `workspaces.openInEditor`: the folder of a task's work (its worktree while on disk, else its
 * workspace's repository) or of a workspace, found in the store from the ids, opened with
 * `launch`. Without a launcher (browser mode, the CLI) it is `unavailable`.
 */
export function editorHandlers(
  store: Pick<CodingStore, 'workspaces' | 'sessions'>,
  launch: LaunchEditor | undefined,
): Pick<WorkspaceHandlers, 'workspaces.openInEditor'> {
  const folderOf = (p: { workspace_id?: string; run_id?: string; task_id?: string }): string => {
    if (p.run_id !== undefined && p.task_id !== undefined) {
      const session = store.sessions.get(p.run_id, p.task_id);
      if (!session)
        throw new AppError('not_found', `task "${p.task_id}" of run "${p.run_id}" has no coding work`, {
          field: 'task_id',
        });
      if (session.state !== 'removed' && existsSync(session.dir)) return session.dir;
      return workspaceFolder(session.workspace_id);
    }
    return workspaceFolder(p.workspace_id ?? '');
  };
  const workspaceFolder = (id: string): string => {
    const w = store.workspaces.get(id);
    if (!w) throw new AppError('not_found', `workspace "${id}" not found`, { field: 'workspace_id' });
    if (!existsSync(w.path))
      throw new AppError('not_found', `the repository of workspace "${id}" is not at ${w.path}`, {
        field: 'workspace_id',
      });
    return w.path;
  };
  return {
    'workspaces.openInEditor': async (place) => {
      if (!launch)
        throw new AppError(
          'unavailable',
          "the desktop app opens editors; in a browser the editor's own link (vscode://…) opens it",
        );
      const path = folderOf(place);
      await launch(place.editor, path);
      return { path };
    },
  };
}
