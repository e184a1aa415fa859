import { mkdir, rm } from 'node:fs/promises';
import type { CodingAgent } from '../../../src-shared/schemas/agent.ts';
import { sandboxMeet } from '../../../src-shared/schemas/sandbox.ts';
import { attemptTmp, stopOrphans } from '../../engine/attempt-leftovers.ts';
import type {
  CodingContext,
  Executor,
  ExecutorEvent,
  SessionNote,
  TaskContext,
} from '../../engine/executor.ts';
import { CANCELLED } from '../../engine/executor.ts';
import { PROCESS_SCOPE } from '../../processes/attempt-scope.ts';
import { cannotRunHere, sandboxStatus } from '../../sandbox/index.ts';
import { redact } from '../../secrets/secrets.ts';
import { cappedExecutor } from '../shared/output-caps.ts';
import type { SandboxDeps } from '../shared/sandboxed.ts';
import { attemptSandbox, narrowerThan } from '../shared/sandboxed.ts';
import type { AttemptLink, AttemptLinks } from './attempt/attempt-links.ts';
import { resolveEnv } from './attempt/env.ts';
import { runAttempt } from './attempt/lifecycle.ts';
import type { Ready } from './attempt/route.ts';
import { runSetup } from './attempt/setup.ts';
import { holdsAgentWork, startingPoint } from './attempt/starting-point.ts';
import {
  checkoutNotice,
  dependencyBranches,
  mergeBaseAsking,
  type prepare,
  prepareAsking,
} from './attempt/worktree.ts';
import { askJudge } from './best-of/judge.ts';
import { runBestOf } from './best-of/run-best-of.ts';
import { checkEnvOf } from './checks/check-env.ts';
import { checkedAgent, checksOf } from './checks/fix-loop.ts';
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

const error = (message: string): ExecutorEvent => ({ type: 'error', message });

/**
 * `coding` agents: a coding CLI (Claude Code, Codex, opencode, qwen-code) run headless
 * in the task's own git worktree, its JSON event stream parsed line by line into steps, its
 * spend capped, its work committed and diffed. See README.md beside this file.
 */
export function createCodingExecutor(opts: CodingExecutorOptions = {}): Executor {
  const graceMs = opts.graceMs ?? 2_000;
  const now = opts.now ?? Date.now;
  const links = opts.mcpLinks ?? null;
  const hidden = opts.hiddenFolders ?? (() => []);
  const facts = opts.routeFacts ?? (() => routeFacts());
  const executor = cappedExecutor('coding', (ctx, signal) =>
    routedAttempt(ctx, signal, graceMs, now, links, hidden, facts),
  );
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
  graceMs: number,
  now: () => number,
  links: AttemptLinks | null,
  hidden: () => string[],
  facts: () => Promise<AttemptRouteFacts>,
): AsyncGenerator<ExecutorEvent> {
  const routed = routeAgent(ctx.agent, await facts());
  yield { type: 'log', stream: 'info', text: routed.line };
  yield* codingAttempt({ ...ctx, agent: routed.agent }, signal, graceMs, now, links, hidden, facts);
}

async function* codingAttempt(
  ctx: TaskContext<CodingAgent>,
  signal: AbortSignal,
  graceMs: number,
  now: () => number,
  links: AttemptLinks | null,
  hidden: () => string[],
  facts: () => Promise<AttemptRouteFacts>,
): AsyncGenerator<ExecutorEvent> {
  const { agent } = ctx;
  const coding = ctx.coding;
  if (!coding)
    return yield error(`coding agent "${agent.id}" was given no workspace for task "${ctx.task.task_id}"`);
  // Best of N: the candidates each run this whole attempt in their own worktree (../best-of/).
  const bestOf = coding.best_of;
  if (bestOf && !coding.resume && !coding.checking)
    return yield* runBestOf({
      ctx,
      coding: { ...coding, best_of: bestOf },
      signal,
      now,
      checkoutNotice: (s) => checkoutNotice(coding, s),
      // Each candidate on its own agent's route, said in its log.
      attempt: (c, s) => routedAttempt(c, s, graceMs, now, links, hidden, facts),
      judge: bestOf.judge
        ? (tied, s) =>
            askJudge(bestOf.judge!, ctx.task, tied, {
              workspace: ctx.workspace,
              secrets: ctx.secrets,
              signal: s,
            })
        : undefined,
    });

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

  // The CLI's OS sandbox (its agent's policy, narrowed by the plan): where it cannot run, a
  // required one refuses the attempt before anything is prepared, with what to install.
  const policy = attemptSandbox(agent.sandbox, ctx);
  if (!policy.ok) return yield error(policy.error);
  if (policy.policy.mode !== 'off') {
    const status = await sandboxStatus();
    if (!status.available) return yield error(cannotRunHere(status.problem, `agent "${agent.id}"`));
  }

  // A CLI a Baton that died left running in this task's worktree stops before anything else works there.
  if (coding.session) await stopOrphans(ctx.marker_scope ?? PROCESS_SCOPE, ctx.run_id, ctx.task.task_id);
  if (signal.aborted) return yield CANCELLED;

  const from = dependencyBranches(ctx, coding);
  // What the user's checkout holds uncommitted, read beside the worktree's preparation (a status of
  // the whole checkout); said once the worktree is there. A best-of attempt says it once, not
  // each candidate; a retry (whose worktree is most often there already) reads it after.
  const noticeSoon =
    coding.candidate === undefined && !coding.session ? checkoutNotice(coding, signal) : null;
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
  const startedFrom = from.length > 0 ? from.map((f) => f.branch).join(' + ') : coding.workspace.base_branch;
  yield {
    type: 'log',
    stream: 'info',
    text: `worktree ${worktree.dir} on ${worktree.branch} (${
      // A parked worktree switched to the branch was not made: say where it came from.
      worktree.recycled
        ? `taken from workspace ${coding.workspace.id}'s pool of parked worktrees, ${worktree.state === 'created' ? 'a new branch' : 'its branch already there'}`
        : worktree.state
    }, from ${startedFrom})`,
  };
  // Not said again to a task whose worktree was already there.
  if (worktree.state !== 'reused' && coding.candidate === undefined) {
    const notice = await (noticeSoon ?? checkoutNotice(coding, signal));
    if (notice) yield notice;
  }
  const kept = coding.workspace.keep_ignored;
  if (worktree.recycled && kept.length > 0)
    yield { type: 'log', stream: 'info', text: `kept from this worktree's last attempt: ${kept.join(', ')}` };
  // A retry starts from the work the last attempt left, or clean if a person asked.
  let start: Awaited<ReturnType<typeof startingPoint>>;
  try {
    start = await startingPoint(ctx, coding, worktree, startedFrom, signal);
  } catch (err) {
    if (signal.aborted) return yield CANCELLED;
    return yield error(clean(`cannot set the worktree where this attempt starts: ${(err as Error).message}`));
  }
  yield* start.events;
  // The pull request's base moved and conflicts, and a person resolves it: merged before the agent goes on.
  try {
    const based = yield* mergeBaseAsking(ctx, coding, worktree.dir, signal);
    if (!based.ok) return yield error(based.message);
  } catch (err) {
    if (signal.aborted) return yield CANCELLED;
    return yield error(clean(`cannot merge the pull request's base: ${(err as Error).message}`));
  }

  // The attempt's own folder: the CLI's TMPDIR and what holds this attempt's MCP token; gone when it ends.
  const tmp = attemptTmp(ctx.workspace);
  let link: AttemptLink | null = null;
  try {
    if (agent.tool_approvals === 'inbox' && agent.protocol !== 'acp') {
      // The CLI asks Baton's MCP server, as this attempt, about each tool call (a person answers).
      link = links?.open({ run_id: ctx.run_id, task_id: ctx.task.task_id, attempt: ctx.attempt }) ?? null;
      if (!link)
        return yield error(
          `coding agent "${agent.id}" has its tool calls approved in Baton's inbox (tool_approvals "inbox"), which needs Baton's MCP server at /mcp: no host serves it in this process (the desktop app and \`baton serve\` do; \`baton run\` does not)`,
        );
      secrets.push(link.token);
    }
    await mkdir(tmp, { recursive: true, mode: 0o700 });
    // Protected paths of the worktree (`.vscode`, `.mcp.json`, …) the workspace opens on purpose.
    const mayWrite = coding.workspace.allow_protected_writes ?? [];
    const setup = coding.workspace.setup_command;
    let setupSteps = 0;
    // The workspace's sandbox (narrowed by the plan); on an agent's work, within the agent's too.
    const wsPolicy = attemptSandbox(coding.workspace.sandbox ?? undefined, ctx);
    if (!wsPolicy.ok) return yield error(wsPolicy.error);
    const onAgentsWork = sandboxMeet(wsPolicy.policy, policy.policy);
    const narrower = narrowerThan(wsPolicy.policy, onAgentsWork);
    if (setup && (worktree.state !== 'reused' || start.fresh)) {
      const agentsWork = holdsAgentWork(from, worktree, start.fresh, kept);
      if (agentsWork && narrower)
        yield {
          type: 'log',
          stream: 'info',
          text: `setup: the worktree holds an agent's work, so the setup command runs within agent "${agent.id}"'s sandbox too: ${narrower}`,
        };
      const failed = yield* runSetup({
        argv: setup,
        cwd: worktree.dir,
        env: checkEnvOf(wsEnv.env, tmp),
        marker: coding.marker,
        graceMs,
        signal,
        clean,
        sandbox: {
          policy: agentsWork ? onAgentsWork : wsPolicy.policy,
          // Its own repository stays readable (its worktree's git data is there); the others are hidden.
          hide: hidden().filter((p) => p !== coding.workspace.path),
          owner: `workspace "${coding.workspace.id}"`,
          askHost: ctx.sandboxHosts?.ask,
          mayWrite,
        },
        // After the prompt (seq 0), before the CLI's steps.
        nextSeq: () => 1 + setupSteps++,
      });
      if (failed === 'cancelled') return yield CANCELLED;
      if (failed !== null) return yield error(failed);
    }
    // Its own repository stays readable (its worktree's git data is there); the others are hidden.
    const hide = hidden().filter((p) => p !== coding.workspace.path);
    if (narrower && checksOf(ctx.task, coding.workspace.checks).length > 0)
      yield {
        type: 'log',
        stream: 'info',
        text: `the checks run the agent's work, so within agent "${agent.id}"'s sandbox too: ${narrower}`,
      };
    yield* checkedAgent({
      ctx,
      coding,
      ready: {
        worktree,
        from,
        provider,
        clean,
        secrets,
        tmp,
        env: { ...wsEnv.env, ...agentEnv.env },
        link,
        firstSeq: 1 + setupSteps,
        sandbox: { policy: policy.policy, hide, mayWrite },
      },
      signal,
      graceMs,
      now,
      // Each run of the agent on its route, through the attempt's lifecycle.
      attempt: (forRound, ready) => routeAttempt(ctx, forRound, ready, signal, graceMs, now),
      // The checks run the agent's work: the workspace's environment, and its sandbox within the agent's.
      checkEnv: checkEnvOf(wsEnv.env, tmp),
      checkSandbox: {
        policy: onAgentsWork,
        hide,
        owner: `workspace "${coding.workspace.id}"`,
        askHost: ctx.sandboxHosts?.ask,
        mayWrite,
      },
    });
  } finally {
    link?.close();
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * One run of the agent on its route: ACP's loaded at an ACP agent's first run (its SDK, whose
 * schemas alone take ~0.1 s to load, is not needed at Baton's start); the rest on their stream.
 */
async function* routeAttempt(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  ready: Ready,
  signal: AbortSignal,
  graceMs: number,
  now: () => number,
): AsyncGenerator<ExecutorEvent> {
  const { agent } = ctx;
  const route =
    agent.protocol === 'acp'
      ? (await import('./routes/acp/route.ts')).acpRoute(agent.cli)
      : streamRoute(agent.cli);
  yield* runAttempt(route, ctx, coding, ready, signal, graceMs, now);
}
