import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, rmSync, statSync } from 'node:fs';
import { homedir, constants as os } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { SandboxPolicy } from '../../src-shared/schemas/sandbox.ts';
import { DEFAULT_READ_DENY, pathCovers, sandboxHostSchema } from '../../src-shared/schemas/sandbox.ts';
import { userEnv } from '../processes/user-env.ts';
import type { Blocked } from './blocked.ts';
import { connectionsInText, fromViolation, readsInStderr, refusalsInToolError } from './blocked.ts';
import type { Inbound, InboundPorts } from './inbound.ts';
import { RELAY_LINES, throughInbound } from './inbound.ts';
import type { Guarded } from './protected.ts';
import { protectedIn } from './protected.ts';
import {
  endSandboxSession,
  onViolation,
  sandboxSession,
  sandboxStatus,
  stopSandboxCheck,
} from './runtime.ts';
import { holdStandIns } from './stand-ins.ts';
import { makeTempFolder } from './temp-folders.ts';

/** Most refusals one program's trace records (each target once); later ones are left out. */
const MAX_BLOCKED = 200;

export interface ConfineRequest {
  /** The policy it runs under (its agent's or workspace's, narrowed by the plan). */
  policy: SandboxPolicy;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** The folders it works in, writable: the attempt's folder, the tools' folder, the worktree. */
  folders: string[];
  /** Baton's own folders no agent reads (its data directory, the other workspaces), hidden besides the policy's. */
  hide?: readonly string[];
  /**
   * Paths inside its writable folders that stay read-only, there or not: a coding CLI's own
   * config in the person's home (`agents/coding/attempt/confine.ts`). Besides these, the library's protected list
   * for its working folder (`protected.ts`) always stays read-only.
   */
  readOnly?: readonly Guarded[];
  /** Protected names of its working folder it may write on purpose (the workspace's `allow_protected_writes`). */
  mayWrite?: readonly string[] | undefined;
  /** Whose program it is, for errors: `agent "hal"`, `workspace "app"`. */
  owner: string;
  /**
   * Under the network policy `ask` (`network.unlisted`): told each host (`host:port`) the filter
   * refused, once, to ask a person about it. The connection is refused all the same.
   */
  askHost?: ((host: string) => void) | undefined;
  /**
   * Ports its servers are reached on from this machine (a coding task's block): 127.0.0.1:<port>
   * here goes to the same port in the sandbox (`inbound.ts`). Linux only; elsewhere, and with the
   * sandbox off, nothing is forwarded.
   */
  inbound?: InboundPorts | undefined;
}

/** Whose sandbox a program runs in: its policy, the folders hidden, its owner, who is asked about a host. */
export type SandboxOf = Pick<ConfineRequest, 'policy' | 'hide' | 'owner' | 'askHost' | 'mayWrite'>;

/**
 * The request for a program that works in `cwd`, the one folder it writes (a check, a tool's
 * command, a stdio MCP server, a CLI's setup), under `sandbox`: all of it but the program.
 */
export function inFolder(
  sandbox: SandboxOf,
  cwd: string,
  env: Record<string, string>,
): Omit<ConfineRequest, 'command' | 'args'> {
  return {
    policy: sandbox.policy,
    cwd,
    env,
    folders: [cwd],
    hide: sandbox.hide,
    owner: sandbox.owner,
    askHost: sandbox.askHost,
    mayWrite: sandbox.mayWrite,
  };
}

/**
 * A program ready to spawn (`command`, `args`, `env`; its process tree as any other), in the
 * sandbox unless its policy is `off`, and what the sandbox refused it, as it happens.
 */
export interface ConfinedProgram {
  readonly command: string;
  readonly args: string[];
  readonly env: Record<string, string>;
  readonly sandboxed: boolean;
  /** Its ports forwarded into the sandbox (the request's `inbound`, on Linux), else null. */
  readonly inbound: Inbound | null;
  /** What the sandbox refused it since the last call (each connection, write or read once). */
  take(): Blocked[];
  /** Resolves when there is something to take (at once if there is). */
  changed(): Promise<void>;
  /** A line of its stderr: a read of a hidden path, or a connection made around the proxy, shows only there. */
  stderr(line: string): void;
  /** A tool call of the program's that failed (its error and input): `refusalsInToolError`. */
  toolError(error: string, input: unknown): void;
  /**
   * Once its process tree is gone: waits for the sandbox's last reports, then frees what the
   * program held (its hosts, its temp folder). Its refusals can still be taken after.
   */
  release(): Promise<void>;
}

/** A program ready, or why not: `unstartable` when the program itself cannot be found or run (`spawn x ENOENT`). */
export type Confinement =
  | { ok: true; program: ConfinedProgram }
  | { ok: false; error: string; unstartable?: true };

/** Programs wrapped and not yet released: the library's mount points are cleaned when none is left. */
let running = 0;
/** The session ends once no program runs (`endSandboxWhenIdle`). */
let endWhenIdle = false;

/**
 * Counts a program from before it asks for the session until it is released (or its set-up
 * failed): a session that is to end once idle never ends between a program's getting it and its
 * wrap. The returned `leave` is called once the program no longer needs the session (again: nothing).
 */
function enter(): (manager: Manager | null) => Promise<void> {
  running++;
  endWhenIdle = false;
  let left = false;
  return async (manager) => {
    if (left) return;
    left = true;
    if (--running > 0) return;
    manager?.cleanupAfterCommand();
    if (endWhenIdle) {
      endWhenIdle = false;
      await endSandboxSession();
    }
  };
}

/**
 * Ends the sandbox's session once no confined program runs (now, if none does), so that it keeps
 * no process alive after its work: called when an app closes.
 */
export async function endSandboxWhenIdle(): Promise<void> {
  await stopSandboxCheck();
  if (running === 0) return endSandboxSession();
  endWhenIdle = true;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const expand = (p: string) => (p === '~' ? homedir() : p.startsWith('~/') ? join(homedir(), p.slice(2)) : p);

/**
 * Makes a program run in the OS sandbox (`@anthropic-ai/sandbox-runtime`), with a fresh
 * attribution key and network allow list of its own and a private temp folder:
 * - writes: only `folders`, the policy's `write_allow` and the temp folder (`TMPDIR`);
 * - reads: all but the policy's hidden paths (`DEFAULT_READ_DENY`, `read_deny`, less `read_allow`)
 *   and Baton's own (`hide`);
 * - network: only the policy's hosts, every connection through the library's filter (loopback
 *   too: `NO_PROXY` is cleared, so a connection to a server on this machine is judged and seen).
 * With the policy `off` the program is handed back as it is. Where the sandbox cannot run, a
 * `required` program is refused with what to install: nothing runs.
 */
export async function confine(req: ConfineRequest): Promise<Confinement> {
  if (req.policy.mode === 'off') return { ok: true, program: unconfined(req) };
  const status = await sandboxStatus();
  if (!status.available)
    return {
      ok: false,
      error: cannotRunHere(status.problem, req.owner),
    };
  // Inside the sandbox a shell starts it: one that is missing is told as spawning it would tell it.
  const unstartable = programProblem(req.command, req.env.PATH ?? userEnv().PATH ?? '', req.cwd);
  if (unstartable) return { ok: false, error: unstartable, unstartable: true };
  const leave = enter();
  let manager: Manager;
  try {
    manager = await sandboxSession();
  } catch (err) {
    await leave(null);
    return { ok: false, error: `the OS sandbox could not start: ${(err as Error).message}` };
  }
  let wrap: Wrap;
  try {
    wrap = await makeWrap(manager, req, [req.command, ...req.args].join(' '), forwards(req), leave);
  } catch (err) {
    await leave(manager);
    const message = (err as Error).message;
    return {
      ok: false,
      error: /allow|domain|host/i.test(message)
        ? `sandbox.network.allow: ${message}`
        : `the sandbox could not be set up for ${req.owner}: ${message}`,
    };
  }
  const { writable, hidden, opened, readOnly } = wrap;
  const feed = new BlockedFeed();
  const askHost = req.policy.network.unlisted === 'ask' ? req.askHost : undefined;
  const asked = new Set<string>();
  const stop = onViolation((v) => {
    if (v.encodedCommand !== wrap.key) return;
    const b = fromViolation(v.line, writable, readOnly);
    if (!b) return;
    feed.push(b);
    if (askHost && b.blocked === 'network' && !asked.has(b.target) && askable(b.target)) {
      asked.add(b.target);
      askHost(b.target);
    }
  });
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    // The write monitor's last lines may still be on their way from the program's last moments:
    // its stub's connection has to be taken, then read, then its lines parsed, each in a poll
    // phase of the event loop (a busy machine gives them no time in between). The stub has exited
    // with the program's tree, so all of it is in the socket already: each turn below comes after
    // one more poll phase, whatever the load.
    for (let turn = 0; turn < 4; turn++) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 0));
    stop();
    inbound?.end();
    await wrap.end();
  };
  // Bash reads ~/.bashrc when its stdin is a socket (Node's pipes are) unless it is nested:
  // the sandbox's shells must not run the person's shell setup. The program itself is named
  // in the environment (the set-up's shell runs it, and unsets it first).
  const env = { ...req.env, SHLVL: '1', [PROGRAM_VAR]: [req.command, ...req.args].map(quote).join(' ') };
  // Its ports: the sandbox started through the host side that hands their sockets in (inbound.ts).
  const through = forwards(req) ? throughInbound(wrap.argv, env, req.inbound) : null;
  const inbound = through?.inbound ?? null;
  const [command, ...args] = (through ? [through.command, ...through.args] : wrap.argv) as [
    string,
    ...string[],
  ];
  const open = [...writable, ...opened];
  return {
    ok: true,
    program: {
      command,
      args,
      env: through?.env ?? env,
      sandboxed: true,
      inbound,
      take: () => feed.take(),
      changed: () => feed.changed(),
      stderr: (line) => {
        for (const b of readsInStderr(line, hidden, open)) feed.push(b);
        for (const b of connectionsInText(line)) feed.push(b);
      },
      toolError: (error, input) => {
        for (const b of refusalsInToolError(error, input, writable, hidden, open, readOnly)) feed.push(b);
      },
      release,
    },
  };
}

type Manager = Awaited<ReturnType<typeof sandboxSession>>;

/** Whether the request's ports are forwarded into its sandbox: Linux's, where the sandbox has a network of its own. */
const forwards = (req: ConfineRequest): req is ConfineRequest & { inbound: InboundPorts } =>
  req.inbound !== undefined && process.platform === 'linux';

/** The name under an absent read-only folder that makes its stand-in a folder (never made itself). */
const STAND_IN_CHILD = '.baton-read-only';

/** Where the program to run is handed to the sandbox's shell (quoted words), unset before it runs. */
const PROGRAM_VAR = 'BATON_SANDBOXED_PROGRAM';

/**
 * One sandbox set-up (the library's wrap: bubblewrap's arguments, its scan for files never to be
 * written, its network lists), with an attribution key, hosts and temp folder of its own: the
 * program it starts is read from the environment (PROGRAM_VAR).
 */
interface Wrap {
  key: string;
  argv: string[];
  writable: string[];
  hidden: string[];
  opened: string[];
  /** What stays read-only inside `writable`: the working folder's protected list, and the request's own. */
  readOnly: string[];
  /** Frees its hosts, temp folder and stand-ins (once). */
  end(): Promise<void>;
}

async function makeWrap(
  manager: Manager,
  req: ConfineRequest,
  commandText: string,
  relay: boolean,
  leave: (manager: Manager) => Promise<void>,
): Promise<Wrap> {
  const id = randomBytes(16).toString('base64url');
  const key = Buffer.from(id).toString('base64'); // how the library names the program in its reports
  const temp = makeTempFolder();
  const writable = [...req.folders.map((f) => resolve(f)), ...req.policy.write_allow.map(expand), temp];
  const opened = req.policy.read_allow.map(expand);
  const hidden = [...DEFAULT_READ_DENY, ...req.policy.read_deny]
    .map(expand)
    .filter((p) => !opened.includes(p))
    .concat((req.hide ?? []).map((p) => resolve(p)));
  // The library keeps its protected list read-only only under its own process's working folder:
  // it is handed over for the program's (the one of its folders it works in: a worktree, also for
  // a command in a folder below it), with the request's own (a CLI's config in the home).
  const cwd = resolve(req.cwd);
  const own = req.folders.map((f) => resolve(f)).find((f) => pathCovers(f, cwd));
  const guarded = [...(own ? protectedIn(own, req.mayWrite) : []), ...(req.readOnly ?? [])];
  // Before the deny list is read from the disk: the folder stand-ins Baton makes itself are there.
  const releaseStandIns = holdStandIns(guarded, writable);
  const denyWrite = guarded.flatMap((g) =>
    // A second deny below it makes the library's stand-in an empty folder (a file's is a device).
    g.standIn === 'folder' && !existsSync(g.path) ? [g.path, join(g.path, STAND_IN_CHILD)] : [g.path],
  );
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    manager.unregisterCommandNetworkLists(id);
    rmSync(temp, { recursive: true, force: true });
    releaseStandIns();
    await leave(manager);
  };
  const literal = (path: string) => ({ path, literal: true as const });
  try {
    manager.registerCommandNetworkLists(id, { allowedDomains: req.policy.network.allow });
    const inner = [
      'unset NO_PROXY no_proxy',
      `export TMPDIR=${quote(temp)} NODE_USE_ENV_PROXY=1`,
      // The relay of its ports, on the channel the program does not get (inbound.ts).
      ...(relay ? RELAY_LINES : []),
      `_baton_program=$${PROGRAM_VAR}`,
      `unset ${PROGRAM_VAR}`,
      'eval "$_baton_program"',
      // The program's exit ends the sandbox, as it ends the run: what it left running (a daemon
      // that left its group, the network relays) is stopped, SIGTERM then SIGKILL, instead of
      // keeping the sandbox's init waiting, and so the attempt, until its timeout. Looked at every
      // 10 ms: the relays are gone within one look.
      'rc=$?',
      'if kill -TERM -1 2>/dev/null; then i=0; while kill -0 -1 2>/dev/null && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done; kill -KILL -1 2>/dev/null; fi',
      'exit $rc',
    ].join('; ');
    const wrapped = await manager.wrapWithSandboxArgv(
      inner,
      undefined,
      {
        network: { allowedDomains: [], deniedDomains: [] },
        filesystem: {
          denyRead: hidden.map(literal),
          allowRead: opened.map(literal),
          allowWrite: writable.map(literal),
          denyWrite: denyWrite.map(literal),
        },
      },
      undefined,
      req.cwd,
      { commandId: id, commandText },
    );
    return { key, argv: wrapped.argv, writable, hidden, opened, readOnly: guarded.map((g) => g.path), end };
  } catch (err) {
    await end();
    throw err;
  }
}

/** A refused target a person can be asked to allow: one the policy could list (`host:port`). */
const askable = (target: string): boolean => sandboxHostSchema.safeParse(target).success;

/** Why a program whose sandbox is required was not run: the sandbox cannot run here (`problem` names what to install). */
export const cannotRunHere = (problem: string, owner: string): string =>
  `the OS sandbox cannot run here: ${problem}. The sandbox of ${owner} is required, so nothing was run (set its sandbox mode to "off" to run it without one)`;

/** Why `command` cannot be started (`spawn x ENOENT`, as Node says it), or null when it can. */
export function programProblem(command: string, path: string, cwd: string): string | null {
  const runnable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) {
    const file = isAbsolute(command) ? command : resolve(cwd, command);
    return runnable(file) ? null : `spawn ${command} ENOENT`;
  }
  return path.split(delimiter).some((dir) => dir !== '' && runnable(join(dir, command)))
    ? null
    : `spawn ${command} ENOENT`;
}

/** A program outside the sandbox (`mode: off`): as it was given, nothing to report. */
function unconfined(req: ConfineRequest): ConfinedProgram {
  const none = new BlockedFeed();
  return {
    command: req.command,
    args: req.args,
    env: req.env,
    sandboxed: false,
    inbound: null,
    take: () => [],
    changed: () => none.changed(),
    stderr: () => {},
    toolError: () => {},
    release: async () => {},
  };
}

/** What the sandbox refused one program, each target once, waiting to be taken. */
class BlockedFeed {
  private queue: Blocked[] = [];
  private readonly seen = new Set<string>();
  private wake: (() => void) | null = null;

  push(b: Blocked): void {
    const key = `${b.blocked} ${b.target}`;
    if (this.seen.has(key) || this.seen.size >= MAX_BLOCKED) return;
    this.seen.add(key);
    this.queue.push(b);
    this.wake?.();
    this.wake = null;
  }

  take(): Blocked[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }

  changed(): Promise<void> {
    if (this.queue.length > 0) return Promise.resolve();
    return new Promise((r) => {
      const before = this.wake;
      this.wake = () => {
        before?.();
        r();
      };
    });
  }
}

/**
 * How a sandboxed program ended, as if it had run outside: the sandbox's shell reports a program
 * killed by a signal as exit code 128 + the signal's number, which is read back as that signal.
 */
export function exitOutside(
  sandboxed: boolean,
  code: number | null,
  signal: NodeJS.Signals | null,
): { code: number | null; signal: NodeJS.Signals | null } {
  if (!sandboxed || signal !== null || code === null || code <= 128) return { code, signal };
  const name = Object.entries(os.signals).find(([, n]) => n === code - 128)?.[0];
  return name ? { code: null, signal: name as NodeJS.Signals } : { code, signal };
}
