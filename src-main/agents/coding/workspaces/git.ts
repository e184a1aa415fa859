import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import type { ErrorCode } from '../../../../src-shared/contract/errors.ts';
import { whenAborted } from '../../../base/abort.ts';
import { AppError } from '../../../base/errors.ts';
import { withoutDrivers } from './git-drivers.ts';
import { CONFIG_ARGS, gitEnv, subcommandGuards } from './git-env.ts';

/**
 * Running git for Baton's own operations (worktrees, merges, commits of what an agent left,
 * diffs). Every call goes through `git()`: a program and an argument array, never a shell,
 * with the environment, `-c` overrides and flags of git-env.ts, every driver of the config
 * turned off (git-drivers.ts), a timeout, an AbortSignal, a cap on what is kept of its output,
 * and errors that carry the command, its exit code and git's first lines.
 */

export const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;
const MAX_STDERR = 64 * 1024;
/** Between SIGTERM (git removes its lock files on it) and SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** Waits before each retry when a git lock file is held by someone else: ~3 s in all. */
const LOCK_RETRY_MS = [50, 100, 200, 400, 800, 1600];

/**
 * A worktree Baton made, as its git commands address it: its folder and its own git folder in
 * the repository, both named by the repository's records (worktree-open.ts), never found
 * through the worktree's `.git`.
 */
export interface WorktreeAt {
  /** Real path of the worktree's folder (GIT_WORK_TREE). */
  dir: string;
  /** Its own git folder, `<common>/worktrees/<id>` (GIT_DIR). */
  gitDir: string;
  /** The repository's git folder every worktree shares (GIT_COMMON_DIR). */
  commonDir: string;
}

export interface GitOptions {
  /** Where git runs (a repository; a worktree only with `worktree`). */
  cwd: string;
  /** Run in this worktree with its git folders named (GIT_DIR, GIT_WORK_TREE, GIT_COMMON_DIR): set for every command in a worktree. */
  worktree?: WorktreeAt;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Bytes of standard output kept (default 16 MB). */
  maxOutputBytes?: number;
  /** Past `maxOutputBytes`: `error` (default) stops git and throws; `truncate` keeps the first bytes and counts the rest. */
  overflow?: 'error' | 'truncate';
  /**
   * Standard output handed over as it comes (a long `git log -p` read as a stream), none of it
   * kept: `stdout` is then empty and `maxOutputBytes` does not apply.
   */
  onStdout?: (chunk: Buffer) => void;
  /** Exit codes that are answers rather than failures (`1` for `merge-base --is-ancestor`, `diff --quiet`). */
  okExitCodes?: readonly number[];
  /** Written to git's standard input, which is closed after it (else there is no input). */
  input?: string | Buffer;
  /** Added to the environment (`GIT_AUTHOR_NAME`…). */
  env?: Record<string, string>;
  /**
   * Runs git inside a sandbox (`GitJail`): for commands that read a worktree a live agent can still
   * change. Absent: git runs as Baton.
   */
  jail?: GitJail;
  /**
   * When git fails because another process holds one of its lock files (`index.lock`,
   * `packed-refs.lock`, a ref's lock), try again a few times (~3 s). Only for commands that
   * do nothing before they take the lock.
   */
  retryOnLock?: boolean;
}

/**
 * Wraps a git command in a sandbox: its program, arguments and environment as they are to be
 * spawned, and `release` once it has ended. A worktree's files can be swapped under a git command
 * by a process of the agent's still running (a folder for a link to a place its sandbox hides,
 * between git's look at a path and its read of it): in a sandbox with the agent's own view, such a
 * link reaches no more than the agent could itself (`../attempt/git-jail.ts`).
 */
export type GitJail = (
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
) => Promise<{ command: string; args: string[]; env: Record<string, string>; release(): Promise<void> }>;

export interface GitResult {
  stdout: Buffer;
  /** The first 64 KB of standard error. */
  stderr: string;
  exitCode: number;
  /** Bytes git wrote to standard output, kept or not. */
  totalBytes: number;
  truncated: boolean;
}

export type GitFailure = 'failed' | 'timeout' | 'aborted' | 'locked' | 'output_too_large' | 'not_found';

/** A git command that did not do what was asked: the command, its exit code and what git said. */
export class GitError extends AppError {
  override name = 'GitError';
  readonly failure: GitFailure;
  readonly command: string;
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(failure: GitFailure, command: string, exitCode: number | null, stderr: string, why: string) {
    const said = firstLines(stderr, 4);
    super(codeOf(failure, stderr), `${command} ${why}${said ? `: ${said}` : ''}`, {
      command,
      exitCode,
      stderr: said,
    });
    this.failure = failure;
    this.command = command;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

function codeOf(failure: GitFailure, stderr: string): ErrorCode {
  if (/No space left on device/i.test(stderr)) return 'storage_full';
  switch (failure) {
    case 'timeout':
    case 'aborted':
    case 'locked':
    case 'not_found':
      return 'unavailable';
    case 'failed':
    case 'output_too_large':
      return 'internal';
  }
}

export function firstLines(text: string, n: number): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, n)
    .join(' / ');
}

/** `git worktree add -b 'a b' …` as a person would type it (without Baton's `-c` overrides). */
export function formatCommand(args: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`);
  return ['git', ...args.map(quote)].join(' ');
}

/** The lock file git could not create because it exists, if that is why it failed. */
export function heldLock(stderr: string): string | null {
  return /Unable to create '([^']+\.lock)': File exists/.exec(stderr)?.[1] ?? null;
}

/** Runs git (see the file's comment); throws GitError. */
export async function git(args: readonly string[], opts: GitOptions): Promise<GitResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await gitOnce(args, opts);
    } catch (e) {
      const lock = e instanceof GitError && e.failure === 'failed' ? heldLock(e.stderr) : null;
      if (!lock || !opts.retryOnLock) throw e;
      const wait = LOCK_RETRY_MS[attempt];
      if (wait === undefined) {
        throw new GitError(
          'locked',
          formatCommand(args),
          e instanceof GitError ? e.exitCode : null,
          e instanceof GitError ? e.stderr : '',
          `could not run: ${lock} was still held after ${LOCK_RETRY_MS.length} tries (another git process is working in this repository; if none is, delete that file)`,
        );
      }
      await sleep(wait, opts.signal);
    }
  }
}

/** Standard output as text, without its last newline. */
export async function gitText(args: readonly string[], opts: GitOptions): Promise<string> {
  const { stdout } = await git(args, opts);
  return stdout.toString('utf8').replace(/\n$/, '');
}

/** Who is told of each git command that ends: its words, how long it took, its exit code (null: it did not exit by itself). */
export type GitTrace = (command: string, ms: number, exitCode: number | null) => void;
let trace: GitTrace | null = null;

/** Watches every git command (the speed probe uses it to say where the time goes); null stops. */
export function traceGit(observer: GitTrace | null): void {
  trace = observer;
}

/** Tells the observer of `traceGit` about work of this layer that is not a git process (deleting a worktree's files). */
export function traceWork(command: string, started: number): void {
  trace?.(command, performance.now() - started, 0);
}

async function gitOnce(args: readonly string[], opts: GitOptions): Promise<GitResult> {
  const command = formatCommand(args);
  if (opts.signal?.aborted)
    throw new GitError('aborted', command, null, '', 'was cancelled before it started');
  const cwd = opts.worktree?.dir ?? opts.cwd;
  let env: Record<string, string>;
  try {
    env = await withoutDrivers(
      gitEnv(process.env, { ...opts.env, ...worktreeEnv(opts.worktree) }),
      cwd,
      opts.worktree,
    );
  } catch (e) {
    throw couldNotRun(command, '', e);
  }
  let program = { command: 'git', args: [...CONFIG_ARGS, ...subcommandGuards(args)], env };
  let release: (() => Promise<void>) | null = null;
  if (opts.jail) {
    try {
      const jailed = await opts.jail(program.command, program.args, env, cwd);
      program = jailed;
      release = () => jailed.release();
    } catch (e) {
      throw couldNotRun(command, ' in the sandbox', e);
    }
  }
  try {
    return await spawnGit(command, program, cwd, opts);
  } finally {
    await release?.().catch(() => {});
  }
}

function spawnGit(
  command: string,
  program: { command: string; args: string[]; env: Record<string, string> },
  cwd: string,
  opts: GitOptions,
): Promise<GitResult> {
  const started = performance.now();
  const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise<GitResult>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new GitError('aborted', command, null, '', 'was cancelled before it started'));
      return;
    }
    const child = spawn(program.command, program.args, {
      cwd,
      env: program.env,
      shell: false,
      windowsHide: true,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let kept = 0;
    let total = 0;
    let stderr = '';
    let stopped: GitFailure | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: GitFailure) => {
      if (stopped) return;
      stopped = why;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const forget = opts.signal ? whenAborted(opts.signal, () => stop('aborted')) : () => {};
    child.stdout!.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (opts.onStdout) return opts.onStdout(chunk);
      if (kept >= max) {
        if (opts.overflow !== 'truncate') stop('output_too_large');
        return;
      }
      const part = kept + chunk.length > max ? chunk.subarray(0, max - kept) : chunk;
      chunks.push(part);
      kept += part.length;
      if (total > max && opts.overflow !== 'truncate') stop('output_too_large');
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8').slice(0, MAX_STDERR - stderr.length);
    });
    if (opts.input !== undefined) {
      child.stdin!.on('error', () => {}); // git may exit before reading it all; its exit code says why
      child.stdin!.end(opts.input);
    }
    const done = () => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      forget();
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      done();
      if (err.code === 'ENOENT' && !isDir(opts.cwd)) {
        reject(
          new GitError('failed', command, null, '', `could not run: the folder ${opts.cwd} does not exist`),
        );
      } else if (err.code === 'ENOENT') {
        reject(new GitError('not_found', command, null, '', 'could not run: git was not found on PATH'));
      } else {
        reject(new GitError('failed', command, null, '', `could not run: ${err.message}`));
      }
    });
    child.once('close', (code, signal) => {
      done();
      trace?.(command, performance.now() - started, stopped ? null : code);
      const exitCode = code ?? -1;
      if (stopped === 'timeout') {
        reject(
          new GitError('timeout', command, code, stderr, `ran out of time (${timeoutMs} ms) and was stopped`),
        );
      } else if (stopped === 'aborted') {
        reject(new GitError('aborted', command, code, stderr, 'was cancelled'));
      } else if (stopped === 'output_too_large') {
        reject(new GitError('output_too_large', command, code, stderr, `printed more than ${max} bytes`));
      } else if (code === 0 || (code !== null && opts.okExitCodes?.includes(code))) {
        resolve({
          stdout: Buffer.concat(chunks),
          stderr,
          exitCode,
          totalBytes: total,
          truncated: !opts.onStdout && total > kept,
        });
      } else {
        const why = code === null ? `was ended by ${signal}` : `failed (exit ${code})`;
        reject(new GitError('failed', command, code, stderr, why));
      }
    });
  });
}

/** A command that did not start: why, as the error said it. */
function couldNotRun(command: string, where: string, e: unknown): GitError {
  const why = e instanceof Error ? e.message : String(e);
  return new GitError('failed', command, null, '', `could not run${where}: ${why}`);
}

function worktreeEnv(at: WorktreeAt | undefined): Record<string, string> {
  return at ? { GIT_DIR: at.gitDir, GIT_WORK_TREE: at.dir, GIT_COMMON_DIR: at.commonDir } : {};
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve(); // the next try sees the signal and says it was cancelled
      },
      { once: true },
    );
  });
}
