import type { Dirent } from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROTECTED_FILES, PROTECTED_FOLDERS } from '../../src-shared/schemas/protected-paths.ts';

/**
 * A path that stays read-only inside a program's writable folders, whether it is there or not.
 * One that is not there yet is kept from being made by a stand-in the library puts in its place
 * for as long as the program runs (`stand-ins.ts`): an empty read-only `folder`, or an empty
 * `file` (/dev/null inside the sandbox).
 */
export interface Guarded {
  path: string;
  standIn: 'file' | 'folder';
}

/** How many folders deep the library looks for protected names below its folder (its default). */
const DEPTH = 3;
/** At most this many folders are read looking for them: a huge tree is not walked whole. */
const MAX_FOLDERS = 5_000;

/**
 * The library's protected list for `folder` (the folder a program works in): each protected
 * file and folder at its top, there or not; git's own (the `.git` file of a worktree, or a
 * repository's hooks and config); and the protected names already there in folders below it, down
 * to three levels, as the library finds them under its own working folder. `mayWrite`: names the
 * workspace opens on purpose (`allow_protected_writes`).
 *
 * Each stand-in is a folder, even for a file: git ignores an empty folder, so neither the agent's
 * git (`git add -A`) nor Baton's commit of its work sees one, while a character device (the
 * library's stand-in for a file) stops `git add` and an empty file would be committed.
 */
export function protectedIn(folder: string, mayWrite: readonly string[] = []): Guarded[] {
  const open = new Set(mayWrite);
  const out: Guarded[] = [];
  const add = (path: string) => out.push({ path, standIn: 'folder' });
  for (const name of [...PROTECTED_FILES, ...PROTECTED_FOLDERS]) if (!open.has(name)) add(join(folder, name));
  guardGit(folder, add);
  // Those already there below the top, as the library's own scan finds them (it skips node_modules).
  let read = 0;
  const walk = (dir: string, depth: number) => {
    if (depth > DEPTH || read >= MAX_FOLDERS) return;
    read++;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      const name = e.name.toLowerCase();
      if (depth > 0 && !open.has(name) && (PROTECTED_FILES as readonly string[]).includes(name)) add(path);
      if (!e.isDirectory() || e.isSymbolicLink()) continue;
      if (name === 'node_modules') continue;
      if (name === '.git') {
        if (depth > 0) guardGit(dir, add);
        continue;
      }
      if (depth > 0 && !open.has(name) && (name === '.vscode' || name === '.idea')) {
        add(path);
        continue;
      }
      if (depth > 0 && name === '.claude') {
        for (const sub of ['commands', 'agents'])
          if (!open.has(`.claude/${sub}`) && isFolder(join(path, sub))) add(join(path, sub));
      }
      walk(path, depth + 1);
    }
  };
  walk(folder, 0);
  return out;
}

/** Git's own in `dir`: a worktree's `.git` file itself, or a repository's hooks and config. */
function guardGit(dir: string, add: (path: string) => void): void {
  const git = join(dir, '.git');
  let kind: 'file' | 'folder' | null = null;
  try {
    kind = statSync(git).isDirectory() ? 'folder' : 'file';
  } catch {
    // none: a mount at .git would keep `git init` from making it
  }
  if (kind === 'file') add(git);
  if (kind === 'folder') {
    add(join(git, 'hooks'));
    add(join(git, 'config'));
  }
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
