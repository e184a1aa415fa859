import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../../src-main/app/create-app.ts';
import { createApp } from '../../../src-main/app/create-app.ts';
import { heldAnswers } from './held-answers.fixture.ts';
import { installLocalStorage } from './local-storage.fixture.ts';

/**
 * A plan saved (or imported) while the person goes to another screen: the save ends where they
 * are, not on the plan. The app is real, in memory; its answer to `plans.import` is held back
 * until the person has moved, as a slow answer would be.
 */

// Before the store is imported: its slices read localStorage as they are created.
installLocalStorage();

const { connect } = await import('../api/client.ts');
const { useBaton } = await import('./index.ts');
const { applyEvents } = await import('./apply-events.ts');

let app: BatonApp;
/** Holds the next `plans.import` answers until the returned function is called. */
let holdImport: () => () => void;

describe('a plan saved while the person went elsewhere', () => {
  beforeAll(() => {
    app = createApp({ dataDir: ':memory:', log: () => {}, reach: { enabled: false } });
    const held = heldAnswers(app, 'plans.import');
    holdImport = held.hold;
    connect(held.transport, applyEvents);
  });
  afterAll(() => app.close());

  const plan = (id: string) => ({ plan_id: id, tasks: [{ task_id: 'a', description: 'A' }] });

  it('saves the draft and leaves the person on the screen they went to', async () => {
    const s = useBaton.getState();
    s.beginEdit(plan('away'), true);
    s.edit((p) => ({ ...p, name: 'Away' }));
    const release = holdImport();
    const saving = s.saveDraft();
    useBaton.getState().setView('approvals');
    release();
    await saving;
    const after = useBaton.getState();
    expect(after.view).toBe('approvals');
    expect(after.draft).toBeNull();
    expect(after.selectedPlanId).toBe('away');
    expect(after.plans.find((p) => p.plan_id === 'away')?.name).toBe('Away');
    expect(after.toasts.some((t) => t.title === 'Saved away as version 1')).toBe(true);
  });

  it('opens the saved plan when the person stayed in the designer', async () => {
    const s = useBaton.getState();
    s.setView('plans');
    s.beginEdit(plan('stayed'), true);
    s.edit((p) => ({ ...p, name: 'Stayed' }));
    await s.saveDraft();
    const after = useBaton.getState();
    expect(after.view).toBe('plans');
    expect(after.draft).toBeNull();
    expect(after.selectedPlanId).toBe('stayed');
  });

  it('keeps a draft opened while the last one saved', async () => {
    const s = useBaton.getState();
    s.setView('plans');
    s.beginEdit(plan('first'), true);
    const release = holdImport();
    const saving = s.saveDraft();
    useBaton.getState().endEdit();
    useBaton.getState().beginEdit(plan('second'), true);
    release();
    await saving;
    const after = useBaton.getState();
    expect(after.draft?.plan_id).toBe('second');
    expect(after.plans.some((p) => p.plan_id === 'first')).toBe(true);
  });

  it('leaves a person who went elsewhere during a file import where they are', async () => {
    useBaton.getState().setView('plans');
    const release = holdImport();
    const importing = useBaton.getState().importPlan(JSON.stringify(plan('imported')), 'imported.json');
    useBaton.getState().setView('runs');
    release();
    await importing;
    const after = useBaton.getState();
    expect(after.view).toBe('runs');
    expect(after.selectedPlanId).toBe('imported');
  });
});
