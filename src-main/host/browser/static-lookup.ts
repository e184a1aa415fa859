import { type FileHandle, open } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';

/** The types of the files a build of the renderer holds; any other is sent as bytes. */
export const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

/** A file of the folder, open, with what its answer says of it. */
export interface Found {
  handle: FileHandle;
  path: string;
  size: number;
  mtime: Date;
}

const NOT_THERE = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG']);
/** A name that is no plain file name: empty, `.`, `..`, a dotfile, or one holding a separator or NUL. */
const NOT_A_NAME = /^$|^\.|[/\\\0]/;

/**
 * The file a request names in `root` (its decoded path segments), opened, so that a rebuild
 * deleting it after this cannot fail the answer half-way; null when it names none. Only plain
 * names are followed, so nothing outside `root` is reached; a path ending in `/` names its
 * index.html.
 */
export async function openIn(root: string, segments: readonly string[]): Promise<Found | null> {
  const names = segments.slice(1);
  if (names.at(-1) === '') names[names.length - 1] = 'index.html';
  if (names.length === 0 || names.some((n) => NOT_A_NAME.test(n))) return null;
  const path = join(root, ...names);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if (NOT_THERE.has((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw err;
  }
  try {
    const stat = await handle.stat();
    if (stat.isFile()) return { handle, path, size: stat.size, mtime: stat.mtime };
  } catch (err) {
    await handle.close();
    throw err;
  }
  await handle.close();
  return null;
}

/** A weak validator from the file's size and modification time, as send made it. */
export const etagOf = (f: Found): string =>
  `W/"${f.size.toString(16)}-${Math.floor(f.mtime.getTime()).toString(16)}"`;

/** Whether the client holds this version already (`If-None-Match`, else `If-Modified-Since`). */
export function unchanged(req: IncomingMessage, etag: string, mtime: Date): boolean {
  const match = req.headers['if-none-match'];
  if (match !== undefined) return match.split(',').some((t) => t.trim() === etag || t.trim() === '*');
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && Math.floor(mtime.getTime() / 1000) * 1000 <= since;
}
