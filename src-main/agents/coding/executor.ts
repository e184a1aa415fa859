import type { CodingAgent } from '../../../src-shared/schemas/agent.ts';
import type { CodingContext, Executor, ExecutorEvent, TaskContext } from '../../engine/executor.ts';
import { cappedExecutor } from '../shared/output-caps.ts';
import type { SandboxDeps } from '../shared/sandboxed.ts';
import type { AttemptLinks } from './attempt/attempt-links.ts';
import { heldUntilResumed, runAttempt } from './attempt/lifecycle.ts';
import type { AttemptDeps } from './attempt/prepare.ts';
import { preparedAttempt } from './attempt/prepare.ts';
import type { Ready } from './attempt/ready.ts';
import type { NoRoute, Route } from './attempt/route.ts';
import { checkoutNotice } from './attempt/worktree.ts';
import { askJudge } from './best-of/judge.ts';
import { runBestOf } from './best-of/run-best-of.ts';
import { checkedAgent } from './checks/fix-loop.ts';
import { definitionOf } from './clis/index.ts';
import type { AttemptRouteFacts } from './routes/default-route.ts';
import { routeAgent, routeFacts } from './routes/default-route.ts';
import { streamRoute } from './routes/stream/route.ts';

export interface CodingExecutorOptions extends SandboxDeps {
  /** Between SIGTERM and SIGKILL when stopping a CLI (default 2 s). */
  graceMs?: number;
  /** Baton's clock for steps whose events carry no time (default Date.now). */
  now?: () => number;
  /** Links to Baton's MCP server for agents whose tool calls a person approves (`tool_approvals: "inbox"`). */
  mcpLinks?: AttemptLinks;
  /** What the default route needs of the machine (default: Claude's ACP adapter looked for, `routeFacts`). */
  routeFacts?: () => Promise<AttemptRouteFacts>;
}

interface Deps extends AttemptDeps {
  facts: () => Promise<AttemptRouteFacts>;
}

/**
 * `coding` agents: a coding CLI (Claude Code, Codex, opencode, qwen-code, Gemini CLI, any ACP
 * agent) in the task's own git worktree, on its route, its steps recorded, its spend capped, its
 * work committed and diffed. A short pipeline: the agent routed (`routedAttempt`), then best of N
 * or one attempt prepared and checked (`codingAttempt`), whose each run of the agent is its
 * route's through the one lifecycle (`agentRun`). See README.md beside this file.
 */
export function createCodingExecutor(opts: CodingExecutorOptions = {}): Executor {
  const deps: Deps = {
    graceMs: opts.graceMs ?? 2_000,
    now: opts.now ?? Date.now,
    links: opts.mcpLinks ?? null,
    hidden: opts.hiddenFolders ?? (() => []),
    facts: opts.routeFacts ?? (() => routeFacts()),
  };
  const executor = cappedExecutor('coding', (ctx, signal) => routedAttempt(ctx, signal, deps));
  // The CLI has done what a line says before Baton reads it: its steps need not hold the reader
  // (a stream of 50,000 lines would otherwise wait for 50,000 commits).
  return { ...executor, awaitsSteps: false };
}

/**
 * The attempt on the agent's route (its `protocol`, else the default for its CLI), said once in
 * its log; everything after sees the agent with its route set.
 */
async function* routedAttempt(
  ctx: TaskContext<CodingAgent>,
  signal: AbortSignal,
  deps: Deps,
): AsyncGenerator<ExecutorEvent> {
  const routed = routeAgent(ctx.agent, await deps.facts());
  yield { type: 'log', stream: 'info', text: routed.line };
  const routedCtx = { ...ctx, agent: routed.agent };
  // Held by a person before anything of it starts (its worktree prepared included).
  if (!(yield* heldUntilResumed(routedCtx, signal))) return;
  yield* codingAttempt(routedCtx, signal, deps);
}

/**
 * Best of N (`best-of/`: each candidate this whole attempt, routed, in its own worktree), or one
 * attempt prepared (`attempt/prepare.ts`) whose agent runs checked (`checks/fix-loop.ts`).
 */
async function* codingAttempt(
  ctx: TaskContext<CodingAgent>,
  signal: AbortSignal,
  deps: Deps,
): AsyncGenerator<ExecutorEvent> {
  const coding = ctx.coding;
  if (!coding)
    return yield {
      type: 'error',
      message: `coding agent "${ctx.agent.id}" was given no workspace for task "${ctx.task.task_id}"`,
    };
  const bestOf = coding.best_of;
  if (bestOf && !coding.resume && !coding.checking) {
    const judge = bestOf.judge;
    return yield* runBestOf({
      ctx,
      coding: { ...coding, best_of: bestOf },
      signal,
      now: deps.now,
      checkoutNotice: (s) => checkoutNotice(coding, s),
      // Each candidate on its own agent's route, said in its log.
      attempt: (c, s) => routedAttempt(c, s, deps),
      judge: judge
        ? (tied, s) =>
            askJudge(judge, ctx.task, tied, { workspace: ctx.workspace, secrets: ctx.secrets, signal: s })
        : undefined,
    });
  }
  yield* preparedAttempt(ctx, coding, signal, deps, (p) =>
    checkedAgent({
      ctx,
      coding,
      ...p,
      signal,
      graceMs: deps.graceMs,
      now: deps.now,
      attempt: (forRound, ready) => agentRun(ctx, forRound, ready, signal, deps),
    }),
  );
}

/**
 * One run of the agent on its route, through the attempt's lifecycle (`attempt/lifecycle.ts`):
 * ACP's route loaded at an ACP agent's first run (its SDK, whose schemas alone take ~0.1 s to
 * load, is not needed at Baton's start); the rest on their CLI's stream.
 */
async function* agentRun(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  ready: Ready,
  signal: AbortSignal,
  deps: AttemptDeps,
): AsyncGenerator<ExecutorEvent> {
  const { agent } = ctx;
  const definition = definitionOf(agent.cli);
  const route: Route | NoRoute =
    definition === null
      ? { none: `cli "${agent.cli}" is not a coding CLI this Baton knows` }
      : agent.protocol === 'acp'
        ? (await import('./routes/acp/route.ts')).acpRoute(definition)
        : streamRoute(definition);
  yield* runAttempt(route, ctx, coding, ready, signal, deps.graceMs, deps.now);
}
