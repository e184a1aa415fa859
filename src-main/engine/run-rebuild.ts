import type { MemoryEntry } from '../../src-shared/schemas/memory.ts';
import type { TaskCounts } from '../../src-shared/schemas/plain/run.ts';
import { emptyCounts } from '../../src-shared/schemas/plain/run.ts';
import type { Plan, TaskSpec } from '../../src-shared/schemas/plan.ts';
import type { Run, TaskRun } from '../../src-shared/schemas/run.ts';
import type { EngineStore } from './coding-records.ts';
import type { NewRun } from './run-launch.ts';
import type { ActiveRun } from './run-state.ts';
import { byTaskId, dependentsOf, registerAdded } from './run-state.ts';

/** Where a run loaded into memory comes from: the rows just written, or a run read back from the store. */
export type RunSource = { fresh: NewRun } | { stored: Run; lastSeen: number | null };

/**
 * A run as memory holds it (`ActiveRun`), built from the rows of a new run (`fresh`) or from an
 * unfinished one read back from the store (`stored`), which gets back what it had gathered: the
 * files its tasks left, the sessions they kept, the tasks its decider added, and the approvals
 * people gave. Its tasks are not queued here: `TaskFlow.activate` does that.
 */
export function rebuildRun(
  store: EngineStore,
  plan: Plan,
  from: RunSource,
  buildLogIntervalMs: number,
): ActiveRun {
  let info: Omit<Run, 'counts'>;
  let counts: TaskCounts;
  let tasks: TaskRun[];
  let log: MemoryEntry;
  if ('fresh' in from) {
    ({ info, tasks, log } = from.fresh);
    counts = emptyCounts();
    for (const t of tasks) counts[t.status]++;
  } else {
    ({ counts, ...info } = from.stored);
    tasks = store.runs.tasksToRun(info.id);
    log = store.memory.get(info.memory_id)!;
  }
  const runId = info.id;
  const run: ActiveRun = {
    id: runId,
    plan,
    info,
    counts,
    buildLog: {
      entry: log,
      dirty: true,
      lastAt: 0,
      everyMs: buildLogIntervalMs,
      timer: null,
    },
    specs: byTaskId(shareSkills(plan.tasks)),
    tasks: byTaskId(tasks),
    dependents: dependentsOf(plan.tasks),
    inflight: new Map(),
    held: new Map(),
    retryTimers: new Map(),
    approved: new Set(),
    delegated: new Set(),
    unassigned: new Map(),
    usage: new Map(),
    unseen: new Map(),
    withArtifacts: new Set(),
    decider: plan.decider
      ? {
          spec: plan.decider,
          pending: 0,
          closedRun: false,
          cancelledAsClosed: 0,
          added: new Set(),
          addedDescriptions: new Set(),
          history: [],
        }
      : null,
    gates: new Set(),
    lost: false,
    resumed: 'stored' in from,
    resumeNext: new Map(),
    startCleanNext: new Set(),
    withSessions: new Set(),
  };
  if ('stored' in from) {
    for (const taskId of store.execution.tasksWithArtifacts(runId)) run.withArtifacts.add(taskId);
    for (const s of store.sessions.forRun(runId)) run.withSessions.add(s.task_id);
    for (const spec of store.runs.addedSpecs(runId)) registerAdded(run, spec);
    for (const a of store.approvals.listForRun(runId))
      if (a.status === 'approved') run.approved.add(`${a.kind}:${a.task_id}`);
  }
  for (const t of run.tasks.values()) {
    if (t.agent_id && t.delegation_task_id) run.delegated.add(t);
    if (t.status === 'unassigned')
      run.unassigned.set(t.task_id, { task_id: t.task_id, reason: t.reason ?? '' });
  }
  return run;
}

/**
 * The plan's tasks, those that need the same skills (most of a big plan's) made to share one
 * array: a run of 100,000 tasks holds a few arrays instead of 100,000. Same contents, so nothing
 * that reads them sees a difference.
 */
function shareSkills(tasks: readonly TaskSpec[]): readonly TaskSpec[] {
  const shared = new Map<string, string[]>();
  for (const t of tasks) {
    const skills = t.required_skills;
    const key = skills.length === 1 ? skills[0]! : skills.join('\u0000');
    const same = shared.get(key);
    if (same === undefined) shared.set(key, skills);
    else if (same !== skills && same.length === skills.length) t.required_skills = same;
  }
  return tasks;
}
