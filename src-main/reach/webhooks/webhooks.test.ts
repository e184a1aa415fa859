import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Webhook, WebhookDelivery } from '../../../src-shared/schemas/webhook.ts';
import { webhookPayloadJsonSchema, webhookPayloadSchema } from '../../../src-shared/schemas/webhook.ts';
import { call, eventually, setup, task } from '../../../test/kit/engine-kit.ts';
import { startReceiver } from '../../../test/kit/webhook-receiver.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';

const SECRET = `whsec_${Buffer.from('a webhook signing key of 32 byte').toString('base64')}`;
const FAST = { pollMs: 25, webhookRetry: { delaysMs: [40], maxAgeMs: 60_000 } };

let dir: string;
let apps: BatonApp[] = [];
const cleanups: (() => Promise<void>)[] = [];
const open = (reach: Record<string, unknown> = FAST) => {
  const app = createApp({ dataDir: dir, log: () => {}, reach });
  apps.push(app);
  return app;
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-webhooks-'));
  process.env.BATON_SECRET_HOOK_KEY = SECRET;
});
afterEach(async () => {
  for (const a of apps) await a.close();
  apps = [];
  for (const c of cleanups.splice(0)) await c();
  delete process.env.BATON_SECRET_HOOK_KEY;
  rmSync(dir, { recursive: true, force: true });
});

async function receiver(statuses: number[] = [], secret = SECRET) {
  const r = await startReceiver(secret, statuses);
  cleanups.push(r.close);
  return r;
}

const deliveries = (app: BatonApp, input: Record<string, unknown> = {}) =>
  call<WebhookDelivery[]>(app, 'webhooks.deliveries', input);

describe('webhooks out', () => {
  it('signs each event the Standard Webhooks way, with the documented payload, and logs the delivery', async () => {
    const app = open();
    const r = await receiver();
    await call<Webhook>(app, 'webhooks.add', {
      id: 'ops',
      url: r.url,
      events: ['run.started', 'run.ended', 'task.failed'],
      secret_name: 'hook_key',
      link_base: 'http://baton.example/',
    });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('a')] });
    await app.engine.whenSettled(run);
    await eventually(() => r.received.length === 2, 5_000, 'two deliveries');
    const bodies = r.received.map((x) => {
      expect(x.verified).toMatchObject({ ok: true });
      return webhookPayloadSchema.parse(JSON.parse(x.body));
    });
    expect(bodies.map((b) => b.type)).toEqual(['run.started', 'run.ended']);
    expect(bodies[1]!.data).toMatchObject({
      run_id: run,
      plan_id: 'p',
      status: 'completed',
      actor: 'engine',
      url: `http://baton.example/#/runs/${run}`,
    });
    const ids = r.received.map((x) => x.headers['webhook-id']);
    await eventually(
      async () => (await deliveries(app)).every((d) => d.status === 'delivered'),
      5_000,
      'logged',
    );
    const log = await deliveries(app, { webhook_id: 'ops' });
    expect(log.map((d) => d.id).sort()).toEqual([...ids].sort());
    expect(log.every((d) => d.attempts === 1 && d.response_code === 200)).toBe(true);
    // A receiver holding another key refuses the signature: the check is real.
    const other = await receiver(
      [],
      `whsec_${Buffer.from('another key entirely, 32 bytes!!').toString('base64')}`,
    );
    await call(app, 'webhooks.add', { url: other.url, events: ['run.started'], secret_name: 'hook_key' });
    await setup(app, [], { plan_id: 'p2', tasks: [task('b')] });
    await eventually(() => other.received.length === 1, 5_000, 'one delivery');
    expect(other.received[0]!.verified).toMatchObject({ ok: false });
  });

  it('retries a failing receiver with backoff until it answers 2xx, and says what each attempt got', async () => {
    const app = open();
    const r = await receiver([500, 503]);
    await call(app, 'webhooks.add', {
      id: 'h',
      url: r.url,
      events: ['run.started'],
      secret_name: 'hook_key',
    });
    await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('a')] });
    await eventually(async () => (await deliveries(app))[0]?.status === 'delivered', 5_000, 'delivered');
    const [d] = await deliveries(app);
    expect(d).toMatchObject({ attempts: 3, response_code: 200, last_error: null, event: 'run.started' });
    // Every attempt carried the same webhook-id: a receiver can drop repeats.
    expect(new Set(r.received.map((x) => x.headers['webhook-id']))).toEqual(new Set([d!.id]));
  });

  it('gives up after the time bound, logs why, and sends again on request', async () => {
    const app = open({ pollMs: 25, webhookRetry: { delaysMs: [40], maxAgeMs: 100 } });
    const r = await receiver([500, 500, 500, 500, 500, 500, 500, 500]);
    await call(app, 'webhooks.add', {
      id: 'h',
      url: r.url,
      events: ['run.started'],
      secret_name: 'hook_key',
    });
    await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('a')] });
    await eventually(async () => (await deliveries(app))[0]?.status === 'failed', 5_000, 'given up');
    const [failed] = await deliveries(app, { status: 'failed' });
    expect(failed!.response_code).toBe(500);
    expect(failed!.last_error).toMatch(/answered 500; gave up after \d+ attempt/);
    const tried = failed!.attempts;
    r.received.length = 0;
    // Answers 500 until its scripted list runs out, then 200: send again until it gets through.
    for (let i = 0; i < 10 && (await deliveries(app))[0]?.status !== 'delivered'; i++) {
      await call(app, 'webhooks.redeliver', { delivery_id: failed!.id });
      await eventually(async () => (await deliveries(app))[0]?.status !== 'pending', 5_000, 'settled again');
    }
    const [again] = await deliveries(app);
    expect(again).toMatchObject({ id: failed!.id, status: 'delivered', response_code: 200 });
    expect(again!.attempts).toBeGreaterThan(tried);
    expect(await app.dispatch('webhooks.redeliver', { delivery_id: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('sends after a restart what was due when Baton stopped (the outbox is a table)', async () => {
    const r = await receiver([503]);
    const first = open({ ...FAST, webhookRetry: { delaysMs: [300], maxAgeMs: 3_600_000 } });
    await call(first, 'webhooks.add', {
      id: 'h',
      url: r.url,
      events: ['run.started'],
      secret_name: 'hook_key',
    });
    await setup(first, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('a')] });
    await eventually(async () => (await deliveries(first))[0]?.attempts === 1, 5_000, 'first attempt failed');
    expect((await deliveries(first))[0]).toMatchObject({ status: 'pending', response_code: 503 });
    await first.close();
    apps = [];
    const second = open(FAST);
    await eventually(async () => (await deliveries(second))[0]?.status === 'delivered', 5_000, 'delivered');
    expect(r.received).toHaveLength(2);
    expect(r.received[1]!.verified).toMatchObject({ ok: true });
    expect((await deliveries(second))[0]).toMatchObject({ attempts: 2, response_code: 200 });
  });

  it('tells approvals waiting and decided, budgets passed, only for its project, Slack-formatted on request', async () => {
    const app = open();
    const r = await receiver();
    const slack = await receiver();
    await call(app, 'projects.save', { id: 'pr', name: 'Project' });
    await call(app, 'webhooks.add', {
      id: 'approvals',
      url: r.url,
      events: ['approval.waiting', 'approval.decided', 'budget.exceeded'],
      secret_name: 'hook_key',
      project_id: 'pr',
    });
    await call(app, 'webhooks.add', {
      id: 'slack',
      url: slack.url,
      events: ['approval.waiting'],
      secret_name: 'hook_key',
      format: 'slack',
      link_base: 'http://baton.example',
    });
    const run = await setup(app, [{ id: 'w', skills: ['x'] }], {
      plan_id: 'p',
      project_id: 'pr',
      budget: 1,
      tasks: [task('gate', { requires_approval: true }), task('dear', { estimated_cost: 5 })],
    });
    // Another project's approval reaches the Slack hook (every project) but not the project's one.
    await setup(app, [], { plan_id: 'other', tasks: [task('g2', { requires_approval: true })] });
    await eventually(
      async () => (await call<unknown[]>(app, 'approvals.list', { status: 'pending' })).length === 3,
      5_000,
      'three approvals',
    );
    for (const a of await call<{ id: string; run_id: string }[]>(app, 'approvals.list', {
      status: 'pending',
    })) {
      if (a.run_id === run)
        await call(app, 'approvals.decide', { approval_id: a.id, decision: 'approve', actor: 'ana' });
    }
    await eventually(() => r.received.length === 5 && slack.received.length === 3, 5_000, 'deliveries');
    const types = r.received.map((x) => (JSON.parse(x.body) as { type: string }).type).sort();
    expect(types).toEqual([
      'approval.decided',
      'approval.decided',
      'approval.waiting',
      'approval.waiting',
      'budget.exceeded',
    ]);
    const decided = r.received.map((x) => JSON.parse(x.body)).find((b) => b.type === 'approval.decided');
    expect(decided.data).toMatchObject({ run_id: run, project_id: 'pr', status: 'approved', actor: 'ana' });
    const texts = slack.received.map((x) => {
      expect(x.verified).toMatchObject({ ok: true });
      return (JSON.parse(x.body) as { text: string }).text;
    });
    expect(texts.find((t) => t.includes(run))).toMatch(
      new RegExp(
        `^\\*Approval waiting: .* \\(run ${run}\\)\\*\n.*\n<http://baton\\.example/#/approvals/apr[^|]*\\|Open in Baton>$`,
      ),
    );
  });

  it('refuses a subscription whose secret is not set, naming the field, and writes nothing', async () => {
    const app = open();
    const r = await app.dispatch('webhooks.add', {
      url: 'http://127.0.0.1:1/x',
      events: ['run.ended'],
      secret_name: 'nope',
    });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('secret_name') },
    });
    const bad = await app.dispatch('webhooks.add', { url: 'ftp://x', events: [], secret_name: 'hook_key' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(bad)).toMatch(/url/);
    expect(await call(app, 'webhooks.list', {})).toEqual([]);
    await call(app, 'webhooks.add', {
      id: 'h',
      url: 'http://127.0.0.1:1/x',
      events: ['run.ended'],
      secret_name: 'hook_key',
    });
    expect(
      await app.dispatch('webhooks.add', {
        id: 'h',
        url: 'http://127.0.0.1:1/x',
        events: ['run.ended'],
        secret_name: 'hook_key',
      }),
    ).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await call(app, 'webhooks.remove', { webhook_id: 'h' })).toEqual({ removed: true });
  });

  it('documents the payload with a JSON Schema generated from the zod schema (npm run schemas)', () => {
    const shipped = JSON.parse(
      readFileSync(
        join(import.meta.dirname, '..', '..', '..', 'resources', 'schemas', 'webhook-payload.schema.json'),
        'utf8',
      ),
    );
    expect(shipped).toEqual(webhookPayloadJsonSchema());
    expect(Object.keys(shipped.properties.data.properties)).toContain('run_id');
  });

  it('changes a subscription in place, keeping its id and its delivery log; refuses an unknown id or an unset secret', async () => {
    const app = open();
    const r = await receiver();
    await call(app, 'webhooks.add', {
      id: 'h',
      url: r.url,
      events: ['run.started'],
      secret_name: 'hook_key',
    });
    await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('a')] });
    await eventually(async () => (await deliveries(app))[0]?.status === 'delivered', 5_000, 'delivered');
    const changed = await call<Webhook>(app, 'webhooks.update', {
      id: 'h',
      url: `${r.url}slack`,
      events: ['run.ended', 'task.failed'],
      secret_name: 'hook_key',
      format: 'slack',
    });
    expect(changed).toMatchObject({
      id: 'h',
      url: `${r.url}slack`,
      events: ['run.ended', 'task.failed'],
      format: 'slack',
    });
    expect(await call<Webhook[]>(app, 'webhooks.list', {})).toEqual([changed]);
    expect(await deliveries(app)).toHaveLength(1);
    expect(
      await app.dispatch('webhooks.update', {
        id: 'nope',
        url: r.url,
        events: ['run.ended'],
        secret_name: 'hook_key',
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(
      await app.dispatch('webhooks.update', {
        id: 'h',
        url: r.url,
        events: ['run.ended'],
        secret_name: 'unset_key',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('secret_name') },
    });
  });

  it('sends a Slack-format webhook without a secret unsigned; refuses a signed one without, in words', async () => {
    const app = open();
    const r = await receiver();
    const unsigned = await app.dispatch('webhooks.add', { url: r.url, events: ['run.started'] });
    expect(unsigned).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(unsigned)).toMatch(
      /"path":"secret_name","message":"a signed webhook needs a signing secret/,
    );
    const slack = await call<Webhook>(app, 'webhooks.add', {
      id: 'chat',
      url: r.url,
      events: ['run.started'],
      format: 'slack',
    });
    expect(slack.secret_name).toBeNull();
    expect(await call<Webhook[]>(app, 'webhooks.list', {})).toEqual([slack]);
    await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('a')] });
    await eventually(() => r.received.length === 1, 5_000, 'one delivery');
    const got = r.received[0]!;
    expect(got.headers['webhook-signature']).toBeUndefined();
    expect(JSON.parse(got.body)).toHaveProperty('text');
    await eventually(async () => (await deliveries(app))[0]?.status === 'delivered', 5_000, 'logged');
  });

  it('signs with a secret set while Baton runs, at once', async () => {
    const app = open();
    const r = await receiver([], 'set-while-running');
    const before = await app.dispatch('webhooks.add', {
      url: r.url,
      events: ['run.started'],
      secret_name: 'late',
    });
    expect(JSON.stringify(before)).toContain('set a secret named \\"late\\" first, or pick one that is set');
    await call(app, 'secrets.set', { name: 'late', value: 'set-while-running' });
    await call(app, 'webhooks.add', { url: r.url, events: ['run.started'], secret_name: 'late' });
    await setup(app, [{ id: 'w', skills: ['x'] }], { plan_id: 'p', tasks: [task('a')] });
    await eventually(() => r.received.length === 1, 5_000, 'one delivery');
    expect(r.received[0]!.verified).toMatchObject({ ok: true });
  });
});
