import { randomBytes } from 'node:crypto';
import { spawnTree } from '../../../processes/process-tree.ts';
import { userEnv } from '../../../processes/user-env.ts';
import type { ConfinedProgram, ConfineRequest } from '../../../sandbox/index.ts';
import { confine, programProblem } from '../../../sandbox/index.ts';
import { createEventChannel } from '../../shared/event-channel.ts';
import type { LineProcessEnd, OutputLine } from '../../shared/line-process.ts';
import { createLineSplitter } from '../../shared/line-splitter.ts';

/**
 * A round's checks in one OS sandbox. Starting a sandbox (bubblewrap's namespaces, the network
 * relays, the sweep at its end) costs ~20–50 ms on a quiet machine and several hundred on a busy
 * one, once per program; a round runs its checks one after the other in the same worktree under
 * the same policy, so one sandbox serves them all: a small bash runner in it reads each check's
 * nonce and words from its stdin, runs the check in a process group of its own (its stdin
 * closed), then stops every process started after itself, and marks the check's end on stdout
 * and stderr with the round's secret, the check's nonce and its exit code.
 *
 * Each check is handed out as `runLineProcess` hands out a program (its lines, how it ended, a
 * stop), so `runCheck` treats both alike. A check stopped (its timeout, the attempt cancelled)
 * stops the whole sandbox; the next check starts a new one. Where the sandbox is off, checks
 * are spawned one by one as before (no bash needed).
 */

/** What `run` hands out: as `runLineProcess`. */
export interface RoundCheck<Why extends string> {
  lines: AsyncGenerator<OutputLine, void>;
  ended: Promise<LineProcessEnd<Why>>;
  stop(why: Why): void;
  /** The round's sandboxed program: what the sandbox refused, while this check runs, is this check's. */
  program: ConfinedProgram;
}

export interface CheckRound {
  /** The next check, or why it cannot start (`unstartable`: its program is not found). */
  run<Why extends string>(
    command: string,
    args: readonly string[],
  ): Promise<{ ok: true; check: RoundCheck<Why> } | { ok: false; error: string; unstartable?: true }>;
  /**
   * Starts the sandbox now, for the checks to come (the agent's work being committed meanwhile);
   * a failure to start is told by the first `run`.
   */
  warm(): void;
  /** Ends the sandbox (its stdin closed: the runner exits) and frees what it held. */
  end(): Promise<void>;
}

export interface CheckRoundOptions {
  /** How each sandbox is made: the round's policy, folders, environment and working folder. */
  confine: Omit<ConfineRequest, 'command' | 'args'>;
  /** The process-tree marker of the attempt. */
  marker: string;
  graceMs: number;
  maxLineBytes: number;
}

/**
 * The runner. Each line it reads is a check: a nonce Baton made for it, then its words quoted
 * for bash. Its own stderr goes nowhere (bash's job notices); the checks' stderr and the end
 * marks go to fd 3, the sandbox's stderr. After a check, every process started after the runner
 * (the check's, and any that left its group) is stopped: nothing of one check runs in the next.
 * A mark is the round's secret, the check's nonce, its exit code and how many processes it left
 * (told in its output), on a line of its own: it
 * starts with a newline, so a check's last line without one cannot hide it; the empty line this
 * adds after output that ended with a newline is dropped by the reader.
 */
const RUNNER = [
  'exec 3>&2 2>/dev/null',
  'set -m',
  'IFS= read -r secret || exit 0',
  // The processes started after the runner (zombies aside), by their pids in its own namespace:
  // the sandbox may nest one (its seccomp helper does), and /proc shows the outer one, so each
  // process's pids are read from its NSpid line, the runner's depth from its own.
  `depth=0; while read -r k rest; do if [ "$k" = NSpid: ]; then set -- $rest; depth=$#; break; fi; done < /proc/self/status`,
  'after() { local p k rest st pid; out=; for p in /proc/[0-9]*; do st=; pid=;',
  `  while read -r k rest; do case "$k" in State:) st=$rest;; NSpid:) set -- $rest; [ $# -eq "$depth" ] && pid=\${!#};; esac; done < "$p/status"`,
  `  if [ -n "$pid" ] && [ "$pid" -gt "$$" ]; then case "$st" in Z*) ;; *) out="$out $pid";; esac; fi; done; }`,
  'left() { after; [ -n "$out" ]; }',
  'signal() { after; [ -n "$out" ] && kill "-$1" $out; }',
  'while IFS= read -r line; do',
  `  nonce=\${line%% *}; words=\${line#* }`,
  '  ( eval "exec $words" ) </dev/null 2>&3 3>&- &',
  '  wait "$!"; rc=$?; stopped=0',
  '  if left; then',
  '    set -- $out; stopped=$#',
  '    signal TERM; i=0; while left && [ $i -lt 200 ]; do sleep 0.01; i=$((i+1)); done',
  '    signal KILL',
  '  fi',
  `  printf '\\n%s %s %s %s\\n' "$secret" "$nonce" "$rc" "$stopped"`,
  `  printf '\\n%s %s %s %s\\n' "$secret" "$nonce" "$rc" "$stopped" >&3`,
  'done',
].join('\n');

/**
 * A word quoted for bash as one line: `$'…'` with backslashes, quotes and control characters
 * escaped, so an argument holding a newline (a script for `bash -c`) stays one word of one line.
 */
export function quoteLine(s: string): string {
  let out = "$'";
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** What a check that was not Baton's ran in the round's sandbox, said in the check's output. */
const TAMPERED =
  "baton: a command Baton did not send ran in the checks' sandbox (a process of a check wrote to its runner): the sandbox was stopped";

/** A check's lines and end, fed by the runner's reader. */
interface Current {
  nonce: string;
  channel: ReturnType<typeof createEventChannel<OutputLine>>;
  /** Per stream: the mark seen; an empty line held back (it may be the mark's own). */
  marked: { stdout: boolean; stderr: boolean };
  held: { stdout: boolean; stderr: boolean };
  code: number | null;
  resolve: (end: { code: number | null; signal: NodeJS.Signals | null; spawnError: string | null }) => void;
}

interface Runner {
  program: ConfinedProgram;
  tree: ReturnType<typeof spawnTree>;
  secret: string;
  current: Current | null;
  dead: boolean;
  /** The runner's own end. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError: string | null }>;
}

export function checkRound(o: CheckRoundOptions): CheckRound {
  /** The runner, started or starting; a dead one is replaced by the next `run`. */
  let starting: Promise<{ ok: true; runner: Runner } | { ok: false; error: string }> | null = null;
  let ended = false;

  const startRunner = async (): Promise<{ ok: true; runner: Runner } | { ok: false; error: string }> => {
    const confined = await confine({ ...o.confine, command: 'bash', args: ['-c', RUNNER] });
    if (!confined.ok) return { ok: false, error: confined.error };
    const program = confined.program;
    const secret = randomBytes(12).toString('hex');
    const tree = spawnTree(program.command, program.args, {
      cwd: o.confine.cwd,
      env: program.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      graceMs: o.graceMs,
      id: o.marker,
    });
    const r: Runner = {
      program,
      tree,
      secret,
      current: null,
      dead: false,
      exited: Promise.resolve({ code: null, signal: null, spawnError: null }),
    };
    const { child } = tree;
    child.stdin!.on('error', () => {}); // the runner may be gone
    child.stdin!.write(`${secret}\n`);
    // Any line of the secret and an exit code is a mark: one whose nonce is not the current check's is not Baton's.
    const mark = new RegExp(`^${secret} (.*) (\\d+) (\\d+)$`);
    const splitters = {
      stdout: createLineSplitter(o.maxLineBytes),
      stderr: createLineSplitter(o.maxLineBytes),
    };
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]!.on('data', (chunk: Buffer) => {
        for (const line of splitters[stream].push(chunk)) route(r, stream, line, mark);
      });
    }
    r.exited = new Promise((resolve) => {
      let spawnError: string | null = null;
      child.on('error', (err) => {
        if (child.pid === undefined) spawnError = err.message;
      });
      child.on('close', (code, signal) => {
        r.dead = true;
        // A check's last words without their newline (a progress line when it timed out) are its own.
        for (const stream of ['stdout', 'stderr'] as const) {
          const last = splitters[stream].end();
          const c = r.current;
          if (!c) continue;
          if (c.held[stream]) c.channel.push({ stream, line: { text: '', truncated: 0 } });
          c.held[stream] = false;
          if (last) c.channel.push({ stream, line: last });
        }
        void tree.stop().then(() => resolve({ code, signal, spawnError }));
      });
    });
    // The runner gone (the sandbox failed, or was stopped): the check it ran ends with it.
    void r.exited.then((end) => {
      const c = r.current;
      if (!c) return;
      r.current = null;
      c.channel.close();
      c.resolve(end);
    });
    return { ok: true, runner: r };
  };

  /** One line of the runner's output: the current check's, or its end mark. */
  const route = (r: Runner, stream: 'stdout' | 'stderr', line: OutputLine['line'], mark: RegExp) => {
    const c = r.current;
    const m = line.truncated === 0 ? mark.exec(line.text) : null;
    if (m && (!c || m[1] !== c.nonce)) {
      // A mark of a check Baton did not send: something wrote to the runner. Stopped, said.
      c?.channel.push({ stream: 'stderr', line: { text: TAMPERED, truncated: 0 } });
      r.dead = true;
      void r.tree.stop();
      return;
    }
    if (!c) return;
    if (m) {
      c.held[stream] = false; // the empty line before the mark is the mark's own
      c.marked[stream] = true;
      c.code = Number(m[2]);
      if (c.marked.stdout && c.marked.stderr) {
        const stopped = Number(m[3]);
        if (stopped > 0)
          c.channel.push({
            stream: 'stderr',
            line: {
              text: `baton: stopped ${stopped} process${stopped === 1 ? '' : 'es'} the check left running`,
              truncated: 0,
            },
          });
        r.current = null;
        c.channel.close();
        c.resolve({ code: c.code, signal: null, spawnError: null });
      }
      return;
    }
    if (c.marked[stream]) return; // after its mark: nothing of this check's
    if (c.held[stream]) {
      c.held[stream] = false;
      c.channel.push({ stream, line: { text: '', truncated: 0 } });
    }
    if (line.text === '' && line.truncated === 0) c.held[stream] = true;
    else c.channel.push({ stream, line });
  };

  return {
    async run<Why extends string>(command: string, args: readonly string[]) {
      const problem = programProblem(command, o.confine.env.PATH ?? userEnv().PATH ?? '', o.confine.cwd);
      if (problem) return { ok: false as const, error: problem, unstartable: true as const };
      let started = await starting;
      if (!started?.ok || started.runner.dead) {
        if (started?.ok) await started.runner.program.release();
        starting = startRunner();
        started = await starting;
        if (!started.ok) {
          starting = null;
          return started;
        }
      }
      const r = started.runner;
      let stopped: Why | null = null;
      const channel = createEventChannel<OutputLine>({
        onPressure: (paused) => {
          for (const s of [r.tree.child.stdout!, r.tree.child.stderr!]) paused ? s.pause() : s.resume();
        },
      });
      const nonce = randomBytes(8).toString('hex');
      const ended = new Promise<LineProcessEnd<Why>>((resolve) => {
        r.current = {
          nonce,
          channel,
          marked: { stdout: false, stderr: false },
          held: { stdout: false, stderr: false },
          code: null,
          resolve: (end) => resolve({ ...end, stopped }),
        };
      });
      r.tree.child.stdin!.write(`${nonce} ${[command, ...args].map(quoteLine).join(' ')}\n`);
      const check: RoundCheck<Why> = {
        lines: channel.drain(),
        ended: ended.then(async (end) => {
          // The sandbox's reports of the check's last moments may still be on their way.
          await new Promise((res) => setImmediate(res));
          await new Promise((res) => setTimeout(res, 0));
          return end;
        }),
        stop(why) {
          if (stopped !== null || r.current?.channel !== channel) return;
          stopped = why;
          // The check's own processes are in the sandbox's namespace: the whole sandbox is stopped.
          r.dead = true;
          void r.tree.stop();
        },
        program: r.program,
      };
      return { ok: true as const, check };
    },
    warm() {
      if (ended || starting) return;
      starting = startRunner();
      // Told by the first run; never an unhandled rejection (startRunner answers, never throws, but a bug may).
      starting.catch(() => {});
    },
    async end() {
      ended = true;
      const got = await starting?.catch(() => null);
      starting = null;
      if (!got?.ok) return;
      const r = got.runner;
      r.tree.child.stdin!.end();
      // The runner exits once its stdin is closed; one that does not (a check's leftover holding on) is stopped.
      const late = setTimeout(() => void r.tree.stop(), o.graceMs);
      await r.exited;
      clearTimeout(late);
      await r.program.release();
    },
  };
}
