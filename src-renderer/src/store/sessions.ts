import type { StateCreator } from 'zustand';
import type { TaskSession } from '../../../src-shared/schemas/workspace.ts';
import { api } from '../api/client.ts';
import type { BatonState } from './index.ts';

/**
 * The coding tasks' worktrees and branches of the runs on screen (`runs.sessions`), kept as
 * `session.updated` events say they changed (kept, let go, removed at the run's end).
 */
export interface SessionsSlice {
  sessions: Record<string, TaskSession[]>;
  loadSessions(runId: string): Promise<void>;
  upsertSession(s: TaskSession): void;
  /** Keeps a coding task's worktree after its run (or lets it go); false when refused. */
  keepWorktree(runId: string, taskId: string, keep: boolean): Promise<boolean>;
  /** Discards a coding task's kept work: its branch is deleted (`runs.discardWork`). */
  discardWork(runId: string, taskId: string): Promise<void>;
}

export const createSessionsSlice: StateCreator<BatonState, [], [], SessionsSlice> = (set, get) => ({
  sessions: {},
  async loadSessions(runId) {
    try {
      const list = await api.runSessions(runId);
      set((s) => ({ sessions: { ...s.sessions, [runId]: list } }));
    } catch (err) {
      get().fail(`Could not read the branches of run ${runId}`, err);
    }
  },
  upsertSession(session) {
    set((s) => {
      const list = s.sessions[session.run_id];
      // A run nobody has open is read when it is opened.
      if (!list) return s;
      const i = list.findIndex((x) => x.task_id === session.task_id);
      const next = i === -1 ? [...list, session] : list.map((x, j) => (j === i ? session : x));
      return { sessions: { ...s.sessions, [session.run_id]: next } };
    });
  },
  async keepWorktree(runId, taskId, keep) {
    try {
      get().upsertSession(await api.keepWorktree(runId, taskId, keep));
      get().notify(
        'info',
        keep
          ? `The worktree of ${taskId} is kept after the run`
          : `The worktree of ${taskId} goes with the run`,
      );
      return true;
    } catch (err) {
      get().fail(
        keep ? `The worktree of ${taskId} was not kept` : `The worktree of ${taskId} was not let go`,
        err,
      );
      return false;
    }
  },
  async discardWork(runId, taskId) {
    try {
      const session = await api.discardWork(runId, taskId);
      get().upsertSession(session);
      get().notify('info', `The kept work of ${taskId} is discarded: branch ${session.branch} deleted`);
    } catch (err) {
      get().fail(`The kept work of ${taskId} was not discarded`, err);
    }
  },
});
