import { createEventChannel } from '../shared/event-channel.ts';
import type { Line } from '../shared/line-splitter.ts';
import { createLineSplitter } from '../shared/line-splitter.ts';
import { spawnTree } from '../shared/process-tree.ts';

/**
 * The longest stdout line kept whole: claude prints a `Write`'s whole content in one event. A
 * longer line is cut (and the attempt stopped: a cut event is not JSON any more).
 */
export const MAX_EVENT_BYTES = 16 * 1024 * 1024;
/** stderr lines are log lines: cut much sooner. */
const MAX_STDERR_LINE = 64 * 1024;
/** How long the pipes may stay open once the CLI exited and its tree was stopped. */
const PIPE_WAIT_MS = 1_000;

export interface CliLine {
  stream: 'stdout' | 'stderr';
  line: Line;
}

export interface CliEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The program could not be started (not found, not executable). */
  spawnError: string | null;
  /** Why Baton stopped it, if it did (the first reason given). */
  stopped: string | null;
}

export interface CliProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** The process-tree marker (`BATON_ATTEMPT`): a Baton that died leaves processes found by it. */
  marker: string;
  /** Between SIGTERM and SIGKILL. */
  graceMs: number;
}

/**
 * A coding CLI as a process tree (process-tree.ts), stdin closed (codex would wait for more
 * prompt on a pipe), its output as lines with backpressure. `stop(why)` stops the whole tree
 * (SIGTERM, then SIGKILL after `graceMs`) and records why. The CLI's own exit ends the run:
 * what it left behind is stopped too. `ended` settles once every process of the tree is gone.
 */
export function runCli(opts: CliProcessOptions) {
  const tree = spawnTree(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    graceMs: opts.graceMs,
    id: opts.marker,
  });
  const { child } = tree;
  const streams = [child.stdout!, child.stderr!];
  const channel = createEventChannel<CliLine>({
    onPressure: (paused) => {
      for (const s of streams) paused ? s.pause() : s.resume();
    },
  });
  const splitters = {
    stdout: createLineSplitter(MAX_EVENT_BYTES),
    stderr: createLineSplitter(MAX_STDERR_LINE),
  };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]!.on('data', (chunk: Buffer) => {
      for (const line of splitters[stream].push(chunk)) channel.push({ stream, line });
    });
  }
  let stopped: string | null = null;
  let exited = false;
  const stop = (why: string) => {
    if (stopped !== null || exited || child.pid === undefined) return;
    stopped = why;
    void tree.stop();
  };
  const ended = new Promise<CliEnd>((resolve) => {
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
      await tree.stop(); // nothing of the tree may outlive the attempt
      resolve({ ...exit, spawnError, stopped });
    };
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
      void tree.stop().then(waitForPipes);
    });
    child.on('close', () => void finish());
  });
  return { lines: channel.drain(), ended, stop, pid: child.pid };
}
