import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, eventually } from '../kit/engine-kit.ts';

// The example the app loads on first open: it must work offline, with the agents it brings.
const example = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'resources', 'examples', 'first-steps.json'), 'utf8'),
) as { agents: unknown[]; plans: { plan_id: string }[] };

let app: BatonApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const run = async (planId: string): Promise<RunDetail> => {
  const { run_id } = await call<{ run_id: string }>(app!, 'runs.start', { plan_id: planId });
  return call<RunDetail>(app!, 'runs.get', { run_id });
};

describe('the first-steps example', () => {
  it('imports, and its welcome tour completes with the agents it brings', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    await call(app, 'agents.import', { agents: example.agents });
    for (const plan of example.plans) await call(app, 'plans.import', { plan });
    const { id } = await run('welcome-tour');
    expect((await app.engine.whenSettled(id)).status).toBe('completed');
  });

  it('lets the gated release wait for an approval, then for a person, and complete', async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    await call(app, 'agents.import', { agents: example.agents });
    for (const plan of example.plans) await call(app, 'plans.import', { plan });
    const { id } = await run('release-gate');
    let pending: ApprovalView[] = [];
    await eventually(async () => {
      pending = await call<ApprovalView[]>(app!, 'approvals.list', { status: 'pending' });
      return pending.length === 1;
    });
    expect(pending[0]!.task_id).toBe('ship');
    await call(app, 'approvals.decide', { approval_id: pending[0]!.id, decision: 'approve', actor: 'test' });
    let ready: { task_id: string }[] = [];
    await eventually(async () => {
      ready = (await call<{ ready: { task_id: string }[] }>(app!, 'work.inbox', { agent_id: 'ana' })).ready;
      return ready.length === 1;
    });
    await call(app, 'work.execute', { agent_id: 'ana', run_id: id, task_id: 'review' });
    await call(app, 'work.complete', {
      agent_id: 'ana',
      run_id: id,
      task_id: 'review',
      status: 'completed',
      output: { text: 'read' },
    });
    expect((await app.engine.whenSettled(id)).status).toBe('completed');
  });
});
