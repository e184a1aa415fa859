// Opens a folder in an editor for the desktop app's main process (no electron import: tested in Node).
import { spawn } from 'node:child_process';
import type { Editor } from '../../src-shared/contract/domains/workspaces.ts';

/** Each editor's program on PATH, its link scheme, and its name in words. */
const EDITOR_PROGRAMS: Record<Editor, { command: string; scheme: string; name: string }> = {
  vscode: { command: 'code', scheme: 'vscode', name: 'VS Code' },
  cursor: { command: 'cursor', scheme: 'cursor', name: 'Cursor' },
  zed: { command: 'zed', scheme: 'zed', name: 'Zed' },
};

/** The editor's own link to a folder (`vscode://file/home/ana/wt`), as the editors register them. */
export function editorUrl(editor: Editor, folder: string): string {
  const path = folder.replaceAll('\\', '/');
  return `${EDITOR_PROGRAMS[editor].scheme}://file${path.startsWith('/') ? '' : '/'}${encodeURI(path)}`;
}

/**
 * Starts the editor's program on `folder` (`code <folder>`), detached, without a shell (the folder
 * is one argument, whatever it holds). A program not on PATH (an app started from the Dock has a
 * short one; Windows' `code` is a .cmd) falls back to the editor's link, opened by the OS
 * (`openUrl`: Electron's `shell.openExternal`). The folder is Baton's own: the handler found it
 * from a task's ids (`workspaces.openInEditor`), never from the page.
 */
export function launchEditor(
  editor: Editor,
  folder: string,
  opts: { openUrl(url: string): Promise<void>; env?: NodeJS.ProcessEnv },
): Promise<void> {
  const program = EDITOR_PROGRAMS[editor];
  return new Promise((resolve, reject) => {
    const child = spawn(program.command, [folder], {
      detached: true,
      stdio: 'ignore',
      env: opts.env ?? process.env,
      shell: false,
    });
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT' && err.code !== 'EINVAL')
        return reject(new Error(`${program.name} could not be started: ${err.message}`));
      opts
        .openUrl(editorUrl(editor, folder))
        .then(resolve, (e: unknown) =>
          reject(
            new Error(
              `${program.name} was not found: \`${program.command}\` is not on PATH and no application opens ${program.scheme}:// links (${e instanceof Error ? e.message : String(e)})`,
            ),
          ),
        );
    });
  });
}
