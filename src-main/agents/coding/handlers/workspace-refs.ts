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
export function workspaceIssues(store: CodingStore, plan: unknown): WorkspaceIssue[] {
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
    const agent = str(t.agent);
    if (own === undefined && planWorkspace === undefined && agent !== undefined && isCoding(agent))
      issues.push({
        path: ['tasks', i, 'workspace'],
        message: needsWorkspace(str(t.task_id) ?? `#${i}`, agent),
      });
  });
  return issues;
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
