import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { WorkspaceHandlers } from '../../../../src-shared/contract/domains/workspaces.ts';
import { forgeOfUrl } from '../../../../src-shared/schemas/forge.ts';
import { invalidInput } from '../../../base/errors.ts';
import type { CodingStore } from '../repos/coding-store.ts';
import { lookAtRepository, WorkspaceError } from '../workspaces/index.ts';

/** The most folders one listing names (by name): a folder of thousands is cut, said so. */
const MAX_FOLDERS = 500;

/** Whether `dir` holds a git repository (a `.git` folder or file). */
async function isRepo(dir: string): Promise<boolean> {
  try {
    await stat(join(dir, '.git'));
    return true;
  } catch {
    return false;
  }
}

/**
 * `workspaces.browse` and `workspaces.inspect`: the add form's folder picker over this machine's
 * folders (names only, hidden ones left out), and what a chosen folder is (its top folder,
 * branch and origin, offered as the remote).
 */
export function folderHandlers(
  store: Pick<CodingStore, 'workspaces'>,
  home: string = homedir(),
): Pick<WorkspaceHandlers, 'workspaces.browse' | 'workspaces.inspect'> {
  return {
    'workspaces.browse': async ({ path }) => {
      const dir = resolve(path ?? home);
      if (path !== undefined && !isAbsolute(path))
        throw invalidInput('folder is invalid', [{ path: 'path', message: 'must be an absolute path' }]);
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw invalidInput('folder is invalid', [
          {
            path: 'path',
            message:
              code === 'ENOENT'
                ? `${dir} is not there`
                : code === 'ENOTDIR'
                  ? `${dir} is not a folder`
                  : `${dir} cannot be read (${code ?? String(err)})`,
          },
        ]);
      }
      const names = entries
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .map((e) => e.name)
        .sort((a, b) => a.localeCompare(b));
      const shown = names.slice(0, MAX_FOLDERS);
      const folders = await Promise.all(
        shown.map(async (name) => ({ name, repo: await isRepo(join(dir, name)) })),
      );
      return {
        path: dir,
        parent: dirname(dir) === dir ? null : dirname(dir),
        home,
        folders,
        truncated: names.length > shown.length,
      };
    },
    'workspaces.inspect': async ({ path }) => {
      if (!isAbsolute(path))
        throw invalidInput('folder is invalid', [{ path: 'path', message: 'must be an absolute path' }]);
      try {
        const look = await lookAtRepository(path);
        return {
          path: look.path,
          branch: look.branch,
          origin: look.origin === null ? null : { url: look.origin, forge: forgeOfUrl(look.origin) },
          registered_as: store.workspaces.list().find((w) => w.path === look.path)?.id ?? null,
        };
      } catch (err) {
        if (err instanceof WorkspaceError && err.code !== 'unavailable')
          throw invalidInput('folder is invalid', [
            { path: 'path', message: err.message.replace(/^[a-z_]+: /, '') },
          ]);
        throw err;
      }
    },
  };
}
