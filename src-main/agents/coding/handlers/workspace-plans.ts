import type { Store } from '../../../store/store.ts';

/** A plan that names a workspace, as the Workspaces screen lists it. */
export interface PlanNaming {
  plan_id: string;
  name: string;
}

/**
 * The plans whose current version names each workspace (on the plan or on one of its tasks), by
 * workspace id, by name. SQLite reads the stored bodies (`plans.namingWorkspaces`), skipping
 * those that name no workspace: no plan is parsed here, however large.
 */
export function plansByWorkspace(store: Store): Map<string, PlanNaming[]> {
  const by = new Map<string, PlanNaming[]>();
  for (const { plan_id, name, workspace } of store.plans.namingWorkspaces()) {
    const list = by.get(workspace) ?? [];
    list.push({ plan_id, name });
    by.set(workspace, list);
  }
  for (const list of by.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  return by;
}
