import { join } from 'node:path';
import type { AgentOf } from '../../../../src-shared/schemas/agent.ts';
import { REVERT_NOTE_PREFIX } from '../../../../src-shared/schemas/checkpoint.ts';
import type { TaskAttempt, TaskRun } from '../../../../src-shared/schemas/run.ts';
import { attemptMarker } from '../../../engine/attempt-leftovers.ts';
import type { AttemptSetup, CodingContext, ResumeRequest } from '../../../engine/executor.ts';
import type { SessionSpent } from '../../../store/steps-repo.ts';
import type { CodingStore } from '../repos/coding-store.ts';
import { NoFreePorts } from '../repos/worktree-ports-repo.ts';
import { pricesWith } from '../streams/prices.ts';
import { repositoryMissing } from '../workspaces/index.ts';
import { parkedFolder } from './cleanup.ts';
import { endedText } from './kept-work.ts';

const NOTHING_SPENT: SessionSpent = { usd: null, input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 };

/** Why a coding agent cannot take a task: it names no workspace. */
export function needsWorkspace(taskId: string, agentId: string): string {
  return `task "${taskId}" goes to coding agent "${agentId}", which needs a workspace: set workspace on the task or on the plan`;
}

/** Why a task whose session is in one workspace cannot go on in another (its worktree and branch are there). */
export function workspaceMoved(taskId: string, was: string, now: string): string {
  return `task "${taskId}" worked in workspace "${was}" before; it cannot move to "${now}"`;
}

/** The branch of a coding task: the plan's DAG becomes a DAG of branches. */
export const taskBranch = (runId: string, taskId: string): string => `baton/${runId}/${taskId}`;

/** Where the coding kind keeps its worktrees, and the store it reads sessions from. */
export interface ContextDeps {
  store: CodingStore;
  /** Where coding tasks' git worktrees go: `<root>/<run>/<task>/tree` (and the CLI's home beside it). */
  worktreeRoot: string;
  /** How many finished worktrees each workspace keeps parked; 0: none. */
  parkedWorktrees: number;
  /** The time now (ISO 8601): which prices are in effect for the attempt. */
  iso?: () => string;
}

/**
 * What a coding agent's attempt needs besides the task (read in the tick that starts it: the
 * kind's `prepare`): the workspace the task names (its own, else the plan's), where its worktree
 * and the CLI's home go, its session so far, and whether this attempt goes on with it — a
 * reviewer asked for changes (`setup.asked`), or the attempt before was interrupted by a restart
 * of Baton. A retry after a failure starts a new CLI session, in the same worktree. Or why it
 * cannot run.
 */
export function codingContextOf(deps: ContextDeps, setup: AttemptSetup): CodingContext | { error: string } {
  const { store } = deps;
  const { spec, task, agent } = setup;
  const runId = setup.run_id;
  const workspaceId = spec.workspace ?? setup.plan.workspace;
  if (workspaceId === undefined) return { error: needsWorkspace(task.task_id, agent.id) };
  const workspace = store.workspaces.get(workspaceId);
  if (!workspace)
    return {
      error: `workspace "${workspaceId}" is not registered (any more): register the repository again (baton workspaces add)`,
    };
  // Gone from disk since the run started: said in a sentence, not in git's words at the first git command.
  const missing = repositoryMissing(workspace.path);
  if (missing !== null)
    return { error: `workspace "${workspace.id}" (${workspace.path}) is missing: ${missing}` };
  const session = store.sessions.get(runId, task.task_id) ?? null;
  if (session && session.workspace_id !== workspace.id)
    return { error: workspaceMoved(task.task_id, session.workspace_id, workspace.id) };
  const taskDir = join(deps.worktreeRoot, runId, task.task_id);
  // Its block of ports, held across its attempts, freed when its worktree goes.
  let ports: CodingContext['ports'];
  try {
    ports = store.worktreePorts.allocate(
      runId,
      task.task_id,
      workspace.id,
      deps.iso?.() ?? new Date().toISOString(),
    );
  } catch (err) {
    if (err instanceof NoFreePorts) return { error: err.message };
    throw err;
  }
  let resume: ResumeRequest | null = null;
  const asked = setup.asked;
  // Only the agent whose CLI holds the session resumes it; another starts its own in the worktree.
  const ownSession = session?.agent_id === agent.id ? session.session_id : null;
  if (asked) {
    resume = { ...asked, session_id: asked.session_id ?? ownSession };
  } else if (
    session &&
    (previousEnded(store, runId, task) === 'interrupted' || previousEnded(store, runId, task) === 'limited')
  ) {
    // Interrupted by a restart, or waited out a usage limit (`on_limit: wait`): the same session goes on.
    resume = { reason: 'interrupted', session_id: ownSession };
  } else if (session && previousEnded(store, runId, task) === 'done') {
    // Changes were requested before a restart lost `resumeNext`: the request is read back from
    // the approval, its line comments from beside it (migration 011).
    const asked = store.approvals
      .forTask(runId, task.task_id)
      .findLast((a) => a.kind === 'diff_review' && a.status !== 'pending');
    if (asked?.status === 'changes_requested')
      resume = {
        reason: 'changes_requested',
        session_id: ownSession,
        comment: asked.comment ?? '',
        line_comments: store.approvals.lineComments(asked.id),
      };
  }
  // A fix round of the work's pull request (landing/pr-fix.ts): told what its checks or reviewer asked.
  const ownFix = session?.continues ? store.landings.fixedIn(runId)?.fix : null;
  const fix = !resume ? ownFix : null;
  if (fix && fix.run_id === runId)
    resume = { reason: 'pr_feedback', prompt: fix.prompt, session_id: ownSession };
  // Its base moved and conflicts: merged into the worktree first (after a restart too), for the agent or a person to resolve.
  const baseMerge =
    ownFix?.run_id === runId && ownFix.kind === 'conflict' && ownFix.base && !ownFix.rebased
      ? { ...ownFix.base, ask: ownFix.ask === true }
      : null;
  if (!resume && session?.continues && task.attempt === 1) {
    // A person resumed the work an earlier run kept of this task: same branch, folder and CLI session.
    const kept = store.sessions.get(session.continues, task.task_id)?.kept_work;
    resume = {
      reason: 'kept_work',
      session_id: ownSession,
      run_id: session.continues,
      attempt: kept?.attempt ?? 0,
      ended: endedText(kept?.ended ?? 'ended', kept?.reason ?? null),
    };
  }
  const prior =
    resume?.session_id != null ? spentBefore(store, runId, task, resume.session_id) : NOTHING_SPENT;
  // A retry after an attempt that did not finish starts from its work, unless a person asked to start clean.
  const before = resume || !session || task.attempt < 2 ? undefined : attemptBefore(store, runId, task);
  const earlier =
    before && (before.outcome === 'failed' || before.outcome === 'cancelled')
      ? { attempt: before.attempt, ended: endedText(before.outcome, before.error) }
      : null;
  return {
    checking: resume?.reason === 'interrupted' ? checksLeft(store, runId, task) : null,
    workspace,
    dir: session?.dir ?? join(taskDir, 'tree'),
    branch: session?.branch ?? taskBranch(runId, task.task_id),
    home: session?.home ?? join(taskDir, 'home'),
    session,
    resume,
    prior,
    prices: pricesWith(store.prices.inEffectAt(deps.iso?.() ?? new Date().toISOString())),
    marker: attemptMarker(setup.marker_scope, runId, task.task_id, task.attempt),
    on_conflict: spec.on_conflict ?? 'fail',
    ports,
    pool: deps.parkedWorktrees > 0 ? parkedFolder(deps.worktreeRoot, workspace.id) : null,
    earlier,
    start_clean: setup.start_clean,
    undone: setup.start_clean || !session ? [] : undoneSince(store, runId, task),
    best_of: resume === null && task.attempt >= 1 ? bestOfContext(store, setup) : null,
    base_merge: baseMerge,
  };
}

/**
 * A task with `attempts` of 2 or more: its candidates' agents (its `candidates` in turn, else
 * its agent each time), its judge, and where the ranking is stored. Null for one attempt, or
 * when an agent it names is not a registered agent of the right kind (any more).
 */
function bestOfContext(store: CodingStore, setup: AttemptSetup): CodingContext['best_of'] {
  const n = setup.spec.attempts ?? 1;
  if (n < 2 || setup.agent.kind !== 'coding') return null;
  const ids = setup.spec.candidates ?? [setup.agent.id];
  const agents: AgentOf<'coding'>[] = [];
  for (let i = 0; i < n; i++) {
    const id = ids[i % ids.length]!;
    const agent = id === setup.agent.id ? setup.agent : store.agents.get(id);
    if (agent?.kind !== 'coding') return null;
    agents.push(agent);
  }
  const judgeAgent = setup.spec.judge === undefined ? null : store.agents.get(setup.spec.judge);
  const judge = judgeAgent?.kind === 'llm' ? judgeAgent : null;
  const { run_id, task } = setup;
  return {
    agents,
    judge,
    record: (summary) => store.bestOf.save(run_id, task.task_id, task.attempt, summary),
  };
}

/**
 * Whether the interrupted attempt before this one was running its checks (its last step but
 * usage and refusals is a check: its agent had ended well and its work was committed), with the
 * agent's final text and the fix rounds it had used; null otherwise.
 */
function checksLeft(store: CodingStore, runId: string, task: TaskRun): CodingContext['checking'] {
  if (task.attempt < 2) return null;
  const steps = store.steps.list(runId, task.task_id, task.attempt - 1);
  const last = steps
    .filter((s) => s.kind !== 'usage' && s.kind !== 'sandbox')
    .sort((a, b) => a.seq - b.seq)
    .at(-1);
  if (last?.kind !== 'check') return null;
  const summary = steps.findLast((s) => s.kind === 'result' && !s.is_error);
  return {
    summary: summary?.kind === 'result' ? summary.text : '',
    rounds: Math.max(...steps.map((s) => (s.kind === 'check' ? s.check.round : 0))),
  };
}

/** The task's attempt before this one, if there was one. */
function attemptBefore(store: CodingStore, runId: string, task: TaskRun): TaskAttempt | undefined {
  if (task.attempt < 2) return undefined;
  return store.execution.attempts(runId, task.task_id).find((a) => a.attempt === task.attempt - 1);
}

/** How the task's attempt before this one ended (`done`: its diff was reviewed, and changes asked for), if there was one. */
function previousEnded(store: CodingStore, runId: string, task: TaskRun): string | null {
  return attemptBefore(store, runId, task)?.outcome ?? null;
}

/**
 * What CLI session `sessionId` spent before this attempt: in this run's earlier attempts, and in
 * the runs whose kept work this task's session goes on with (a resume), one after the other.
 */
function spentBefore(store: CodingStore, runId: string, task: TaskRun, sessionId: string): SessionSpent {
  const total = store.steps.sessionSpent(runId, task.task_id, sessionId, task.attempt);
  const seen = new Set([runId]);
  let from = store.sessions.get(runId, task.task_id)?.continues ?? null;
  while (from !== null && !seen.has(from)) {
    seen.add(from);
    const more = store.steps.sessionSpent(from, task.task_id, sessionId, Number.MAX_SAFE_INTEGER);
    total.usd = total.usd === null && more.usd === null ? null : (total.usd ?? 0) + (more.usd ?? 0);
    total.input_tokens += more.input_tokens;
    total.output_tokens += more.output_tokens;
    total.cached_input_tokens += more.cached_input_tokens;
    from = store.sessions.get(from, task.task_id)?.continues ?? null;
  }
  return total;
}

/**
 * What people undid in the worktree after the attempt before ended (a revert to a turn, recorded
 * as a system message step with their name on that attempt, ../handlers/checkpoints.ts): what this
 * attempt's prompt tells the agent, with who did it.
 */
function undoneSince(store: CodingStore, runId: string, task: AttemptSetup['task']): string[] {
  if (task.attempt < 2) return [];
  return store.steps
    .list(runId, task.task_id, task.attempt - 1)
    .flatMap((s) =>
      s.kind === 'message' &&
      s.role === 'system' &&
      s.by !== undefined &&
      s.text.startsWith(REVERT_NOTE_PREFIX)
        ? [`${s.by}: ${s.text}`]
        : [],
    );
}
