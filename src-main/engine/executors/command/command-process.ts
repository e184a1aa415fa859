import { createEventChannel } from '../shared/event-channel.ts';
import type { Line } from '../shared/line-splitter.ts';
import { createLineSplitter } from '../shared/line-splitter.ts';
import { OUTPUT_CAPS } from '../shared/output-caps.ts';
import { spawnTree } from '../shared/process-tree.ts';

/** The longest line kept whole: a `::result` line with JSON up to the result cap; the rest is dropped. */
export const MAX_LINE_BYTES = OUTPUT_CAPS.command.result + '::result '.length;
/**
 * How long the pipes may stay open once the program exited and what it left behind was
 * stopped: only a process Baton could not find (process-tree.ts) still holds them then.
 */
const PIPE_WAIT_MS = 1_000;

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
 * Runs a program as a process tree (process-tree.ts) and hands out its output as lines, with
 * backpressure. Aborting `signal` or passing `timeoutMs` stops the whole tree (SIGTERM, then
 * SIGKILL after `graceMs`). The program's own exit ends the run: what it left behind is
 * stopped the same way at once, even when it holds the output pipes open. `ended` settles
 * once every process of the tree is gone.
 */
export function runProcess(opts: ProcessOptions) {
  const tree = spawnTree(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    graceMs: opts.graceMs,
  });
  const { child } = tree;
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
  const stop = (why: 'abort' | 'timeout') => {
    if (stopped || exited || child.pid === undefined) return;
    stopped = why;
    void tree.stop();
  };
  const onAbort = () => stop('abort');
  opts.signal.addEventListener('abort', onAbort, { once: true });
  const timer = opts.timeoutMs === undefined ? null : setTimeout(() => stop('timeout'), opts.timeoutMs);

  const ended = new Promise<ProcessEnd>((resolve) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    let spawnError: string | null = null;
    let pipeTimer: NodeJS.Timeout | null = null;
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      if (pipeTimer) clearTimeout(pipeTimer);
      opts.signal.removeEventListener('abort', onAbort);
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
      // The attempt ends with the program: stop what it left behind now (it may hold the pipes).
      void tree.stop().then(waitForPipes);
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
