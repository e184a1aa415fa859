import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { DEFAULT_LOOKUP, FolderError, type Lookup, NameError, OpenFolder } from './open-folder.ts';

export { FolderError, OpenFolder } from './open-folder.ts';

export interface WriteOptions {
  /** The new file's mode (a fresh file always gets it; an existing one when `fresh`). */
  mode?: number;
  /** Make the missing folders on the way (with `folderMode`). */
  makeFolders?: boolean;
  folderMode?: number;
  /**
   * Replace whatever is there (a file, a link: removed, never followed) with a new file: for
   * Baton's own files in a folder an agent can write. Otherwise the file is written in place: a
   * link, or a file with other names (hard links, which would change too), is refused.
   */
  fresh?: boolean;
}

/**
 * A folder that paths named by an agent must stay inside. A path is taken from the root (an
 * absolute one must lead inside it); `..` that leads out is refused; no symbolic link is followed,
 * on the last part of the path or on a folder on the way, wherever it points (a link that stays
 * inside too: one rule, no resolving). Each part is opened in the folder opened before it
 * (`OpenFolder`), so a link swapped in between a check and a use is not followed either.
 * Errors are `FolderError`s naming the path as it was given.
 */
export class ConfinedFolder {
  readonly root: string;
  private readonly label: string;
  private readonly lookup: Lookup;

  /** `label`: how messages name the folder ("the workspace folder"). */
  constructor(root: string, opts: { label?: string; lookup?: Lookup } = {}) {
    this.root = resolve(root);
    this.label = opts.label ?? `the folder ${this.root}`;
    this.lookup = opts.lookup ?? DEFAULT_LOOKUP;
  }

  /** The path's parts from the root, or a `FolderError` when it leads outside. */
  async parts(path: string): Promise<string[]> {
    if (path.includes('\0'))
      throw new FolderError('outside', `path ${JSON.stringify(path)} holds a NUL character`);
    const given = relative(this.root, resolve(this.root, path));
    let rel = inside(given) ? given : null;
    if (rel === null && isAbsolute(path)) {
      // An absolute path may name the root by its real path (/private/tmp for /tmp).
      const real = await realpath(this.root);
      const r = relative(real, resolve(path));
      if (inside(r)) rel = r;
    }
    if (rel === null) throw new FolderError('outside', `path "${path}" is outside ${this.label}`);
    return rel.split(sep).filter((p) => p !== '' && p !== '.');
  }

  /** The folder a path names, open (the caller closes it). */
  async folder(path: string): Promise<OpenFolder> {
    const parts = await this.parts(path);
    return this.walk(path, parts, null);
  }

  /** The file a path names, open for reading, and its stat (the caller closes it). */
  async file(path: string): Promise<{ handle: FileHandle; stats: Stats; rel: string }> {
    const { dir, name, parts } = await this.parentOf(path, null);
    try {
      const got = await this.named(path, parts, () => dir.open(name, constants.O_RDONLY));
      if (!got.stats.isFile()) {
        await got.handle.close();
        throw new FolderError(
          'not_a_file',
          `path "${path}" ${got.stats.isDirectory() ? 'is a folder, not a file' : 'is not a regular file'}`,
        );
      }
      return { ...got, rel: dir.relOf(name) };
    } finally {
      await dir.close();
    }
  }

  /** What a path names: an open folder, or a file open for reading. */
  async entry(
    path: string,
  ): Promise<{ folder: OpenFolder } | { file: { handle: FileHandle; stats: Stats; rel: string } }> {
    try {
      return { folder: await this.folder(path) };
    } catch (err) {
      // Not a folder: a file, or the reason it is neither (said by `file`).
      if (!(err instanceof FolderError) || err.reason !== 'not_a_folder') throw err;
      return { file: await this.file(path) };
    }
  }

  /** A file's bytes; a `FolderError` when it is over `maxBytes`. */
  async readFile(path: string, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer> {
    const { handle, stats } = await this.file(path);
    try {
      if (stats.size > maxBytes)
        throw new FolderError('too_large', `path "${path}" is over ${maxBytes} bytes (${stats.size})`);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /** Writes a file (see `WriteOptions`); returns its path from the root. */
  async writeFile(path: string, data: string | Uint8Array, opts: WriteOptions = {}): Promise<string> {
    const { dir, name, parts } = await this.parentOf(
      path,
      opts.makeFolders ? { mode: opts.folderMode } : null,
    );
    try {
      if (opts.fresh) {
        await this.named(path, parts, () => dir.remove(name));
        const { handle } = await this.named(path, parts, () =>
          dir.open(name, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, opts.mode),
        );
        try {
          await handle.writeFile(data);
          if (opts.mode !== undefined) await handle.chmod(opts.mode);
        } finally {
          await handle.close();
        }
        return dir.relOf(name);
      }
      const { handle, stats } = await this.named(path, parts, () =>
        dir.open(name, constants.O_WRONLY | constants.O_CREAT, opts.mode),
      );
      try {
        if (!stats.isFile()) throw new FolderError('not_a_file', `path "${path}" is not a regular file`);
        if (stats.nlink > 1)
          throw new FolderError(
            'hard_link',
            `path "${path}" is a file with ${stats.nlink} names (hard links); writing it would change the others too`,
          );
        await handle.truncate(0);
        await handle.writeFile(data);
      } finally {
        await handle.close();
      }
      return dir.relOf(name);
    } finally {
      await dir.close();
    }
  }

  /** The open folder of a path's last part, and that part's name. */
  private async parentOf(
    path: string,
    make: { mode: number | undefined } | null,
  ): Promise<{ dir: OpenFolder; name: string; parts: string[] }> {
    const parts = await this.parts(path);
    const name = parts.at(-1);
    if (name === undefined)
      throw new FolderError('not_a_file', `path "${path}" is ${this.label}, not a file`);
    return { dir: await this.walk(path, parts.slice(0, -1), make, parts), name, parts };
  }

  /** The folders of `parts` opened one in the other from the root (made when `make` says so). */
  private async walk(
    path: string,
    parts: string[],
    make: { mode: number | undefined } | null,
    all = parts,
  ): Promise<OpenFolder> {
    let dir = await OpenFolder.root(this.root, this.lookup);
    for (const part of parts) {
      try {
        const next = await this.named(path, all, () =>
          make ? dir.folderMade(part, make.mode) : dir.folder(part),
        );
        await dir.close();
        dir = next;
      } catch (err) {
        await dir.close();
        throw err;
      }
    }
    return dir;
  }

  /** `use`, with a `NameError` told as a `FolderError` naming the path as it was given. */
  private async named<T>(path: string, parts: string[], use: () => Promise<T>): Promise<T> {
    try {
      return await use();
    } catch (err) {
      if (!(err instanceof NameError)) throw err;
      const whole = err.at === parts.join('/');
      if (err.reason === 'link')
        throw new FolderError(
          'link',
          whole
            ? `path "${path}" ${err.message}; symbolic links are not followed`
            : `path "${path}" goes through ${err.at}, which ${err.message}; symbolic links are not followed`,
        );
      if (err.reason === 'missing' && !whole)
        throw new FolderError('missing', `path "${path}" does not exist (no ${err.at})`);
      if (err.reason === 'not_a_folder' && !whole)
        throw new FolderError('not_a_folder', `path "${path}" goes through ${err.at}, which is not a folder`);
      throw new FolderError(err.reason, `path "${path}" ${err.message}`);
    }
  }
}

function inside(rel: string): boolean {
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
