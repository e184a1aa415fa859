import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import { isStreamCli } from '../../../../src-shared/schemas/agent.ts';
import type { SandboxPolicy } from '../../../../src-shared/schemas/sandbox.ts';
import type { Step } from '../../../../src-shared/schemas/step.ts';
import type { CodingContext, ExecutorEvent, SessionNote, TaskContext } from '../../../engine/executor.ts';
import { CANCELLED } from '../../../engine/executor.ts';
import type { ConfinedProgram } from '../../../sandbox/index.ts';
import { exitOutside } from '../../../sandbox/index.ts';
import { redactValue } from '../../../secrets/secrets.ts';
import type { OutputLine } from '../../shared/line-process.ts';
import { truncateText } from '../../shared/line-splitter.ts';
import { MAX_LOG_LINE } from '../../shared/output-caps.ts';
import { sandboxStep } from '../../shared/sandboxed.ts';
import type { Meter, MeterNote } from '../metering/meter.ts';
import { budgetExceeded, type spendGate, stoppedFor, upstreamOf, usd } from '../metering/spend.ts';
import { capText } from '../streams/caps.ts';
import { createParser, type StreamParser } from '../streams/parser.ts';
import type { PriceTable } from '../streams/prices.ts';
import { ADAPTERS } from './adapters/index.ts';
import type { AttemptLink } from './attempt-links.ts';
import { startAttempt } from './attempt-start.ts';
import { baseEnv, cliEnv } from './cli-env.ts';
import { MAX_EVENT_BYTES, runCli } from './cli-process.ts';
import { confineCli } from './cli-sandbox.ts';
import { diffReviewed, tipBeforeChanges, toolCallTally, unchangedVerdict } from './unchanged.ts';
import type { dependencyBranches, prepare } from './worktree.ts';
import { finish } from './worktree.ts';

/** What the attempt prepared before the CLI runs. */
export interface Ready {
  worktree: Extract<Awaited<ReturnType<typeof prepare>>, { ok: true }>['worktree'];
  from: ReturnType<typeof dependencyBranches>;
  provider: { base_url: string; api_key: string } | null;
  clean: (text: string) => string;
  secrets: string[];
  tmp: string;
  /** The workspace's and agent's environment, secrets resolved. */
  env: Record<string, string>;
  /** Baton's MCP server for this attempt, when a person approves the CLI's tool calls. */
  link: AttemptLink | null;
  /** The seq of the CLI's first step (after the prompt, seq 0, and what the setup command's sandbox refused). */
  firstSeq?: number;
  /** The seq of the prompt's step (0; a fix round's prompt comes after the checks' steps). */
  promptSeq?: number;
  /**
   * The OS sandbox the CLI runs in: its agent's policy narrowed by the plan, Baton's folders to
   * hide, and the protected paths of the worktree it may write on purpose (the workspace's).
   */
  sandbox: { policy: SandboxPolicy; hide: readonly string[]; mayWrite?: readonly string[] | undefined };
  /**
   * Told when the agent ended well and its work is about to be committed: the checks' sandbox
   * starts then (fix-loop.ts), beside the commit instead of after it.
   */
  finishing?: (() => void) | undefined;
}

/**
 * How long a CLI whose model call was refused (its budget spent) may take to show the refusal
 * and end by itself before Baton stops it; a second refused call stops it at once.
 */
const REFUSED_GRACE_MS = 5_000;

const error = (message: string): ExecutorEvent => ({ type: 'error', message });

/**
 * The CLI's run in the prepared worktree: prompt, metering endpoint, process, steps, caps, and
 * the result.
 */
export async function* runAgent(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  r: Ready,
  signal: AbortSignal,
  graceMs: number,
  now: () => number,
): AsyncGenerator<ExecutorEvent> {
  const started = await startAttempt(ctx, coding, r, signal, now);
  if (!started.ok) return yield started.event;
  const { prompt, cap, prices, meter, spend, provider } = started.start;
  try {
    yield* runProcess(ctx, coding, r, { prompt, cap, prices, meter, spend, provider }, signal, graceMs, now);
  } finally {
    await meter?.close();
  }
}

interface Money {
  prompt: string;
  cap: number | null;
  prices: PriceTable;
  meter: Meter | null;
  spend: ReturnType<typeof spendGate>;
  /** The provider as the CLI is given it (the endpoint and the attempt's token, never the key). */
  provider: { base_url: string; api_key: string } | null;
}

/** The CLI as a process: its lines and the endpoint's notes into steps, until it ends and says how. */
async function* runProcess(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  r: Ready,
  m: Money,
  signal: AbortSignal,
  graceMs: number,
  now: () => number,
): AsyncGenerator<ExecutorEvent> {
  const { agent } = ctx;
  const { cap, meter } = m;
  const cli = agent.cli;
  if (!isStreamCli(cli)) return yield error(`cli "${cli}" is driven over the Agent Client Protocol only`);
  const adapter = ADAPTERS[cli];
  const resumeId = coding.resume?.session_id ?? null;
  let inv: Awaited<ReturnType<typeof adapter.invocation>>;
  try {
    inv = await adapter.invocation({
      agent,
      dir: r.worktree.dir,
      home: coding.home,
      tmp: r.tmp,
      provider: m.provider,
      modelUrl: meter?.url ?? null,
      prompt: m.prompt,
      resume: resumeId,
      // A second line behind the endpoint's cap; a resumed claude session counts what it spent before.
      maxCostUsd:
        cap === null || !adapter.nativeBudget ? null : Number((cap + (coding.prior.usd ?? 0)).toFixed(6)),
      root: typeof process.getuid === 'function' && process.getuid() === 0,
      sandboxed: r.sandbox.policy.mode !== 'off',
      batonMcp: r.link ? { url: r.link.url, token: r.link.token } : null,
    });
  } catch (err) {
    return yield error(r.clean((err as Error).message));
  }
  const parser = createParser(cli, {
    now,
    startSeq: r.firstSeq ?? 1,
    prior: coding.prior,
    model: agent.model ?? null,
    prices: m.prices,
    // Metered: the endpoint's figures are the usage steps; the CLI's own reports only tell
    // whether some calls went past it.
    ownUsage: meter === null,
  });
  const tally = toolCallTally();
  const step = (s: Step): ExecutorEvent => {
    tally.see(s);
    return { type: 'step', step: r.secrets.length > 0 ? (redactValue(s, r.secrets) as Step) : s };
  };
  const log = (text: string): ExecutorEvent => ({ type: 'log', stream: 'info', text });
  // The prompt Baton gave, as the trace's first step.
  yield step({
    kind: 'message',
    seq: r.promptSeq ?? 0,
    at: new Date(now()).toISOString(),
    role: 'user',
    text: capText(m.prompt),
  });
  const where = meter
    ? `model calls metered by Baton on their way to ${new URL(upstreamOf(agent, r.provider, r.env)!).origin}`
    : `model calls straight to the server ${agent.cli}'s own config names, spend as ${agent.cli} reports it`;
  yield log(
    `${agent.cli}: ${resumeId ? `resuming session ${resumeId} (${coding.resume!.reason})` : 'new session'}, ${where}${
      cap === null
        ? ''
        : `, at most ${usd(cap)} (stopped by Baton${adapter.nativeBudget ? ` and by ${agent.cli} itself` : ''})`
    }`,
  );

  const env = cliEnv(baseEnv(inv.home, r.tmp), inv.env, r.env, meter);
  const tipBefore = await tipBeforeChanges(ctx, coding, r.worktree.branch, signal);
  // In the OS sandbox (src-main/sandbox/): it writes its worktree, its state folder and the
  // attempt's folder, and reaches its model endpoint and the agent's hosts; what the sandbox
  // refuses it becomes a `sandbox` step among the stream's.
  const { confined, where: reach } = await confineCli({
    ctx,
    coding,
    r,
    inv,
    env,
    endpoint: meter?.url ?? null,
    mcp: r.link?.url ?? null,
  });
  if (!confined.ok)
    return yield error(
      r.clean(
        confined.unstartable
          ? `cannot start ${agent.cli} ("${inv.command}"): ${confined.error}`
          : `${agent.cli} was not run: ${confined.error}`,
      ),
    );
  const program: ConfinedProgram = confined.program;
  yield log(
    program.sandboxed
      ? `${agent.cli} runs in the OS sandbox: ${reach}`
      : `${agent.cli} runs without the OS sandbox (agent "${agent.id}" has its sandbox off): with the full rights of the person who started Baton`,
  );
  const proc = runCli({
    command: program.command,
    args: program.args,
    cwd: r.worktree.dir,
    env: program.env,
    marker: coding.marker,
    graceMs,
  });
  const onAbort = () => proc.stop('cancelled');
  signal.addEventListener('abort', onAbort, { once: true });
  const timer =
    agent.timeout_s === undefined
      ? null
      : setTimeout(() => proc.stop(`timed out after ${agent.timeout_s} s`), agent.timeout_s * 1000);
  /** Why a model call was refused, once one was: the attempt ends with it. */
  let refused: string | null = null;
  let refusedTimer: NodeJS.Timeout | null = null;
  /** Model calls the CLI reported that never passed the endpoint (its own settings name another server). */
  let bypassed = false;
  let announced = resumeId;

  /** What the sandbox refused the CLI, as steps. */
  function* refusals(): Generator<ExecutorEvent> {
    for (const b of program.take())
      for (const s of parser.sandboxed(sandboxStep(b, agent.cli))) yield step(s);
  }
  /** The endpoint's notes as steps and log lines; a refusal stops the CLI (after it could show it). */
  function* fromMeter(notes: MeterNote[]): Generator<ExecutorEvent> {
    for (const n of notes) {
      if (n.kind === 'refused') {
        if (refused === null) {
          refused = n.reason;
          yield log(`Baton refused ${agent.cli}'s next model call: ${n.reason}`);
          refusedTimer = setTimeout(() => proc.stop(n.reason), REFUSED_GRACE_MS);
        } else proc.stop(refused);
        continue;
      }
      const c = n.call;
      const delta = {
        model: c.model,
        ...c.tokens,
        cost_usd: c.cost_usd,
        cost_source: c.cost_source,
      };
      for (const s of parser.metered(delta, c.at, c.duration_ms)) yield step(s);
      if (c.unknown !== null)
        yield log(`spend unknown: a model call's answer passed Baton uncounted (${c.unknown})`);
    }
  }

  try {
    // The CLI's lines and the endpoint's notes, in the order they come: one wait for either.
    const lines = proc.lines[Symbol.asyncIterator]();
    let wake: (() => void) | null = null;
    const rouse = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    meter?.listen(rouse);
    // The sandbox's refusals wake the loop as they come, not only at the CLI's next line.
    let watching = false;
    const watch = () => {
      if (watching) return;
      watching = true;
      void program.changed().then(() => {
        watching = false;
        rouse();
      });
    };
    /** The CLI's next line once it came (a holder: the callbacks below fill it). */
    const pending: { got: IteratorResult<OutputLine> | null } = { got: null };
    let asked = false;
    let lastReported: number | null = null;
    for (;;) {
      if (!asked) {
        asked = true;
        lines.next().then(
          (res) => {
            pending.got = res;
            rouse();
          },
          () => {
            pending.got = { done: true, value: undefined };
            rouse();
          },
        );
      }
      const notes = meter?.take() ?? [];
      if (notes.length > 0) {
        yield* fromMeter(notes);
        continue;
      }
      yield* refusals();
      const current = pending.got;
      if (current === null) {
        watch();
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      pending.got = null;
      asked = false;
      if (current.done) break;
      const { stream, line } = current.value;
      if (stream === 'stderr') {
        program.stderr(line.text);
        if (line.text.trim())
          yield { type: 'log', stream, text: truncateText(r.clean(line.text), MAX_LOG_LINE, line.truncated) };
        continue;
      }
      if (line.truncated > 0)
        proc.stop(
          `${agent.cli} printed an event longer than ${MAX_EVENT_BYTES / 1024 / 1024} MB; the attempt was stopped`,
        );
      const garbage = parser.noise.not_json;
      for (const s of parser.line(line.text)) {
        // A tool that failed for the sandbox says so in its error (a write the monitor missed).
        if (s.kind === 'tool_call' && s.status === 'failed' && s.error !== null)
          program.toolError(s.error, s.input);
        yield step(s);
      }
      if (parser.noise.not_json > garbage)
        yield {
          type: 'log',
          stream: 'stdout',
          text: truncateText(r.clean(line.text), MAX_LOG_LINE, line.truncated),
        };
      const sessionId = parser.sessionId;
      if (sessionId !== null && sessionId !== announced) {
        announced = sessionId;
        yield { type: 'session', session: { ...sessionNote(agent, coding, r), session_id: sessionId } };
      }
      const reported = parser.spent;
      if (meter) {
        // The CLI reports usage of calls the endpoint never saw: its own settings send them elsewhere.
        if (!bypassed && reported.input_tokens + reported.output_tokens > 0 && meter.spent.calls === 0) {
          bypassed = true;
          const why = `${agent.cli} reports model calls that did not pass Baton's metering endpoint (its own settings name another server): what they cost is what ${agent.cli} says`;
          yield log(why);
          if (cap !== null) proc.stop(`max_cost_usd of ${usd(cap)} cannot be held: ${why}`);
        }
      } else if (reported.usd !== lastReported) {
        // No endpoint: the budget is weighed as the CLI reports its usage, after the fact.
        lastReported = reported.usd;
        const why = ctx.budgetPassed?.(reported.usd ?? 0) ?? null;
        if (why !== null) proc.stop(why);
      }
    }
    const ran = await proc.ended;
    const end = { ...ran, ...exitOutside(program.sandboxed, ran.code, ran.signal) };
    // Every call of the CLI is counted, and every refusal shown, before the attempt says how it ended.
    if (meter) {
      await meter.close();
      yield* fromMeter(meter.take());
    }
    await program.release();
    yield* refusals();
    if (end.spawnError !== null)
      return yield error(r.clean(`cannot start ${agent.cli} ("${inv.command}"): ${end.spawnError}`));
    for (const s of parser.end({
      code: end.code,
      signal: end.signal,
      ...(end.stopped ? { stopped: end.stopped } : {}),
    }))
      yield step(s);
    const unseen = unseenSpend(parser, meter, bypassed, now);
    for (const s of unseen) yield step(s);
    if (unseen.length > 0 && !meter)
      yield log(`spend unknown: ${agent.cli} ended before it reported what its last model calls used`);
    if (signal.aborted || end.stopped === 'cancelled') return yield CANCELLED;
    if (refused !== null && meter)
      return yield error(r.clean(stoppedFor(m.spend.state.stopped ?? 'budget', refused, meter.spent, cap)));
    if (end.stopped !== null) return yield error(r.clean(end.stopped));
    const result = parser.result;
    if (result?.cause === 'budget' && cap !== null)
      return yield error(ownBudgetStop(agent.cli, cap, meter, parser));
    if (!result || result.is_error)
      return yield error(r.clean(result?.text ?? `${agent.cli} ended without a result`));
    let finished: Awaited<ReturnType<typeof finish>>;
    try {
      r.finishing?.();
      finished = await finish(ctx, coding, r.worktree, r.clean(result.text), announced, signal);
    } catch (err) {
      if (signal.aborted) return yield CANCELLED;
      return yield error(
        r.clean(`the agent finished, but its work could not be recorded: ${(err as Error).message}`),
      );
    }
    yield* finished.events;
    // Nothing to review: the attempt fails on a reviewed task (unchanged.ts), else is said.
    const same = unchangedVerdict(finished.output, tipBefore, tally.counts, diffReviewed(ctx.task, agent));
    if (same && 'fail' in same) return yield error(same.fail);
    if (same) yield log(same.log);
    yield { type: 'result', output: finished.output };
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);
    if (refusedTimer) clearTimeout(refusedTimer);
    proc.stop('the attempt ended');
    await proc.ended;
    await program.release();
  }
}

/**
 * Spend Baton did not see, as a usage step of `unknown` cost (never $0): without the endpoint, a
 * CLI that ended before its final report (codex reports only then); with it, the calls the CLI
 * reported that went past it, at the CLI's own figures.
 */
function unseenSpend(
  parser: StreamParser,
  meter: Meter | null,
  bypassed: boolean,
  now: () => number,
): Step[] {
  const at = now();
  if (meter !== null) {
    if (!bypassed) return [];
    const s = parser.spent;
    return parser.metered(
      {
        model: null,
        input_tokens: s.input_tokens,
        output_tokens: s.output_tokens,
        cached_input_tokens: s.cached_input_tokens,
        cost_usd: s.usd,
        cost_source: s.usd === null ? 'unknown' : 'reported',
      },
      at,
      0,
    );
  }
  const result = parser.result;
  if (result !== null && result.cause !== 'exit') return [];
  return parser.metered(
    {
      model: null,
      input_tokens: 0,
      output_tokens: 0,
      cached_input_tokens: 0,
      cost_usd: null,
      cost_source: 'unknown',
    },
    at,
    0,
  );
}

/**
 * The CLI stopped itself at its own cap (claude's `--max-budget-usd`, by its own prices): said
 * with Baton's count, the figure charged.
 */
function ownBudgetStop(cli: string, cap: number, meter: Meter | null, parser: StreamParser): string {
  const counted = meter ? meter.spent.usd : (parser.spent.usd ?? null);
  if (counted !== null && counted >= cap) return budgetExceeded(counted, cap);
  return `budget: ${cli} stopped itself at its own --max-budget-usd of ${usd(cap)} (by its own prices); Baton counted ${counted === null ? 'an unknown amount' : usd(counted)}`;
}

export function sessionNote(agent: CodingAgent, coding: CodingContext, r: Ready): SessionNote {
  return {
    workspace_id: coding.workspace.id,
    cli: agent.cli,
    dir: r.worktree.dir,
    branch: r.worktree.branch,
    start_commit: r.worktree.startCommit,
    session_id: null,
    home: r.provider ? coding.home : null,
  };
}
