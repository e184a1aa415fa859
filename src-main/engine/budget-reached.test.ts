import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { EventBatch } from '../../src-shared/contract/events.ts';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import type { Notification } from '../../src-shared/schemas/notification.ts';
import type { BudgetStatus } from '../../src-shared/schemas/spend.ts';
import { webhookPayloadSchema } from '../../src-shared/schemas/webhook.ts';
import { call, eventually, task } from '../../test/kit/engine-kit.ts';
import { startReceiver } from '../../test/kit/webhook-receiver.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';

// `budget.reached`: told once when what was charged to a plan's (across its runs), a run's (a plan
// whose budget holds per run) or a project's budget reaches it; a budget raised and reached again is
// told again. From the audit entry written with the charge: the webhook and the notification both.

const SECRET = `whsec_${Buffer.from('a webhook signing key of 32 byte').toString('base64')}`;
let dir: string;
let app: BatonApp;
let closeReceiver: () => Promise<void>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-budget-reached-'));
  process.env.BATON_SECRET_HOOK_KEY = SECRET;
});
afterEach(async () => {
  await app?.close();
  await closeReceiver?.();
  delete process.env.BATON_SECRET_HOOK_KEY;
  rmSync(dir, { recursive: true, force: true });
});

/** Runs plan `p` once; budget approvals on the way are approved. */
async function runOnce(planId: string): Promise<string> {
  const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: planId });
  for (;;) {
    const waiting = await call<{ id: string; run_id: string }[]>(app, 'approvals.list', {
      status: 'pending',
    });
    for (const a of waiting.filter((x) => x.run_id === run_id))
      await call(app, 'approvals.decide', { approval_id: a.id, decision: 'approve', actor: 'ana' });
    const run = await call<{ status: string }>(app, 'runs.get', { run_id });
    if (run.status !== 'executing') return run_id;
    await new Promise((r) => setTimeout(r, 5));
  }
}

const reachedEntries = () =>
  call<AuditEntry[]>(app, 'audit.list', { entity: 'budget', limit: 100 }).then((l) =>
    [...l].sort((a, b) => a.id - b.id),
  );

it('is told once per budget reached: a plan’s across runs, a project’s, each run’s; again once raised and reached', async () => {
  app = createApp({ dataDir: dir, log: () => {}, reach: { pollMs: 25 } });
  const told: Notification[] = [];
  app.bus.subscribe((batch: EventBatch) => {
    for (const e of batch) if (e.name === 'notification') told.push(e.payload);
  });
  const receiver = await startReceiver(SECRET);
  closeReceiver = receiver.close;
  await call(app, 'webhooks.add', {
    id: 'money',
    url: receiver.url,
    events: ['budget.reached'],
    secret_name: 'hook_key',
    link_base: 'http://baton.example/',
  });
  await call(app, 'projects.save', { id: 'pr', name: 'Project', budget: 9 });
  await call(app, 'agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
  // The echo agent reports no usage: each task is charged its estimate, 3.
  const across = (budget: number) => ({
    plan_id: 'p',
    project_id: 'pr',
    budget,
    budget_scope: 'plan',
    tasks: [task('a', { estimated_cost: 3 })],
  });
  await call(app, 'plans.import', { plan: across(6) });
  await call(app, 'plans.import', {
    plan: { plan_id: 'q', budget: 2, budget_scope: 'run', tasks: [task('b', { estimated_cost: 2 })] },
  });

  const r1 = await runOnce('p'); // 3 of 6
  expect(await reachedEntries()).toEqual([]);
  const r2 = await runOnce('p'); // 6 of 6: reached
  const r3 = await runOnce('p'); // 9: passed, not told again; the project's 9 reached
  let entries = await reachedEntries();
  expect(entries.map((e) => [e.entity_id, e.run_id, e.to_status])).toEqual([
    ['plan:p', r2, 'reached'],
    ['project:pr', r3, 'reached'],
  ]);
  expect(entries[0]!.why).toBe('the plan budget of 6 across its runs (plan p) is reached: 6 charged');
  expect(entries[1]!.why).toBe('the project budget of 9 (project pr) is reached: 9 charged');

  // Raised to 12, reached again by the fourth run: told again, for 12.
  await call(app, 'plans.import', { plan: across(12) });
  const r4 = await runOnce('p');
  // A budget per run: each run that reaches it is told, its own.
  const q1 = await runOnce('q');
  const q2 = await runOnce('q');
  entries = await reachedEntries();
  expect(entries.map((e) => [e.entity_id, e.run_id])).toEqual([
    ['plan:p', r2],
    ['project:pr', r3],
    ['plan:p', r4],
    [`run:${q1}`, q1],
    [`run:${q2}`, q2],
  ]);
  expect(entries[3]!.why).toBe(`the plan budget of 2 for this run (plan q, run ${q1}) is reached: 2 charged`);
  void r1;

  // The webhook: one delivery each, signed, pointing at the budget's spend.
  await eventually(() => receiver.received.length === 5, 10_000, 'five deliveries');
  const bodies = receiver.received.map((x) => {
    expect(x.verified).toMatchObject({ ok: true });
    return webhookPayloadSchema.parse(JSON.parse(x.body));
  });
  expect(bodies.map((b) => [b.type, b.data.run_id, b.data.plan_id, b.data.status])).toEqual([
    ['budget.reached', r2, 'p', 'reached'],
    ['budget.reached', r3, 'p', 'reached'],
    ['budget.reached', r4, 'p', 'reached'],
    ['budget.reached', q1, 'q', 'reached'],
    ['budget.reached', q2, 'q', 'reached'],
  ]);
  expect(bodies[1]!.data.url).toBe('http://baton.example/#/spend?project=pr');
  expect(bodies[0]!.data.url).toBe('http://baton.example/#/spend?plan=p');

  // The notification, once each, opening the budget's spend.
  app.reach.notifier.look();
  await eventually(
    () => told.filter((n) => n.kind === 'budget_reached').length === 5,
    5_000,
    'notifications',
  );
  expect(told.find((n) => n.kind === 'budget_reached')).toMatchObject({
    title: 'Budget reached',
    body: 'the plan budget of 6 across its runs (plan p) is reached: 6 charged',
    target: { run_id: r2, budget: 'plan:p' },
  });

  // spend.budgets: each against what was charged, the ones past it named, when each was reached.
  const budgets = await call<BudgetStatus[]>(app, 'spend.budgets', {});
  expect(budgets.map((b) => [b.scope, b.id, b.budget, b.spent, b.state])).toEqual([
    ['project', 'pr', 9, 12, 'over'],
    ['plan', 'p', 12, 12, 'reached'],
    ['run', 'q', 2, 2, 'reached'],
  ]);
  expect(budgets[1]!.reached_at).toBe(entries[2]!.at);
  expect(budgets[2]).toMatchObject({ run_id: q2, runs_over: [], reached_at: entries[4]!.at });
  expect(await call<BudgetStatus[]>(app, 'spend.budgets', { plan_id: 'q' })).toEqual([budgets[2]]);
  expect((await call<BudgetStatus[]>(app, 'spend.budgets', { project_id: 'pr' })).map((b) => b.id)).toEqual([
    'pr',
    'p',
  ]);
});
