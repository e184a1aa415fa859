import type { StateCreator } from 'zustand';
import type { TaskCounts } from '../../../src-shared/schemas/plain/run.ts';
import { emptyCounts } from '../../../src-shared/schemas/plain/run.ts';
import type { TaskSpec } from '../../../src-shared/schemas/plan.ts';
import type {
  Artifact,
  ProgressEntry,
  Run,
  StartedRun,
  TaskLogLine,
  TaskRun,
} from '../../../src-shared/schemas/run.ts';
import { api } from '../api/client.ts';
import { withAutoRun, withRun } from './all-runs.ts';
import type { BatonState } from './index.ts';

export interface TaskDetail {
  logs: TaskLogLine[];
  progress: ProgressEntry[];
  artifacts: Artifact[];
}

export interface RunsSlice {
  /** Tasks a decider added to each run, as they appear. */
  addedTasks: Record<string, TaskSpec[]>;
  /** The task selected in the run view, and what was loaded about it. */
  selectedTask: { runId: string; taskId: string } | null;
  taskDetail: TaskDetail | null;
  selectRunTask(runId: string, taskId: string | null): Promise<void>;
  appendLogs(lines: TaskLogLine[]): void;
  rerunFrom(runId: string, taskId: string): Promise<void>;
  cancelTask(runId: string, taskId: string): Promise<void>;
  /**
   * Runs a failed task again inside its executing run (`runs.retryTask`), as Airflow clears a
   * task; a coding task from its start, not from what its last attempt left, with `startClean`.
   */
  retryTask(runId: string, taskId: string, startClean?: boolean): Promise<void>;
  /** Resumes a coding task's kept work in a new run from it (`runs.resumeWork`), and opens that run. */
  resumeWork(runId: string, taskId: string): Promise<void>;
  runsByPlan: Record<string, Run[]>;
  runTasks: Record<string, Record<string, TaskRun>>;
  /**
   * Each run's tasks in `runTasks` by status, kept as they change: a run of 100,000 tasks is
   * not counted again on every batch of events.
   */
  runTaskCounts: Record<string, TaskCounts>;
  selectedRunId: Record<string, string | undefined>;
  /**
   * The run each plan opened on by itself (its newest, when the plan was opened), by plan id:
   * while it is the one shown, the plan's page is at the plan's address, not the run's.
   */
  autoRun: Record<string, string>;
  starting: boolean;
  /** Lists a plan's runs and opens `runId`, else the newest when none is open yet. */
  loadRuns(planId: string, runId?: string): Promise<void>;
  /** Opens a run on its plan's page; `auto`: the plan opened on it by itself, nobody chose it. */
  selectRun(planId: string, runId: string, auto?: boolean): Promise<void>;
  /**
   * Loads a run's task runs and added tasks without opening it (comparing runs), so later
   * `task.updated` events keep them current. A task already newer in the store is kept.
   */
  loadRunTasks(runId: string): Promise<void>;
  startRun(planId: string): Promise<void>;
  cancelRun(runId: string): Promise<void>;
  upsertRun(run: Run): void;
  upsertTaskRuns(tasks: TaskRun[]): void;
}

export const createRunsSlice: StateCreator<BatonState, [], [], RunsSlice> = (set, get) => ({
  selectedTask: null,
  taskDetail: null,
  addedTasks: {},
  async selectRunTask(runId, taskId) {
    if (!taskId) return set({ selectedTask: null, taskDetail: null });
    set({ selectedTask: { runId, taskId }, taskDetail: null });
    try {
      const [logs, progress, artifacts] = await Promise.all([
        api.taskLogs(runId, taskId),
        api.taskProgress(runId, taskId),
        api.taskArtifacts(runId, taskId),
      ]);
      const sel = get().selectedTask;
      if (sel?.runId === runId && sel.taskId === taskId) set({ taskDetail: { logs, progress, artifacts } });
    } catch (err) {
      get().fail(`Could not load task ${taskId}`, err);
    }
  },
  appendLogs(lines) {
    const sel = get().selectedTask;
    const detail = get().taskDetail;
    if (!sel || !detail) return;
    const mine = lines.filter((l) => l.run_id === sel.runId && l.task_id === sel.taskId);
    if (mine.length > 0) set({ taskDetail: { ...detail, logs: [...detail.logs, ...mine] } });
  },
  async rerunFrom(runId, taskId) {
    try {
      const started = await api.rerun(runId, taskId);
      openStarted(set, get, started);
      get().notify('info', `Re-running from ${taskId}: finished work before it is reused`);
    } catch (err) {
      get().fail(`Could not re-run from ${taskId}`, err);
    }
  },
  async cancelTask(runId, taskId) {
    const me = await get().requireIdentity(`Cancelling ${taskId}`);
    if (!me) return;
    try {
      get().upsertTaskRuns([await api.cancelTask(runId, taskId, me.name)]);
    } catch (err) {
      get().fail(`Could not cancel ${taskId}`, err);
    }
  },
  async retryTask(runId, taskId, startClean = false) {
    const me = await get().requireIdentity(`Retrying ${taskId}`);
    if (!me) return;
    try {
      get().upsertTaskRuns([await api.retryTask(runId, taskId, me.name, startClean)]);
      get().notify('info', `Retrying ${taskId} in this run${startClean ? ', from its start' : ''}`);
    } catch (err) {
      get().fail(`Could not retry ${taskId}`, err);
    }
  },
  async resumeWork(runId, taskId) {
    try {
      const started = await api.resumeWork(runId, taskId);
      openStarted(set, get, started);
      get().notify('info', `Resuming the kept work of ${taskId} in a new run`);
    } catch (err) {
      get().fail(`Could not resume the work of ${taskId}`, err);
    }
  },
  runsByPlan: {},
  runTasks: {},
  runTaskCounts: {},
  selectedRunId: {},
  autoRun: {},
  starting: false,
  async loadRuns(planId, runId) {
    const runs = await api.listRuns(planId);
    set((s) => {
      // A run started while the list was being read (it came in through upsertRun) stays in it.
      const listed = new Set(runs.map((r) => r.id));
      const since = runs[0]?.created_at ?? '';
      const newer = (s.runsByPlan[planId] ?? []).filter((r) => !listed.has(r.id) && r.created_at > since);
      return { runsByPlan: { ...s.runsByPlan, [planId]: [...newer, ...runs] } };
    });
    const open = runId ?? (get().selectedRunId[planId] ? undefined : runs[0]?.id);
    if (open) await get().selectRun(planId, open, runId === undefined || get().autoRun[planId] === runId);
  },
  async selectRun(planId, runId, auto = false) {
    set((s) => ({
      selectedRunId: { ...s.selectedRunId, [planId]: runId },
      autoRun: withAutoRun(s.autoRun, planId, auto ? runId : null),
    }));
    try {
      const detail = await api.getRun(runId);
      const { tasks, added_tasks, ...run } = detail;
      set((s) => ({ addedTasks: { ...s.addedTasks, [runId]: added_tasks } }));
      get().upsertRun(run);
      get().upsertTaskRuns(tasks);
      // Its tasks are loaded whole now: from here on they are counted as they change.
      set((s) => ({
        runTaskCounts: { ...s.runTaskCounts, [runId]: countStatuses(Object.values(s.runTasks[runId] ?? {})) },
      }));
      await get().loadMemory(run.memory_id);
    } catch (err) {
      get().fail(`Could not open run ${runId}`, err);
    }
  },
  async loadRunTasks(runId) {
    const detail = await api.getRun(runId);
    set((s) => {
      const tasks = { ...s.runTasks[runId] };
      for (const t of detail.tasks) {
        const had = tasks[t.task_id];
        if (!had || had.updated_at <= t.updated_at) tasks[t.task_id] = t;
      }
      return {
        runTasks: { ...s.runTasks, [runId]: tasks },
        runTaskCounts: { ...s.runTaskCounts, [runId]: countStatuses(Object.values(tasks)) },
        addedTasks: { ...s.addedTasks, [runId]: detail.added_tasks },
      };
    });
  },
  async startRun(planId) {
    set({ starting: true });
    try {
      const build = await api.startRun(planId);
      openStarted(set, get, build);
      if (build.status === 'failed') get().notify('error', 'The build failed: no task could be delegated');
    } catch (err) {
      get().fail(`Could not run ${planId}`, err);
    } finally {
      set({ starting: false });
    }
  },
  async cancelRun(runId) {
    const me = await get().requireIdentity('Cancelling the run');
    if (!me) return;
    try {
      get().upsertRun(await api.cancelRun(runId, me.name));
    } catch (err) {
      get().fail('Could not cancel the run', err);
    }
  },
  upsertRun(run) {
    set((s) => {
      const list = s.runsByPlan[run.plan_id] ?? [];
      const i = list.findIndex((r) => r.id === run.id);
      const next = i === -1 ? [run, ...list] : list.map((r) => (r.id === run.id ? run : r));
      return {
        runsByPlan: { ...s.runsByPlan, [run.plan_id]: next },
        ...(s.allRuns ? { allRuns: withRun(s.allRuns, run) } : {}),
      };
    });
  },
  upsertTaskRuns(tasks) {
    if (tasks.length === 0) return;
    refreshSelectedFiles(set, get, tasks);
    // A task this run did not have before was added by a decider: fetch its spec.
    const known = get().runTasks;
    const fresh = new Set(
      tasks.filter((t) => known[t.run_id] && !known[t.run_id]![t.task_id]).map((t) => t.run_id),
    );
    for (const runId of fresh) {
      void api
        .getRun(runId)
        .then((d) => set((s) => ({ addedTasks: { ...s.addedTasks, [runId]: d.added_tasks } })));
    }
    set((s) => {
      // One copy per run per batch, not per task: a busy run sends thousands of updates.
      const runTasks = { ...s.runTasks };
      const runTaskCounts = { ...s.runTaskCounts };
      const copied = new Set<string>();
      for (const t of tasks) {
        if (!copied.has(t.run_id)) {
          runTasks[t.run_id] = { ...runTasks[t.run_id] };
          // Only a run whose tasks were loaded whole is counted here: for any other (a run started
          // while the Runs page is open) only the tasks that sent events are known, and the run's
          // own counts, which the host sends with it, say how many it has.
          const counted = runTaskCounts[t.run_id];
          if (counted) runTaskCounts[t.run_id] = { ...counted };
          copied.add(t.run_id);
        }
        const counts = runTaskCounts[t.run_id];
        const had = runTasks[t.run_id]![t.task_id];
        if (counts) {
          if (had) counts[had.status]--;
          counts[t.status]++;
        }
        runTasks[t.run_id]![t.task_id] = t;
      }
      return { runTasks, runTaskCounts };
    });
  },
});

/**
 * Opens a run just started (or re-run) from what `runs.start` answered: the run, its tasks and
 * its build log, with no follow-up calls. A task an event already brought newer is kept.
 */
function openStarted(
  set: Parameters<StateCreator<BatonState>>[0],
  get: () => BatonState,
  started: StartedRun,
): void {
  const { tasks: answered, added_tasks, ...run } = started.run;
  get().upsertRun(run);
  set((s) => {
    const tasks = { ...s.runTasks[run.id] };
    for (const t of answered) {
      const had = tasks[t.task_id];
      if (!had || had.updated_at <= t.updated_at) tasks[t.task_id] = t;
    }
    return {
      selectedRunId: { ...s.selectedRunId, [run.plan_id]: run.id },
      autoRun: withAutoRun(s.autoRun, run.plan_id, null),
      runTasks: { ...s.runTasks, [run.id]: tasks },
      runTaskCounts: { ...s.runTaskCounts, [run.id]: countStatuses(Object.values(tasks)) },
      addedTasks: { ...s.addedTasks, [run.id]: added_tasks },
    };
  });
  get().upsertMemory(started.build_log);
}

/**
 * The files of the task whose panel is open are read again when that task changes status or
 * starts a new attempt: what it produced shows without selecting it again.
 */
function refreshSelectedFiles(
  set: Parameters<StateCreator<BatonState>>[0],
  get: () => BatonState,
  tasks: readonly TaskRun[],
): void {
  const sel = get().selectedTask;
  if (!sel) return;
  const mine = tasks.filter((t) => t.run_id === sel.runId && t.task_id === sel.taskId);
  const now = mine[mine.length - 1];
  const had = get().runTasks[sel.runId]?.[sel.taskId];
  if (!now || (had && had.status === now.status && had.attempt === now.attempt)) return;
  void api.taskArtifacts(sel.runId, sel.taskId).then(
    (artifacts) => {
      const still = get().selectedTask;
      const detail = get().taskDetail;
      if (detail && still?.runId === sel.runId && still.taskId === sel.taskId)
        set({ taskDetail: { ...detail, artifacts } });
    },
    (err) => get().fail(`Could not read the files of ${sel.taskId}`, err),
  );
}

/** How many of the tasks are in each status. */
function countStatuses(tasks: readonly TaskRun[]): TaskCounts {
  const counts = emptyCounts();
  for (const t of tasks) counts[t.status]++;
  return counts;
}
