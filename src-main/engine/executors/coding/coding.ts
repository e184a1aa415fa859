import { mkdir, rm } from 'node:fs/promises';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { Step } from '../../../../src-shared/schemas/step.ts';
import { redact, redactValue } from '../../../secrets.ts';
import { attemptTmp, PROCESS_SCOPE, stopOrphans } from '../../attempt-leftovers.ts';
import type { CodingContext, Executor, ExecutorEvent, SessionNote, TaskContext } from '../../executor.ts';
import { CANCELLED } from '../../executor.ts';
import { truncateText } from '../shared/line-splitter.ts';
import { cappedExecutor, MAX_LOG_LINE } from '../shared/output-caps.ts';
import { ADAPTERS } from './adapters/index.ts';
import type { AttemptLink, AttemptLinks } from './attempt-links.ts';
import { baseEnv, resolveEnv } from './cli-env.ts';
import { MAX_EVENT_BYTES, runCli } from './cli-process.ts';
import { firstPrompt, resumePrompt } from './prompt.ts';
import { runSetup } from './setup.ts';
import { capText } from './streams/caps.ts';
import { createParser } from './streams/parser.ts';
import { DEFAULT_PRICES } from './streams/prices.ts';
import { dependencyBranches, dependencyHeads, finish, type prepare, prepareAsking } from './worktree.ts';

export interface CodingExecutorOptions {
  /** Between SIGTERM and SIGKILL when stopping a CLI (default 2 s). */
  graceMs?: number;
  /** Baton's clock for steps whose events carry no time (default Date.now). */
  now?: () => number;
  /** Links to Baton's MCP server for agents whose tool calls a person approves (`tool_approvals: "inbox"`). */
  mcpLinks?: AttemptLinks;
}

/** `$0.62`, `$0.0031`: enough digits to tell a cap from what passed it. */
export const usd = (n: number): string => `$${n >= 0.01 || n === 0 ? n.toFixed(2) : n.toFixed(4)}`;

/** The error of an attempt stopped (or found, at its end) past its agent's `max_cost_usd`. */
export const budgetExceeded = (spent: number, cap: number): string =>
  `budget exceeded: spent ${usd(spent)} of ${usd(cap)}`;

const error = (message: string): ExecutorEvent => ({ type: 'error', message });

/**
 * `coding` agents (issue 15): a coding CLI (Claude Code, Codex, opencode, qwen-code) run headless
 * in the task's own git worktree, its JSON event stream parsed line by line into steps, its
 * spend capped, its work committed and diffed. See README.md beside this file.
 */
export function createCodingExecutor(opts: CodingExecutorOptions = {}): Executor {
  const graceMs = opts.graceMs ?? 2_000;
  const now = opts.now ?? Date.now;
  const links = opts.mcpLinks ?? null;
  const executor = cappedExecutor('coding', (ctx, signal) => codingAttempt(ctx, signal, graceMs, now, links));
  // The CLI has done what a line says before Baton reads it: its steps need not hold the reader
  // (a stream of 50,000 lines would otherwise wait for 50,000 commits).
  return { ...executor, awaitsSteps: false };
}

async function* codingAttempt(
  ctx: TaskContext<CodingAgent>,
  signal: AbortSignal,
  graceMs: number,
  now: () => number,
  links: AttemptLinks | null,
): AsyncGenerator<ExecutorEvent> {
  const { agent } = ctx;
  const coding = ctx.coding;
  if (!coding)
    return yield error(`coding agent "${agent.id}" was given no workspace for task "${ctx.task.task_id}"`);

  // Secrets: the workspace's and agent's env, and the provider's key. Their values never leave in an event.
  const wsEnv = resolveEnv(coding.workspace.env, ctx.secrets, `workspace "${coding.workspace.id}"`);
  if (!wsEnv.ok) return yield error(wsEnv.error);
  const agentEnv = resolveEnv(agent.env, ctx.secrets, `agent "${agent.id}"`);
  if (!agentEnv.ok) return yield error(agentEnv.error);
  let provider: { base_url: string; api_key: string } | null = null;
  const secrets = [...wsEnv.secrets, ...agentEnv.secrets];
  if (agent.provider) {
    const name = agent.provider.api_key_secret;
    const key = name === undefined ? 'baton-no-key' : ctx.secrets.get(name);
    if (key === undefined)
      return yield error(`secret "${name}" (the provider's API key of agent "${agent.id}") is not set`);
    if (name !== undefined) secrets.push(key);
    provider = { base_url: agent.provider.base_url, api_key: key };
  }
  const clean = (text: string) => redact(text, secrets);

  // A CLI a Baton that died left running in this task's worktree stops before anything else works there.
  if (coding.session) await stopOrphans(ctx.marker_scope ?? PROCESS_SCOPE, ctx.run_id, ctx.task.task_id);
  if (signal.aborted) return yield CANCELLED;

  const from = dependencyBranches(ctx, coding);
  let prepared: Awaited<ReturnType<typeof prepare>>;
  try {
    prepared = yield* prepareAsking(ctx, coding, from, signal, (start, dir) => ({
      type: 'session',
      session: {
        workspace_id: coding.workspace.id,
        cli: agent.cli,
        dir,
        branch: coding.branch,
        start_commit: start,
        session_id: null,
        home: provider ? coding.home : null,
      },
    }));
  } catch (err) {
    if (signal.aborted) return yield CANCELLED;
    return yield error(clean(`cannot prepare the worktree: ${(err as Error).message}`));
  }
  if (!prepared.ok) return yield error(prepared.message);
  const worktree = prepared.worktree;
  const note: SessionNote = {
    workspace_id: coding.workspace.id,
    cli: agent.cli,
    dir: worktree.dir,
    branch: worktree.branch,
    start_commit: worktree.startCommit,
    session_id: null,
    home: provider ? coding.home : null,
  };
  yield { type: 'session', session: note };
  yield {
    type: 'log',
    stream: 'info',
    text: `worktree ${worktree.dir} on ${worktree.branch} (${worktree.state}${
      from.length > 0
        ? `, from ${from.map((f) => f.branch).join(' + ')}`
        : `, from ${coding.workspace.base_branch}`
    })`,
  };
  const kept = coding.workspace.keep_ignored;
  if (worktree.recycled && kept.length > 0)
    yield { type: 'log', stream: 'info', text: `kept from this worktree's last attempt: ${kept.join(', ')}` };

  // The attempt's own folder: the CLI's TMPDIR and what holds this attempt's MCP token; gone when it ends.
  const tmp = attemptTmp(ctx.workspace);
  let link: AttemptLink | null = null;
  try {
    if (agent.tool_approvals === 'inbox') {
      // The CLI asks Baton's MCP server, as this attempt, about each tool call (a person answers).
      link = links?.open({ run_id: ctx.run_id, task_id: ctx.task.task_id, attempt: ctx.attempt }) ?? null;
      if (!link)
        return yield error(
          `coding agent "${agent.id}" has its tool calls approved in Baton's inbox (tool_approvals "inbox"), which needs Baton's MCP server at /mcp: no host serves it in this process (the desktop app and \`baton serve\` do; \`baton run\` does not)`,
        );
      secrets.push(link.token);
    }
    await mkdir(tmp, { recursive: true, mode: 0o700 });
    const setup = coding.workspace.setup_command;
    if (setup && worktree.state !== 'reused') {
      const failed = yield* runSetup({
        argv: setup,
        cwd: worktree.dir,
        env: { ...baseEnv(process.env.HOME ?? tmp, tmp), ...wsEnv.env },
        marker: coding.marker,
        graceMs,
        signal,
        clean,
      });
      if (failed === 'cancelled') return yield CANCELLED;
      if (failed !== null) return yield error(failed);
    }
    yield* runAgent(
      ctx,
      coding,
      { worktree, from, provider, clean, secrets, tmp, env: { ...wsEnv.env, ...agentEnv.env }, link },
      signal,
      graceMs,
      now,
    );
  } finally {
    link?.close();
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}

interface Ready {
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
}

/** The CLI's run in the prepared worktree: prompt, process, steps, caps, and the result. */
async function* runAgent(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  r: Ready,
  signal: AbortSignal,
  graceMs: number,
  now: () => number,
): AsyncGenerator<ExecutorEvent> {
  const { agent } = ctx;
  const adapter = ADAPTERS[agent.cli];
  const resumeId = coding.resume?.session_id ?? null;
  let prompt: string;
  try {
    prompt = resumeId
      ? resumePrompt(ctx, coding.resume!)
      : firstPrompt(
          ctx,
          coding,
          r.worktree.dir,
          r.from.map((f) => f.task_id),
          await dependencyHeads(coding, ctx, signal),
        );
  } catch (err) {
    if (signal.aborted) return yield CANCELLED;
    return yield error(r.clean(`cannot read what the dependencies changed: ${(err as Error).message}`));
  }
  const cap = agent.max_cost_usd ?? null;
  let inv: Awaited<ReturnType<typeof adapter.invocation>>;
  try {
    inv = await adapter.invocation({
      agent,
      dir: r.worktree.dir,
      home: coding.home,
      tmp: r.tmp,
      provider: r.provider,
      prompt,
      resume: resumeId,
      // A resumed claude session counts what it spent before against its cap.
      maxCostUsd:
        cap === null || !adapter.nativeBudget ? null : Number((cap + (coding.prior.usd ?? 0)).toFixed(6)),
      root: typeof process.getuid === 'function' && process.getuid() === 0,
      batonMcp: r.link ? { url: r.link.url, token: r.link.token } : null,
    });
  } catch (err) {
    return yield error(r.clean((err as Error).message));
  }
  const parser = createParser(agent.cli, {
    now,
    startSeq: 1,
    prior: coding.prior,
    model: agent.model ?? null,
    prices: agent.prices ? { ...DEFAULT_PRICES, ...agent.prices } : DEFAULT_PRICES,
  });
  const step = (s: Step): ExecutorEvent => ({
    type: 'step',
    step: r.secrets.length > 0 ? (redactValue(s, r.secrets) as Step) : s,
  });
  // The prompt Baton gave, as the trace's first step.
  yield step({
    kind: 'message',
    seq: 0,
    at: new Date(now()).toISOString(),
    role: 'user',
    text: capText(prompt),
  });
  yield {
    type: 'log',
    stream: 'info',
    text: `${agent.cli}: ${resumeId ? `resuming session ${resumeId} (${coding.resume!.reason})` : 'new session'}${
      cap === null ? '' : `, at most ${usd(cap)}${adapter.nativeBudget ? '' : ' (stopped by Baton)'}`
    }`,
  };

  const proc = runCli({
    command: inv.command,
    args: inv.args,
    cwd: r.worktree.dir,
    env: { ...baseEnv(inv.home, r.tmp), ...inv.env, ...r.env },
    marker: coding.marker,
    graceMs,
  });
  const onAbort = () => proc.stop('cancelled');
  signal.addEventListener('abort', onAbort, { once: true });
  const timer =
    agent.timeout_s === undefined
      ? null
      : setTimeout(() => proc.stop(`timed out after ${agent.timeout_s} s`), agent.timeout_s * 1000);
  let announced = resumeId;
  let unpricedSaid = false;
  try {
    for await (const { stream, line } of proc.lines) {
      if (stream === 'stderr') {
        if (line.text.trim())
          yield { type: 'log', stream, text: truncateText(r.clean(line.text), MAX_LOG_LINE, line.truncated) };
        continue;
      }
      if (line.truncated > 0)
        proc.stop(
          `${agent.cli} printed an event longer than ${MAX_EVENT_BYTES / 1024 / 1024} MB; the attempt was stopped`,
        );
      const garbage = parser.noise.not_json;
      for (const s of parser.line(line.text)) yield step(s);
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
      if (cap !== null) {
        const spent = parser.spent;
        if (spent.usd !== null && spent.usd > cap) proc.stop(budgetExceeded(spent.usd, cap));
        else if (spent.usd === null && spent.input_tokens + spent.output_tokens > 0 && !unpricedSaid) {
          unpricedSaid = true;
          yield {
            type: 'log',
            stream: 'info',
            text: `max_cost_usd cannot be enforced while ${agent.cli} runs: no price is known for model ${agent.model ?? '(the CLI default)'} (add it to the agent's prices)`,
          };
        }
      }
    }
    const end = await proc.ended;
    if (end.spawnError !== null)
      return yield error(r.clean(`cannot start ${agent.cli} ("${inv.command}"): ${end.spawnError}`));
    for (const s of parser.end({
      code: end.code,
      signal: end.signal,
      ...(end.stopped ? { stopped: end.stopped } : {}),
    }))
      yield step(s);
    if (signal.aborted || end.stopped === 'cancelled') return yield CANCELLED;
    if (end.stopped !== null) return yield error(r.clean(end.stopped));
    const result = parser.result;
    const spent = parser.spent.usd;
    if (result?.cause === 'budget' && cap !== null) return yield error(budgetExceeded(spent ?? cap, cap));
    if (!result || result.is_error)
      return yield error(r.clean(result?.text ?? `${agent.cli} ended without a result`));
    // A CLI that reports its usage only at the end (codex) is found past its cap only then.
    if (cap !== null && spent !== null && spent > cap)
      return yield error(`${budgetExceeded(spent, cap)} (${agent.cli} reports its usage only when it ends)`);
    let finished: Awaited<ReturnType<typeof finish>>;
    try {
      finished = await finish(ctx, coding, r.worktree, r.clean(result.text), announced, signal);
    } catch (err) {
      if (signal.aborted) return yield CANCELLED;
      return yield error(
        r.clean(`the agent finished, but its work could not be recorded: ${(err as Error).message}`),
      );
    }
    yield* finished.events;
    yield { type: 'result', output: finished.output };
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);
    proc.stop('the attempt ended');
    await proc.ended;
  }
}

function sessionNote(agent: CodingAgent, coding: CodingContext, r: Ready): SessionNote {
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
