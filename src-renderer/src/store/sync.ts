import type { StateCreator } from 'zustand';
import type { WireError } from '../../../src-shared/contract/errors.ts';
import { api } from '../api/client.ts';
import { terminalsMissed } from '../api/terminal-watch.ts';
import type { BatonState } from './index.ts';
import type { ReachList } from './reach.ts';

/** The host's disk is full: where its data lives, when the host said. */
export interface StorageFull {
  message: string;
  dataDir: string | null;
}

export interface SyncSlice {
  /** Set when a call failed because the host's disk is full; the banner shows it until dismissed. */
  storageFull: StorageFull | null;
  reportStorageFull(error: WireError): void;
  dismissStorageFull(): void;
  /**
   * Loads again everything the page shows, after events may have been missed (the host
   * dropped some while this tab was behind, or the connection was lost): plans, agents,
   * approvals, the open plan and run, the selected task, the runs being compared, the inbox, and
   * the reach and settings lists read so far.
   */
  resync(): Promise<void>;
}

export const createSyncSlice: StateCreator<BatonState, [], [], SyncSlice> = (set, get) => {
  /** The open plan's definition, when a version saved meanwhile changed it. */
  const reloadPlan = async (planId: string): Promise<void> => {
    const summary = get().plans.find((p) => p.plan_id === planId);
    if (!summary || get().planDetails[planId]?.version === summary.version) return;
    try {
      const plan = await api.getPlan(planId);
      set((st) => ({ planDetails: { ...st.planDetails, [planId]: plan } }));
    } catch (err) {
      get().fail(`Could not reload plan ${planId}`, err);
    }
  };
  return {
    storageFull: null,
    reportStorageFull(error) {
      const dataDir = (error.details as { data_dir?: unknown } | undefined)?.data_dir;
      set({ storageFull: { message: error.message, dataDir: typeof dataDir === 'string' ? dataDir : null } });
    },
    dismissStorageFull: () => set({ storageFull: null }),
    async resync() {
      const s = get();
      const planId = s.selectedPlanId;
      const openRun = planId ? s.selectedRunId[planId] : undefined;
      const task = s.selectedTask;
      const compared = Object.keys(s.runTasks).filter((id) => id !== openRun);
      terminalsMissed();
      await Promise.all([
        s.loadPlans().then(() => (planId ? reloadPlan(planId) : undefined)),
        s.loadAgents(),
        s.loadApprovals(),
        s.workspacesLoaded ? s.loadWorkspaces() : undefined,
        s.humanAgentId ? s.loadInbox() : undefined,
        s.tasksScope === 'everyone' ? s.loadTeam() : undefined,
        planId
          ? s.loadRuns(planId, openRun).catch((err) => s.fail('Could not reload the runs', err))
          : undefined,
        ...compared.map((id) => s.loadRunTasks(id).catch(() => undefined)),
        task ? s.selectRunTask(task.runId, task.taskId) : undefined,
        ...(Object.keys(s.reach) as ReachList[])
          .filter((list) => s.reach[list] !== null)
          .map((list) => s.loadReach(list)),
      ]);
    },
  };
};
