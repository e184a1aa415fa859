import { existsSync } from 'node:fs';
import type { TaskSession, Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { AppError } from '../../../base/errors.ts';
import { sandboxHostsOf } from '../../../engine/approvals/sandbox-hosts.ts';
import type { ConfineRequest } from '../../../sandbox/index.ts';
import type { SecretResolver } from '../../../secrets/secrets.ts';
import { attemptSandbox } from '../../shared/sandboxed.ts';
import { cliSandbox } from '../attempt/confine.ts';
import { checkEnvOf, resolveEnv } from '../attempt/env.ts';
import type { AgentView } from '../attempt/git-jail.ts';
import type { CodingStore } from '../repos/coding-store.ts';

/** What finding a task's worktree and its agent's sandbox reads. */
export interface PlaceDeps {
  store: Pick<CodingStore, 'sessions' | 'runs' | 'plans' | 'agents' | 'workspaces' | 'sandboxHosts'>;
  secrets: SecretResolver;
  /** Baton's own folders no agent reads (its data directory, the registered workspaces). */
  hiddenFolders: () => string[];
}

/** A coding task's worktree, as a terminal opens it. */
export interface Place {
  session: TaskSession;
  workspace: Workspace;
}

/** The task's worktree, or a clear refusal: not a coding task, not started, its worktree gone. */
export function placeOf(deps: PlaceDeps, runId: string, taskId: string): Place {
  const { store } = deps;
  if (!store.runs.get(runId))
    throw new AppError('not_found', `run "${runId}" not found`, { field: 'run_id' });
  const session = store.sessions.get(runId, taskId);
  if (!session)
    throw new AppError(
      'not_found',
      `task "${taskId}" of run "${runId}" has no worktree (not a coding task, or not started)`,
      { field: 'task_id' },
    );
  if (worktreeGone(deps, session))
    throw new AppError(
      'conflict',
      `the worktree of task "${taskId}" is gone (its branch ${session.branch} is still there): nothing to open a terminal in`,
      { field: 'task_id' },
    );
  const workspace = store.workspaces.get(session.workspace_id);
  if (!workspace)
    throw new AppError('not_found', `workspace "${session.workspace_id}" is no longer registered`, {
      field: 'task_id',
    });
  return { session, workspace };
}

/** Whether the session's worktree is gone now: its record removed (or gone with its run), or its folder. */
export function worktreeGone(deps: Pick<PlaceDeps, 'store'>, session: TaskSession): boolean {
  const now = deps.store.sessions.get(session.run_id, session.task_id);
  return !now || now.state === 'removed' || !existsSync(session.dir);
}

/**
 * The sandbox of the task's agent as its attempts get it (`attemptSandbox`: its policy narrowed by
 * the plan, with the hosts people allowed), Baton's folders it hides and the protected names its
 * workspace opens: what a terminal in its worktree starts from, and the view Baton's own git reads
 * the worktree in while the agent may still run (`../attempt/git-jail.ts`).
 */
export function agentView(deps: Pick<PlaceDeps, 'store' | 'hiddenFolders'>, place: Place): AgentView {
  const { store } = deps;
  const { session, workspace } = place;
  const run = store.runs.get(session.run_id);
  const plan = run ? store.plans.get(run.plan_id, run.plan_version)?.plan : undefined;
  const agent = store.agents.get(session.agent_id);
  if (agent?.kind !== 'coding')
    throw new AppError(
      'not_found',
      `agent "${session.agent_id}" of task "${session.task_id}" is no longer a registered coding agent: its sandbox cannot be known`,
      { field: 'task_id' },
    );
  const hosts = sandboxHostsOf(store, workspace, agent);
  const narrowed = attemptSandbox(agent.sandbox, {
    ...(plan?.sandbox ? { sandbox: plan.sandbox } : {}),
    sandboxHosts: hosts,
  });
  if (!narrowed.ok) throw new AppError('conflict', narrowed.error, { field: 'task_id' });
  return {
    policy: narrowed.policy,
    hide: deps.hiddenFolders().filter((p) => p !== workspace.path),
    mayWrite: workspace.allow_protected_writes ?? [],
    owner: `agent "${agent.id}"`,
  };
}

/**
 * The shell's sandbox, built as the task's agent's is (`attemptSandbox`: the agent's policy
 * narrowed by the plan, with the hosts people allowed; `cliSandbox`: the hosts and folders a CLI
 * gets), but a person's: no model endpoint, no MCP link, none of the CLI's own state folders in
 * the home. It writes the worktree (its protected paths but those the workspace opens stay
 * read-only) and its own temp folder, with the policy's own `write_allow`; Baton's folders and
 * the policy's hidden paths are hidden. Its environment is what the workspace's checks get: the
 * person's (without Baton's Node and folders on PATH, Baton's token), the workspace's `env`.
 */
export function shellRequest(
  deps: PlaceDeps,
  place: Place,
  tmp: string,
): Omit<ConfineRequest, 'command' | 'args'> & { where: string } {
  const { session, workspace } = place;
  const view = agentView(deps, place);
  const box = cliSandbox({
    policy: view.policy,
    ownLogin: { state: [], config: [], hosts: [] },
    endpoint: null,
    mcp: null,
    provider: true,
    home: tmp,
    worktree: session.dir,
    stateFolder: tmp,
    tmp,
  });
  const wsEnv = resolveEnv(workspace.env ?? {}, deps.secrets, `workspace "${workspace.id}"`);
  if (!wsEnv.ok) throw new AppError('conflict', wsEnv.error, { field: 'task_id' });
  const { NO_COLOR: _, ...env } = checkEnvOf(wsEnv.env, tmp);
  const hosts_ = box.policy.network.allow;
  return {
    policy: box.policy,
    cwd: session.dir,
    env: { ...env, TERM: 'xterm-256color', COLORTERM: 'truecolor' },
    folders: box.folders,
    hide: view.hide,
    mayWrite: view.mayWrite,
    owner: `a terminal in task "${session.task_id}"`,
    where:
      box.policy.mode === 'off'
        ? `without the OS sandbox (${view.owner} has it off): with the full rights of the person who started Baton`
        : `in ${view.owner}'s sandbox: it writes only ${box.folders.join(', ')}${
            box.policy.write_allow.length > 0 ? ` and ${box.policy.write_allow.join(', ')}` : ''
          } and reaches only ${hosts_.join(', ') || 'no host'}`,
  };
}
