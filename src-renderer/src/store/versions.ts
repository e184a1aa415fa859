import type { StateCreator } from 'zustand';
import type { PlanSummary, PlanVersionSummary, StoredPlan } from '../../../src-shared/schemas/plan.ts';
import { api } from '../api/client.ts';
import type { BatonState } from './index.ts';

/** A plan at one version, or why it could not be read. */
export type VersionBody = { plan: StoredPlan } | { error: string };

/** A plan deleted and imported again starts its versions over: its creation time tells them apart. */
export const versionKey = (plan: PlanRef, version: number) => `${plan.plan_id}@${version}@${plan.created_at}`;
type PlanRef = Pick<PlanSummary, 'plan_id' | 'created_at'>;

/** A plan's saved versions: the history list, bodies of earlier versions, restoring one. */
export interface VersionsSlice {
  /** Newest first, by plan id; absent until loaded. */
  planVersions: Record<string, PlanVersionSummary[]>;
  /** By `versionKey`. A saved version never changes, so a body is fetched once. */
  versionBodies: Record<string, VersionBody>;
  /** The version the history shows, by plan id; the one before the current by default. */
  shownVersion: Record<string, number>;
  restoring: boolean;
  /** Shows a version in the history; null: the default again. */
  showVersion(planId: string, version: number | null): void;
  loadVersions(planId: string): Promise<void>;
  loadVersion(plan: PlanRef, version: number): Promise<void>;
  /** Saves an earlier version again as the newest, and shows that. */
  restoreVersion(planId: string, version: number): Promise<void>;
}

export const createVersionsSlice: StateCreator<BatonState, [], [], VersionsSlice> = (set, get) => ({
  planVersions: {},
  versionBodies: {},
  shownVersion: {},
  restoring: false,
  showVersion: (planId, version) =>
    set((s) => {
      const { [planId]: _, ...others } = s.shownVersion;
      return { shownVersion: version === null ? others : { ...others, [planId]: version } };
    }),
  async loadVersions(planId) {
    try {
      const list = await api.listPlanVersions(planId);
      set((s) => ({ planVersions: { ...s.planVersions, [planId]: list } }));
    } catch (err) {
      get().fail(`Could not list the versions of ${planId}`, err);
    }
  },
  async loadVersion(ref, version) {
    const planId = ref.plan_id;
    const key = versionKey(ref, version);
    const loaded = get().versionBodies[key];
    if (loaded && !('error' in loaded)) return;
    try {
      const plan = await api.getPlanVersion(planId, version);
      set((s) => ({ versionBodies: { ...s.versionBodies, [key]: { plan } } }));
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      set((s) => ({ versionBodies: { ...s.versionBodies, [key]: { error } } }));
    }
  },
  async restoreVersion(planId, version) {
    set({ restoring: true });
    try {
      const summary = await api.restorePlanVersion(planId, version);
      get().showVersion(planId, summary.version);
      get().upsertPlanSummary(summary);
      get().notify('info', `Restored version ${version} of ${planId} as version ${summary.version}`);
    } catch (err) {
      get().fail(`Could not restore version ${version} of ${planId}`, err);
    } finally {
      set({ restoring: false });
    }
  },
});
