import { whenAborted } from '../../../base/abort.ts';
import type { ExecutorEvent } from '../../../engine/executor.ts';
import type { SandboxOf } from '../../../sandbox/index.ts';
import { confine, exitOutside, inFolder } from '../../../sandbox/index.ts';
import { truncateText } from '../../shared/line-splitter.ts';
import { MAX_LOG_LINE } from '../../shared/output-caps.ts';
import { sandboxStep, withRefusals } from '../../shared/sandboxed.ts';
import { runCli } from './process.ts';

export interface SetupOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  marker: string;
  graceMs: number;
  signal: AbortSignal;
  clean: (text: string) => string;
  /** The OS sandbox it runs in: the workspace's policy narrowed by the plan (on an agent's work, within the agent's), and Baton's folders to hide. */
  sandbox: SandboxOf;
  /** The seq of the next step (what the sandbox refused it). */
  nextSeq: () => number;
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
  // In its sandbox (the workspace's; on an agent's work, within the agent's): it writes only the worktree (and a temp folder of its own).
  const confined = await confine({ ...inFolder(o.sandbox, o.cwd, o.env), command, args });
  if (!confined.ok)
    return o.clean(
      confined.unstartable
        ? `cannot start the setup command "${shown}": ${confined.error}`
        : `the setup command "${shown}" was not run: ${confined.error}`,
    );
  const program = confined.program;
  const refusals = function* (blocked: ReturnType<typeof program.take>): Generator<ExecutorEvent> {
    for (const b of blocked)
      yield {
        type: 'step',
        step: { ...sandboxStep(b, 'setup'), seq: o.nextSeq(), at: new Date().toISOString() },
      };
  };
  const proc = runCli({
    command: program.command,
    args: program.args,
    cwd: o.cwd,
    env: program.env,
    input: null,
    marker: `${o.marker}/setup`,
    graceMs: o.graceMs,
  });
  const forget = whenAborted(o.signal, () => proc.stop('cancelled'));
  let lastErr = '';
  try {
    for await (const got of withRefusals(proc.lines, program)) {
      if ('blocked' in got) {
        yield* refusals(got.blocked);
        continue;
      }
      const { stream, line } = got.item;
      if (stream === 'stderr') program.stderr(line.text);
      const text = truncateText(o.clean(line.text), MAX_LOG_LINE, line.truncated);
      if (stream === 'stderr' && text.trim()) lastErr = text;
      yield { type: 'log', stream, text };
    }
    const ran = await proc.ended;
    await program.release();
    yield* refusals(program.take());
    const end = { ...ran, ...exitOutside(program.sandboxed, ran.code, ran.signal) };
    if (end.stopped === 'cancelled' || o.signal.aborted) return 'cancelled';
    if (end.spawnError !== null)
      return o.clean(`cannot start the setup command "${shown}": ${end.spawnError}`);
    if (end.code === 0) return null;
    const how = end.signal ? `was killed by ${end.signal}` : `exited with code ${end.code}`;
    return o.clean(`the setup command "${shown}" ${how}${lastErr ? `: ${truncateText(lastErr, 500)}` : ''}`);
  } finally {
    forget();
    proc.stop('the attempt ended');
    await proc.ended;
    await program.release();
  }
}
