import { join } from 'node:path';
import { BATON_ROOT } from '../../base/root.ts';
import { markerOf } from '../../engine/attempt-leftovers.ts';
import type { Executor, ExecutorEvent } from '../../engine/executor.ts';
import { CANCELLED } from '../../engine/executor.ts';
import { ConfinedFolder } from '../../files/confined-folder.ts';
import { confine, exitOutside } from '../../sandbox/index.ts';
import { redact, redactValue } from '../../secrets/secrets.ts';
import { truncateText } from '../shared/line-splitter.ts';
import { cappedExecutor, MAX_LOG_LINE, resultCapError } from '../shared/output-caps.ts';
import type { SandboxDeps } from '../shared/sandboxed.ts';
import { attemptSandbox, sandboxStep, withRefusals } from '../shared/sandboxed.ts';
import { taskDocument } from '../shared/task-document.ts';
import { BATON_DIR, workspaceArtifacts } from '../shared/workspace-artifacts.ts';
import { buildEnv, fillArgs } from './command-args.ts';
import type { ProcessEnd } from './command-process.ts';
import { runProcess } from './command-process.ts';
import { parseProtocolLine } from './command-protocol.ts';

/** The result of a program that exits 0 without `::result`: the end of what it printed. */
const STDOUT_TAIL = 4 * 1024;

export interface CommandExecutorOptions extends SandboxDeps {
  /** Between SIGTERM and SIGKILL when stopping a program (default 2 s). */
  graceMs?: number;
  /** What `{resources}` in args stands for (default: this checkout's resources/ folder). */
  resourcesDir?: string;
}

export const DEFAULT_RESOURCES = join(BATON_ROOT, 'resources');

/**
 * `command` agents: a local program run without a shell in the task's workspace, talking the
 * line protocol of resources/agents/PROTOCOL.md. The task context goes to
 * `<workspace>/.baton/context.json` and to stdin; files left in the workspace become artifacts.
 * Past the log cap (output-caps.ts) output is still read, for `::result`, but not logged.
 * The program runs in the OS sandbox of its agent's policy (src-main/sandbox/): it writes only
 * its workspace; what the sandbox refuses it becomes a `sandbox` step of the attempt.
 */
export function createCommandExecutor(opts: CommandExecutorOptions = {}): Executor {
  const graceMs = opts.graceMs ?? 2_000;
  const resources = opts.resourcesDir ?? DEFAULT_RESOURCES;
  return cappedExecutor('command', async function* (ctx, signal) {
    const { agent } = ctx;
    const built = buildEnv(agent.env, ctx.secrets);
    if (!built.ok) return yield { type: 'error', message: built.error };
    const policy = attemptSandbox(agent.sandbox, ctx);
    if (!policy.ok) return yield { type: 'error', message: policy.error };
    const secrets = built.secrets;
    const clean = (text: string) => redact(text, secrets);

    const contextFile = join(ctx.workspace, BATON_DIR, 'context.json');
    const document = JSON.stringify(taskDocument(ctx));
    try {
      // A file of Baton's own: whatever an agent left by that name (a link too) is replaced.
      await new ConfinedFolder(ctx.workspace).writeFile(`${BATON_DIR}/context.json`, document, {
        fresh: true,
        mode: 0o600,
        makeFolders: true,
      });
    } catch (err) {
      return yield { type: 'error', message: `cannot write the task context: ${(err as Error).message}` };
    }

    const args = fillArgs(agent.args, {
      task_id: ctx.task.task_id,
      description: ctx.task.description,
      context_file: contextFile,
      workspace: ctx.workspace,
      attempt: ctx.attempt,
      resources,
    });
    const confined = await confine({
      policy: policy.policy,
      command: agent.command,
      args,
      cwd: ctx.workspace,
      env: built.env,
      folders: [ctx.workspace],
      hide: opts.hiddenFolders?.() ?? [],
      owner: `agent "${agent.id}"`,
      askHost: ctx.sandboxHosts?.ask,
    });
    if (!confined.ok) {
      const why = confined.unstartable
        ? `cannot start "${agent.command}": ${confined.error}`
        : confined.error;
      return yield { type: 'error', message: clean(why) };
    }
    const program = confined.program;
    let seq = 0;
    const refusals = function* (blocked: ReturnType<typeof program.take>): Generator<ExecutorEvent> {
      for (const b of blocked)
        yield {
          type: 'step',
          step: { ...sandboxStep(b, 'command'), seq: seq++, at: new Date().toISOString() },
        };
    };
    const run = runProcess({
      command: program.command,
      args: program.args,
      cwd: ctx.workspace,
      env: program.env,
      stdin: document,
      signal,
      graceMs,
      // What the program starts carries it too, even in a session of its own (`setsid`).
      marker: markerOf(ctx),
      ...(agent.timeout_s === undefined ? {} : { timeoutMs: agent.timeout_s * 1000 }),
    });

    let result: { json: string; truncated: boolean } | null = null;
    let reportedError: string | null = null;
    let tail = '';
    let lastStderr = '';

    try {
      for await (const got of withRefusals(run.lines, program)) {
        if ('blocked' in got) {
          yield* refusals(got.blocked);
          continue;
        }
        const { stream, line } = got.item;
        if (stream === 'stderr') program.stderr(line.text);
        const p = stream === 'stdout' ? parseProtocolLine(line.text) : ({ kind: 'log' } as const);
        if (p.kind === 'result') {
          result = { json: p.json, truncated: line.truncated > 0 };
          continue;
        }
        if (p.kind === 'error') {
          reportedError ??= truncateText(clean(p.message), MAX_LOG_LINE, line.truncated);
          continue;
        }
        // Redact before cutting, so a cut can never leave half a secret behind.
        const text = truncateText(clean(line.text), MAX_LOG_LINE, line.truncated);
        if (stream === 'stdout' && p.kind === 'log') tail = `${tail}${text}\n`.slice(-STDOUT_TAIL);
        if (stream === 'stderr' && text.trim()) lastStderr = text;
        if (p.kind === 'progress') {
          yield p.message === undefined
            ? { type: 'progress', percent: p.percent }
            : { type: 'progress', percent: p.percent, message: clean(p.message) };
        } else {
          yield { type: 'log', stream, text };
        }
      }
      const end = await run.ended;
      await program.release();
      yield* refusals(program.take());
      if (end.stopped === 'abort' || signal.aborted) return yield CANCELLED;
      if (end.stopped === 'timeout')
        return yield { type: 'error', message: `timed out after ${agent.timeout_s} s` };
      if (end.spawnError !== null) {
        return yield { type: 'error', message: clean(`cannot start "${agent.command}": ${end.spawnError}`) };
      }
      yield* workspaceArtifacts(ctx.workspace, signal);
      const ended = { ...end, ...exitOutside(program.sandboxed, end.code, end.signal) };
      yield signal.aborted ? CANCELLED : outcome(ended, { result, reportedError, lastStderr, tail }, secrets);
    } finally {
      run.stop(); // the engine stopped reading before the end: do not leave the program running
      void run.ended.then(() => program.release());
    }
  });
}

interface Reported {
  result: { json: string; truncated: boolean } | null;
  reportedError: string | null;
  lastStderr: string;
  tail: string;
}

/** How a program that ended by itself did: what it reported, else its exit status. */
function outcome(end: ProcessEnd, r: Reported, secrets: string[]): ExecutorEvent {
  if (r.reportedError !== null) return { type: 'error', message: r.reportedError };
  if (end.code !== 0) {
    const how = end.signal ? `was killed by signal ${end.signal}` : `exited with code ${end.code}`;
    const why = r.lastStderr ? `: ${truncateText(r.lastStderr, 500)}` : '';
    return { type: 'error', message: `command ${how}${why}` };
  }
  if (r.result === null) return { type: 'result', output: { stdout_tail: r.tail } };
  try {
    return { type: 'result', output: redactValue(JSON.parse(r.result.json), secrets) };
  } catch {
    if (r.result.truncated) return { type: 'error', message: resultCapError('command', '::result') };
    return {
      type: 'error',
      message: redact(`::result is not valid JSON: ${truncateText(r.result.json, 200)}`, secrets),
    };
  }
}
