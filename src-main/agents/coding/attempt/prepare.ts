import { mkdir, rm } from 'node:fs/promises';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { SandboxPolicy } from '../../../../src-shared/schemas/sandbox.ts';
import { sandboxMeet } from '../../../../src-shared/schemas/sandbox.ts';
import { attemptTmp, stopOrphans } from '../../../engine/attempt-leftovers.ts';
import type { CodingContext, ExecutorEvent, SessionNote, TaskContext } from '../../../engine/executor.ts';
import { CANCELLED } from '../../../engine/executor.ts';
import { PROCESS_SCOPE } from '../../../processes/attempt-scope.ts';
import type { SandboxOf } from '../../../sandbox/index.ts';
import { cannotRunHere, sandboxStatus } from '../../../sandbox/index.ts';
import { redact } from '../../../secrets/secrets.ts';
import { attemptSandbox, narrowerThan } from '../../shared/sandboxed.ts';
import { portsEnv } from '../worktrees/ports.ts';
import type { AttemptLink, AttemptLinks } from './attempt-links.ts';
import { checkEnvOf, resolveEnv } from './env.ts';
import type { Ready } from './ready.ts';
import { runSetup } from './setup.ts';
import { holdsAgentWork, startingPoint } from './starting-point.ts';
import type { Prepared as WorktreePrepared } from './worktree.ts';
import { checkoutNotice, dependencyBranches, mergeBaseAsking, prepareAsking } from './worktree.ts';

/** What every attempt is prepared with, from the executor's options. */
export interface AttemptDeps {
  /** Between SIGTERM and SIGKILL when stopping a program. */
  graceMs: number;
  now: () => number;
  /** Links to Baton's MCP server for agents whose tool calls a person approves. */
  links: AttemptLinks | null;
  /** Baton's own folders no agent reads (its data directory, the other workspaces). */
  hidden: () => string[];
}

/** An attempt made ready for its agent: what its run is handed, and where the checks of its work run. */
export interface Prepared {
  ready: Ready;
  /** The checks run the agent's work: the workspace's environment, and its sandbox within the agent's. */
  checkEnv: Record<string, string>;
  checkSandbox: SandboxOf;
  /** How the workspace's sandbox narrows within the agent's (said when checks run the agent's work), or null. */
  narrower: string | null;
}

const error = (message: string): ExecutorEvent => ({ type: 'error', message });
const info = (text: string): ExecutorEvent => ({ type: 'log', stream: 'info', text });

/**
 * One attempt made ready for its agent, whichever its route: the workspace's and agent's secrets
 * (`secretsOf`), the OS sandbox it can run in, what a dead Baton left running stopped, the
 * worktree (`worktreeOf`), the attempt's own folder with its link to Baton's `/mcp`, the
 * workspace's setup command; then `run` with it. The folder and the link go when the run ends.
 */
export async function* preparedAttempt(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  signal: AbortSignal,
  deps: AttemptDeps,
  run: (p: Prepared) => AsyncGenerator<ExecutorEvent>,
): AsyncGenerator<ExecutorEvent> {
  const { agent } = ctx;
  const secrets = secretsOf(ctx, coding);
  if (!secrets.ok) return yield error(secrets.error);
  // The worktree's ports, over what the workspace and agent set: they keep two worktrees' servers apart.
  const ports = portsEnv(coding.ports);
  const clean = (text: string) => redact(text, secrets.values);

  const policy = await agentSandbox(ctx);
  if (!policy.ok) return yield error(policy.error);

  // A CLI a Baton that died left running in this task's worktree stops before anything else works there.
  if (coding.session) await stopOrphans(ctx.marker_scope ?? PROCESS_SCOPE, ctx.run_id, ctx.task.task_id);
  if (signal.aborted) return yield CANCELLED;

  const where = yield* worktreeOf(ctx, coding, signal, secrets.provider !== null, clean);
  if (where === null) return;
  const { worktree, from, start } = where;

  // The attempt's own folder: the CLI's TMPDIR and what holds this attempt's MCP token; gone when it ends.
  const tmp = attemptTmp(ctx.workspace);
  let link: AttemptLink | null = null;
  try {
    if (agent.tool_approvals === 'inbox' && agent.protocol !== 'acp') {
      // The CLI asks Baton's MCP server, as this attempt, about each tool call (a person answers).
      link =
        deps.links?.open({ run_id: ctx.run_id, task_id: ctx.task.task_id, attempt: ctx.attempt }) ?? null;
      if (!link)
        return yield error(
          `coding agent "${agent.id}" has its tool calls approved in Baton's inbox (tool_approvals "inbox"), which needs Baton's MCP server at /mcp: no host serves it in this process (the desktop app and \`baton serve\` do; \`baton run\` does not)`,
        );
      secrets.values.push(link.token);
    }
    await mkdir(tmp, { recursive: true, mode: 0o700 });
    // Protected paths of the worktree (`.vscode`, `.mcp.json`, …) the workspace opens on purpose.
    const mayWrite = coding.workspace.allow_protected_writes ?? [];
    // Its own repository stays readable (its worktree's git data is there); the others are hidden.
    const hide = deps.hidden().filter((p) => p !== coding.workspace.path);
    // The workspace's sandbox (narrowed by the plan); on an agent's work, within the agent's too.
    const wsPolicy = attemptSandbox(coding.workspace.sandbox ?? undefined, ctx);
    if (!wsPolicy.ok) return yield error(wsPolicy.error);
    const onAgentsWork = sandboxMeet(wsPolicy.policy, policy.policy);
    const narrower = narrowerThan(wsPolicy.policy, onAgentsWork);
    const workspaceBox = (p: SandboxPolicy): SandboxOf => ({
      policy: p,
      hide,
      owner: `workspace "${coding.workspace.id}"`,
      askHost: ctx.sandboxHosts?.ask,
      mayWrite,
    });
    // The workspace's setup command in a fresh worktree: on an agent's work, within the agent's sandbox too.
    const fresh = worktree.state !== 'reused' || start.fresh;
    const agentsWork = fresh && holdsAgentWork(from, worktree, start.fresh, coding.workspace.keep_ignored);
    const setupSteps = yield* setupRun(ctx, coding, signal, deps, {
      worktree,
      fresh,
      env: { ...checkEnvOf(secrets.workspace, tmp), ...ports },
      clean,
      sandbox: workspaceBox(agentsWork ? onAgentsWork : wsPolicy.policy),
      narrower: agentsWork ? narrower : null,
    });
    if (setupSteps === null) return;
    yield* run({
      ready: {
        worktree,
        from,
        provider: secrets.provider,
        clean,
        secrets: secrets.values,
        tmp,
        env: { ...secrets.workspace, ...secrets.agent, ...ports },
        link,
        firstSeq: 1 + setupSteps,
        sandbox: { policy: policy.policy, hide, mayWrite },
      },
      // The checks run the agent's work: the workspace's environment, and its sandbox within the agent's.
      checkEnv: { ...checkEnvOf(secrets.workspace, tmp), ...ports },
      checkSandbox: workspaceBox(onAgentsWork),
      narrower,
    });
  } finally {
    link?.close();
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * The agent's OS sandbox (its policy, narrowed by the plan); where it cannot run, a required one
 * refuses the attempt before anything is prepared, with what to install.
 */
async function agentSandbox(
  ctx: TaskContext<CodingAgent>,
): Promise<{ ok: true; policy: SandboxPolicy } | { ok: false; error: string }> {
  const policy = attemptSandbox(ctx.agent.sandbox, ctx);
  if (!policy.ok || policy.policy.mode === 'off') return policy;
  const status = await sandboxStatus();
  return status.available
    ? policy
    : { ok: false, error: cannotRunHere(status.problem, `agent "${ctx.agent.id}"`) };
}

/**
 * The workspace's setup command (`npm ci`) in a fresh worktree (made, re-made or scrubbed): how
 * many steps its sandbox's refusals took, or null once the attempt ended (the error said).
 */
async function* setupRun(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  signal: AbortSignal,
  deps: AttemptDeps,
  o: {
    worktree: Ready['worktree'];
    fresh: boolean;
    env: Record<string, string>;
    clean: (text: string) => string;
    sandbox: SandboxOf;
    /** How the sandbox narrows within the agent's, when the worktree holds an agent's work. */
    narrower: string | null;
  },
): AsyncGenerator<ExecutorEvent, number | null> {
  const argv = coding.workspace.setup_command;
  if (!argv || !o.fresh) return 0;
  if (o.narrower)
    yield info(
      `setup: the worktree holds an agent's work, so the setup command runs within agent "${ctx.agent.id}"'s sandbox too: ${o.narrower}`,
    );
  let steps = 0;
  const failed = yield* runSetup({
    argv,
    cwd: o.worktree.dir,
    env: o.env,
    marker: coding.marker,
    graceMs: deps.graceMs,
    signal,
    clean: o.clean,
    sandbox: o.sandbox,
    // After the prompt (seq 0), before the CLI's steps.
    nextSeq: () => 1 + steps++,
  });
  if (failed === null) return steps;
  yield failed === 'cancelled' ? CANCELLED : error(failed);
  return null;
}

/** The workspace's and agent's env with their secrets looked up, the provider and its key; the values, to redact. */
function secretsOf(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
):
  | {
      ok: true;
      workspace: Record<string, string>;
      agent: Record<string, string>;
      provider: { base_url: string; api_key: string } | null;
      values: string[];
    }
  | { ok: false; error: string } {
  const { agent } = ctx;
  // Their values never leave in an event.
  const wsEnv = resolveEnv(coding.workspace.env, ctx.secrets, `workspace "${coding.workspace.id}"`);
  if (!wsEnv.ok) return wsEnv;
  const agentEnv = resolveEnv(agent.env, ctx.secrets, `agent "${agent.id}"`);
  if (!agentEnv.ok) return agentEnv;
  const values = [...wsEnv.secrets, ...agentEnv.secrets];
  if (!agent.provider) return { ok: true, workspace: wsEnv.env, agent: agentEnv.env, provider: null, values };
  const name = agent.provider.api_key_secret;
  const key = name === undefined ? 'baton-no-key' : ctx.secrets.get(name);
  if (key === undefined)
    return {
      ok: false,
      error: `secret "${name}" (the provider's API key of agent "${agent.id}") is not set`,
    };
  if (name !== undefined) values.push(key);
  return {
    ok: true,
    workspace: wsEnv.env,
    agent: agentEnv.env,
    provider: { base_url: agent.provider.base_url, api_key: key },
    values,
  };
}

/**
 * The task's worktree, said in the attempt's log and its session: made from its dependencies'
 * branches or the base (a conflict asked about as the task says), taken from the pool, or an
 * earlier attempt's; where this attempt starts in it (`starting-point.ts`); the pull request's
 * base merged when it moved. Null once the attempt ended (the error said).
 */
async function* worktreeOf(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  signal: AbortSignal,
  provider: boolean,
  clean: (text: string) => string,
): AsyncGenerator<
  ExecutorEvent,
  {
    worktree: Ready['worktree'];
    from: ReturnType<typeof dependencyBranches>;
    start: Awaited<ReturnType<typeof startingPoint>>;
  } | null
> {
  const { agent } = ctx;
  const from = dependencyBranches(ctx, coding);
  const note = (start: string, dir: string, branch = coding.branch): SessionNote => ({
    workspace_id: coding.workspace.id,
    cli: agent.cli,
    dir,
    branch,
    start_commit: start,
    session_id: null,
    home: provider ? coding.home : null,
  });
  // What the user's checkout holds uncommitted, read beside the worktree's preparation (a status of
  // the whole checkout); said once the worktree is there. A best-of attempt says it once, not
  // each candidate; a retry (whose worktree is most often there already) reads it after.
  const noticeSoon =
    coding.candidate === undefined && !coding.session ? checkoutNotice(coding, signal) : null;
  let prepared: WorktreePrepared;
  try {
    prepared = yield* prepareAsking(ctx, coding, from, signal, (start, dir) => ({
      type: 'session',
      session: note(start, dir),
    }));
  } catch (err) {
    yield signal.aborted ? CANCELLED : error(clean(`cannot prepare the worktree: ${(err as Error).message}`));
    return null;
  }
  if (!prepared.ok) {
    yield error(prepared.message);
    return null;
  }
  const worktree = prepared.worktree;
  yield { type: 'session', session: note(worktree.startCommit, worktree.dir, worktree.branch) };
  const startedFrom = from.length > 0 ? from.map((f) => f.branch).join(' + ') : coding.workspace.base_branch;
  yield info(
    `worktree ${worktree.dir} on ${worktree.branch} (${
      // A parked worktree switched to the branch was not made: say where it came from.
      worktree.recycled
        ? `taken from workspace ${coding.workspace.id}'s pool of parked worktrees, ${worktree.state === 'created' ? 'a new branch' : 'its branch already there'}`
        : worktree.state
    }, from ${startedFrom})`,
  );
  // Not said again to a task whose worktree was already there.
  if (worktree.state !== 'reused' && coding.candidate === undefined) {
    const notice = await (noticeSoon ?? checkoutNotice(coding, signal));
    if (notice) yield notice;
  }
  const kept = coding.workspace.keep_ignored;
  if (worktree.recycled && kept.length > 0)
    yield info(`kept from this worktree's last attempt: ${kept.join(', ')}`);
  // A retry starts from the work the last attempt left, or clean if a person asked.
  let start: Awaited<ReturnType<typeof startingPoint>>;
  try {
    start = await startingPoint(ctx, coding, worktree, startedFrom, signal);
  } catch (err) {
    yield signal.aborted
      ? CANCELLED
      : error(clean(`cannot set the worktree where this attempt starts: ${(err as Error).message}`));
    return null;
  }
  yield* start.events;
  // The pull request's base moved and conflicts, and a person resolves it: merged before the agent goes on.
  try {
    const based = yield* mergeBaseAsking(ctx, coding, worktree.dir, signal);
    if (!based.ok) {
      yield error(based.message);
      return null;
    }
  } catch (err) {
    yield signal.aborted
      ? CANCELLED
      : error(clean(`cannot merge the pull request's base: ${(err as Error).message}`));
    return null;
  }
  return { worktree, from, start };
}
