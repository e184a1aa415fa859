import type { Store } from '../store/store.ts';

/** A plan that names a workspace, as the Workspaces screen lists it. */
export interface PlanNaming {
  plan_id: string;
  name: string;
}

/**
 * The plans whose current version names each workspace (on the plan or on one of its tasks), by
 * workspace id, by name. Read from the plans' bodies, once for every workspace listed: a person opens the
 * Workspaces screen now and then, and a workspace's plans are what tell them it is in use.
 */
export function plansByWorkspace(store: Store): Map<string, PlanNaming[]> {
  const by = new Map<string, PlanNaming[]>();
  for (const summary of store.plans.list()) {
    const plan = store.plans.get(summary.plan_id)?.plan;
    if (!plan) continue;
    const named = new Set<string>();
    if (plan.workspace) named.add(plan.workspace);
    for (const t of plan.tasks) if (t.workspace) named.add(t.workspace);
    for (const id of named) {
      const list = by.get(id) ?? [];
      list.push({ plan_id: summary.plan_id, name: summary.name });
      by.set(id, list);
    }
  }
  for (const list of by.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  return by;
}
