import { createEventChannel } from './event-channel.ts';
import type { Line } from './line-splitter.ts';
import { createLineSplitter } from './line-splitter.ts';
import { OUTPUT_CAPS } from './output-caps.ts';
import { reapGroup, spawnGroup, stopGroup } from './process-tree.ts';

/** The longest line kept whole: a `::result` line with JSON up to the result cap; the rest is dropped. */
export const MAX_LINE_BYTES = OUTPUT_CAPS.command.result + '::result '.length;

export interface OutputLine {
  stream: 'stdout' | 'stderr';
  line: Line;
}

export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The program could not be started (not found, not executable, bad cwd). */
  spawnError: string | null;
  /** Why Baton stopped it, if it did. */
  stopped: 'abort' | 'timeout' | null;
}

export interface ProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Written to the program's stdin, which is then closed. */
  stdin: string;
  signal: AbortSignal;
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL. */
  graceMs: number;
}

/**
 * Runs a program as its own process group and hands out its output as lines, with
 * backpressure. Aborting `signal` or passing `timeoutMs` stops the whole group (SIGTERM,
 * then SIGKILL after `graceMs`); when the program ends by itself, processes it left behind
 * are stopped the same way. `ended` settles once every process of the group is gone.
 */
export function runProcess(opts: ProcessOptions) {
  const child = spawnGroup(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const streams = [child.stdout!, child.stderr!];
  const channel = createEventChannel<OutputLine>({
    onPressure: (paused) => {
      for (const s of streams) paused ? s.pause() : s.resume();
    },
  });
  const splitters = {
    stdout: createLineSplitter(MAX_LINE_BYTES),
    stderr: createLineSplitter(MAX_LINE_BYTES),
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]!.on('data', (chunk: Buffer) => {
      for (const line of splitters[stream].push(chunk)) channel.push({ stream, line });
    });
  }
  child.stdin!.on('error', () => {}); // the program need not read its stdin
  child.stdin!.end(opts.stdin);

  let stopped: ProcessEnd['stopped'] = null;
  let exited = false;
  let cancelKill: (() => void) | null = null;
  const stop = (why: 'abort' | 'timeout') => {
    if (stopped || exited || child.pid === undefined) return;
    stopped = why;
    cancelKill = stopGroup(child.pid, opts.graceMs);
  };
  const onAbort = () => stop('abort');
  opts.signal.addEventListener('abort', onAbort, { once: true });
  const timer = opts.timeoutMs === undefined ? null : setTimeout(() => stop('timeout'), opts.timeoutMs);

  const ended = new Promise<ProcessEnd>((resolve) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    let spawnError: string | null = null;
    let closeTimer: NodeJS.Timeout | null = null;
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      if (closeTimer) clearTimeout(closeTimer);
      opts.signal.removeEventListener('abort', onAbort);
      for (const stream of ['stdout', 'stderr'] as const) {
        const last = splitters[stream].end();
        if (last) channel.push({ stream, line: last });
      }
      channel.close();
      cancelKill?.();
      if (child.pid !== undefined) await reapGroup(child.pid, opts.graceMs);
      resolve({ ...exit, spawnError, stopped });
    };
    // Normally 'close' follows 'exit' once the pipes are drained. A process that left the
    // group and still holds a pipe would delay it for ever: give up on the pipes after a while.
    const waitForClose = () => {
      closeTimer = setTimeout(() => {
        if (channel.paused) return waitForClose(); // the reader is slow, not the program
        for (const s of streams) s.destroy();
        void finish();
      }, opts.graceMs + 5_000);
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
      if (child.pid !== undefined && !stopped) cancelKill = stopGroup(child.pid, opts.graceMs);
      waitForClose();
    });
    child.on('close', () => void finish());
  });

  return {
    lines: channel.drain(),
    ended,
    /** Stops the program (the consumer went away). */
    stop: onAbort,
  };
}
