import type { StateCreator } from 'zustand';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import { api } from '../api/client.ts';
import type { EditResult } from '../designer/plan-edit.ts';
import { loadPositions, positionsAfter, savePositions } from '../designer/positions.ts';
import type { Positions } from '../graph/layout.ts';
import type { BatonState } from './index.ts';

const HISTORY = 100;

/**
 * The draft becoming `next` (an edit, an undo or a redo): a renamed task's dragged position
 * follows its id back and forth, and the last message is dropped.
 */
const draftBecomes = (
  manualPositions: Positions,
  draft: PlanInput,
  next: PlanInput,
  unapplied: Record<string, Unapplied>,
) => ({
  draft: next,
  manualPositions: positionsAfter(manualPositions, draft, next),
  designerMessage: null,
  unapplied: keptFor(unapplied, next),
});

/**
 * What a field holds that is not applied: why, the task it is about (null: the plan's), and the
 * text as typed when it is kept while its field is not shown (JSON that does not parse: it waits
 * in the store for the person to come back to it, and holds the plan back meanwhile).
 */
export interface Unapplied {
  message: string;
  task_id: string | null;
  text?: string;
}

/** The unapplied fields whose task is still in the plan (a task removed takes what was typed in it along). */
function keptFor(unapplied: Record<string, Unapplied>, plan: PlanInput): Record<string, Unapplied> {
  const entries = Object.entries(unapplied);
  if (entries.length === 0) return unapplied;
  const ids = new Set(plan.tasks.map((t) => t.task_id));
  const kept = entries.filter(([, u]) => u.task_id === null || ids.has(u.task_id));
  return kept.length === entries.length ? unapplied : Object.fromEntries(kept);
}

export interface DesignerSlice {
  /** The plan being edited; null when not in the designer. */
  draft: PlanInput | null;
  /** The draft as the designer opened it: discarding asks only when the draft says something else. */
  draftStart: PlanInput | null;
  draftIsNew: boolean;
  /** The id of the stored plan being edited (null for a new one): a draft with another id saves a new plan. */
  editedPlanId: string | null;
  past: PlanInput[];
  future: PlanInput[];
  /** The `merge` key of the last edit (see `edit`); null after an edit without one, an undo or a redo. */
  lastMerge: string | null;
  selectedTaskId: string | null;
  /** Where tasks were dragged (kept on save); tasks without one are laid out. */
  manualPositions: Positions;
  designerMessage: string | null;
  /** Fields whose typed value is invalid and not applied yet (by field key): saving waits for them. */
  unapplied: Record<string, Unapplied>;
  saving: boolean;
  beginEdit(plan: PlanInput, isNew?: boolean): void;
  endEdit(): void;
  /**
   * Applies an edit, recording it for undo. Edits with the same `merge` key in a row (a number
   * applied as it is typed, one field visit) are one step to undo.
   */
  edit(change: (plan: PlanInput) => PlanInput, select?: string | null, merge?: string): void;
  /** Applies an edit that may be refused, recording it for undo; returns the refusal's reason, or null. */
  tryEdit(change: (plan: PlanInput) => EditResult, select?: string | null): string | null;
  undo(): void;
  redo(): void;
  selectTask(taskId: string | null): void;
  moveTask(taskId: string, x: number, y: number): void;
  clearPositions(): void;
  sayInDesigner(message: string | null): void;
  /**
   * A field's typed value is invalid and not applied (a message, with the task it is about and
   * the text to keep), or fine again (null).
   */
  markUnapplied(key: string, problem: string | null, where?: { task_id: string | null; text?: string }): void;
  saveDraft(): Promise<void>;
}

export const createDesignerSlice: StateCreator<BatonState, [], [], DesignerSlice> = (set, get) => ({
  draft: null,
  draftStart: null,
  draftIsNew: false,
  editedPlanId: null,
  past: [],
  future: [],
  lastMerge: null,
  selectedTaskId: null,
  manualPositions: {},
  designerMessage: null,
  unapplied: {},
  saving: false,
  beginEdit(plan, isNew = false) {
    const draft = structuredClone(plan);
    set({
      lastMerge: null,
      draft,
      draftStart: draft,
      draftIsNew: isNew,
      editedPlanId: isNew ? null : plan.plan_id,
      past: [],
      future: [],
      selectedTaskId: null,
      manualPositions: isNew ? {} : loadPositions(plan.plan_id),
      designerMessage: null,
      unapplied: {},
      view: 'plans',
      missing: null,
    });
  },
  // Leaving the designer drops its own messages too ("The plan was not saved" is about the
  // draft); the others (an import that failed, say) stay until they are read.
  endEdit: () =>
    set((s) => ({
      draft: null,
      draftStart: null,
      past: [],
      future: [],
      selectedTaskId: null,
      designerMessage: null,
      unapplied: {},
      toasts: s.toasts.filter((t) => t.from !== 'designer'),
    })),
  edit(change, select, merge) {
    const { draft, past, manualPositions, lastMerge, unapplied } = get();
    if (!draft) return;
    const next = change(draft);
    if (next === draft) return;
    // The same field visit again: the step to undo is the one it started, back to before it.
    const merged = merge !== undefined && merge === lastMerge && past.length > 0;
    set({
      lastMerge: merge ?? null,
      ...draftBecomes(manualPositions, draft, next, unapplied),
      past: merged ? past : [...past.slice(-HISTORY + 1), draft],
      future: [],
      ...(select !== undefined ? { selectedTaskId: select } : {}),
    });
  },
  tryEdit(change, select) {
    const { draft } = get();
    if (!draft) return null;
    const r = change(draft);
    if (!r.ok) return r.reason;
    get().edit(() => r.plan, select);
    return null;
  },
  undo() {
    const { draft, past, future, manualPositions, unapplied } = get();
    const prev = past.at(-1);
    if (!draft || !prev) return;
    set({
      lastMerge: null,
      ...draftBecomes(manualPositions, draft, prev, unapplied),
      past: past.slice(0, -1),
      future: [draft, ...future],
    });
  },
  redo() {
    const { draft, past, future, manualPositions, unapplied } = get();
    const next = future[0];
    if (!draft || !next) return;
    set({
      lastMerge: null,
      ...draftBecomes(manualPositions, draft, next, unapplied),
      past: [...past, draft],
      future: future.slice(1),
    });
  },
  selectTask: (selectedTaskId) => set({ selectedTaskId }),
  moveTask: (taskId, x, y) => set((s) => ({ manualPositions: { ...s.manualPositions, [taskId]: { x, y } } })),
  clearPositions: () => set({ manualPositions: {} }),
  sayInDesigner: (designerMessage) => set({ designerMessage }),
  markUnapplied(key, problem, where = { task_id: null }) {
    const { [key]: was, ...rest } = get().unapplied;
    if (problem === null) {
      if (was !== undefined) set({ unapplied: rest });
      return;
    }
    const next: Unapplied = { message: problem, ...where };
    if (was && was.message === next.message && was.task_id === next.task_id && was.text === next.text) return;
    set({ unapplied: { ...rest, [key]: next } });
  },
  async saveDraft() {
    const { draft, manualPositions, unapplied } = get();
    if (!draft) return;
    // Saving now would silently keep the last valid value of a field the person is fixing.
    const pending = Object.values(unapplied).map((u) =>
      u.task_id ? `${u.task_id}: ${u.message}` : u.message,
    );
    if (pending.length > 0) {
      set({ designerMessage: `Not saved: ${pending.join('; ')}. Fix it, or clear the field, then save.` });
      return;
    }
    set({ saving: true });
    const from = get().view;
    try {
      const summary = await api.importPlan(draft);
      savePositions(summary.plan_id, manualPositions);
      // The draft saved is closed; one opened since (the saved one discarded meanwhile) stays.
      const same = get().draft === draft;
      if (same) get().endEdit();
      get().upsertPlanSummary(summary);
      get().notify('info', `Saved ${summary.plan_id} as version ${summary.version}`);
      // The plan opens on its graph, the version just saved: not on whatever tab it was left on.
      // A person who went to another screen while it saved stays there: the Plans screen shows
      // the plan when they come back.
      get().setPlanTab('graph');
      await get().selectPlan(summary.plan_id, same && get().view === from);
    } catch (err) {
      get().fail('The plan was not saved', err, 'designer');
    } finally {
      set({ saving: false });
    }
  },
});
