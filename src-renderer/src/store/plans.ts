import type { StateCreator } from 'zustand';
import firstSteps from '../../../resources/examples/first-steps.json';
import laptopsResearch from '../../../resources/examples/laptops-research.json';
import type { ExampleBundle } from '../../../src-shared/contract/example-bundle.ts';
import type { PlanSummary, StoredPlan } from '../../../src-shared/schemas/plan.ts';
import { api } from '../api/client.ts';
import { planImportHint } from './import-hint.ts';
import { planImported } from './import-summary.ts';
import type { BatonState } from './index.ts';
import { parseJsonFile } from './json.ts';

export interface PlansSlice {
  plans: PlanSummary[];
  plansLoaded: boolean;
  selectedPlanId: string | null;
  planDetails: Record<string, StoredPlan>;
  loadPlans(): Promise<void>;
  /**
   * Opens a plan on the Plans screen. `show: false` makes it the plan that screen shows without
   * going there: what a save or import that ended after the person went elsewhere does.
   */
  selectPlan(planId: string, show?: boolean): Promise<void>;
  importPlan(text: string, fileName: string): Promise<void>;
  upsertPlanSummary(summary: PlanSummary): void;
  /**
   * Imports an example a first open offers (resources/examples/: its agents, notes and plans)
   * and opens its first plan.
   */
  loadExample(name: ExampleName): Promise<void>;
}

/**
 * The examples a first open offers: agents that answer offline and plans they can run
 * (first-steps.json), and the laptops research and email draft (laptops-research.json).
 */
export const EXAMPLES = {
  'first-steps': firstSteps,
  'laptops-research': laptopsResearch,
} satisfies Record<string, ExampleBundle>;
export type ExampleName = keyof typeof EXAMPLES;

export const createPlansSlice: StateCreator<BatonState, [], [], PlansSlice> = (set, get) => {
  /** Fetches a plan (current version) and its runs into the store. */
  const loadPlan = async (planId: string): Promise<void> => {
    try {
      const [plan] = await Promise.all([api.getPlan(planId), get().loadRuns(planId)]);
      set((s) => ({ planDetails: { ...s.planDetails, [planId]: plan } }));
    } catch (err) {
      get().fail(`Could not open plan ${planId}`, err);
    }
  };
  return {
    plans: [],
    plansLoaded: false,
    selectedPlanId: null,
    planDetails: {},
    async loadPlans() {
      try {
        const plans = await api.listPlans();
        set({ plans, plansLoaded: true });
        // The sidebar shows each plan's last run; the Runs screen lists them all.
        void get().loadAllRuns();
        // The first plan listed (archived ones are not) is the one the Plans screen opens on,
        // without leaving the screen shown.
        const first = plans.find((p) => p.archived_at === null);
        if (!get().selectedPlanId && first) {
          set({ selectedPlanId: first.plan_id });
          await loadPlan(first.plan_id);
        }
      } catch (err) {
        get().fail('Could not load plans', err);
      }
    },
    async selectPlan(planId, show = true) {
      set(show ? { selectedPlanId: planId, view: 'plans', missing: null } : { selectedPlanId: planId });
      await loadPlan(planId);
    },
    async importPlan(text, fileName) {
      const parsed = parseJsonFile(text, fileName);
      if (!parsed.ok) return get().fail(parsed.title, parsed.error);
      const from = get().view;
      try {
        const summary = await api.importPlan(parsed.value);
        get().upsertPlanSummary(summary);
        get().notify('info', planImported(summary));
        // A person who went to another screen while it was imported stays there.
        await get().selectPlan(summary.plan_id, get().view === from);
      } catch (err) {
        const hint = await planImportHint(parsed.value);
        if (hint) get().notify('error', `Could not import ${fileName}`, [hint]);
        else get().fail(`Could not import ${fileName}`, err);
      }
    },
    async loadExample(name) {
      try {
        const { agents, notesWritten, plans } = await api.loadExample(EXAMPLES[name]);
        for (const a of agents) get().upsertAgent(a);
        for (const p of [...plans].reverse()) get().upsertPlanSummary(p);
        get().notify('info', 'Loaded the example', [
          `Agents: ${agents
            .map((a) => a.id)
            .sort()
            .join(', ')}`,
          ...(notesWritten > 0 ? [`Notes in memory: ${notesWritten}`] : []),
          `Plans: ${plans.map((p) => p.name).join(', ')}`,
        ]);
        const first = plans[0];
        if (first) await get().selectPlan(first.plan_id);
      } catch (err) {
        get().fail('Could not load the example', err);
      }
    },
    upsertPlanSummary(summary) {
      set((s) => {
        const before = s.plans.find((p) => p.plan_id === summary.plan_id);
        const detail = s.planDetails[summary.plan_id];
        return {
          // A new version goes first (the newest saved); an archive or unarchive stays in its place.
          plans:
            before?.version === summary.version
              ? s.plans.map((p) => (p.plan_id === summary.plan_id ? summary : p))
              : [summary, ...s.plans.filter((p) => p.plan_id !== summary.plan_id)],
          planDetails:
            detail?.version === summary.version
              ? { ...s.planDetails, [summary.plan_id]: { ...detail, ...summary } }
              : Object.fromEntries(Object.entries(s.planDetails).filter(([id]) => id !== summary.plan_id)),
        };
      });
      // A new version of the open plan (saved here or elsewhere) reloads it where the user is.
      if (get().selectedPlanId === summary.plan_id && !get().planDetails[summary.plan_id]) {
        void loadPlan(summary.plan_id);
      }
      const listed = get().planVersions[summary.plan_id];
      if (listed && listed[0]?.version !== summary.version) void get().loadVersions(summary.plan_id);
    },
  };
};
