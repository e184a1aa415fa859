import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import { renameTask } from '../designer/plan-edit.ts';
import { createDesignerSlice } from './designer.ts';
import type { BatonState } from './index.ts';
import { createUiSlice } from './ui.ts';

const plan: PlanInput = {
  plan_id: 'p',
  tasks: [
    { task_id: 'a', description: 'first' },
    { task_id: 'b', description: 'second', depends_on: ['a'] },
  ],
};

/** The designer with the messages it raises; nothing here reaches the host. */
const designer = () => {
  const store = createStore<BatonState>()(
    (...a) => ({ ...createUiSlice(...a), ...createDesignerSlice(...a) }) as BatonState,
  );
  // A new plan: its positions are not read from this browser profile.
  store.getState().beginEdit(plan, true);
  return store;
};

describe('the designer store', () => {
  it('keeps where a task was dragged when it is renamed, through undo and redo', () => {
    const store = designer();
    const s = store.getState();
    s.moveTask('b', 300, 40);
    s.tryEdit((p) => renameTask(p, 'b', 'c'), 'c');
    expect(store.getState().manualPositions).toEqual({ c: { x: 300, y: 40 } });
    s.undo();
    expect(store.getState().manualPositions).toEqual({ b: { x: 300, y: 40 } });
    s.redo();
    expect(store.getState().manualPositions).toEqual({ c: { x: 300, y: 40 } });
  });

  it('dismisses only its own messages when it is left', async () => {
    const store = designer();
    store.getState().notify('error', 'Could not import digest.json', ['not JSON']);
    // Not connected to a host: the save fails, and says so.
    await store.getState().saveDraft();
    expect(store.getState().toasts.map((t) => t.title)).toEqual([
      'Could not import digest.json',
      'The plan was not saved',
    ]);
    store.getState().endEdit();
    expect(store.getState().draft).toBeNull();
    expect(store.getState().toasts.map((t) => t.title)).toEqual(['Could not import digest.json']);
  });

  it('makes edits sharing a merge key in a row one step to undo, and ends the run at any other change', () => {
    const store = designer();
    const budget = (v: number) => store.getState().edit((p) => ({ ...p, budget: v }), undefined, 'budget#1');
    budget(1);
    budget(15);
    budget(150);
    expect(store.getState().past).toHaveLength(1);
    store.getState().undo();
    expect(store.getState().draft?.budget).toBeUndefined();
    store.getState().redo();
    expect(store.getState().draft?.budget).toBe(150);
    // After an undo or redo, the same key starts a new step.
    budget(2);
    expect(store.getState().past).toHaveLength(2);
    // An edit without the key in between ends the run too.
    store.getState().edit((p) => ({ ...p, name: 'n' }));
    budget(3);
    expect(store.getState().past).toHaveLength(4);
  });
});
