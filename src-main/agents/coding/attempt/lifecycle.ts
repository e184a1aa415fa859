import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { Step } from '../../../../src-shared/schemas/step.ts';
import { whenAborted } from '../../../base/abort.ts';
import type { CodingContext, ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import { CANCELLED, usageLimited } from '../../../engine/executor.ts';
import type { ConfinedProgram } from '../../../sandbox/index.ts';
import { redactValue } from '../../../secrets/secrets.ts';
import type { Invocation, LaunchInput } from '../clis/definition.ts';
import { stoppedFor } from '../metering/spend.ts';
import { forwardedInto } from '../worktrees/ports.ts';
import { checkpointed, startCheckpoints } from './checkpoints.ts';
import { confineCli } from './confine.ts';
import { baseEnv, cliEnv } from './env.ts';
import { gitJail } from './git-jail.ts';
import type { Ready } from './ready.ts';
import type { NoRoute, Route } from './route.ts';
import type { AttemptStart } from './start.ts';
import { startAttempt } from './start.ts';
import { diffReviewed, tipBeforeChanges, toolCallTally, unchangedVerdict } from './unchanged.ts';
import { finish } from './worktree.ts';

const error = (message: string): ExecutorEvent => ({ type: 'error', message });
const log = (text: string): ExecutorEvent => ({ type: 'log', stream: 'info', text });

/**
 * Paused by a person before the attempt starts: before this Baton took it up (a restart), or while
 * no attempt ran (a person's terminal in its worktree, when a retry or a request for changes
 * started this one). Held until Resume, before its worktree is prepared (a setup command, a clean
 * start would write among the person's changes). False when the attempt was cancelled meanwhile.
 */
export async function* heldUntilResumed(
  ctx: TaskContext<CodingAgent>,
  signal: AbortSignal,
): AsyncGenerator<ExecutorEvent, boolean> {
  if (ctx.turns?.held() !== 'paused') return true;
  yield log(`paused by a person: ${ctx.agent.cli} is not started again until Resume`);
  let by = 'a person';
  const unnote = ctx.turns.notes((n) => {
    by = n.by;
  });
  const why = await ctx.turns.wait(signal);
  unnote();
  if (why === 'aborted') {
    yield CANCELLED;
    return false;
  }
  yield log(`resumed by ${by}: ${ctx.agent.cli} takes its session up again`);
  return true;
}

/**
 * One run of a coding agent on its route, the same for every route: the prompt and Baton's
 * metering endpoint (`start.ts`), the program's launch, its environment, where the task's branch
 * was before a requested change, the program in its OS sandbox (`confine.ts`), then the route's
 * run; once the agent ended well, its work committed and diffed (`worktree.ts`, `finish`) and an
 * unchanged branch judged (`unchanged.ts`). The route says only what differs (`route.ts`). See
 * README.md beside this file.
 */
export async function* runAttempt(
  route: Route | NoRoute,
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  r: Ready,
  signal: AbortSignal,
  graceMs: number,
  now: () => number,
): AsyncGenerator<ExecutorEvent> {
  const { agent } = ctx;
  if ('none' in route) return yield error(route.none);
  const started = await startAttempt(ctx, coding, r, signal, now, route.definition);
  if (!started.ok) return yield started.event;
  const start = started.start;
  const { meter } = start;
  const ends: (() => unknown)[] = [];
  let program: ConfinedProgram | null = null;
  try {
    let inv: Invocation;
    try {
      inv = await route.launch(launchInput(ctx, coding, r, start, route));
    } catch (err) {
      return yield error(r.clean((err as Error).message));
    }
    const tally = toolCallTally();
    const step = (s: Step): ExecutorEvent => {
      tally.see(s);
      return { type: 'step', step: r.secrets.length > 0 ? (redactValue(s, r.secrets) as Step) : s };
    };
    const opening = { ctx, coding, r, start, inv, now, step };
    yield* route.opening(opening);

    const env = cliEnv(baseEnv(inv.home, r.tmp), inv.env, r.env, meter);
    const tipBefore = await tipBeforeChanges(ctx, coding, r.worktree.branch, signal);
    // Every turn a checkpoint, on private refs of the branch; checkpoint 0 before the agent starts.
    const turns = await startCheckpoints({
      repo: coding.workspace.path,
      dir: r.worktree.dir,
      branch: r.worktree.branch,
      attempt: ctx.attempt,
      label: `task ${ctx.task.task_id} of run ${ctx.run_id}`,
      now,
      jail: (writable) => gitJail({ ...r.sandbox, owner: `agent "${agent.id}"` }, writable),
    });
    ends.push(() => turns.settled());
    yield* turns.take();
    // In the OS sandbox (src-main/sandbox/): it writes its worktree, its state folder and the
    // attempt's folder, and reaches its model endpoint and the agent's hosts; what the sandbox
    // refuses it becomes a `sandbox` step among the route's.
    const { confined, where } = await confineCli({
      ctx,
      coding,
      r,
      inv,
      ownLogin: route.definition.ownLogin,
      env,
      endpoint: meter?.url ?? null,
      mcp: r.link?.url ?? null,
    });
    if (!confined.ok)
      return yield error(
        r.clean(
          confined.unstartable
            ? `cannot start ${route.says} ("${inv.command}"): ${confined.error}`
            : `${route.says} was not run: ${confined.error}`,
        ),
      );
    program = confined.program;
    // The task panel looks at what listens on the worktree's ports while the agent runs.
    if (program.inbound) ends.push(forwardedInto(r.worktree.dir, program.inbound));
    yield log(
      program.sandboxed
        ? `${agent.cli} runs in the OS sandbox: ${where}`
        : `${agent.cli} runs without the OS sandbox (agent "${agent.id}" has its sandbox off): with the full rights of the person who started Baton`,
    );

    const end = yield* checkpointed(
      route.run({
        ...opening,
        program,
        env,
        signal,
        graceMs,
        atEnd: (f) => ends.push(f),
        stopWith: (stop) => ends.push(stopOn(signal, agent.timeout_s, stop)),
        turnEnded: () => turns.turnEnded(),
      }),
      turns,
    );
    if ('spawnError' in end)
      return yield error(r.clean(`cannot start ${agent.cli} ("${inv.command}"): ${end.spawnError}`));
    if (signal.aborted || end.stopped === 'cancelled') return yield CANCELLED;
    if (end.refused !== null && meter)
      return yield error(
        r.clean(stoppedFor(start.spend.state.stopped ?? 'budget', end.refused, meter.spent, start.cap)),
      );
    if (end.stopped !== null) return yield error(r.clean(end.stopped));
    if ('error' in end.outcome) {
      const { limit } = end.outcome;
      return yield limit === undefined
        ? error(end.outcome.error)
        : usageLimited({ ...limit, message: r.clean(limit.message) });
    }
    // The agent's program and all it started stopped before its work is read and committed: an
    // ACP agent answers its last turn and lives on, and git run as Baton on a worktree a process of
    // the agent's still changes could be led through a swapped link (git-jail.ts).
    await endAll(ends);
    yield* recorded(ctx, coding, r, end.outcome, signal, (output) =>
      unchangedVerdict(output, tipBefore, tally.counts, diffReviewed(ctx.task, agent)),
    );
  } finally {
    await endAll(ends);
    await program?.release();
    await meter?.close();
  }
}

/** Runs what an attempt's end waits for, last added first, each once. */
async function endAll(ends: (() => unknown)[]): Promise<void> {
  for (const cleanup of ends.splice(0).reverse()) await cleanup();
}

/**
 * What the launch is told: the worktree, the task's CLI home, the attempt's folder, the provider as
 * the program is given it (the endpoint and the attempt's token, never the key), the prompt and
 * the session it resumes, its own cap (a resumed claude session counts what it spent before),
 * and Baton's MCP server when a person approves its tool calls.
 */
function launchInput(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  r: Ready,
  start: AttemptStart,
  route: Route,
): LaunchInput {
  const { cap } = start;
  const { nativeBudget } = route;
  return {
    agent: ctx.agent,
    dir: r.worktree.dir,
    home: coding.home,
    tmp: r.tmp,
    provider: start.provider,
    modelUrl: start.meter?.url ?? null,
    prompt: start.prompt,
    resume: start.resumeId,
    maxCostUsd: cap === null || !nativeBudget ? null : Number((cap + (coding.prior.usd ?? 0)).toFixed(6)),
    root: typeof process.getuid === 'function' && process.getuid() === 0,
    sandboxed: r.sandbox.policy.mode !== 'off',
    batonMcp: r.link ? { url: r.link.url, token: r.link.token } : null,
    steered: route.steersOnStdin && ctx.listen !== undefined,
  };
}

/**
 * The agent ended well: what it left is committed, its diff taken and the output answered, unless
 * it changed nothing on a task that reviews its diff (`verdict`, unchanged.ts).
 */
async function* recorded(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  r: Ready,
  outcome: { text: string; sessionId: string | null },
  signal: AbortSignal,
  verdict: (output: Awaited<ReturnType<typeof finish>>['output']) => ReturnType<typeof unchangedVerdict>,
): AsyncGenerator<ExecutorEvent> {
  let finished: Awaited<ReturnType<typeof finish>>;
  try {
    r.finishing?.();
    finished = await finish(ctx, coding, r.worktree, r.clean(outcome.text), outcome.sessionId, signal);
  } catch (err) {
    if (signal.aborted) return yield CANCELLED;
    return yield error(
      r.clean(`the agent finished, but its work could not be recorded: ${(err as Error).message}`),
    );
  }
  yield* finished.events;
  // Nothing to review: the attempt fails on a reviewed task (unchanged.ts), else is said.
  const same = verdict(finished.output);
  if (same && 'fail' in same) return yield error(same.fail);
  if (same) yield log(same.log);
  yield { type: 'result', output: finished.output };
}

/**
 * Stops the program when the attempt is cancelled or its agent's `timeout_s` (wall clock: a CLI
 * waiting on a model prints nothing) passes; returns what forgets both.
 */
function stopOn(signal: AbortSignal, timeoutS: number | undefined, stop: (why: string) => void): () => void {
  const forget = whenAborted(signal, () => stop('cancelled'));
  const timer =
    timeoutS === undefined ? null : setTimeout(() => stop(`timed out after ${timeoutS} s`), timeoutS * 1000);
  return () => {
    forget();
    if (timer) clearTimeout(timer);
  };
}
