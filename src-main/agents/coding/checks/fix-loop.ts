import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { CheckOutcome, WorkspaceCheck } from '../../../../src-shared/schemas/checks.ts';
import { allPassed, DEFAULT_FIX_ROUNDS } from '../../../../src-shared/schemas/checks.ts';
import type { SandboxPolicy } from '../../../../src-shared/schemas/sandbox.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import type { CodingContext, ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import { CANCELLED } from '../../../engine/executor.ts';
import { inFolder } from '../../../sandbox/index.ts';
import type { SessionSpent } from '../../../store/steps-repo.ts';
import type { Ready } from '../cli/cli-run.ts';
import { runAgent } from '../cli/cli-run.ts';
import { finish } from '../cli/worktree.ts';
import type { CheckRound } from './check-round.ts';
import { checkRound } from './check-round.ts';
import { checksFailedPrompt, checksFailedText, checkVerdict } from './checks-prompt.ts';
import { MAX_CHECK_LINE, runCheck } from './run-check.ts';

/**
 * The Agent Client Protocol route (../acp/), loaded at an ACP agent's first attempt: its SDK (its
 * schemas alone take ~0.1 s to load) is not needed at Baton's start.
 */
async function* runAcpAgent(
  ...args: Parameters<typeof import('../acp/acp-run.ts').runAcpAgent>
): AsyncGenerator<ExecutorEvent> {
  const acp = await import('../acp/acp-run.ts');
  yield* acp.runAcpAgent(...args);
}

export interface CheckedRun {
  ctx: TaskContext<CodingAgent>;
  coding: CodingContext;
  ready: Ready;
  signal: AbortSignal;
  graceMs: number;
  now: () => number;
  /** Where the checks run: the workspace's environment, and its sandbox within the agent's (both narrowed by the plan). */
  checkEnv: Record<string, string>;
  checkSandbox: {
    policy: SandboxPolicy;
    hide: readonly string[];
    owner: string;
    /** Under the network policy `ask`: asks a person about a host the sandbox refused. */
    askHost?: ((host: string) => void) | undefined;
    /** Protected paths of the worktree the checks may write on purpose (the workspace's `allow_protected_writes`). */
    mayWrite?: readonly string[] | undefined;
  };
}

/** The workspace's checks a task runs: those it names (`[]`: none), else all, in the workspace's order. */
export function checksOf(
  task: { checks?: readonly string[] | undefined },
  all: readonly WorkspaceCheck[],
): WorkspaceCheck[] {
  if (task.checks === undefined) return [...all];
  const named = new Set(task.checks);
  return all.filter((c) => named.has(c.name));
}

/**
 * The agent's run, then the workspace's checks on what it did; a failing check goes back to the
 * same session with what failed, up to the task's `fix_rounds`, each round's prompt, steps and
 * checks in the same trace. After the last round the task's `on_checks_failed` decides: the
 * attempt fails (`fail`, the default), or answers its work with the red checks, which puts it to
 * a person's diff review (`review`). With no checks to run it is the agent's run alone.
 */
export async function* checkedAgent(o: CheckedRun): AsyncGenerator<ExecutorEvent> {
  const { ctx, coding, ready, signal } = o;
  const checks = checksOf(ctx.task, coding.workspace.checks);
  const rounds = ctx.task.fix_rounds ?? DEFAULT_FIX_ROUNDS;
  let nextSeq = ready.firstSeq ?? 1;
  let sessionId =
    coding.resume?.session_id ??
    (coding.session?.agent_id === ctx.agent.id ? coding.session.session_id : null);
  const spent: SessionSpent = { ...coding.prior };
  let round = coding.checking?.rounds ?? 0;

  const sandboxFor = () =>
    checkRound({
      confine: inFolder(o.checkSandbox, ready.worktree.dir, o.checkEnv),
      marker: `${coding.marker}/checks`,
      graceMs: o.graceMs,
      maxLineBytes: MAX_CHECK_LINE,
    });
  /** The next round's sandbox, started when the agent ended well (`finishing`): ended if no round takes it. */
  const next: { sandbox: CheckRound | null } = { sandbox: null };
  const warm =
    checks.length > 0 && o.checkSandbox.policy.mode !== 'off'
      ? () => {
          next.sandbox ??= sandboxFor();
          next.sandbox.warm();
        }
      : undefined;

  /** One run of the agent: its events passed on, its result kept back for the checks. */
  async function* agentRun(
    forRound: CodingContext,
    promptSeq: number,
  ): AsyncGenerator<ExecutorEvent, CodingOutput | null> {
    let output: CodingOutput | null = null;
    // An ACP agent runs on the Agent Client Protocol route (../acp/); the rest on their event stream.
    const route = ctx.agent.protocol === 'acp' ? runAcpAgent : runAgent;
    for await (const e of route(
      ctx,
      forRound,
      {
        ...ready,
        promptSeq,
        firstSeq: promptSeq === 0 ? (ready.firstSeq ?? 1) : promptSeq + 1,
        finishing: warm,
      },
      signal,
      o.graceMs,
      o.now,
    )) {
      if (e.type === 'result') {
        output = e.output as CodingOutput;
        continue;
      }
      if (e.type === 'step') {
        nextSeq = Math.max(nextSeq, e.step.seq + 1);
        if (e.step.kind === 'usage') {
          spent.input_tokens += e.step.input_tokens;
          spent.output_tokens += e.step.output_tokens;
          spent.cached_input_tokens += e.step.cached_input_tokens;
          if (e.step.cost_usd !== null) spent.usd = (spent.usd ?? 0) + e.step.cost_usd;
        }
      }
      if (e.type === 'session' && e.session.session_id) sessionId = e.session.session_id;
      yield e;
    }
    return output;
  }

  try {
    let output: CodingOutput | null;
    if (coding.checking) {
      // Baton restarted while the checks ran: the agent's work is committed; the checks run again.
      yield {
        type: 'log',
        stream: 'info',
        text: `the agent had finished before Baton restarted: its checks run again, not the agent`,
      };
      try {
        const finished = await finish(
          ctx,
          coding,
          ready.worktree,
          coding.checking.summary,
          sessionId,
          signal,
        );
        yield* finished.events;
        output = finished.output;
      } catch (err) {
        if (signal.aborted) return yield CANCELLED;
        return yield {
          type: 'error',
          message: ready.clean(`cannot read the agent's work again: ${(err as Error).message}`),
        };
      }
    } else output = yield* agentRun(coding, 0);
    if (output === null) return;
    if (checks.length === 0) return yield { type: 'result', output };

    for (;;) {
      const outcomes: CheckOutcome[] = [];
      yield {
        type: 'log',
        stream: 'info',
        text: `checks${round > 0 ? ` after fix round ${round}` : ''}: ${checks.map((c) => c.name).join(', ')}`,
      };
      // The round's checks run one after the other in the same worktree: one sandbox serves them,
      // started while the agent's work was committed when it could be.
      const roundSandbox = next.sandbox ?? sandboxFor();
      next.sandbox = null;
      try {
        for (const check of checks) {
          const seq = nextSeq++;
          const at = new Date(o.now()).toISOString();
          yield {
            type: 'step',
            step: {
              kind: 'check',
              seq,
              at,
              check: {
                name: check.name,
                status: 'running',
                exit_code: null,
                duration_ms: null,
                output_tail: '',
                output_bytes: 0,
                tests: null,
                round,
              },
            },
          };
          const ran = yield* runCheck({
            check,
            cwd: ready.worktree.dir,
            env: o.checkEnv,
            marker: coding.marker,
            graceMs: o.graceMs,
            signal,
            clean: ready.clean,
            sandbox: { ...o.checkSandbox, round: roundSandbox },
            round,
            nextSeq: () => nextSeq++,
            now: o.now,
          });
          if (ran === 'cancelled') return yield CANCELLED;
          outcomes.push(ran);
          yield { type: 'step', step: { kind: 'check', seq, at, check: ran } };
          yield { type: 'log', stream: 'info', text: `check ${check.name} ${checkVerdict(ran)}` };
        }
      } finally {
        await roundSandbox.end();
      }
      const failed = outcomes.filter((c) => c.status !== 'passed');
      const result = { ...output, checks: outcomes, fix_rounds: round };
      if (allPassed(outcomes)) return yield { type: 'result', output: result };
      if (round >= rounds) {
        if (ctx.task.on_checks_failed === 'review') {
          yield {
            type: 'log',
            stream: 'info',
            text: `${checksFailedText(failed, round)}: the work goes to a person's review`,
          };
          return yield { type: 'result', output: result };
        }
        return yield { type: 'error', message: checksFailedText(failed, round) };
      }
      round++;
      const prompt = checksFailedPrompt(ctx.task.task_id, failed, round, rounds);
      const again: CodingContext = {
        ...coding,
        resume: { reason: 'checks_failed', prompt, session_id: sessionId },
        prior: { ...spent },
        checking: null,
      };
      const promptSeq = nextSeq;
      nextSeq++;
      output = yield* agentRun(again, promptSeq);
      if (output === null) return;
    }
  } finally {
    await next.sandbox?.end();
  }
}
