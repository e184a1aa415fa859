import { useEffect, useMemo, useState } from 'react';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { Plan, StoredPlan } from '../../../../src-shared/schemas/plan.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { api } from '../../api/client.ts';
import type { Check, checkPlan } from '../../designer/plan-edit.ts';
import { missingWorkspaceChecks } from '../../designer/workspace-checks.ts';
import { useBaton } from '../../store/index.ts';

/**
 * What to know before running the plan now: no agents registered, the budget already spent by
 * earlier runs, tasks no agent can take, coding tasks whose workspace is missing from disk. Not
 * shown while the open run is executing.
 */
export function PlanNotices({
  stored,
  runs,
  executing,
}: {
  stored: StoredPlan;
  runs: Run[] | undefined;
  executing: boolean;
}) {
  const agents = useBaton((s) => s.agents);
  const workspaces = useWorkspaces(stored.plan);
  // Shown only while no run is executing: not worked out on every agent change during one.
  const { problems, stuck, blocksOthers, refused } = useRunProblems(
    stored.plan,
    agents,
    workspaces,
    executing,
  );
  const { budget, spent } = useBudgetSpent(stored, runs);
  const budgetSpent = budget !== undefined && spent !== null && spent >= budget;
  const setArchived = useBaton((s) => s.setPlanArchived);
  return (
    <>
      {stored.archived_at !== null && (
        <p className="notice" role="note" aria-label="Archived">
          <strong>Archived:</strong> this plan is hidden from the plan lists and cannot run until it is
          unarchived. Its runs stay readable.{' '}
          <button type="button" onClick={() => void setArchived(stored.plan_id, false)}>
            Unarchive
          </button>
        </p>
      )}
      {agents.length === 0 && (
        <p className="notice" role="note">
          No agents are registered, so every task will be unassigned. Import agents under{' '}
          <strong>Agents</strong>.
        </p>
      )}
      {budgetSpent && !executing && (
        <p className="notice" role="note" aria-label="Budget spent">
          <strong>Budget spent:</strong> this plan has spent {spent} of its budget of {budget} over all its
          runs, so every task with a cost will wait for an approval. Raise the budget in the designer to run
          without them.
        </p>
      )}
      {problems.length > 0 && !executing && (
        <div className="notice" role="note" aria-label="Before you run">
          <p>
            <strong>Before you run:</strong>{' '}
            {refused
              ? `the run would be refused: ${refused === 1 ? 'a coding task works' : `${refused} coding tasks work`} in a workspace missing from disk.`
              : stuck.length > 0
                ? `${stuck.length === 1 ? 'one task' : `${stuck.length} tasks`} will not find an agent as things stand${
                    blocksOthers
                      ? `; tasks that depend on ${stuck.length === 1 ? 'it' : 'them'} will be skipped`
                      : ''
                  }.`
                : 'the plan cannot run as things stand.'}
          </p>
          <ul className="small">
            {problems.slice(0, 3).map((c) => (
              <li key={`${c.task_id ?? c.path}:${c.message}`}>
                <code>{c.task_id ?? c.path}</code>: {c.message}
              </li>
            ))}
            {problems.length > 3 && <li>and {problems.length - 3} more (open the plan in the designer)</li>}
          </ul>
        </div>
      )}
    </>
  );
}

/**
 * What the plan has spent across its runs (null until read, and for a budget per run: a new run
 * starts with the whole of it, so nothing is spent before it runs).
 */
function useBudgetSpent(stored: StoredPlan, runs: Run[] | undefined) {
  const planId = stored.plan_id;
  const budget = stored.plan.budget;
  const acrossRuns = stored.plan.budget_scope === 'plan';
  const [spent, setSpent] = useState<number | null>(null);
  const runStatuses = runs?.map((r) => r.status).join();
  // biome-ignore lint/correctness/useExhaustiveDependencies: spend moves on when a run starts or ends
  useEffect(() => {
    setSpent(null);
    if (budget === undefined || !acrossRuns) return;
    let live = true;
    api.planSpend(planId).then(
      (r) => live && setSpent(r.spent_all_runs),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [planId, budget, acrossRuns, runStatuses]);
  return { budget, spent };
}

const NO_PROBLEMS = { problems: [] as Check[], stuck: [] as Check[], blocksOthers: false, refused: 0 };

/**
 * What will go wrong if the plan runs now, as the designer's checks say (with agents
 * registered): tasks no agent can take, and a decider that cannot answer; `stuck` are those
 * about a task, and `blocksOthers` says whether other tasks depend on one of them. Nothing
 * while a run is executing (the notice is not shown then).
 */
function useRunProblems(
  plan: Plan,
  agents: readonly Agent[],
  workspaces: readonly Workspace[],
  executing: boolean,
) {
  const check = usePlanChecks();
  return useMemo(() => {
    if (agents.length === 0 || executing) return NO_PROBLEMS;
    // A coding task's repository gone from disk: the host refuses the whole run. Said first, and
    // without waiting for the checks to load.
    const missing = missingWorkspaceChecks(plan, agents, workspaces);
    const found = (check?.(plan, agents) ?? []).filter(
      (c) => c.severity === 'error' && (c.task_id !== null || c.path?.startsWith('decider')),
    );
    const problems = [...missing, ...found];
    const stuck = found.filter((c) => c.task_id !== null);
    const stuckIds = new Set(stuck.map((c) => c.task_id));
    const blocksOthers = plan.tasks.some((t) => t.depends_on.some((d) => stuckIds.has(d)));
    return { problems, stuck, blocksOthers, refused: missing.length };
  }, [check, plan, agents, workspaces, executing]);
}

/** The designer's checks once loaded in this window: a plan shown later has them at once. */
let loadedChecks: typeof checkPlan | null = null;

/**
 * The designer's checks, loaded when a plan is first shown: they parse the plan with its schema,
 * and zod is not part of the first screen. Null until loaded.
 */
function usePlanChecks(): typeof checkPlan | null {
  const [check, setCheck] = useState<typeof checkPlan | null>(() => loadedChecks);
  useEffect(() => {
    if (check) return;
    let live = true;
    import('../../designer/plan-edit.ts').then(
      (m) => {
        loadedChecks = m.checkPlan;
        if (live) setCheck(() => m.checkPlan);
      },
      (err: unknown) => live && useBaton.getState().fail('Could not load the plan’s checks', err),
    );
    return () => {
      live = false;
    };
  }, [check]);
  return check;
}

const NO_WORKSPACES: Workspace[] = [];

/** The registered workspaces, read once when the plan names one and they were not read yet. */
function useWorkspaces(plan: Plan): Workspace[] {
  const names = plan.workspace !== undefined || plan.tasks.some((t) => t.workspace !== undefined);
  const loaded = useBaton((s) => s.workspacesLoaded);
  const load = useBaton((s) => s.loadWorkspaces);
  const workspaces = useBaton((s) => (names ? s.workspaces : NO_WORKSPACES));
  useEffect(() => {
    if (names && !loaded) void load();
  }, [names, loaded, load]);
  return workspaces;
}
