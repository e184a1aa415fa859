import { type ChildProcess, execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { SandboxViolationEvent } from '@anthropic-ai/sandbox-runtime';
import type { SandboxStatus } from '../../src-shared/schemas/sandbox.ts';
import { findOnPath } from '../processes/find-on-path.ts';
import { reapOrphanBridges } from './orphan-bridges.ts';
import { realErrors } from './programs.ts';
import { reapOrphanStandIns } from './stand-ins.ts';
import { reapOrphanTempFolders } from './temp-folders.ts';

/**
 * The sandbox library (`@anthropic-ai/sandbox-runtime`: bubblewrap and seccomp on Linux, Seatbelt
 * on macOS, a filtering proxy for the network) as this process uses it: one session per process,
 * started at the first sandboxed program (its proxies, its write monitor), with nothing allowed
 * in its own configuration. Each program brings its own folders and hosts (confine.ts).
 */
type Library = typeof import('@anthropic-ai/sandbox-runtime');
type Manager = Library['SandboxManager'];

/** What to install, in the words a person types. */
const LINUX_INSTALL = 'apt-get install bubblewrap socat ripgrep';

/** The library, loaded at the first sandboxed program (not at every start of Baton, nor by its check). */
let library: Promise<Library> | null = null;
const load = (): Promise<Library> => {
  library ??= import('@anthropic-ai/sandbox-runtime');
  return library;
};

let status: Promise<SandboxStatus> | null = null;
let asked: (s: Promise<SandboxStatus>) => void = () => {};
const onceAsked = new Promise<SandboxStatus>((resolve) => {
  asked = resolve;
});

/**
 * Whether this machine can run the sandbox, asked once per process: the library's own check
 * (bubblewrap, socat and ripgrep on Linux; ripgrep on macOS), then, on Linux, one real
 * bubblewrap sandbox (a kernel without user namespaces fails there). The answer names what to
 * install or what is wrong.
 */
export function sandboxStatus(): Promise<SandboxStatus> {
  if (!status) {
    status = check();
    asked(status);
  }
  return status;
}

/**
 * The answer of `sandboxStatus` once something asked for it (a sandboxed program, the agents
 * page, a host after its start), without asking: a start does not wait for the check.
 */
export function sandboxStatusOnceAsked(): Promise<SandboxStatus> {
  return onceAsked;
}

async function check(): Promise<SandboxStatus> {
  const platform = process.platform;
  if (platform !== 'linux' && platform !== 'darwin')
    return {
      available: false,
      problem: `no OS sandbox on ${platform === 'win32' ? 'Windows' : platform} yet: Baton runs agents' processes in one on Linux and macOS`,
    };
  let deps: { errors: string[] };
  try {
    deps = await libraryCheck();
  } catch (err) {
    return {
      available: false,
      problem: `the sandbox library could not be loaded: ${(err as Error).message}`,
    };
  }
  // A program said missing that is on PATH: the library's `which` ran out of time (programs.ts).
  const errors = platform === 'linux' ? realErrors(deps.errors) : deps.errors;
  if (errors.length > 0) return { available: false, problem: describe(errors, platform) };
  if (platform === 'linux') {
    const why = await new Promise<string | null>((done) => {
      execFile(
        'bwrap',
        ['--ro-bind', '/', '/', '--unshare-user', '--unshare-net', '--unshare-pid', '--dev', '/dev', 'true'],
        { timeout: 10_000, encoding: 'utf8' },
        (err, _out, stderr) => done(err ? (stderr || err.message).trim().split('\n')[0]! : null),
      );
    });
    if (why !== null)
      return {
        available: false,
        problem: `bubblewrap cannot make a sandbox on this machine (${why}): user namespaces may be off (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 kernel.apparmor_restrict_unprivileged_userns=0)`,
      };
  }
  return { available: true, problem: null };
}

// Plain JS, run in a process of its own: the library's check of what it needs, its answer on stdout.
const CHECK_PROGRAM = `
import(process.argv[1])
  .then((lib) => lib.SandboxManager.checkDependenciesAsync(JSON.parse(process.argv[2])))
  .then((deps) => process.stdout.write(JSON.stringify({ errors: deps.errors.map(String) })))
  .catch((err) => process.stdout.write(JSON.stringify({ failed: String((err && err.message) || err) })));
`;

/** The check's program while it runs. */
let checking: ChildProcess | null = null;

/**
 * The library's check (`checkDependenciesAsync`). Asked at every start of Baton, before any
 * program runs: it is answered by a Node process of its own that loads the library, so Baton
 * keeps none of it when no sandboxed program ever starts (the library in this process: ~6 MB more
 * heap for as long as it runs; in a worker thread, ~30 MB of memory the thread's end did not give
 * back). Where the library is loaded already, it answers itself.
 */
async function libraryCheck(): Promise<{ errors: string[] }> {
  if (library) return (await library).SandboxManager.checkDependenciesAsync(RIPGREP);
  const path = createRequire(import.meta.url).resolve('@anthropic-ai/sandbox-runtime');
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1' }; // Electron runs as plain Node
  delete env.NODE_OPTIONS; // no loader or inspector of Baton's
  const out = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', CHECK_PROGRAM, pathToFileURL(path).href, JSON.stringify(RIPGREP)],
      { env, timeout: 60_000, encoding: 'utf8', windowsHide: true },
      (err, stdout, stderr) => {
        if (checking === child) checking = null;
        if (err && !stdout) reject(new Error(`${err.message}${stderr ? `: ${stderr.trim()}` : ''}`));
        else resolve(stdout);
      },
    );
    checking = child;
  });
  const answer = JSON.parse(out) as { errors?: string[]; failed?: string };
  if (answer.failed !== undefined) throw new Error(answer.failed);
  return { errors: answer.errors ?? [] };
}

/**
 * Stops a check still running (an app closing right after it started leaves no process behind);
 * whoever asked gets it as failed, and the next ask checks again.
 */
export async function stopSandboxCheck(): Promise<void> {
  const child = checking;
  if (!child) return;
  checking = null;
  status = null;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** The library's findings in a person's words: what is missing, and the command that installs it. */
function describe(errors: string[], platform: string): string {
  const missing: string[] = [];
  const other: string[] = [];
  for (const e of errors) {
    if (/bubblewrap|bwrap/.test(e)) missing.push('bubblewrap');
    else if (/socat/.test(e)) missing.push('socat');
    else if (/ripgrep|\brg\b/.test(e)) missing.push('ripgrep');
    else other.push(e);
  }
  const parts: string[] = [];
  if (missing.length > 0) {
    const names =
      missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
    const install = platform === 'darwin' ? 'brew install ripgrep' : LINUX_INSTALL;
    parts.push(`${names} ${missing.length === 1 ? 'is' : 'are'} not installed: ${install}`);
  }
  parts.push(...other);
  return parts.join('; ');
}

/**
 * ripgrep lists what must never be writable (`.bashrc`, `.git/hooks`) under this process's
 * working folder before each program; it stays on one file system, so a Baton started in `/`
 * does not walk /proc (which takes the library's whole 10 s timeout there).
 */
const RIPGREP = { command: 'rg', args: ['--one-file-system'] };

let session: Promise<Manager> | null = null;
/** The session's end while it is under way (`endSandboxSession`): the next session starts after it. */
let ending: Promise<void> | null = null;
let unsubscribe: (() => void) | null = null;
const listeners = new Set<(v: SandboxViolationEvent) => void>();

/**
 * The library's session, started once: proxies with nothing allowed (each program registers its
 * own hosts), no folder writable (each program brings its own), and the write monitor on (Linux:
 * apply-seccomp tells each write outside the writable folders). Rejects where the sandbox cannot run.
 */
export function sandboxSession(): Promise<Manager> {
  // The library is one per process: a session ending (its `reset`, which clears the library's
  // state as it finishes) must be over before the next one initializes, or it clears that one.
  // (An end that failed is over all the same: the new session starts.)
  const after = ending?.catch(() => {}) ?? Promise.resolve();
  session ??= after.then(start).catch((err: unknown) => {
    session = null; // a later program tries again (a package installed meanwhile)
    throw err;
  });
  return session;
}

/** bubblewrap's and socat's paths on Linux, where this process finds them. */
function linuxPrograms(): { bwrapPath?: string; socatPath?: string } {
  if (process.platform !== 'linux') return {};
  const bwrap = findOnPath('bwrap', process.env.PATH);
  const socat = findOnPath('socat', process.env.PATH);
  return { ...(bwrap ? { bwrapPath: bwrap } : {}), ...(socat ? { socatPath: socat } : {}) };
}

async function start(): Promise<Manager> {
  const { SandboxManager } = await load();
  // Bridges, temp folders and stand-ins a killed Baton left behind (its session never ended) go before this one starts.
  reapOrphanBridges();
  reapOrphanTempFolders();
  reapOrphanStandIns();
  await SandboxManager.initialize(
    {
      network: { allowedDomains: [], deniedDomains: [] },
      filesystem: { denyRead: [], allowWrite: [], denyWrite: [] },
      ripgrep: RIPGREP,
      // Found here, not by the library's `which` with its one-second timeout (programs.ts).
      ...linuxPrograms(),
    },
    undefined,
    true,
  );
  // Every violation, once, to whoever listens (each confined program, by its attribution key).
  const store = SandboxManager.getSandboxViolationStore();
  let seen = store.getTotalCount();
  unsubscribe = store.subscribe((all) => {
    const total = store.getTotalCount();
    const added = total - seen;
    seen = total;
    if (added <= 0) return; // the first call (what was there before), or a clear()
    for (const v of all.slice(-Math.min(added, all.length))) for (const l of listeners) l(v);
  });
  return SandboxManager;
}

/** Hears every violation the library records from now on; returns how to stop hearing. */
export function onViolation(listener: (v: SandboxViolationEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Ends the library's session (its proxies, bridges and monitor), which would otherwise keep this
 * process alive after its work (`baton run` ends when nothing is left to do). A later program
 * starts a new one.
 */
export function endSandboxSession(): Promise<void> {
  const current = session;
  if (!current) return ending ?? Promise.resolve();
  session = null;
  const end: Promise<void> = (async () => {
    const manager = await current.catch(() => null);
    unsubscribe?.();
    unsubscribe = null;
    await manager?.reset();
  })().finally(() => {
    if (ending === end) ending = null;
  });
  ending = end;
  return end;
}
