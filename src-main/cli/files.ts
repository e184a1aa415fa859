import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import { BATON_ROOT } from '../base/root.ts';

export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** What a path that is not a regular file is, in words. */
function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * A file's bytes: a regular file's, or what a pipe carries (`baton run <(jq … plan.json)`, a FIFO).
 * Anything else (a directory, a device, a socket) is refused, not read. It is opened without
 * blocking and checked on what was opened, so it cannot be swapped in between. The files are read
 * before the app opens and its signal handlers are set, so a command waiting on a pipe nobody
 * writes to ends on Ctrl+C or SIGTERM as any process does.
 */
function readPlainFile(path: string, what: string): Buffer {
  const refuse = (s: Stats) =>
    new CliError(`cannot read ${what} ${path}: it is ${kindOf(s)}, not a file or a pipe`);
  const failed = (err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    return new CliError(
      `cannot read ${what} ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  };
  let pipe: boolean;
  try {
    pipe = statSync(path).isFIFO();
  } catch (err) {
    throw failed(err);
  }
  if (pipe) {
    // It waits for a writer, then reads until the writer closes (a swap after the look changes
    // nothing: whatever it is, Ctrl+C ends the wait).
    try {
      return readFileSync(path);
    } catch (err) {
      throw failed(err);
    }
  }
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENXIO') throw refuse(statSync(path)); // a socket cannot be opened
    throw failed(err);
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw refuse(s);
    return readFileSync(fd);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw failed(err);
  } finally {
    closeSync(fd);
  }
}

/** Where the first byte sequence that is not UTF-8 starts in `bytes`. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  // Fed a byte at a time, the decoder answers text each time a character is complete; the
  // sequence it refuses started just after the last one it completed.
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    try {
      if (decoder.decode(bytes.subarray(i, i + 1), { stream: true }) !== '') start = i + 1;
    } catch {
      return start;
    }
  }
  return start;
}

/**
 * Reads a JSON file, naming the file and the position in any error. It must be UTF-8 (a leading
 * byte order mark is skipped): anything else is refused, not read with its bytes replaced.
 */
export function readJsonFile(path: string, what: string): unknown {
  const bytes = readPlainFile(path, what);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(
      `${what} ${path} is not UTF-8 text (invalid byte at offset ${firstInvalidUtf8(bytes)}): save it as UTF-8`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${what} ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** The project root (where package.json and out/ live). */
export const projectRoot = BATON_ROOT;
export const rendererDir = join(projectRoot, 'out', 'renderer');

/** Baton's version, from its package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
