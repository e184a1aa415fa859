import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../../src-main/app/create-app.ts';
import { createApp } from '../../../src-main/app/create-app.ts';
import { heldAnswers } from './held-answers.fixture.ts';
import { installLocalStorage } from './local-storage.fixture.ts';

/**
 * A plan's runs read while a run of it starts: the list read (without it) does not drop the run
 * the start brought in. The app is real, in memory; its answer to the list is held back until
 * the new run is in the store, as a slow answer would be.
 */

// Before the store is imported: its slices read localStorage as they are created.
installLocalStorage();

const { connect } = await import('../api/client.ts');
const { useBaton } = await import('./index.ts');
const { applyEvents } = await import('./apply-events.ts');

let app: BatonApp;
let hold: () => () => void;

describe('a plan’s runs, read while one starts', () => {
  beforeAll(async () => {
    app = createApp({ dataDir: ':memory:', log: () => {}, reach: { enabled: false } });
    const held = heldAnswers(app, 'runs.list');
    hold = held.hold;
    connect(held.transport, applyEvents);
    await app.dispatch('agents.import', { agents: [{ id: 'quick', skills: ['x'] }] });
    await app.dispatch('plans.import', {
      plan: { plan_id: 'p', tasks: [{ task_id: 'a', description: 'A', required_skills: ['x'] }] },
    });
    await app.dispatch('runs.start', { plan_id: 'p' });
  });
  afterAll(() => app.close());

  it('keeps the run that started while the list was read', async () => {
    const release = hold();
    const listing = useBaton.getState().loadRuns('p');
    await useBaton.getState().startRun('p');
    const started = useBaton.getState().selectedRunId.p!;
    release();
    await listing;
    const ids = useBaton.getState().runsByPlan.p!.map((r) => r.id);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(started);
  });
});
