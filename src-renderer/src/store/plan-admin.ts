import type { StateCreator } from 'zustand';
import { api } from '../api/client.ts';
import { copyId } from '../components/plans/plan-list.ts';
import type { BatonState } from './index.ts';

/** What the Plans page and a plan's header do to a whole plan: copy, archive, delete. */
export interface PlanAdminSlice {
  /** Saves a copy of the plan under a new readable id (`<id>-copy`), named "<name> (copy)". */
  duplicatePlan(planId: string): Promise<void>;
  /** Archives the plan (hidden from the lists, refused a run) or unarchives it. */
  setPlanArchived(planId: string, archived: boolean): Promise<void>;
  /** Deletes the plan (the host refuses one that runs, schedules or triggers name). */
  deletePlan(planId: string): Promise<void>;
  /**
   * The plan was deleted: it leaves the lists. Deleted here (`leave`), its page gives way to the
   * Plan list; deleted elsewhere, a page showing it stays, and what is asked of it says it is gone.
   */
  dropPlan(planId: string, leave?: boolean): void;
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
      const summary = await api.archivePlan(planId, archived);
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
      const { deleted } = await api.deletePlan(planId);
      get().dropPlan(planId, true);
      get().notify('info', deleted ? `Deleted ${name}` : `${name} was already deleted`);
    } catch (err) {
      get().fail(`Could not delete ${name}`, err);
    }
  },
  dropPlan(planId, leave = false) {
    const s = get();
    const plans = s.plans.filter((p) => p.plan_id !== planId);
    const open = s.selectedPlanId === planId;
    if (!open || !leave) {
      if (plans.length !== s.plans.length) set({ plans });
      return;
    }
    const { [planId]: _, ...planDetails } = s.planDetails;
    set({
      plans,
      planDetails,
      selectedPlanId: null,
      // Its page is gone: the Plan list is where it was listed.
      ...(s.view === 'plans' && !s.draft ? { view: 'planlist' as const } : {}),
    });
  },
});
