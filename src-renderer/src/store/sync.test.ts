import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../../src-main/app/create-app.ts';
import { createApp } from '../../../src-main/app/create-app.ts';
import { createMemoryTransport } from '../../../src-main/app/memory-transport.ts';
import type { RunDetail } from '../../../src-shared/schemas/run.ts';
import { installLocalStorage } from './local-storage.fixture.ts';

/**
 * The page missed events (the host dropped them while the tab was behind, or the connection
 * was lost): `resync` must bring back everything it shows, from the real app. Here the page
 * hears no events at all, so whatever it knows after `resync` came from loading.
 */

// Before the store is imported: its slices read localStorage as they are created.
installLocalStorage();

const { connect } = await import('../api/client.ts');
const { useBaton } = await import('./index.ts');

let app: BatonApp;

async function finishedRun(planId: string): Promise<RunDetail> {
  const started = await app.dispatch('runs.start', { plan_id: planId });
  if (!started.ok) throw new Error(started.error.message);
  const runId = (started.value as { run_id: string }).run_id;
  for (;;) {
    const run = await app.dispatch('runs.get', { run_id: runId });
    if (run.ok && (run.value as RunDetail).status !== 'executing') return run.value as RunDetail;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const plan = (description: string) => ({
  plan_id: 'onboarding',
  tasks: [{ task_id: 't1', description, required_skills: ['x'] }],
});

describe('the store after missed events', () => {
  beforeAll(() => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    connect(createMemoryTransport(app.dispatch, app.bus), () => {});
  });
  afterAll(() => app.close());

  it('loads plans, agents, approvals, the open plan, its runs and the selected task again', async () => {
    await app.dispatch('agents.import', { agents: [{ id: 'ash', skills: ['x'] }] });
    await app.dispatch('plans.import', { plan: plan('first') });
    const first = await finishedRun('onboarding');
    const s = useBaton.getState();
    await s.loadPlans();
    await s.loadAgents();
    await useBaton.getState().selectRunTask(first.id, 't1');
    expect(useBaton.getState().selectedPlanId).toBe('onboarding');
    expect(useBaton.getState().planDetails.onboarding?.version).toBe(1);

    // Meanwhile, unheard: an agent, a plan, a new version of the open plan, and a second run.
    await app.dispatch('agents.import', { agents: [{ id: 'bee', skills: ['y'] }] });
    await app.dispatch('plans.import', { plan: { ...plan('other'), plan_id: 'other' } });
    await app.dispatch('plans.import', { plan: plan('second') });
    const second = await finishedRun('onboarding');
    expect(useBaton.getState().agents.map((a) => a.id)).toEqual(['ash']);

    await useBaton.getState().resync();
    const after = useBaton.getState();
    expect(after.agents.map((a) => a.id)).toEqual(['ash', 'bee']);
    expect(after.plans.map((p) => p.plan_id).sort()).toEqual(['onboarding', 'other']);
    expect(after.planDetails.onboarding?.version).toBe(2);
    expect(after.runsByPlan.onboarding?.map((r) => r.id).sort()).toEqual([first.id, second.id].sort());
    expect(after.runTasks[first.id]?.t1?.status).toBe('done');
    // The open run and the selected task stay where the person left them, loaded again.
    expect(after.selectedRunId.onboarding).toBe(first.id);
    expect(after.selectedTask).toEqual({ runId: first.id, taskId: 't1' });
    expect(after.taskDetail).toMatchObject({ logs: [], artifacts: [] });
  });

  it('remembers a full disk from any call, with the data directory to free', () => {
    useBaton.getState().reportStorageFull({
      code: 'storage_full',
      message: 'The disk is full',
      details: { data_dir: '/home/me/.config/baton' },
    });
    expect(useBaton.getState().storageFull).toEqual({
      message: 'The disk is full',
      dataDir: '/home/me/.config/baton',
    });
    useBaton.getState().dismissStorageFull();
    expect(useBaton.getState().storageFull).toBeNull();
  });
});
