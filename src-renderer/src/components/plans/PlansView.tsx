import { Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { Plan } from '../../../../src-shared/schemas/plan.ts';
import { api } from '../../api/client.ts';
import type { Check } from '../../designer/plan-edit.ts';
import { checkPlan } from '../../designer/plan-edit.ts';
import { useBaton, useSelectedTaskId } from '../../store/index.ts';
import { RunCompare } from '../runs/RunCompare.tsx';
import { RunPanel } from '../runs/RunPanel.tsx';
import { RunTimeline } from '../runs/RunTimeline.tsx';
import { ErrorBoundary } from '../shared/ErrorBoundary.tsx';
import { FileButton } from '../shared/FileButton.tsx';
import { Tabs } from '../shared/Tabs.tsx';
import { PlanGraph, PlanVersions } from './lazy-parts.ts';
import { TaskSpecPanel } from './TaskSpecPanel.tsx';

export function PlansView() {
  const planId = useBaton((s) => s.selectedPlanId);
  const stored = useBaton((s) => (planId ? s.planDetails[planId] : undefined));
  const runs = useBaton((s) => (planId ? s.runsByPlan[planId] : undefined));
  const runId = useBaton((s) => (planId ? s.selectedRunId[planId] : undefined));
  const added = useBaton((s) => (runId ? s.addedTasks[runId] : undefined));
  const starting = useBaton((s) => s.starting);
  const startRun = useBaton((s) => s.startRun);
  const selectRun = useBaton((s) => s.selectRun);
  const importPlan = useBaton((s) => s.importPlan);
  const plansLoaded = useBaton((s) => s.plansLoaded);
  const agents = useBaton((s) => s.agents);
  const agentCount = agents.length;
  const run = runs?.find((r) => r.id === runId);
  const executing = run?.status === 'executing';
  // Shown only while no run is executing: not worked out on every agent change during one.
  const { problems, stuck, blocksOthers } = useRunProblems(stored?.plan, agents, executing);
  // A budget is spent across all the plan's runs: say when it is already used up.
  const budget = stored?.plan.budget;
  const [spent, setSpent] = useState<number | null>(null);
  const runStatuses = runs?.map((r) => r.status).join();
  // biome-ignore lint/correctness/useExhaustiveDependencies: spend moves on when a run starts or ends
  useEffect(() => {
    setSpent(null);
    if (!planId || budget === undefined) return;
    let live = true;
    api.spend('plan', planId).then(
      (r) => live && setSpent(r.spent),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [planId, budget, runStatuses]);
  const budgetSpent = budget !== undefined && spent !== null && spent >= budget;
  const beginEdit = useBaton((s) => s.beginEdit);
  const selectRunTask = useBaton((s) => s.selectRunTask);
  const [tab, setTab] = useState<'graph' | 'timeline' | 'compare' | 'versions'>('graph');
  const [runFilter, setRunFilter] = useState<'' | 'executing' | 'completed' | 'failed' | 'cancelled'>('');
  // The run's tasks: the plan's, and any a decider added while it ran. This view does not
  // subscribe to task statuses: the graph's nodes, the timeline and the run panel do.
  const planTasks = stored?.plan.tasks;
  const order = useMemo(
    () => [...(planTasks ?? []), ...(added ?? [])].map((t) => t.task_id),
    [planTasks, added],
  );
  const selectedTaskId = useSelectedTaskId(runId);
  // Before the plan has run, clicking a task shows how the plan defines it.
  const [specTaskId, setSpecTaskId] = useState<string | null>(null);
  const onSelectTask = useCallback(
    (taskId: string) => {
      if (runId) void selectRunTask(runId, taskId);
      else setSpecTaskId(taskId);
    },
    [runId, selectRunTask],
  );
  const specTask =
    !runId && specTaskId ? stored?.plan.tasks.find((t) => t.task_id === specTaskId) : undefined;

  if (!planId) {
    return (
      <div className="empty">
        <h1>No plans yet</h1>
        <p>
          A plan is a graph of tasks, each needing skills that your agents have. Import a plan JSON file (the
          example is <code>resources/examples/onboarding-plan.json</code>) to see it here and run it.
        </p>
        {plansLoaded && (
          <FileButton label="Import plan…" inputLabel="Plan file (empty state)" onFile={importPlan} primary />
        )}
      </div>
    );
  }
  if (!stored) return <p className="muted centered">Loading plan {planId}…</p>;
  return (
    <div className="plan-view">
      <header className="plan-head">
        <div>
          <h1>{stored.name}</h1>
          <p className="muted small">
            {stored.plan_id} ·{' '}
            <button
              type="button"
              className="link"
              aria-label={`Version ${stored.version}: show the version history`}
              onClick={() => setTab('versions')}
            >
              version {stored.version}
            </button>{' '}
            · {stored.task_count} tasks
            {stored.project_id && ` · project ${stored.project_id}`}
          </p>
        </div>
        <div className="actions">
          {runs && runs.length > 1 && (
            <select
              aria-label="Filter runs by status"
              value={runFilter}
              onChange={(e) => setRunFilter(e.target.value as typeof runFilter)}
            >
              <option value="">all runs ({runs.length})</option>
              {(['executing', 'completed', 'failed', 'cancelled'] as const).map((st) => (
                <option key={st} value={st}>
                  {st} ({runs.filter((r) => r.status === st).length})
                </option>
              ))}
            </select>
          )}
          {runs && runs.length > 0 && (
            <label className="small">
              Run{' '}
              <select
                value={runId ?? ''}
                onChange={(e) => selectRun(planId, e.target.value)}
                aria-label="Select run"
              >
                {runs
                  .filter((r) => !runFilter || r.status === runFilter || r.id === runId)
                  .map((r) => (
                    <option key={r.id} value={r.id}>
                      {new Date(r.created_at).toLocaleTimeString()} · {r.status} · plan v{r.plan_version}
                    </option>
                  ))}
              </select>
            </label>
          )}
          <button type="button" onClick={() => beginEdit(stored.plan)}>
            Edit plan
          </button>
          <button type="button" className="primary" disabled={starting} onClick={() => startRun(planId)}>
            {starting ? 'Starting…' : 'Run plan'}
          </button>
        </div>
      </header>
      {agentCount === 0 && (
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
            {stuck.length > 0
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
      <Tabs
        label="Plan views"
        className="plan-tabs"
        value={tab}
        onChange={setTab}
        items={[
          { id: 'graph', label: 'Graph' },
          { id: 'timeline', label: 'Timeline' },
          { id: 'compare', label: 'Compare runs' },
          { id: 'versions', label: `Versions (${stored.version})` },
        ]}
      />
      {tab === 'versions' ? (
        <div className="plan-body wide">
          <ErrorBoundary label="The version history">
            <Suspense fallback={<p className="muted centered">Loading the versions…</p>}>
              <PlanVersions key={planId} current={stored} />
            </Suspense>
          </ErrorBoundary>
        </div>
      ) : tab === 'compare' ? (
        // Two runs side by side need the width; the run panel shows one run, which Graph shows.
        <div className="plan-body wide">
          <ErrorBoundary label="The compare view">
            <RunCompare runs={runs ?? []} order={order} planTasks={planTasks ?? []} />
          </ErrorBoundary>
        </div>
      ) : (
        <div className="plan-body">
          <ErrorBoundary label={`The ${tab} view`}>
            {tab === 'graph' && (
              <Suspense fallback={<p className="muted centered">Loading the graph…</p>}>
                <PlanGraph
                  plan={stored.plan}
                  added={added}
                  runId={runId}
                  onSelectTask={onSelectTask}
                  selectedTaskId={selectedTaskId ?? specTask?.task_id}
                />
              </Suspense>
            )}
            {tab === 'timeline' &&
              (run ? (
                <RunTimeline run={run} order={order} />
              ) : (
                <p className="muted centered">Run the plan to see its timeline.</p>
              ))}
          </ErrorBoundary>
          {run ? (
            <ErrorBoundary label="The run panel">
              <RunPanel run={run} order={order} />
            </ErrorBoundary>
          ) : (
            <section className={`run-panel${specTask ? '' : ' empty-run'}`} aria-label="Run result">
              <p className="muted">
                This plan has not run yet. Press “Run plan” to delegate its tasks to agents.
              </p>
              {specTask ? (
                <TaskSpecPanel spec={specTask} onClose={() => setSpecTaskId(null)} />
              ) : (
                <p className="muted small">Click a task to see how the plan defines it.</p>
              )}
            </section>
          )}
        </div>
      )}
    </div>
  );
}

const NO_PROBLEMS = { problems: [] as Check[], stuck: [] as Check[], blocksOthers: false };

/**
 * What will go wrong if the plan runs now, as the designer's checks say (with agents
 * registered): tasks no agent can take, and a decider that cannot answer; `stuck` are those
 * about a task, and `blocksOthers` says whether other tasks depend on one of them. Nothing
 * while a run is executing (the notice is not shown then).
 */
function useRunProblems(plan: Plan | undefined, agents: readonly Agent[], executing: boolean) {
  return useMemo(() => {
    if (!plan || agents.length === 0 || executing) return NO_PROBLEMS;
    const problems = checkPlan(plan, agents).filter(
      (c) => c.severity === 'error' && (c.task_id !== null || c.path?.startsWith('decider')),
    );
    const stuck = problems.filter((c) => c.task_id !== null);
    const stuckIds = new Set(stuck.map((c) => c.task_id));
    const blocksOthers = plan.tasks.some((t) => t.depends_on.some((d) => stuckIds.has(d)));
    return { problems, stuck, blocksOthers };
  }, [plan, agents, executing]);
}
