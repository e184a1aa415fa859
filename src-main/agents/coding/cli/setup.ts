import type { ExecutorEvent } from '../../../engine/executor.ts';
import { truncateText } from '../../../engine/executors/shared/line-splitter.ts';
import { MAX_LOG_LINE } from '../../../engine/executors/shared/output-caps.ts';
import { runCli } from './cli-process.ts';

export interface SetupOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  marker: string;
  graceMs: number;
  signal: AbortSignal;
  clean: (text: string) => string;
}

/**
 * The workspace's setup command (`npm ci`) in a fresh worktree, without a shell, before the
 * agent: its output as log lines. Returns null when it succeeded, else why the attempt fails
 * (`cancelled` when the attempt was).
 */
export async function* runSetup(o: SetupOptions): AsyncGenerator<ExecutorEvent, string | null> {
  const [command, ...args] = o.argv as [string, ...string[]];
  const shown = o.argv.join(' ');
  yield { type: 'log', stream: 'info', text: `setup: ${shown}` };
  const proc = runCli({
    command,
    args,
    cwd: o.cwd,
    env: o.env,
    marker: `${o.marker}/setup`,
    graceMs: o.graceMs,
  });
  const onAbort = () => proc.stop('cancelled');
  o.signal.addEventListener('abort', onAbort, { once: true });
  let lastErr = '';
  try {
    for await (const { stream, line } of proc.lines) {
      const text = truncateText(o.clean(line.text), MAX_LOG_LINE, line.truncated);
      if (stream === 'stderr' && text.trim()) lastErr = text;
      yield { type: 'log', stream, text };
    }
    const end = await proc.ended;
    if (end.stopped === 'cancelled' || o.signal.aborted) return 'cancelled';
    if (end.spawnError !== null)
      return o.clean(`cannot start the setup command "${shown}": ${end.spawnError}`);
    if (end.code === 0) return null;
    const how = end.signal ? `was killed by ${end.signal}` : `exited with code ${end.code}`;
    return o.clean(`the setup command "${shown}" ${how}${lastErr ? `: ${truncateText(lastErr, 500)}` : ''}`);
  } finally {
    o.signal.removeEventListener('abort', onAbort);
    proc.stop('the attempt ended');
    await proc.ended;
  }
}
