import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../../src-main/app/create-app.ts';
import { createApp } from '../../../src-main/app/create-app.ts';
import { createMemoryTransport } from '../../../src-main/app/memory-transport.ts';
import { installLocalStorage } from '../store/local-storage.fixture.ts';
import { formatRoute, parseRoute } from './routes.ts';

/**
 * Applying an address to the store (against the real app, in memory) shows what it names: the
 * store's address is then that address. What it names and is not there is said, on its screen.
 */

// Before the store is imported: its slices read localStorage as they are created.
installLocalStorage();

const { connect } = await import('../api/client.ts');
const { useBaton } = await import('../store/index.ts');
const { applyEvents } = await import('../store/apply-events.ts');
const { applyRoute } = await import('./apply-route.ts');
const { routeOf } = await import('./state-route.ts');

let app: BatonApp;
/** Alpha's runs, the older first. */
let runs: string[];
const call = async <T = unknown>(method: string, input: unknown): Promise<T> => {
  const r = await app.dispatch(method, input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as T;
};
/** Applies the address, and answers the address the store is then at. */
const open = async (address: string): Promise<string> => {
  await applyRoute(parseRoute(address));
  return formatRoute(routeOf(useBaton.getState()));
};

describe('an address applied to the store', () => {
  beforeAll(async () => {
    app = createApp({ dataDir: ':memory:', log: () => {}, reach: { enabled: false } });
    connect(createMemoryTransport(app.dispatch, app.bus), applyEvents);
    await call('agents.import', { agents: [{ id: 'quick', skills: ['x'] }] });
    await call('plans.import', {
      plan: {
        plan_id: 'alpha',
        tasks: [
          { task_id: 'gather', description: 'Gather', required_skills: ['x'] },
          { task_id: 'write', description: 'Write', required_skills: ['x'], depends_on: ['gather'] },
        ],
      },
    });
    runs = [];
    for (let i = 0; i < 2; i++) {
      const { run_id } = await call<{ run_id: string }>('runs.start', { plan_id: 'alpha' });
      runs.push(run_id);
      // Setup waits in a plain loop: expect.poll is for the tests themselves.
      for (let i = 0; i < 300; i++) {
        if ((await call<{ status: string }>('runs.get', { run_id })).status !== 'executing') break;
        await new Promise((done) => setTimeout(done, 20));
      }
    }
    const s = useBaton.getState();
    await Promise.all([s.loadPlans(), s.loadAgents(), s.loadApprovals()]);
  });
  afterAll(() => app.close());

  it('opens a run and a task in it, its timeline, and the plan at its newest run', async () => {
    const [older, newer] = runs as [string, string];
    expect(await open(`/runs/${older}/tasks/write`)).toBe(`/runs/${older}/tasks/write`);
    const s = useBaton.getState();
    expect(s.view).toBe('plans');
    expect(s.selectedPlanId).toBe('alpha');
    expect(s.selectedTask).toEqual({ runId: older, taskId: 'write' });
    expect(await open(`/runs/${older}`)).toBe(`/runs/${older}`);
    expect(useBaton.getState().selectedTask).toBeNull();
    expect(await open(`/runs/${older}/timeline`)).toBe(`/runs/${older}/timeline`);
    expect(await open('/plans/alpha')).toBe('/plans/alpha');
    expect(useBaton.getState().selectedRunId.alpha).toBe(newer);
    expect(await open('/plans/alpha/compare')).toBe('/plans/alpha/compare');
  });

  it('opens the version history, and a version in it', async () => {
    expect(await open('/plans/alpha/versions')).toBe('/plans/alpha/versions');
    await call('plans.import', {
      plan: {
        plan_id: 'alpha',
        tasks: [{ task_id: 'gather', description: 'Gather more', required_skills: ['x'] }],
      },
    });
    await expect.poll(() => useBaton.getState().plans.find((p) => p.plan_id === 'alpha')?.version).toBe(2);
    expect(await open('/plans/alpha/versions/1')).toBe('/plans/alpha/versions/1');
    expect(useBaton.getState().shownVersion.alpha).toBe(1);
    expect(await open('/plans/alpha/versions')).toBe('/plans/alpha/versions');
    expect(useBaton.getState().shownVersion.alpha).toBeUndefined();
  });

  it('opens the other screens with their selections, searches and filters', async () => {
    expect(await open('/agents/quick')).toBe('/agents/quick');
    expect(await open('/runs?status=completed&plan=alpha')).toBe('/runs?status=completed&plan=alpha');
    expect(await open('/approvals/ap-1?kind=budget')).toBe('/approvals/ap-1?kind=budget');
    expect(await open('/approvals?show=decided&sort=newest')).toBe('/approvals?show=decided&sort=newest');
    expect(useBaton.getState()).toMatchObject({ approvalsTab: 'decided', approvalSort: 'newest' });
    expect(await open('/approvals')).toBe('/approvals');
    expect(useBaton.getState()).toMatchObject({ approvalsTab: 'pending', approvalSort: 'blocking' });
    expect(await open('/approvals?sort=oldest')).toBe('/approvals?sort=oldest');
    expect(useBaton.getState()).toMatchObject({ approvalSort: 'oldest' });
    expect(await open('/logs?q=alpha&type=build_log')).toBe('/logs?q=alpha&type=build_log');
    await expect.poll(() => useBaton.getState().memoryLoading).toBe(false);
    expect(useBaton.getState().memoryHits.length).toBe(2);
    expect(await open('/logs/audit?who=ana')).toBe('/logs/audit?who=ana');
    expect(await open('/settings/worker-tokens')).toBe('/settings/worker-tokens');
    expect(await open('/my-tasks')).toBe('/my-tasks');
  });

  it('says what it names and is not there, keeping the address', async () => {
    const missing = async (address: string) => {
      expect(await open(address)).toBe(address);
      const s = useBaton.getState();
      return { view: s.view, title: s.missing?.title, back: s.missing && formatRoute(s.missing.back.route) };
    };
    expect(await missing('/runs/run-that-never-was')).toEqual({
      view: 'runs',
      title: 'No run run-that-never-was',
      back: '/runs',
    });
    expect(await missing(`/runs/${runs[0]}/tasks/nope`)).toEqual({
      view: 'plans',
      title: `No task nope in run ${runs[0]}`,
      back: `/runs/${runs[0]}`,
    });
    expect(await missing('/plans/nope')).toEqual({ view: 'plans', title: 'No plan nope', back: '/' });
    expect(await missing('/plans/alpha/versions/9')).toEqual({
      view: 'plans',
      title: 'No version 9 of alpha',
      back: '/plans/alpha/versions',
    });
    expect(await missing('/agents/ghost')).toEqual({
      view: 'agents',
      title: 'No agent ghost',
      back: '/agents',
    });
    expect((await missing('/what/is/this')).title).toBe('No page here');
    // Going anywhere leaves it behind.
    expect(await open('/agents')).toBe('/agents');
    expect(useBaton.getState().missing).toBeNull();
  });

  it('opens the designer, and leaves it for another page only when nothing typed would be lost', async () => {
    expect(await open('/plans/alpha/edit')).toBe('/plans/alpha/edit');
    expect(useBaton.getState().draft?.plan_id).toBe('alpha');
    expect(await open(`/runs/${runs[0]}`)).toBe(`/runs/${runs[0]}`);
    expect(useBaton.getState().draft).toBeNull();
    await open('/plans/alpha/edit');
    useBaton.getState().edit((p) => ({ ...p, name: 'Alpha, edited' }));
    expect(await open('/plans/alpha')).toBe('/plans/alpha/edit');
    expect(useBaton.getState().designerMessage).toMatch(/save them, or discard them/);
    expect(useBaton.getState().draft?.name).toBe('Alpha, edited');
    useBaton.getState().endEdit();
    expect(await open('/new-plan')).toBe('/new-plan');
    expect(useBaton.getState().draftIsNew).toBe(true);
    useBaton.getState().endEdit();
  });

  it('leaves what an older navigation still waits to do once a newer one has begun', async () => {
    // A reload at the designer's address whose loads are slow, and a run opened meanwhile: the
    // person stays on the run (before: the designer opened over it when the loads ended).
    let latest = 0;
    const go = (address: string) => {
      const mine = ++latest;
      return applyRoute(parseRoute(address), () => mine === latest);
    };
    const reload = go('/plans/alpha/edit');
    const click = go(`/runs/${runs[0]}`);
    await Promise.all([reload, click]);
    expect(useBaton.getState().draft).toBeNull();
    expect(formatRoute(routeOf(useBaton.getState()))).toBe(`/runs/${runs[0]}`);
    // The older one still does its part when nothing came after it.
    expect(await open('/plans/alpha/edit')).toBe('/plans/alpha/edit');
    useBaton.getState().endEdit();
  });

  it('keeps a task the person opened while the run’s address still loaded', async () => {
    // The run's tasks show (and can be clicked) before its memory has loaded: a click then
    // stays open (before: the route closed the task panel when its last load ended).
    await open('/plans/alpha');
    const loading = open(`/runs/${runs[1]}`);
    await new Promise<void>((shown) => {
      const off = useBaton.subscribe((s) => {
        if (s.runTasks[runs[1] ?? '']?.write === undefined) return;
        off();
        shown();
      });
    });
    void useBaton.getState().selectRunTask(runs[1] ?? '', 'write');
    expect(await loading).toBe(`/runs/${runs[1]}/tasks/write`);
    // The run's address on its own still closes a task open before it.
    expect(await open(`/runs/${runs[1]}`)).toBe(`/runs/${runs[1]}`);
  });
});
