import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type {
  CreateTerminalRequest,
  CreateTerminalResponse,
  TerminalExitStatus,
  TerminalOutputResponse,
} from '@agentclientprotocol/sdk';
import { RequestError } from '@agentclientprotocol/sdk';
import type { SandboxPolicy } from '../../../../src-shared/schemas/sandbox.ts';
import type { ProcessTree } from '../../../processes/process-tree.ts';
import { spawnTree } from '../../../processes/process-tree.ts';
import type { Blocked, ConfinedProgram } from '../../../sandbox/index.ts';
import { blockedOf, confine, exitOutside } from '../../../sandbox/index.ts';
import { createLineSplitter } from '../../shared/line-splitter.ts';

/** The most output Baton keeps of one terminal, whatever limit the agent asks (or none). */
export const MAX_TERMINAL_BYTES = 1024 * 1024;
/** The most terminals one attempt may have at once (released ones do not count). */
const MAX_TERMINALS = 32;

export interface TerminalsOptions {
  /** The attempt's worktree: where commands run (a `cwd` outside it is refused), the one folder they write. */
  worktree: string;
  /** Other folders they may write (the attempt's temp folder). */
  folders?: readonly string[];
  /** The environment commands start with (the agent's `env` is laid over it). */
  env: Record<string, string>;
  /** The attempt's sandbox policy, and Baton's folders to hide. */
  policy: SandboxPolicy;
  hide: readonly string[];
  /** Protected paths of the worktree they may write on purpose (the workspace's `allow_protected_writes`). */
  mayWrite?: readonly string[] | undefined;
  owner: string;
  askHost?: ((host: string) => void) | undefined;
  /** The attempt's process-tree marker: each terminal's tree is marked `<marker>/terminal-<n>`. */
  marker: string;
  graceMs: number;
  /** What the sandbox refused a terminal's command (`process` names it), as it is reported. */
  refused: (blocked: Blocked[], process: string) => void;
}

interface Terminal {
  label: string;
  tree: ProcessTree;
  program: ConfinedProgram;
  limit: number;
  chunks: Buffer[];
  bytes: number;
  truncated: boolean;
  exit: TerminalExitStatus | null;
  exited: Promise<TerminalExitStatus>;
  /** Once it exited, what it left stopped, the sandbox released and its last refusals handed out. */
  done: Promise<void>;
}

/**
 * The terminals an ACP agent asks Baton for (`terminal/create`, `terminal/output`,
 * `terminal/wait_for_exit`, `terminal/kill`, `terminal/release`): each command started without a
 * shell (unless the agent names one as its command), in the worktree or a folder inside it, in
 * the OS sandbox under the attempt's policy, as a process tree marked with the attempt; its
 * stdout and stderr kept together, to the agent's `outputByteLimit` (cut from the beginning, at a
 * character boundary). `closeAll` stops and forgets every one when the attempt ends.
 */
export class AcpTerminals {
  private readonly terminals = new Map<string, Terminal>();
  private next = 1;
  private closed = false;
  private readonly root: string;
  private readonly o: TerminalsOptions;

  constructor(o: TerminalsOptions) {
    this.o = o;
    this.root = realpathSync(o.worktree);
  }

  async create(p: CreateTerminalRequest): Promise<CreateTerminalResponse> {
    if (this.closed) throw RequestError.invalidRequest(undefined, 'the attempt has ended');
    if (this.terminals.size >= MAX_TERMINALS)
      throw RequestError.invalidParams(
        undefined,
        `at most ${MAX_TERMINALS} terminals at once: release one (terminal/release) first`,
      );
    const args = p.args ?? [];
    const cwd = this.cwdOf(p.cwd ?? null, [p.command, ...args].join(' '));
    const env = { ...this.o.env };
    for (const v of p.env ?? []) env[v.name] = v.value;
    const n = this.next++;
    const id = `term-${n}`;
    const label = `terminal ${[p.command, ...args].join(' ')}`.slice(0, 200);
    const confined = await confine({
      policy: this.o.policy,
      command: p.command,
      args,
      cwd,
      env,
      folders: [this.o.worktree, ...(this.o.folders ?? [])],
      hide: this.o.hide,
      mayWrite: this.o.mayWrite,
      owner: this.o.owner,
      askHost: this.o.askHost,
    });
    if (!confined.ok)
      throw RequestError.invalidParams(undefined, `cannot start "${p.command}": ${confined.error}`);
    const program = confined.program;
    const tree = spawnTree(program.command, program.args, {
      cwd,
      env: program.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      graceMs: this.o.graceMs,
      id: `${this.o.marker}/terminal-${n}`,
    });
    const started = await new Promise<string | null>((res) => {
      tree.child.once('spawn', () => res(null));
      tree.child.once('error', (err) => res(err.message));
    });
    if (started !== null) {
      await program.release();
      throw RequestError.invalidParams(undefined, `cannot start "${p.command}": ${started}`);
    }
    const limit = Math.min(Math.max(0, p.outputByteLimit ?? MAX_TERMINAL_BYTES), MAX_TERMINAL_BYTES);
    const report = () => {
      const blocked = program.take();
      if (blocked.length > 0) this.o.refused(blocked, label);
    };
    const t: Terminal = {
      label,
      tree,
      program,
      limit,
      chunks: [],
      bytes: 0,
      truncated: false,
      exit: null,
      exited: new Promise((res) => {
        tree.child.once('close', (code, signal) => {
          const end = exitOutside(program.sandboxed, code, signal);
          t.exit = { exitCode: end.code, signal: end.signal };
          res(t.exit);
        });
      }),
      done: Promise.resolve(),
    };
    const keep = (chunk: Buffer) => {
      t.chunks.push(chunk);
      t.bytes += chunk.length;
      while (t.bytes > t.limit && t.chunks.length > 0) {
        const over = t.bytes - t.limit;
        const first = t.chunks[0]!;
        t.truncated = true;
        if (first.length <= over) {
          t.chunks.shift();
          t.bytes -= first.length;
        } else {
          t.chunks[0] = first.subarray(over);
          t.bytes -= over;
        }
      }
    };
    const stderr = createLineSplitter(64 * 1024);
    tree.child.stdout!.on('data', keep);
    tree.child.stderr!.on('data', (chunk: Buffer) => {
      keep(chunk);
      for (const line of stderr.push(chunk)) program.stderr(line.text);
    });
    // What the sandbox refused, as it is reported, until the command ended and was released;
    // what it started and left running is stopped when it exits.
    t.done = (async () => {
      while (t.exit === null) {
        await Promise.race([program.changed(), t.exited]);
        report();
      }
      await tree.stop();
      await program.release();
      report();
    })();
    this.terminals.set(id, t);
    return { terminalId: id };
  }

  output(p: { terminalId: string }): TerminalOutputResponse {
    const t = this.get(p.terminalId);
    const buf = Buffer.concat(t.chunks);
    // Cut at a character boundary: UTF-8 continuation bytes left at the start go too.
    let from = 0;
    if (t.truncated) while (from < buf.length && from < 4 && (buf[from]! & 0xc0) === 0x80) from++;
    return { output: buf.subarray(from).toString('utf8'), truncated: t.truncated, exitStatus: t.exit };
  }

  async waitForExit(p: { terminalId: string }): Promise<TerminalExitStatus> {
    const t = this.get(p.terminalId);
    return await t.exited;
  }

  /** Stops the command and every process it started; its output stays until it is released. */
  async kill(p: { terminalId: string }): Promise<Record<string, never>> {
    const t = this.get(p.terminalId);
    await t.tree.stop();
    await t.exited;
    return {};
  }

  async release(p: { terminalId: string }): Promise<Record<string, never>> {
    const t = this.get(p.terminalId);
    this.terminals.delete(p.terminalId);
    await t.tree.stop();
    return {};
  }

  /** Every terminal stopped (its whole process tree) and forgotten; no new one starts after. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const all = [...this.terminals.values()];
    this.terminals.clear();
    await Promise.all(
      all.map(async (t) => {
        await t.tree.stop();
        await t.done;
      }),
    );
  }

  private get(id: string): Terminal {
    const t = this.terminals.get(id);
    if (!t) throw RequestError.invalidParams(undefined, `no terminal "${id}" (never created, or released)`);
    return t;
  }

  /** The folder a command runs in: the worktree, or a folder inside it (links resolved); else refused. */
  /** Where a command runs: the worktree, or a folder inside it; one outside is refused, and the refusal handed out. */
  private cwdOf(cwd: string | null, command: string): string {
    if (cwd === null) return this.o.worktree;
    if (!isAbsolute(cwd))
      throw RequestError.invalidParams(undefined, `cwd must be an absolute path: "${cwd}"`);
    let real: string;
    try {
      real = realpathSync(resolve(cwd));
    } catch {
      throw RequestError.invalidParams(undefined, `cwd "${cwd}" does not exist`);
    }
    const rel = relative(this.root, real);
    if (rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))) return real;
    const label = `terminal ${command}`.slice(0, 200);
    this.o.refused(
      [
        blockedOf(
          'run',
          cwd.slice(0, 4_096),
          'baton',
          `sandbox: command refused outside the worktree, in ${cwd}: ${command}`.slice(0, 5_000),
        ),
      ],
      label,
    );
    throw RequestError.invalidParams(
      undefined,
      `cwd "${cwd}" is outside the task’s worktree: commands run only in the worktree or a folder inside it`,
    );
  }
}
