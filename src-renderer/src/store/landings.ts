import type { StateCreator } from 'zustand';
import type { Landing, LandRequest } from '../../../src-shared/schemas/landing.ts';
import { api } from '../api/client.ts';
import { actorOf } from './identity.ts';
import type { BatonState } from './index.ts';

/**
 * Where the runs on screen landed their work (`runs.landings`): pushed branches and pull
 * requests, kept as `landing.updated` events say they moved (opened, merged, closed, gone).
 */
export interface LandingsSlice {
  landings: Record<string, Landing[]>;
  loadLandings(runId: string): Promise<void>;
  /** The newest landings of every run (the Runs screen). */
  loadAllLandings(): Promise<void>;
  upsertLanding(l: Landing): void;
  /** Lands a run again (`runs.land`): after a failure, once its cause is fixed. */
  landRun(runId: string): Promise<void>;
  /**
   * Lands a run's or a done task's work now, as a person asks (push, or a pull request with its
   * base, title and draft): in their name. Null when it went; else what was refused, in words.
   */
  landAsked(input: Omit<LandRequest, 'actor'>): Promise<string | null>;
}

export const createLandingsSlice: StateCreator<BatonState, [], [], LandingsSlice> = (set, get) => ({
  landings: {},
  async loadLandings(runId) {
    try {
      const list = await api.runLandings(runId);
      set((s) => ({ landings: { ...s.landings, [runId]: list } }));
    } catch (err) {
      get().fail(`Could not read where run ${runId} landed`, err);
    }
  },
  async loadAllLandings() {
    try {
      const byRun: Record<string, Landing[]> = {};
      for (const l of await api.allLandings()) byRun[l.run_id] = [...(byRun[l.run_id] ?? []), l];
      set((s) => ({ landings: { ...s.landings, ...byRun } }));
    } catch (err) {
      get().fail('Could not read where runs landed', err);
    }
  },
  upsertLanding(l) {
    set((s) => {
      const list = s.landings[l.run_id] ?? [];
      const i = list.findIndex((x) => x.task_id === l.task_id);
      const next = i === -1 ? [...list, l] : list.map((x, j) => (j === i ? l : x));
      return { landings: { ...s.landings, [l.run_id]: next } };
    });
  },
  async landRun(runId) {
    try {
      const list = await api.landRun({ run_id: runId });
      set((s) => ({ landings: { ...s.landings, [runId]: list } }));
    } catch (err) {
      get().fail(`Run ${runId} did not land`, err);
    }
  },
  async landAsked(input) {
    try {
      const list = await api.landRun({ ...input, actor: actorOf(get()) });
      set((s) => ({ landings: { ...s.landings, [input.run_id]: list } }));
      const mine = list.filter((l) => input.task_id === undefined || l.task_id === input.task_id);
      const failed = mine.find((l) => l.state === 'failed');
      if (failed) return failed.message ?? 'it did not land';
      const pr = mine.find((l) => l.pr_number !== null);
      get().notify(
        'info',
        pr ? `Opened pull request #${pr.pr_number}` : `Pushed ${mine.map((l) => l.branch).join(', ')}`,
      );
      return null;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  },
});
