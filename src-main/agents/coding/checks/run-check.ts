import type { CheckOutcome, CheckTests, WorkspaceCheck } from '../../../../src-shared/schemas/checks.ts';
import { CHECK_OUTPUT_TAIL_BYTES, DEFAULT_CHECK_TIMEOUT_S } from '../../../../src-shared/schemas/checks.ts';
import { whenAborted } from '../../../base/abort.ts';
import type { ExecutorEvent } from '../../../engine/executor.ts';
import { ConfinedFolder } from '../../../files/confined-folder.ts';
import type { ConfinedProgram, SandboxOf } from '../../../sandbox/index.ts';
import { confine, exitOutside, inFolder } from '../../../sandbox/index.ts';
import type { LineProcessEnd, OutputLine } from '../../shared/line-process.ts';
import { runLineProcess } from '../../shared/line-process.ts';
import { sandboxStep, withRefusals } from '../../shared/sandboxed.ts';
import type { CheckRound } from './check-round.ts';
import { parseJunit } from './junit.ts';
import { createTail } from './tail.ts';
import { createTapCounter } from './tap.ts';

/** The longest line of a check's output kept whole (a longer one is cut; the tail caps the rest). */
export const MAX_CHECK_LINE = 64 * 1024;
/** The most of a JUnit file read. */
const MAX_JUNIT_BYTES = 16 * 1024 * 1024;

export interface CheckRun {
  check: WorkspaceCheck;
  /** The attempt's worktree: where it runs, the one folder it writes. */
  cwd: string;
  env: Record<string, string>;
  marker: string;
  graceMs: number;
  signal: AbortSignal;
  clean: (text: string) => string;
  /**
   * The workspace's sandbox within the agent's (both narrowed by the plan), Baton's folders to
   * hide, and the sandbox the round's checks share (`checkRound`; none: each check a sandbox of its own).
   */
  sandbox: SandboxOf & { round?: CheckRound | undefined };
  round: number;
  /** The seq of the next step (what the sandbox refused it). */
  nextSeq: () => number;
  now?: () => number;
  /** Bytes of output kept (default 64 KB; tests make it smaller). */
  tailBytes?: number;
}

/**
 * One check, without a shell, in the attempt's worktree and its OS sandbox (the workspace's within the agent's): stopped
 * (its whole process tree) at its timeout or when the attempt is cancelled; its output kept as a
 * tail and counted as TAP as it comes; its JUnit file read when it names one. Returns how it
 * ended, or `cancelled`.
 */
export async function* runCheck(o: CheckRun): AsyncGenerator<ExecutorEvent, CheckOutcome | 'cancelled'> {
  const now = o.now ?? Date.now;
  const started = now();
  const [command, ...args] = o.check.command as [string, ...string[]];
  const tail = createTail(o.tailBytes ?? CHECK_OUTPUT_TAIL_BYTES);
  const tap = createTapCounter();
  const outcome = (
    status: CheckOutcome['status'],
    exit: number | null,
    tests: CheckTests | null,
  ): CheckOutcome => ({
    name: o.check.name,
    status,
    exit_code: exit,
    duration_ms: Math.max(0, now() - started),
    output_tail: o.clean(tail.text()),
    output_bytes: tail.bytes,
    tests,
    round: o.round,
  });
  const launched = await startCheck<Stop>(o, command, args);
  if (!launched.ok) {
    tail.push(`cannot start check "${o.check.name}": ${launched.error}`);
    return outcome('failed', null, null);
  }
  const { proc, program, ownSandbox } = launched;
  const refusals = function* (blocked: ReturnType<typeof program.take>): Generator<ExecutorEvent> {
    for (const b of blocked)
      yield {
        type: 'step',
        step: {
          ...sandboxStep(b, `check ${o.check.name}`),
          seq: o.nextSeq(),
          at: new Date(now()).toISOString(),
        },
      };
  };
  /** Its sandbox's last reports waited for: freed when it was the check's own, else the round's. */
  const settle = () => (ownSandbox ? program.release() : Promise.resolve());
  const timeout = (o.check.timeout_s ?? DEFAULT_CHECK_TIMEOUT_S) * 1000;
  const timer = setTimeout(() => proc.stop('timed out'), timeout);
  const forget = whenAborted(o.signal, () => proc.stop('cancelled'));
  try {
    for await (const got of withRefusals(proc.lines, program)) {
      if ('blocked' in got) {
        yield* refusals(got.blocked);
        continue;
      }
      const { stream, line } = got.item;
      if (stream === 'stderr') program.stderr(line.text);
      else tap.line(line.text);
      tail.push(
        line.truncated > 0 ? `${line.text}… (${line.truncated} bytes of this line cut)\n` : `${line.text}\n`,
      );
    }
    const ran = await proc.ended;
    await settle();
    yield* refusals(program.take());
    const end = { ...ran, ...exitOutside(program.sandboxed, ran.code, ran.signal) };
    if (end.stopped === 'cancelled' || o.signal.aborted) return 'cancelled';
    if (end.stopped === 'timed out') {
      tail.push(`stopped: timed out after ${timeout / 1000} s\n`);
      return outcome('timed_out', null, tap.result());
    }
    if (end.spawnError !== null) {
      tail.push(`cannot start check "${o.check.name}": ${end.spawnError}\n`);
      return outcome('failed', null, null);
    }
    const tests = (o.check.junit ? await readJunit(o.cwd, o.check.junit) : null) ?? tap.result();
    return outcome(end.code === 0 ? 'passed' : 'failed', end.code, tests);
  } finally {
    clearTimeout(timer);
    forget();
    proc.stop('the attempt ended');
    await proc.ended;
    await settle();
  }
}

type Stop = 'timed out' | 'cancelled' | 'the attempt ended';

/** What a check runs as: its lines, end and stop, and the sandboxed program they come from. */
interface Started<Why extends string> {
  ok: true;
  proc: {
    lines: AsyncGenerator<OutputLine, void>;
    ended: Promise<LineProcessEnd<Why>>;
    stop(why: Why): void;
  };
  program: ConfinedProgram;
  /** Whether the sandbox is the check's own (released with it), not the round's. */
  ownSandbox: boolean;
}

/**
 * Starts the check: in the round's sandbox (`round`, one sandbox for all the round's checks) when
 * its policy sandboxes it, else as a program of its own (in its own sandbox when it has a
 * policy's but no round).
 */
async function startCheck<Why extends string>(
  o: CheckRun,
  command: string,
  args: string[],
): Promise<Started<Why> | { ok: false; error: string }> {
  const round = o.sandbox.policy.mode === 'off' ? undefined : o.sandbox.round;
  if (round) {
    const ran = await round.run<Why>(command, args);
    if (!ran.ok) return ran;
    return { ok: true, proc: ran.check, program: ran.check.program, ownSandbox: false };
  }
  const confined = await confine({ ...inFolder(o.sandbox, o.cwd, o.env), command, args });
  if (!confined.ok) return confined;
  const program = confined.program;
  const proc = runLineProcess<Why>({
    command: program.command,
    args: program.args,
    cwd: o.cwd,
    env: program.env,
    stdin: null,
    marker: `${o.marker}/check-${o.check.name}`,
    graceMs: o.graceMs,
    maxLineBytes: { stdout: MAX_CHECK_LINE, stderr: MAX_CHECK_LINE },
  });
  return { ok: true, proc, program, ownSandbox: true };
}

/** The tests of a JUnit file a check wrote (its first 16 MB); null when it is not there or holds none. */
/**
 * The JUnit report a check wrote, read through the worktree (`ConfinedFolder`): a link in it
 * that leads out of the worktree (to a key in the home, say) is refused, not followed, as Baton
 * reads it outside the sandbox. Null when there is none, or it is not one Baton may read.
 */
async function readJunit(worktree: string, rel: string): Promise<CheckTests | null> {
  try {
    const { handle, stats } = await new ConfinedFolder(worktree).file(rel);
    try {
      const buf = Buffer.alloc(Math.min(stats.size, MAX_JUNIT_BYTES));
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
      return parseJunit(buf.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}
