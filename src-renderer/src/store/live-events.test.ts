import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../../src-main/app/create-app.ts';
import { createApp } from '../../../src-main/app/create-app.ts';
import { createMemoryTransport } from '../../../src-main/app/memory-transport.ts';
import { installLocalStorage } from './local-storage.fixture.ts';

/**
 * What another client does (here the app's own dispatch, as the API, the CLI or another window
 * would) reaches the store through the events the app pushes, each with what it carries: the
 * store lists nothing again after one. Every call the store makes is counted.
 */

// Before the store is imported: its slices read localStorage as they are created.
installLocalStorage();

const { connect } = await import('../api/client.ts');
const { useBaton } = await import('./index.ts');
const { applyEvents } = await import('./apply-events.ts');

let app: BatonApp;
const calls: string[] = [];
/** Calls the app as another client would (not counted). */
const elsewhere = async <T = unknown>(method: string, input: unknown): Promise<T> => {
  const r = await app.dispatch(method, input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as T;
};
const called = (method: string) => calls.filter((m) => m === method).length;

describe('the store, live from pushed events', () => {
  beforeAll(async () => {
    // No duties (webhooks sent, schedules fired, notifications): only what the calls change.
    app = createApp({ dataDir: ':memory:', log: () => {}, reach: { enabled: false } });
    const transport = createMemoryTransport(app.dispatch, app.bus);
    connect(
      {
        ...transport,
        invoke(method, input) {
          calls.push(method);
          return transport.invoke(method, input);
        },
      },
      applyEvents,
    );
    await elsewhere('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await elsewhere('plans.import', {
      plan: {
        plan_id: 'release',
        tasks: [
          { task_id: 'build', description: 'Build it', required_skills: ['x'] },
          {
            task_id: 'deploy',
            description: 'Deploy to production',
            required_skills: ['x'],
            requires_approval: true,
            depends_on: ['build'],
          },
        ],
      },
    });
  });
  afterAll(() => app.close());

  it('takes an approval asked elsewhere with its view, and drops it once decided elsewhere', async () => {
    await useBaton.getState().loadApprovals();
    expect(useBaton.getState().pending).toEqual([]);
    const lists = called('approvals.list');

    await elsewhere('runs.start', { plan_id: 'release' });
    await expect.poll(() => useBaton.getState().pending.length).toBe(1);
    const [asked] = useBaton.getState().pending;
    expect(asked).toMatchObject({
      task_id: 'deploy',
      status: 'pending',
      plan_id: 'release',
      task_description: 'Deploy to production',
      dependencies: [{ task_id: 'build', status: 'done' }],
    });

    await elsewhere('approvals.decide', { approval_id: asked!.id, decision: 'approve', actor: 'Bo' });
    await expect.poll(() => useBaton.getState().pending.length).toBe(0);
    expect(called('approvals.list')).toBe(lists);
  });

  it('keeps the webhooks, schedules, triggers and worker tokens read once as they are added, changed and removed elsewhere', async () => {
    process.env.BATON_SECRET_HOOK_KEY = 'a signing key';
    const s = useBaton.getState();
    await Promise.all([
      s.loadReach('webhooks'),
      s.loadReach('schedules'),
      s.loadReach('triggers'),
      s.loadReach('workerTokens'),
    ]);
    expect(useBaton.getState().reach).toMatchObject({
      webhooks: [],
      schedules: [],
      triggers: [],
      workerTokens: [],
    });
    const before = calls.length;
    const reach = () => useBaton.getState().reach;

    // Added in this order; two added in the same millisecond are listed by id, which agrees.
    const hook = { url: 'http://127.0.0.1:9/hook', events: ['run.ended'], secret_name: 'hook_key' };
    await elsewhere('webhooks.add', { id: 'alpha', ...hook });
    await elsewhere('webhooks.add', { id: 'beta', ...hook });
    await expect.poll(() => reach().webhooks?.map((w) => w.id)).toEqual(['alpha', 'beta']);
    await elsewhere('webhooks.update', { id: 'alpha', ...hook, format: 'slack' });
    await expect.poll(() => reach().webhooks?.find((w) => w.id === 'alpha')?.format).toBe('slack');
    expect(reach().webhooks?.map((w) => w.id)).toEqual(['alpha', 'beta']);
    await elsewhere('webhooks.remove', { webhook_id: 'alpha' });
    await expect.poll(() => reach().webhooks?.map((w) => w.id)).toEqual(['beta']);

    await elsewhere('schedules.add', { id: 'nightly', plan_id: 'release', cron: '0 2 * * *' });
    await expect.poll(() => reach().schedules?.map((x) => [x.id, x.enabled])).toEqual([['nightly', true]]);
    expect(reach().schedules?.[0]?.next_fires).toHaveLength(5);
    await elsewhere('schedules.setEnabled', { schedule_id: 'nightly', enabled: false });
    await expect.poll(() => reach().schedules?.map((x) => [x.id, x.enabled])).toEqual([['nightly', false]]);
    await elsewhere('schedules.remove', { schedule_id: 'nightly' });
    await expect.poll(() => reach().schedules).toEqual([]);

    await elsewhere('triggers.add', { id: 'ci', plan_id: 'release' });
    await expect.poll(() => reach().triggers?.map((t) => t.id)).toEqual(['ci']);
    expect(reach().triggers?.[0]?.url).toMatch(/\/api\/triggers\/ci$/);
    await elsewhere('triggers.remove', { trigger_id: 'ci' });
    await expect.poll(() => reach().triggers).toEqual([]);

    const { token } = await elsewhere<{ token: { id: string } }>('workers.tokens.create', {
      name: 'lab box',
    });
    await expect
      .poll(() => reach().workerTokens?.map((t) => [t.name, t.revoked_at]))
      .toEqual([['lab box', null]]);
    await elsewhere('workers.tokens.revoke', { token_id: token.id });
    await expect.poll(() => reach().workerTokens?.[0]?.revoked_at).not.toBeNull();

    expect(calls.slice(before)).toEqual([]);
    delete process.env.BATON_SECRET_HOOK_KEY;
  });
});
