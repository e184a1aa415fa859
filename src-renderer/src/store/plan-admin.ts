import type { StateCreator } from 'zustand';
import { api } from '../api/client.ts';
import { copyId } from '../components/plans/plan-list.ts';
import { actorOf } from './identity.ts';
import type { BatonState } from './index.ts';

/** What the Plans page and a plan's header do to a whole plan: copy, archive, delete. */
export interface PlanAdminSlice {
  /** Saves a copy of the plan under a new readable id (`<id>-copy`), named "<name> (copy)". */
  duplicatePlan(planId: string): Promise<void>;
  /** Archives the plan (hidden from the lists, refused a run) or unarchives it. */
  setPlanArchived(planId: string, archived: boolean): Promise<void>;
  /** Deletes the plan (the host refuses one that runs, schedules or triggers name). */
  deletePlan(planId: string): Promise<void>;
  /** The plan was deleted (here or elsewhere): it leaves the lists, and its page for the Plans page. */
  dropPlan(planId: string): void;
}

export const createPlanAdminSlice: StateCreator<BatonState, [], [], PlanAdminSlice> = (set, get) => ({
  async duplicatePlan(planId) {
    try {
      const { plan, name } = await api.getPlan(planId);
      const id = copyId(planId, new Set(get().plans.map((p) => p.plan_id)));
      const summary = await api.createPlan({ ...plan, plan_id: id, name: `${name} (copy)` });
      get().upsertPlanSummary(summary);
      get().notify('info', `Duplicated ${name} as ${summary.plan_id}`);
    } catch (err) {
      get().fail(`Could not duplicate ${planId}`, err);
    }
  },
  async setPlanArchived(planId, archived) {
    try {
      const summary = await api.archivePlan(planId, archived, actorOf(get()));
      get().upsertPlanSummary(summary);
      get().notify(
        'info',
        archived ? `Archived ${summary.name}` : `Unarchived ${summary.name}`,
        archived ? ['It is hidden from the plan lists and cannot run until it is unarchived.'] : [],
      );
    } catch (err) {
      get().fail(`Could not ${archived ? 'archive' : 'unarchive'} ${planId}`, err);
    }
  },
  async deletePlan(planId) {
    const name = get().plans.find((p) => p.plan_id === planId)?.name ?? planId;
    try {
      const { deleted } = await api.deletePlan(planId, actorOf(get()));
      get().dropPlan(planId);
      get().notify('info', deleted ? `Deleted ${name}` : `${name} was already deleted`);
    } catch (err) {
      get().fail(`Could not delete ${name}`, err);
    }
  },
  dropPlan(planId) {
    const s = get();
    if (!s.plans.some((p) => p.plan_id === planId)) return;
    const { [planId]: _, ...planDetails } = s.planDetails;
    const open = s.selectedPlanId === planId;
    set({
      plans: s.plans.filter((p) => p.plan_id !== planId),
      planDetails,
      ...(open ? { selectedPlanId: null } : {}),
      // Its page is gone: the Plans page is where it was listed.
      ...(open && s.view === 'plans' && !s.draft ? { view: 'planlist' as const } : {}),
    });
  },
});
