import type { LineProcessEnd } from '../../shared/line-process.ts';
import { runLineProcess } from '../../shared/line-process.ts';

/**
 * The longest stdout line kept whole: claude prints a `Write`'s whole content in one event. A
 * longer line is cut (and the attempt stopped: a cut event is not JSON any more).
 */
export const MAX_EVENT_BYTES = 16 * 1024 * 1024;
/** stderr lines are log lines: cut much sooner. */
const MAX_STDERR_LINE = 64 * 1024;

/** How a CLI ended; `stopped` is why Baton stopped it, if it did (the first reason given). */
export type CliEnd = LineProcessEnd<string>;

export interface CliProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** The process-tree marker (`BATON_ATTEMPT`): a Baton that died leaves processes found by it. */
  marker: string;
  /** Between SIGTERM and SIGKILL. */
  graceMs: number;
  /** The first message on stdin, which then stays open for a person's (`Invocation.input`); null: stdin closed. */
  input: string | null;
}

/**
 * A coding CLI (shared/line-process.ts: a process tree, its output as lines with backpressure),
 * stdin closed (codex would wait for more prompt on a pipe), or, for a CLI given its prompt on
 * stdin (`input`: Claude Code's `--input-format stream-json`), kept open for a person's messages. `stop(why)` stops the whole tree
 * and records why.
 */
export function runCli(opts: CliProcessOptions) {
  return runLineProcess<string>({
    ...opts,
    stdin: opts.input,
    keepStdin: opts.input !== null,
    maxLineBytes: { stdout: MAX_EVENT_BYTES, stderr: MAX_STDERR_LINE },
  });
}
