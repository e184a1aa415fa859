import { whenAborted } from '../../base/abort.ts';
import type { LineProcessEnd } from '../shared/line-process.ts';
import { runLineProcess } from '../shared/line-process.ts';
import { OUTPUT_CAPS } from '../shared/output-caps.ts';

/** The longest line kept whole: a `::result` line with JSON up to the result cap; the rest is dropped. */
export const MAX_LINE_BYTES = OUTPUT_CAPS.command.result + '::result '.length;

/** How a command ended; `stopped` says why Baton stopped it, if it did. */
export type ProcessEnd = LineProcessEnd<'abort' | 'timeout'>;

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
  /** The process-tree marker (`BATON_ATTEMPT`): a Baton that died leaves processes found by it. */
  marker?: string;
}

/**
 * Runs a command agent's program (shared/line-process.ts: a process tree, its output as lines
 * with backpressure). Aborting `signal` or passing `timeoutMs` stops the whole tree.
 */
export function runProcess(opts: ProcessOptions) {
  const run = runLineProcess<'abort' | 'timeout'>({
    command: opts.command,
    args: opts.args,
    cwd: opts.cwd,
    env: opts.env,
    stdin: opts.stdin,
    graceMs: opts.graceMs,
    ...(opts.marker !== undefined ? { marker: opts.marker } : {}),
    maxLineBytes: { stdout: MAX_LINE_BYTES, stderr: MAX_LINE_BYTES },
  });
  const onAbort = () => run.stop('abort');
  const forget = whenAborted(opts.signal, onAbort);
  const timer = opts.timeoutMs === undefined ? null : setTimeout(() => run.stop('timeout'), opts.timeoutMs);
  const ended = run.ended.finally(() => {
    if (timer) clearTimeout(timer);
    forget();
  });
  return {
    lines: run.lines,
    ended,
    /** Stops the program (the consumer went away). */
    stop: onAbort,
  };
}
