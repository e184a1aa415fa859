import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import { call, eventually } from '../../test/kit/engine-kit.ts';
import { blockedWork } from './approvals.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

let app: BatonApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('what an approval blocks', () => {
  it('counts every task downstream once (a diamond’s join once), and names the ones right after it', () => {
    const dependents = new Map([
      ['g', ['a', 'b']],
      ['a', ['c']],
      ['b', ['c']],
      ['c', ['d']],
    ]);
    expect(blockedWork(dependents, 'g')).toEqual({ count: 4, more: false, next: ['a', 'b'] });
    expect(blockedWork(dependents, 'd')).toEqual({ count: 0, more: false, next: [] });
  });

  it('stops counting at a thousand, and names five', () => {
    const chain = new Map(
      Array.from({ length: 5000 }, (_, i) => [`t${i}`, [`t${i + 1}`]] as [string, string[]]),
    );
    chain.set('g', ['t0', 'u1', 'u2', 'u3', 'u4', 'u5']);
    const r = blockedWork(chain, 'g');
    expect(r).toMatchObject({ count: 1000, more: true });
    expect(r.next).toEqual(['t0', 'u1', 'u2', 'u3', 'u4']);
  });

  it('is in the inbox’s view of a pending approval, and gone once it is decided', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    const t = (task_id: string, depends_on: string[] = [], extra = {}) => ({
      task_id,
      description: task_id,
      required_skills: ['x'],
      depends_on,
      ...extra,
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'p',
        tasks: [
          t('g', [], { requires_approval: true }),
          t('a', ['g']),
          t('b', ['g']),
          t('c', ['a', 'b']),
          t('d', ['c']),
          t('alone'),
        ],
      },
    });
    await call(app, 'runs.start', { plan_id: 'p' });
    let pending: ApprovalView[] = [];
    await eventually(async () => {
      pending = await call<ApprovalView[]>(app!, 'approvals.list', { status: 'pending' });
      return pending.length === 1;
    });
    expect(pending[0]!.blocks).toEqual({ count: 4, more: false, next: ['a', 'b'] });
    await call(app, 'approvals.decide', { approval_id: pending[0]!.id, decision: 'approve', actor: 'Ana' });
    const [decided] = await call<ApprovalView[]>(app, 'approvals.list', { status: 'decided' });
    expect(decided!.blocks).toBeUndefined();
  });
});
