import type { Dirent, Stats } from 'node:fs';
import { constants, existsSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { lstat, mkdir, open, readdir, readlink, realpath, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** A FIFO put where a file is expected must not hold the open (and a thread of the pool) forever. */
export const NONBLOCK = constants.O_NONBLOCK ?? 0;
const DIRECTORY = constants.O_DIRECTORY ?? 0;

/**
 * How names are looked up in an open folder. `fd` (Linux): through the folder's open handle,
 * `/proc/self/fd/<n>/<name>`, which is openat(2): the folder is the one opened, whatever was
 * renamed or swapped for a link since, so a check and its use cannot be told apart. `path`
 * (elsewhere): by the folder's path; a name is still opened without following a link
 * (O_NOFOLLOW), but a folder on the way could be swapped between its check and its use.
 */
export type Lookup = 'fd' | 'path';

export const DEFAULT_LOOKUP: Lookup =
  process.platform === 'linux' && existsSync('/proc/self/fd') ? 'fd' : 'path';

/** Why a name could not be used: the agent's words for it are added by the caller. */
export type FolderRefusal =
  | 'outside'
  | 'link'
  | 'missing'
  | 'not_a_file'
  | 'not_a_folder'
  | 'hard_link'
  | 'too_large';

export class FolderError extends Error {
  readonly reason: FolderRefusal;
  constructor(reason: FolderRefusal, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** What a name in an open folder is, when it is not what was asked for (the reason and the detail). */
export class NameError extends Error {
  readonly reason: FolderRefusal;
  /** The name's path from the root (with `/`). */
  readonly at: string;
  constructor(reason: FolderRefusal, at: string, detail: string) {
    super(detail);
    this.reason = reason;
    this.at = at;
  }
}

/**
 * A folder under a root, opened without following a symbolic link on the way from the root (the
 * root itself is taken as its real path). Its names are looked up in it the same way: a name that
 * is a symbolic link is never followed, wherever it points.
 */
export class OpenFolder {
  /** The folder's path from the root, with `/` ('' for the root). */
  readonly rel: string;
  /** Where it was when opened (for `path` lookups and messages). */
  readonly path: string;
  private readonly handle: FileHandle | null;

  private constructor(rel: string, path: string, handle: FileHandle | null) {
    this.rel = rel;
    this.path = path;
    this.handle = handle;
  }

  /** The root: its real path, opened. */
  static async root(path: string, lookup: Lookup): Promise<OpenFolder> {
    const real = await realpath(path);
    const handle = lookup === 'fd' ? await open(real, constants.O_RDONLY | DIRECTORY) : null;
    return new OpenFolder('', real, handle);
  }

  /** The path the kernel is given for a name in this folder. */
  at(name: string): string {
    return this.handle ? `/proc/self/fd/${this.handle.fd}/${name}` : join(this.path, name);
  }

  /** A name's path from the root. */
  relOf(name: string): string {
    return this.rel ? `${this.rel}/${name}` : name;
  }

  async entries(): Promise<Dirent[]> {
    const list = await readdir(this.handle ? `/proc/self/fd/${this.handle.fd}` : this.path, {
      withFileTypes: true,
    });
    return list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** A folder in this one; a symbolic link, a file or nothing by that name is a `NameError`. */
  async folder(name: string): Promise<OpenFolder> {
    const path = join(this.path, name);
    if (!this.handle) {
      await this.refuseLink(name);
      const st = await lstat(path).catch((err) => this.missing(err, name));
      if (!st.isDirectory()) throw new NameError('not_a_folder', this.relOf(name), 'is not a folder');
      return new OpenFolder(this.relOf(name), path, null);
    }
    let handle: FileHandle;
    try {
      handle = await open(this.at(name), constants.O_RDONLY | DIRECTORY | NOFOLLOW);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') this.missing(err, name);
      if (code === 'ENOTDIR' || code === 'ELOOP' || code === 'EMLINK') {
        await this.refuseLink(name);
        const st = await lstat(this.at(name)).catch(() => null);
        throw new NameError(
          'not_a_folder',
          this.relOf(name),
          st?.isDirectory() ? 'was not a folder when opened (it changed meanwhile)' : 'is not a folder',
        );
      }
      throw err;
    }
    return new OpenFolder(this.relOf(name), path, handle);
  }

  /** A folder in this one, made if it is not there. */
  async folderMade(name: string, mode: number | undefined): Promise<OpenFolder> {
    try {
      return await this.folder(name);
    } catch (err) {
      if (!(err instanceof NameError) || err.reason !== 'missing') throw err;
    }
    // mkdir does not follow a link by that name (EEXIST): then `folder` says what it is.
    await mkdir(this.at(name), mode).catch((err) => {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    });
    return this.folder(name);
  }

  /**
   * A name opened with `flags`, never through a symbolic link, and its stat taken from the open
   * file (what was opened, not what is there now).
   */
  async open(name: string, flags: number, mode?: number): Promise<{ handle: FileHandle; stats: Stats }> {
    if (!NOFOLLOW) await this.refuseLink(name);
    let handle: FileHandle;
    try {
      handle = await open(this.at(name), flags | NOFOLLOW | NONBLOCK, mode);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') this.missing(err, name);
      // O_NOFOLLOW met a link (even one swapped back for a file since).
      if (code === 'ELOOP' || code === 'EMLINK') {
        await this.refuseLink(name);
        throw new NameError('link', this.relOf(name), 'is a symbolic link');
      }
      if (code === 'EISDIR') throw new NameError('not_a_file', this.relOf(name), 'is a folder, not a file');
      if (code === 'ENXIO') throw new NameError('not_a_file', this.relOf(name), 'is not a regular file');
      throw err;
    }
    try {
      return { handle, stats: await handle.stat() };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** Removes a name that is not a folder (a link is removed, not followed); nothing there is fine. */
  async remove(name: string): Promise<void> {
    await unlink(this.at(name)).catch((err) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code === 'EISDIR' || code === 'EPERM')
        throw new NameError('not_a_file', this.relOf(name), 'is a folder, not a file');
      throw err;
    });
  }

  async close(): Promise<void> {
    await this.handle?.close();
  }

  /** A `NameError` when `name` is a symbolic link (saying where it points); nothing otherwise. */
  private async refuseLink(name: string): Promise<void> {
    const st = await lstat(this.at(name)).catch(() => null);
    if (!st?.isSymbolicLink()) return;
    const target = await readlink(this.at(name)).catch(() => '?');
    throw new NameError('link', this.relOf(name), `is a symbolic link (to ${target})`);
  }

  private missing(err: unknown, name: string): never {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new NameError('missing', this.relOf(name), 'does not exist');
    throw err;
  }
}
