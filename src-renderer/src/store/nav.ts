import type { StateCreator } from 'zustand';
import type { PlanListFilter, PlanTab, Route, RunsFilter, SettingsTab } from '../routes/routes.ts';
import type { BatonState } from './index.ts';

/**
 * What an address named and the app could not find: shown in the screen's place (NotFound) until
 * the person goes elsewhere. `route` is the address asked for, kept in the address bar.
 */
export interface Missing {
  route: Route;
  /** "No run r-9", "No page here". */
  title: string;
  /** One or two sentences: what was asked for, and why it may not be there. */
  detail: string;
  /** Where to go instead: a list the thing would be in, and its label. */
  back: { route: Route; label: string };
}

/**
 * Which part of each screen is shown, where the screen does not keep it itself: the plan's tab,
 * the Runs screen's filters, the approval, agent, Build logs tab and Settings tab open. The
 * address names each (routes/), so they live in the store, not in the screens' own state.
 */
export interface NavSlice {
  planTab: PlanTab;
  setPlanTab(tab: PlanTab): void;
  /** The runs compared on each plan's page, in their order, once picked (else its newest two). */
  comparedRuns: Record<string, string[]>;
  setComparedRuns(planId: string, runIds: string[]): void;
  runsFilter: RunsFilter;
  setRunsFilter(filter: RunsFilter): void;
  /** The Plans page's search, tag and whether it lists archived plans. */
  planListFilter: PlanListFilter;
  setPlanListFilter(filter: PlanListFilter): void;
  /** The approval an address pointed at: its card is marked and brought into view. */
  openApprovalId: string | null;
  openApproval(id: string | null): void;
  /** The agent whose page is open on the Agents screen. */
  openAgentId: string | null;
  openAgent(id: string | null): void;
  /** The workspace whose Sandbox editor an address opened on the Workspaces screen. */
  workspaceSandboxOpen: string | null;
  openWorkspaceSandbox(id: string | null): void;
  logsTab: 'memory' | 'audit';
  setLogsTab(tab: 'memory' | 'audit'): void;
  settingsTab: SettingsTab;
  setSettingsTab(tab: SettingsTab): void;
  missing: Missing | null;
  setMissing(missing: Missing | null): void;
}

export const createNavSlice: StateCreator<BatonState, [], [], NavSlice> = (set) => ({
  planTab: 'graph',
  setPlanTab: (planTab) => set({ planTab }),
  comparedRuns: {},
  setComparedRuns: (planId, runIds) =>
    set((s) => ({ comparedRuns: { ...s.comparedRuns, [planId]: runIds } })),
  runsFilter: {},
  setRunsFilter: (runsFilter) => set({ runsFilter }),
  planListFilter: {},
  setPlanListFilter: (planListFilter) => set({ planListFilter }),
  openApprovalId: null,
  openApproval: (openApprovalId) => set({ openApprovalId }),
  openAgentId: null,
  openAgent: (openAgentId) => set({ openAgentId }),
  workspaceSandboxOpen: null,
  openWorkspaceSandbox: (workspaceSandboxOpen) => set({ workspaceSandboxOpen }),
  logsTab: 'memory',
  setLogsTab: (logsTab) => set({ logsTab }),
  settingsTab: 'webhooks',
  setSettingsTab: (settingsTab) => set({ settingsTab }),
  missing: null,
  setMissing: (missing) => set({ missing }),
});
