import { spawnTree } from '../../processes/process-tree.ts';
import { createEventChannel } from './event-channel.ts';
import type { Line } from './line-splitter.ts';
import { createLineSplitter } from './line-splitter.ts';

/**
 * How long the pipes may stay open once the program exited and what it left behind was
 * stopped: only a process Baton could not find (process-tree.ts) still holds them then.
 */
const PIPE_WAIT_MS = 1_000;

export interface OutputLine {
  stream: 'stdout' | 'stderr';
  line: Line;
}

export interface LineProcessEnd<Why extends string> {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The program could not be started (not found, not executable, bad cwd). */
  spawnError: string | null;
  /** Why Baton stopped it, if it did (the first reason given). */
  stopped: Why | null;
}

export interface LineProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Written to the program's stdin, which is then closed (unless `keepStdin`); `null`: stdin is closed from the start. */
  stdin: string | null;
  /** stdin stays open after `stdin` for more (`write`) until `endInput` (Claude Code's `--input-format stream-json`). */
  keepStdin?: boolean;
  /** The process-tree marker (`BATON_ATTEMPT`): a Baton that died leaves processes found by it. */
  marker?: string;
  /** Between SIGTERM and SIGKILL. */
  graceMs: number;
  /** The longest line kept whole, per stream; a longer one is cut. */
  maxLineBytes: { stdout: number; stderr: number };
}

/**
 * A program as a process tree (process-tree.ts), its output handed out as lines with
 * backpressure. `stop(why)` stops the whole tree (SIGTERM, then SIGKILL after `graceMs`) and
 * records the first reason. The program's own exit ends the run: what it left behind is stopped
 * the same way at once, even when it holds the output pipes open. `ended` settles once every
 * process of the tree is gone. The command and coding executors both run their programs here.
 */
export function runLineProcess<Why extends string>(opts: LineProcessOptions) {
  const tree = spawnTree(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: [opts.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    graceMs: opts.graceMs,
    ...(opts.marker !== undefined ? { id: opts.marker } : {}),
  });
  const { child } = tree;
  const streams = [child.stdout!, child.stderr!];
  const channel = createEventChannel<OutputLine>({
    onPressure: (paused) => {
      for (const s of streams) paused ? s.pause() : s.resume();
    },
  });
  const splitters = {
    stdout: createLineSplitter(opts.maxLineBytes.stdout),
    stderr: createLineSplitter(opts.maxLineBytes.stderr),
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]!.on('data', (chunk: Buffer) => {
      for (const line of splitters[stream].push(chunk)) channel.push({ stream, line });
    });
  }
  let inputOpen = opts.stdin !== null && opts.keepStdin === true;
  if (opts.stdin !== null) {
    child.stdin!.on('error', () => {
      inputOpen = false; // the program need not read its stdin, and may be gone
    });
    if (inputOpen) child.stdin!.write(opts.stdin);
    else child.stdin!.end(opts.stdin);
  }
  /** More for the program's open stdin; false when it is closed (never opened, ended, or the program gone). */
  const write = (text: string): boolean => {
    if (!inputOpen || exited || child.stdin!.destroyed || child.stdin!.writableEnded) return false;
    child.stdin!.write(text);
    return true;
  };
  /** Closes the open stdin: the program reads to its end. */
  const endInput = (): void => {
    if (!inputOpen) return;
    inputOpen = false;
    if (!child.stdin!.destroyed) child.stdin!.end();
  };

  let stopped: Why | null = null;
  let exited = false;
  const stop = (why: Why) => {
    if (stopped !== null || exited || child.pid === undefined) return;
    stopped = why;
    void tree.stop();
  };
  const ended = new Promise<LineProcessEnd<Why>>((resolve) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    let spawnError: string | null = null;
    let pipeTimer: NodeJS.Timeout | null = null;
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      if (pipeTimer) clearTimeout(pipeTimer);
      for (const stream of ['stdout', 'stderr'] as const) {
        const last = splitters[stream].end();
        if (last) channel.push({ stream, line: last });
      }
      channel.close();
      await tree.stop(); // a last look: nothing of the tree may outlive the run
      resolve({ ...exit, spawnError, stopped });
    };
    // Normally the pipes close once every process holding them is gone. One Baton could not
    // find would hold them for ever: give up on them, unless the reader is just slow.
    const waitForPipes = () => {
      if (finished) return;
      pipeTimer = setTimeout(() => {
        if (channel.paused) return waitForPipes();
        for (const s of streams) s.destroy();
        void finish();
      }, PIPE_WAIT_MS);
    };
    child.on('error', (err) => {
      if (child.pid === undefined) {
        spawnError = err.message;
        void finish();
      }
    });
    child.on('exit', (code, signal) => {
      exited = true;
      exit = { code, signal };
      // The run ends with the program: stop what it left behind now (it may hold the pipes).
      void tree.stop().then(waitForPipes);
    });
    child.on('close', () => void finish());
  });
  return { lines: channel.drain(), ended, stop, write, endInput, pid: child.pid };
}
