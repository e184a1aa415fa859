import { Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { StoredPlan } from '../../../../src-shared/schemas/plan.ts';
import type { PlanTab } from '../../routes/routes.ts';
import { useBaton, useSelectedTaskId } from '../../store/index.ts';
import { useNarrow } from '../app/use-narrow.ts';
import { RunsGrid } from '../runs/grid/RunsGrid.tsx';
import { RunCompare } from '../runs/RunCompare.tsx';
import { RunPanel } from '../runs/RunPanel.tsx';
import { RunTimeline } from '../runs/RunTimeline.tsx';
import { ErrorBoundary } from '../shared/ErrorBoundary.tsx';
import { Tabs } from '../shared/Tabs.tsx';
import { FirstSteps } from './FirstSteps.tsx';
import { PlanGraph, PlanSchedules, PlanTriggers, PlanVersions } from './lazy-parts.ts';
import type { RunFilter } from './PlanHeader.tsx';
import { PlanHeader } from './PlanHeader.tsx';
import { PlanNotices } from './PlanNotices.tsx';
import { TaskSpecPanel } from './TaskSpecPanel.tsx';
import { useRunPlan } from './use-run-plan.ts';

export function PlansView() {
  const planId = useBaton((s) => s.selectedPlanId);
  const stored = useBaton((s) => (planId ? s.planDetails[planId] : undefined));
  const plansLoaded = useBaton((s) => s.plansLoaded);
  // The tab is the store's (the address names it); these are kept here, not in the page: they
  // stay while a new version of the plan loads.
  const tab = useBaton((s) => s.planTab);
  const setTab = useBaton((s) => s.setPlanTab);
  // The plan's task whose definition is shown, on that plan's page only.
  const [spec, setSpec] = useState<{ planId: string; taskId: string } | null>(null);
  const setSpecTaskId = useCallback(
    (taskId: string | null) => setSpec(taskId && planId ? { planId, taskId } : null),
    [planId],
  );
  const specTaskId = spec && spec.planId === planId ? spec.taskId : null;
  const [runFilter, setRunFilter] = useState<RunFilter>('');
  if (!planId) return plansLoaded ? <FirstSteps /> : <p className="muted centered">Loading…</p>;
  if (!stored) return <p className="muted centered">Loading plan {planId}…</p>;
  return (
    <PlanPage
      stored={stored}
      tab={tab}
      setTab={setTab}
      specTaskId={specTaskId}
      setSpecTaskId={setSpecTaskId}
      runFilter={runFilter}
      setRunFilter={setRunFilter}
    />
  );
}

/** A plan: its graph (as the open run ran it), the run, its timeline, comparisons and versions. */
function PlanPage({
  stored,
  tab,
  setTab,
  specTaskId,
  setSpecTaskId,
  runFilter,
  setRunFilter,
}: {
  stored: StoredPlan;
  tab: PlanTab;
  setTab(tab: PlanTab): void;
  /** Before the plan has run, the task whose definition is shown. */
  specTaskId: string | null;
  setSpecTaskId(taskId: string | null): void;
  runFilter: RunFilter;
  setRunFilter(f: RunFilter): void;
}) {
  const planId = stored.plan_id;
  const runs = useBaton((s) => s.runsByPlan[planId]);
  const runId = useBaton((s) => s.selectedRunId[planId]);
  const added = useBaton((s) => (runId ? s.addedTasks[runId] : undefined));
  const run = runs?.find((r) => r.id === runId);
  const executing = run?.status === 'executing';
  const shown = useRunPlan(stored, run);
  const selectRunTask = useBaton((s) => s.selectRunTask);
  // The run's tasks: the plan's (at the version it ran), and any a decider added while it ran.
  // This view does not subscribe to task statuses: the graph's nodes, the timeline and the run
  // panel do.
  const shownPlan = shown?.plan;
  const runTasks = (shownPlan ?? stored.plan).tasks;
  const order = useMemo(() => [...runTasks, ...(added ?? [])].map((t) => t.task_id), [runTasks, added]);
  // Runs compared may have run other versions: the comparison spans the current plan's tasks.
  const planTasks = stored.plan.tasks;
  const compareOrder = useMemo(
    () => [...planTasks, ...(added ?? [])].map((t) => t.task_id),
    [planTasks, added],
  );
  const planTaskIds = useMemo(() => planTasks.map((t) => t.task_id), [planTasks]);
  const selectedTaskId = useSelectedTaskId(runId);
  // Before the plan has run, clicking a task shows how the plan defines it.
  const onSelectTask = useCallback(
    (taskId: string) => {
      if (runId) void selectRunTask(runId, taskId);
      else setSpecTaskId(taskId);
    },
    [runId, selectRunTask, setSpecTaskId],
  );
  const specTask = !runId && specTaskId ? stored.plan.tasks.find((t) => t.task_id === specTaskId) : undefined;
  // A task looked at before the plan's first run (a click just after Run plan, before the run is
  // there) stays open in that run once it is.
  useEffect(() => {
    if (!runId || !specTaskId) return;
    setSpecTaskId(null);
    void selectRunTask(runId, specTaskId);
  }, [runId, specTaskId, selectRunTask, setSpecTaskId]);
  // In a narrow window the side panel can be hidden for the graph's sake; a task picked shows it again.
  const narrow = useNarrow();
  const [hidePanel, setHidePanel] = useState(false);
  const panelHidden = narrow && hidePanel;
  const picked = selectedTaskId ?? specTask?.task_id ?? null;
  useEffect(() => {
    if (picked) setHidePanel(false);
  }, [picked]);

  return (
    <div className="plan-view">
      <PlanHeader
        stored={stored}
        shown={shown}
        runs={runs}
        runId={runId}
        runFilter={runFilter}
        setRunFilter={setRunFilter}
        onShowVersions={() => setTab('versions')}
      />
      <PlanNotices stored={stored} runs={runs} executing={executing} />
      <Tabs
        label="Plan views"
        className="plan-tabs"
        value={tab}
        onChange={setTab}
        items={[
          { id: 'graph', label: 'Graph' },
          { id: 'timeline', label: 'Timeline' },
          { id: 'grid', label: 'Runs grid' },
          { id: 'compare', label: 'Compare runs' },
          { id: 'schedules', label: 'Schedules' },
          { id: 'triggers', label: 'Triggers' },
          { id: 'versions', label: `Versions (${stored.version})` },
        ]}
      />
      {tab === 'schedules' || tab === 'triggers' ? (
        <div className="plan-body wide">
          <ErrorBoundary label={`The ${tab}`}>
            <Suspense fallback={<p className="muted centered">Loading the {tab}…</p>}>
              {tab === 'schedules' ? (
                <PlanSchedules key={planId} stored={stored} />
              ) : (
                <PlanTriggers key={planId} stored={stored} />
              )}
            </Suspense>
          </ErrorBoundary>
        </div>
      ) : tab === 'versions' ? (
        <div className="plan-body wide">
          <ErrorBoundary label="The version history">
            <Suspense fallback={<p className="muted centered">Loading the versions…</p>}>
              <PlanVersions key={planId} current={stored} />
            </Suspense>
          </ErrorBoundary>
        </div>
      ) : tab === 'grid' ? (
        <div className="plan-body wide">
          <ErrorBoundary label="The runs grid">
            <RunsGrid planId={planId} runs={runs ?? []} planTasks={planTaskIds} />
          </ErrorBoundary>
        </div>
      ) : tab === 'compare' ? (
        // Two runs side by side need the width; the run panel shows one run, which Graph shows.
        <div className="plan-body wide">
          <ErrorBoundary label="The compare view">
            <RunCompare planId={planId} runs={runs ?? []} order={compareOrder} planTasks={planTasks} />
          </ErrorBoundary>
        </div>
      ) : (
        <div className={`plan-body${panelHidden ? ' wide' : ''}`}>
          {narrow && (
            <button
              type="button"
              className="panel-toggle"
              aria-expanded={!panelHidden}
              onClick={() => setHidePanel(!panelHidden)}
            >
              {panelHidden ? '‹ Show the side panel' : 'Hide the side panel ›'}
            </button>
          )}
          <ErrorBoundary label={`The ${tab} view`}>
            {tab === 'graph' && (
              <Suspense fallback={<p className="muted centered">Loading the graph…</p>}>
                {shownPlan ? (
                  <PlanGraph
                    plan={shownPlan}
                    added={added}
                    runId={runId}
                    onSelectTask={onSelectTask}
                    selectedTaskId={selectedTaskId ?? specTask?.task_id}
                    fillPane
                  />
                ) : (
                  <p className="muted centered">Loading version {run?.plan_version}…</p>
                )}
              </Suspense>
            )}
            {tab === 'timeline' &&
              (run ? (
                <RunTimeline run={run} order={order} />
              ) : (
                <p className="muted centered">Run the plan to see its timeline.</p>
              ))}
          </ErrorBoundary>
          {panelHidden ? null : run ? (
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
