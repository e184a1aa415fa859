import type { StateCreator } from 'zustand';
import type { Workspace } from '../../../src-shared/schemas/workspace.ts';
import { api } from '../api/client.ts';
import type { BatonState } from './index.ts';

/** The registered workspaces (coding agents work in them), kept as the host reports them added or removed. */
export interface WorkspacesSlice {
  workspaces: Workspace[];
  workspacesLoaded: boolean;
  loadWorkspaces(): Promise<void>;
  /**
   * Reads the list again once loaded (its worktree counts and the plans naming each follow
   * sessions and plans): one read at a time, and one more after it when asked meanwhile.
   */
  refreshWorkspaces(): void;
  upsertWorkspace(w: Workspace): void;
  dropWorkspace(id: string): void;
}

const byId = (a: Workspace, b: Workspace) => a.id.localeCompare(b.id);

/** A refresh under way, and whether another was asked for meanwhile. */
let refreshing: { again: boolean } | null = null;

export const createWorkspacesSlice: StateCreator<BatonState, [], [], WorkspacesSlice> = (set, get) => ({
  workspaces: [],
  workspacesLoaded: false,
  async loadWorkspaces() {
    try {
      const workspaces = await api.listWorkspaces();
      set({ workspaces: [...workspaces].sort(byId), workspacesLoaded: true });
    } catch (err) {
      get().fail('Could not load workspaces', err);
    }
  },
  refreshWorkspaces() {
    if (!get().workspacesLoaded) return;
    if (refreshing) {
      refreshing.again = true;
      return;
    }
    const mine = { again: false };
    refreshing = mine;
    void get()
      .loadWorkspaces()
      .finally(() => {
        refreshing = null;
        if (mine.again) get().refreshWorkspaces();
      });
  },
  upsertWorkspace(w) {
    set((s) => {
      // What the host counts for its list (the plans naming it, its worktrees, whether it is
      // missing) is not in a change's answer or event: kept from before, not dropped to "none".
      const before = s.workspaces.find((x) => x.id === w.id);
      const next: Workspace = {
        ...w,
        plans: w.plans ?? before?.plans,
        open_worktrees: w.open_worktrees ?? before?.open_worktrees,
        parked_worktrees: w.parked_worktrees ?? before?.parked_worktrees,
        missing: w.missing ?? before?.missing,
      };
      return { workspaces: [...s.workspaces.filter((x) => x.id !== w.id), next].sort(byId) };
    });
  },
  dropWorkspace(id) {
    set((s) =>
      s.workspaces.some((w) => w.id === id) ? { workspaces: s.workspaces.filter((w) => w.id !== id) } : s,
    );
  },
});
