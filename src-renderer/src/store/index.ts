import { create } from 'zustand';
import type { EventBatch } from '../../../src-shared/contract/events.ts';
import type { TaskLogLine, TaskRun } from '../../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../../src-shared/schemas/step.ts';
import { openNotification, showInBrowser } from '../notify/notifications.ts';
import type { AgentsSlice } from './agents.ts';
import { createAgentsSlice } from './agents.ts';
import type { AllRunsSlice } from './all-runs.ts';
import { createAllRunsSlice } from './all-runs.ts';
import type { ApprovalsSlice } from './approvals.ts';
import { createApprovalsSlice } from './approvals.ts';
import type { DesignerSlice } from './designer.ts';
import { createDesignerSlice } from './designer.ts';
import type { IdentitySlice } from './identity.ts';
import { createIdentitySlice } from './identity.ts';
import type { MemorySlice } from './memory.ts';
import { createMemorySlice } from './memory.ts';
import type { PlansSlice } from './plans.ts';
import { createPlansSlice } from './plans.ts';
import type { ProjectsSlice } from './projects.ts';
import { createProjectsSlice } from './projects.ts';
import type { RunsSlice } from './runs.ts';
import { createRunsSlice } from './runs.ts';
import type { SessionsSlice } from './sessions.ts';
import { createSessionsSlice } from './sessions.ts';
import type { StepsSlice } from './steps.ts';
import { createStepsSlice } from './steps.ts';
import type { SyncSlice } from './sync.ts';
import { createSyncSlice } from './sync.ts';
import type { UiSlice } from './ui.ts';
import { createUiSlice } from './ui.ts';
import type { VersionsSlice } from './versions.ts';
import { createVersionsSlice } from './versions.ts';
import type { WorkspacesSlice } from './workspaces.ts';
import { createWorkspacesSlice } from './workspaces.ts';

export type BatonState = UiSlice &
  PlansSlice &
  RunsSlice &
  AgentsSlice &
  MemorySlice &
  DesignerSlice &
  ApprovalsSlice &
  IdentitySlice &
  VersionsSlice &
  ProjectsSlice &
  SyncSlice &
  AllRunsSlice &
  WorkspacesSlice &
  StepsSlice &
  SessionsSlice;

export const useBaton = create<BatonState>()((...a) => ({
  ...createUiSlice(...a),
  ...createPlansSlice(...a),
  ...createRunsSlice(...a),
  ...createAgentsSlice(...a),
  ...createMemorySlice(...a),
  ...createDesignerSlice(...a),
  ...createApprovalsSlice(...a),
  ...createIdentitySlice(...a),
  ...createVersionsSlice(...a),
  ...createProjectsSlice(...a),
  ...createSyncSlice(...a),
  ...createAllRunsSlice(...a),
  ...createWorkspacesSlice(...a),
  ...createStepsSlice(...a),
  ...createSessionsSlice(...a),
}));

const NO_TASK_RUNS: Record<string, TaskRun> = {};

/** A run's task runs by task id; while none are loaded, one shared empty object, so the selection stays stable. */
export const useRunTasks = (runId: string): Record<string, TaskRun> =>
  useBaton((s) => s.runTasks[runId] ?? NO_TASK_RUNS);

/** The id of the task picked in a run; null when none is picked there (or no run is given). */
export const useSelectedTaskId = (runId: string | undefined): string | null =>
  useBaton((s) => (runId && s.selectedTask?.runId === runId ? s.selectedTask.taskId : null));

/**
 * Applies pushed events. main.tsx calls it with everything that arrived, at most every 100 ms
 * while events keep coming (every 150 ms under a flood).
 */
export function applyEvents(batch: EventBatch): void {
  const s = useBaton.getState();
  const tasks: TaskRun[] = [];
  const logs: TaskLogLine[] = [];
  const steps: StoredStep[] = [];
  let approvalsChanged = false;
  // What the Workspaces list counts (worktrees, plans naming each) moved.
  let workspaceUseChanged = false;
  for (const ev of batch) {
    switch (ev.name) {
      case 'task.updated':
        tasks.push(ev.payload);
        break;
      case 'task.log':
        logs.push(ev.payload);
        break;
      case 'run.updated':
        s.upsertRun(ev.payload);
        break;
      case 'memory.written':
        s.upsertMemory(ev.payload);
        break;
      case 'plan.updated':
        s.upsertPlanSummary(ev.payload);
        workspaceUseChanged = true;
        break;
      case 'agent.updated':
        s.upsertAgent(ev.payload);
        break;
      case 'agent.removed':
        s.dropAgent(ev.payload.id);
        break;
      case 'approval.changed':
        approvalsChanged = true;
        break;
      case 'task.step':
        steps.push(ev.payload);
        break;
      case 'session.updated':
        s.upsertSession(ev.payload);
        workspaceUseChanged = true;
        break;
      case 'workspace.updated':
        s.upsertWorkspace(ev.payload);
        break;
      case 'workspace.removed':
        s.dropWorkspace(ev.payload.id);
        break;
      case 'notification':
        showInBrowser(ev.payload);
        break;
      case 'notification.opened':
        void openNotification(ev.payload);
        break;
    }
  }
  s.upsertTaskRuns(tasks);
  s.appendLogs(logs);
  s.applySteps(steps);
  if (approvalsChanged) void s.loadApprovals();
  if (workspaceUseChanged) s.refreshWorkspaces();
  // A person's inbox (and its count in the sidebar) follows the runs: read again when tasks moved.
  if (tasks.length > 0 && s.humanAgentId) s.refreshInbox();
}
