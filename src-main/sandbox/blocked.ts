import { statSync } from 'node:fs';
import type { SandboxBlock } from '../../src-shared/schemas/plain/step.ts';
import { pathCovers } from '../../src-shared/schemas/sandbox.ts';
import type { SANDBOX_SOURCES } from '../../src-shared/schemas/step.ts';

/** One thing the sandbox refused a program, as its attempt's trace shows it (a `sandbox` step). */
export interface Blocked {
  blocked: SandboxBlock;
  /** The host and port, the Unix socket (`unix:/run/docker.sock`), or the path. */
  target: string;
  seen_by: (typeof SANDBOX_SOURCES)[number];
  /** `sandbox: connection to 127.0.0.1:8080 blocked`. */
  text: string;
}

const WORDS: Record<SandboxBlock, (target: string) => string> = {
  network: (t) =>
    t.startsWith(UNIX)
      ? `sandbox: connection to the Unix socket ${t.slice(UNIX.length)} blocked`
      : `sandbox: connection to ${t} blocked`,
  write: (t) => `sandbox: write outside the folder refused: ${t}`,
  read: (t) => `sandbox: read of a hidden path refused: ${t}`,
  run: (t) => `sandbox: command refused: ${t}`,
};

/** How a Unix socket is named as a target. */
const UNIX = 'unix:';

/** A refusal, in the trace's words unless `text` says it otherwise. */
export const blockedOf = (
  blocked: SandboxBlock,
  target: string,
  seen_by: Blocked['seen_by'],
  text: string = WORDS[blocked](target),
): Blocked => ({ blocked, target, seen_by, text });

/**
 * A connection a program made around the sandbox's proxy, as its error names it: inside the
 * sandbox there is no network but the proxy's, so a direct connection fails at once, with no
 * report from the library. Node's `connect ECONNREFUSED 127.0.0.1:8080` (`ENETUNREACH`,
 * `EHOSTUNREACH` for another machine), Go's `dial tcp 10.0.0.5:5432: connect: connection
 * refused`, curl's `Failed to connect to 10.0.0.5 port 5432`; a Unix socket, which the sandbox's
 * seccomp filter refuses to open: Node's `connect EPERM /run/docker.sock`, Go's `dial unix
 * /run/docker.sock: socket: operation not permitted`. A program that says nothing, or says it
 * without the address (Python's `[Errno 111] Connection refused`), leaves no trace.
 */
const AROUND_THE_PROXY = [
  /\bconnect (?:ECONNREFUSED|ENETUNREACH|EHOSTUNREACH|EPERM|EACCES) (\S+)/g,
  /\bdial (?:tcp[46]?|unix) (\S+?): (?:connect|socket): (?:connection refused|network is unreachable|no route to host|operation not permitted|permission denied)/gi,
  /\bFailed to connect to (\S+) port (\d+)/g,
];

/** The refusals of connections made around the proxy (`AROUND_THE_PROXY`) that a line of a program's errors names. */
export function connectionsInText(line: string, seen_by: 'stderr' | 'tool' = 'stderr'): Blocked[] {
  const found: Blocked[] = [];
  for (const re of AROUND_THE_PROXY)
    for (const m of line.matchAll(re)) {
      const at = m[2] === undefined ? m[1]!.replace(/[.,;)]+$/, '') : `${m[1]}:${m[2]}`;
      if (at.startsWith('/')) found.push(blockedOf('network', `${UNIX}${at}`, seen_by));
      else if (/:\d+$/.test(at))
        found.push(
          blockedOf('network', at, seen_by, `sandbox: connection to ${at} blocked (made around the proxy)`),
        );
    }
  return found;
}

/** A write to a path that stays read-only inside the program's own folders (`protected.ts`). */
export const protectedWrite = (target: string, seen_by: Blocked['seen_by']): Blocked => ({
  blocked: 'write',
  target,
  seen_by,
  text: `sandbox: write to a protected path refused: ${target}`,
});

/**
 * A violation line of the library, for one program whose writable folders are `writable` (and
 * `readOnly`, the paths that stay read-only inside them): a
 * refused connection (`deny network-outbound example.com:443 (…)`, its network filter), a write
 * (`deny openat /path`, Linux's write monitor; `deny file-write-create /path` on macOS) or a read
 * (`deny file-read-data /path`, macOS only). Null for what is no refusal: the Linux monitor
 * reports every write it sees outside the session's own folders, so a write into the program's
 * own folders (but one of `readOnly`), or into /dev and /proc (which bubblewrap makes its own), is
 * left out, and so is the kernel's trace marker opencode's runtime opens at start, and a folder
 * made where one is already (`isFolder`): that fails outside the sandbox as well, so nothing was
 * refused (npm makes its cache folder, ~/.npm, on every run).
 */
export function fromViolation(
  line: string,
  writable: readonly string[],
  readOnly: readonly string[] = [],
  isFolder: (path: string) => boolean = folderThere,
): Blocked | null {
  const m = /^deny (\S+) (.+?)(?: \((.*)\))?$/.exec(line.trim());
  if (!m) return null;
  const [, op, rest] = m as unknown as [string, string, string];
  if (op.startsWith('network')) return blockedOf('network', rest, 'filter');
  const path = rest;
  if (!path.startsWith('/')) return null;
  if (op.includes('read')) return blockedOf('read', path, 'monitor');
  if (path.startsWith('/dev/') || path === '/dev' || path.startsWith('/proc/')) return null;
  // opencode (a Bun program) opens the kernel's trace marker for writing at start, each time:
  // the runtime's doing, not the agent's.
  if (path === TRACE_MARKER) return null;
  if (readOnly.some((r) => pathCovers(r, path))) return protectedWrite(path, 'monitor');
  if (writable.some((w) => pathCovers(w, path))) return null;
  if (op.startsWith('mkdir') && isFolder(path)) return null;
  return blockedOf('write', path, 'monitor');
}

function folderThere(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

const TRACE_MARKER = '/sys/kernel/debug/tracing/trace_marker';

/** Absolute paths in a line of text (an error message names the file it could not open). */
const PATHS = /(?:^|[\s'"`(=:,])(\/[^\s'"`(),:;]+)/g;

/**
 * A line a program wrote on stderr that names a path under one of the hidden folders (`hidden`,
 * absolute; `open` are re-opened inside them): on Linux the sandbox hides a folder by putting an empty one in its place, so a read
 * there fails with "No such file or directory" and the library reports nothing. This is how
 * Baton sees such a read: only when the program says so on its stderr.
 */
export function readsInStderr(line: string, hidden: readonly string[], open: readonly string[]): Blocked[] {
  const found: Blocked[] = [];
  for (const m of line.matchAll(PATHS)) {
    const path = m[1]!.replace(/[.]+$/, '');
    // A folder the program may use (its own, inside Baton's hidden data directory) is not hidden.
    if (open.some((o) => pathCovers(o, path))) continue;
    if (hidden.some((h) => pathCovers(h, path))) found.push(blockedOf('read', path, 'stderr'));
  }
  return found;
}

/** An error a tool of the program answered that says the file system refused a write. */
const READ_ONLY = /\bEROFS\b|read-only file system/i;
/**
 * An error a write to a protected path gets besides EROFS: its stand-in (`protected.ts`) is a
 * folder (EISDIR), a device (EACCES), or a mount point that cannot be moved or removed (EBUSY).
 */
const REFUSED_THERE =
  /\bEROFS\b|read-only file system|\bEISDIR\b|is a directory|\bEACCES\b|permission denied|\bEBUSY\b|\bENOTDIR\b|not a directory/i;
/** An error that says a file is not there: what a read of a hidden path gets. */
const NOT_THERE = /\bENOENT\b|no such file|does not exist|not found|cannot find/i;

/**
 * A tool call of the program that failed (its `error`, and its `input`): on Linux a write the
 * sandbox refuses fails with EROFS, and some of a CLI's own tools write in-process in a way the
 * library's monitor does not see (Claude Code's Write); a read of a hidden path fails as if the
 * file were not there. The path is the one the error names, else the call's path fields (never
 * one inside the content it writes or the command it runs).
 * Seen by Baton in the tool's own answer, so these are hints for the trace, never a decision.
 */
export function refusalsInToolError(
  error: string,
  input: unknown,
  writable: readonly string[],
  hidden: readonly string[],
  open: readonly string[],
  readOnly: readonly string[] = [],
): Blocked[] {
  const named = pathsIn(error);
  const paths = named.length > 0 ? named : pathFields(input);
  const found: Blocked[] = connectionsInText(error, 'tool');
  for (const path of paths) {
    if (readOnly.some((r) => pathCovers(r, path))) {
      if (READ_ONLY.test(error) || (REFUSED_THERE.test(error) && writes(input)))
        found.push(protectedWrite(path, 'tool'));
    } else if (READ_ONLY.test(error)) {
      if (!writable.some((w) => pathCovers(w, path))) found.push(blockedOf('write', path, 'tool'));
    } else if (NOT_THERE.test(error)) {
      if (open.some((o) => pathCovers(o, path))) continue;
      if (hidden.some((h) => pathCovers(h, path))) found.push(blockedOf('read', path, 'tool'));
    }
  }
  return found;
}

/** Whether a tool call's input carries what it writes (a read of a stand-in fails as EISDIR too). */
function writes(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  return ['content', 'new_string', 'newString', 'edits', 'newText', 'patch'].some((k) => k in input);
}

/** The paths a tool call names as such (`file_path`, `filePath`, `path`, `notebook_path`): not its content or command. */
function pathFields(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return [];
  const found: string[] = [];
  for (const key of ['file_path', 'filePath', 'path', 'notebook_path', 'absolute_path']) {
    const v = (input as Record<string, unknown>)[key];
    if (typeof v === 'string' && v.startsWith('/')) found.push(v);
  }
  return found;
}

const pathsIn = (text: string): string[] =>
  [...text.matchAll(PATHS)].map((m) => m[1]!.replace(/[.]+$/, '').replace(/\\+$/, ''));
