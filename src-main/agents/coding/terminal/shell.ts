import { existsSync, readFileSync } from 'node:fs';
import type { IPty } from '@lydell/node-pty';
import { parentWatch } from '../../../processes/parent-watch.ts';
import { environValue, readProcTable, readStatSync } from '../../../processes/proc-table.ts';
import { stopMarkedTrees, TREE_MARKER } from '../../../processes/process-tree.ts';
import type { ConfinedProgram, ConfineRequest } from '../../../sandbox/index.ts';
import { confine } from '../../../sandbox/index.ts';

/** A shell on a pseudo-terminal, in the sandbox its request says. */
export interface Shell {
  readonly sandboxed: boolean;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Stops reading what the shell prints (it blocks once the terminal's buffer is full), and reads again. */
  pause(): void;
  resume(): void;
  onData(listener: (data: string) => void): void;
  onExit(listener: (code: number) => void): void;
  /** Ends the shell and everything it started (in the sandbox or not); resolves once none is left. */
  kill(): Promise<void>;
}

/** Between SIGTERM and SIGKILL when the shell is ended. */
const GRACE_MS = 1_000;

const SCRIPT = '/usr/bin/script';

/** Whether `pid` is the terminal's `script`: its marker, and its name. */
async function isScript(pid: number, marker: string): Promise<boolean> {
  try {
    return (
      (await environValue(pid, TREE_MARKER)) === marker &&
      readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'script'
    );
  } catch {
    return false;
  }
}

/**
 * SIGWINCH to the shell's `script` (`known`, else found in /proc by the terminal's marker and its
 * name): it reads the new size. Answers its pid, for the next time.
 */
async function tellScript(marker: string, known: number | null): Promise<number | null> {
  let pid = known !== null && (await isScript(known, marker)) ? known : null;
  if (pid === null)
    for (const e of await readProcTable(0))
      if (!e.zombie && (await isScript(e.pid, marker))) {
        pid = e.pid;
        break;
      }
  if (pid !== null) process.kill(pid, 'SIGWINCH');
  return pid;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The shell: bash with Baton's small rc file (its prompt, its history in the terminal's temp
 * folder) instead of the person's setup, which may name Baton's folders or write the home.
 *
 * On Linux inside util-linux's `script`, which gives it a pseudo-terminal of its own inside the
 * sandbox: bubblewrap starts the sandbox in a new session (`--new-session`, so that nothing in it
 * can push keys into the terminal outside, TIOCSTI), where bash would have no controlling
 * terminal: no job control, and Ctrl-C, which the outer terminal turns into SIGINT for its own
 * foreground group, would end the sandbox itself instead of the command running in it. `script`
 * puts the outer terminal in raw mode and hands Ctrl-C on as a key to its own.
 */
export function shellProgram(rcfile: string): { command: string; args: string[] } {
  const bash = ['bash', '--noprofile', '--rcfile', rcfile, '-i'];
  if (process.platform === 'linux' && existsSync(SCRIPT))
    return { command: SCRIPT, args: ['-qfec', bash.map(quote).join(' '), '/dev/null'] };
  const [command, ...args] = bash as [string, ...string[]];
  return { command, args };
}

/** What the shell's rc file holds: a prompt saying where it is, and its history kept in `tmp`. */
export const rcText = (tmp: string) =>
  [`PS1='[take over] \\W \\$ '`, `HISTFILE=${quote(`${tmp}/.bash_history`)}`, ''].join('\n');

/**
 * Starts the shell (`shellProgram`) on a real pseudo-terminal (`@lydell/node-pty`, loaded at the
 * first terminal) in the OS sandbox (`confine`). Like every program Baton
 * starts, it carries a marker (`BATON_ATTEMPT=terminal/<id>`) that the parent watch follows: it
 * dies with Baton, however Baton ends, and `kill` ends every process carrying it.
 */
export async function startShell(
  req: Omit<ConfineRequest, 'command' | 'args'>,
  id: string,
  size: { cols: number; rows: number },
  rcfile: string,
): Promise<{ ok: true; shell: Shell } | { ok: false; error: string }> {
  const marker = `terminal/${id}`;
  const confined = await confine({
    ...req,
    ...shellProgram(rcfile),
    env: { ...req.env, [TREE_MARKER]: marker },
  });
  if (!confined.ok) return { ok: false, error: confined.error };
  const program: ConfinedProgram = confined.program;
  const usesScript = shellProgram(rcfile).command === SCRIPT;
  let scriptPid: number | null = null;
  const { spawn } = await import('@lydell/node-pty');
  const watched = parentWatch.watch(marker);
  let pty: IPty;
  try {
    pty = spawn(program.command, program.args, {
      name: 'xterm-256color',
      cols: size.cols,
      rows: size.rows,
      cwd: req.cwd,
      env: program.env,
    });
  } catch (err) {
    watched.over();
    await program.release();
    return { ok: false, error: `the shell could not start: ${(err as Error).message}` };
  }
  watched.started(pty.pid, readStatSync(pty.pid)?.start ?? null);
  let exited = false;
  let ended: Promise<void> | null = null;
  pty.onExit(() => {
    exited = true;
  });
  const kill = () => {
    ended ??= (async () => {
      if (!exited) {
        try {
          pty.kill('SIGHUP');
        } catch {
          // gone already
        }
      }
      await stopMarkedTrees((m) => m === marker, GRACE_MS);
      watched.over();
      await program.release();
    })();
    return ended;
  };
  return {
    ok: true,
    shell: {
      sandboxed: program.sandboxed,
      write: (data) => {
        if (!exited) pty.write(data);
      },
      resize: (cols, rows) => {
        if (exited) return;
        pty.resize(cols, rows);
        // The terminal outside tells its own session of the new size (SIGWINCH); `script`, in the
        // sandbox's session, is told by Baton, and sets its terminal's size from the one outside.
        if (program.sandboxed && usesScript)
          void tellScript(marker, scriptPid).then(
            (pid) => {
              scriptPid = pid;
            },
            () => {},
          );
      },
      pause: () => {
        if (!exited) pty.pause();
      },
      resume: () => {
        if (!exited) pty.resume();
      },
      onData: (listener) => {
        pty.onData(listener);
      },
      onExit: (listener) => {
        pty.onExit((e) => listener(e.exitCode));
      },
      kill,
    },
  };
}
