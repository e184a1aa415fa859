import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import { bestOfIssues } from '../best-of/plan-refs.ts';
import type { CodingStore } from '../repos/coding-store.ts';
import { WorkerWorkspaces } from '../repos/worker-workspaces.ts';
import { needsWorkspace } from '../sessions/context.ts';

/** A problem with the workspaces a plan names, at its field's path. */
export interface WorkspaceIssue {
  path: (string | number)[];
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * The workspaces a plan (raw or parsed) names must be registered, and a task pinned to a coding
 * agent needs one (its own or the plan's). Checked where plans enter the main process, as the
 * pattern check is: `plans.import`, `plans.validate`, `plans.restore`, `runs.start`, `runs.rerun`.
 * Importing a plan never registers a workspace: a person does (`workspaces.add`). A task a
 * coding agent takes without being pinned to it fails its attempt with the same words.
 */
export function workspaceIssues(
  store: CodingStore,
  plan: unknown,
  /**
   * Also a task not pinned to an agent that only coding agents can take (every registered agent
   * with its skills is one): what `plans.validate` says before a run. Not a reason to refuse a
   * plan, as the agents registered may change before it runs.
   */
  opts: { candidates?: boolean } = {},
): WorkspaceIssue[] {
  if (!isRecord(plan)) return [];
  const issues: WorkspaceIssue[] = [];
  const known = new Map<string, boolean>();
  let workers: WorkerWorkspaces | undefined;
  const registered = (id: string) => {
    const seen = known.get(id);
    if (seen !== undefined) return seen;
    // Registered here, or a remote worker's (its repository stays on the worker: worker-workspaces.ts).
    workers ??= new WorkerWorkspaces(store.db);
    const found = store.workspaces.get(id) !== undefined || workers.has(id);
    known.set(id, found);
    return found;
  };
  const unknown = (id: string) =>
    `unknown workspace "${id}": register the repository first (baton workspaces add, or the Workspaces screen), or run a worker that has it (baton worker --workspaces)`;
  const planWorkspace = str(plan.workspace);
  if (planWorkspace !== undefined && !registered(planWorkspace))
    issues.push({ path: ['workspace'], message: unknown(planWorkspace) });
  if (!Array.isArray(plan.tasks)) return issues;
  const codingAgents = new Map<string, boolean>();
  let agents: Agent[] | undefined;
  const isCoding = (id: string) => {
    const seen = codingAgents.get(id);
    if (seen !== undefined) return seen;
    const coding = store.agents.get(id)?.kind === 'coding';
    codingAgents.set(id, coding);
    return coding;
  };
  plan.tasks.forEach((t: unknown, i) => {
    if (!isRecord(t)) return;
    const own = str(t.workspace);
    if (own !== undefined && !registered(own))
      issues.push({ path: ['tasks', i, 'workspace'], message: unknown(own) });
    // Checks and best of N are looked at only in a task that names them.
    if (t.checks !== undefined) issues.push(...checkIssues(store, t, i, own ?? planWorkspace));
    if (t.candidates !== undefined || t.judge !== undefined) issues.push(...bestOfIssues(store, t, i));
    const agent = str(t.agent);
    if (own !== undefined || planWorkspace !== undefined) return;
    const taskId = str(t.task_id) ?? `#${i}`;
    if (agent !== undefined && isCoding(agent))
      issues.push({ path: ['tasks', i, 'workspace'], message: needsWorkspace(taskId, agent) });
    else if (agent === undefined && opts.candidates) {
      const coders = onlyCodingCandidates(candidatesOf(t.required_skills));
      if (coders)
        issues.push({ path: ['tasks', i, 'workspace'], message: needsWorkspaceAny(taskId, coders) });
    }
  });
  return issues;

  function candidatesOf(skills: unknown) {
    const need = Array.isArray(skills) ? skills.filter((s): s is string => typeof s === 'string') : [];
    agents ??= store.agents.list();
    return agents.filter((a) => need.every((s) => a.skills.includes(s)));
  }
}

/**
 * The checks a task names (`checks`) must be its workspace's (one registered here: a remote
 * worker's checks are its own to know).
 */
function checkIssues(
  store: CodingStore,
  task: Record<string, unknown>,
  i: number,
  workspaceId: string | undefined,
): WorkspaceIssue[] {
  if (!Array.isArray(task.checks) || workspaceId === undefined) return [];
  const w = store.workspaces.get(workspaceId);
  if (!w) return [];
  const has = new Set(w.checks.map((c) => c.name));
  const taskId = str(task.task_id) ?? `#${i}`;
  const out: WorkspaceIssue[] = [];
  task.checks.forEach((name: unknown, j) => {
    if (typeof name !== 'string' || has.has(name)) return;
    out.push({
      path: ['tasks', i, 'checks', j],
      message: `task "${taskId}" names check "${name}" in checks, which workspace "${w.id}" does not have (${
        has.size === 0 ? 'it has no checks' : `its checks: ${[...has].join(', ')}`
      })`,
    });
  });
  return out;
}

/** The ids of `able` when there are some and every one is a coding agent; else null. */
function onlyCodingCandidates(able: readonly Agent[]): string[] | null {
  return able.length > 0 && able.every((a) => a.kind === 'coding') ? able.map((a) => a.id) : null;
}

/** Why a task only coding agents can take cannot run as drawn: it names no workspace. */
function needsWorkspaceAny(taskId: string, coders: readonly string[]): string {
  const who =
    coders.length === 1
      ? `coding agent "${coders[0]}", which needs`
      : `coding agents (${coders.join(', ')}), which need`;
  return `task "${taskId}" can go only to ${who} a workspace: set workspace on the task or on the plan`;
}

/** The runs executing now (in any process) whose plan names the workspace, or that have a worktree in it. */
export function runsUsingWorkspace(store: CodingStore, workspaceId: string): string[] {
  const using = new Set(store.sessions.runsUsing(workspaceId));
  for (const id of store.runs.unfinishedIds()) {
    const run = store.runs.get(id);
    if (!run || using.has(run.id)) continue;
    const plan = store.plans.get(run.plan_id, run.plan_version)?.plan;
    const specs = [...(plan?.tasks ?? []), ...store.runs.addedSpecs(run.id)];
    if (plan?.workspace === workspaceId || specs.some((t) => t.workspace === workspaceId)) using.add(run.id);
  }
  return [...using];
}
