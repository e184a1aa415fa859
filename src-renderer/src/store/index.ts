import { create } from 'zustand';
import type { TaskRun } from '../../../src-shared/schemas/run.ts';
import type { AgentsSlice } from './agents.ts';
import { createAgentsSlice } from './agents.ts';
import type { AllRunsSlice } from './all-runs.ts';
import { createAllRunsSlice } from './all-runs.ts';
import type { ApprovalHistorySlice } from './approval-history.ts';
import { createApprovalHistorySlice } from './approval-history.ts';
import type { ApprovalsSlice } from './approvals.ts';
import { createApprovalsSlice } from './approvals.ts';
import type { DesignerSlice } from './designer.ts';
import { createDesignerSlice } from './designer.ts';
import type { HeldDecisionsSlice } from './held-decisions.ts';
import { createHeldDecisionsSlice } from './held-decisions.ts';
import type { IdentitySlice } from './identity.ts';
import { createIdentitySlice } from './identity.ts';
import type { LandingsSlice } from './landings.ts';
import { createLandingsSlice } from './landings.ts';
import type { MemorySlice } from './memory.ts';
import { createMemorySlice } from './memory.ts';
import type { NavSlice } from './nav.ts';
import { createNavSlice } from './nav.ts';
import type { PeopleSlice } from './people.ts';
import { createPeopleSlice } from './people.ts';
import type { PlanAdminSlice } from './plan-admin.ts';
import { createPlanAdminSlice } from './plan-admin.ts';
import type { PlansSlice } from './plans.ts';
import { createPlansSlice } from './plans.ts';
import type { ProjectsSlice } from './projects.ts';
import { createProjectsSlice } from './projects.ts';
import type { ReachSlice } from './reach.ts';
import { createReachSlice } from './reach.ts';
import type { RunsSlice } from './runs.ts';
import { createRunsSlice } from './runs.ts';
import type { SessionsSlice } from './sessions.ts';
import { createSessionsSlice } from './sessions.ts';
import type { SpendSlice } from './spend.ts';
import { createSpendSlice } from './spend.ts';
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
  PlanAdminSlice &
  RunsSlice &
  AgentsSlice &
  MemorySlice &
  DesignerSlice &
  ApprovalsSlice &
  ApprovalHistorySlice &
  HeldDecisionsSlice &
  PeopleSlice &
  IdentitySlice &
  VersionsSlice &
  ProjectsSlice &
  SyncSlice &
  AllRunsSlice &
  WorkspacesSlice &
  StepsSlice &
  SessionsSlice &
  LandingsSlice &
  ReachSlice &
  SpendSlice &
  NavSlice;

export const useBaton = create<BatonState>()((...a) => ({
  ...createUiSlice(...a),
  ...createPlansSlice(...a),
  ...createPlanAdminSlice(...a),
  ...createRunsSlice(...a),
  ...createAgentsSlice(...a),
  ...createMemorySlice(...a),
  ...createDesignerSlice(...a),
  ...createApprovalsSlice(...a),
  ...createApprovalHistorySlice(...a),
  ...createHeldDecisionsSlice(...a),
  ...createPeopleSlice(...a),
  ...createIdentitySlice(...a),
  ...createVersionsSlice(...a),
  ...createProjectsSlice(...a),
  ...createSyncSlice(...a),
  ...createAllRunsSlice(...a),
  ...createWorkspacesSlice(...a),
  ...createStepsSlice(...a),
  ...createSessionsSlice(...a),
  ...createLandingsSlice(...a),
  ...createReachSlice(...a),
  ...createSpendSlice(...a),
  ...createNavSlice(...a),
}));

const NO_TASK_RUNS: Record<string, TaskRun> = {};

/** A run's task runs by task id; while none are loaded, one shared empty object, so the selection stays stable. */
export const useRunTasks = (runId: string): Record<string, TaskRun> =>
  useBaton((s) => s.runTasks[runId] ?? NO_TASK_RUNS);

/** The id of the task picked in a run; null when none is picked there (or no run is given). */
export const useSelectedTaskId = (runId: string | undefined): string | null =>
  useBaton((s) => (runId && s.selectedTask?.runId === runId ? s.selectedTask.taskId : null));
