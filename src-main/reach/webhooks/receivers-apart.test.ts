import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../../../src-shared/schemas/webhook.ts';
import { call, eventually, setup, task } from '../../../test/kit/engine-kit.ts';
import { startReceiver } from '../../../test/kit/webhook-receiver.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';

const SECRET = `whsec_${Buffer.from('a webhook signing key of 32 byte').toString('base64')}`;

/** A receiver on 127.0.0.1 that reads each request and never answers it; `held` counts them. */
async function startSilentReceiver() {
  let held = 0;
  const server = createServer((req) => {
    req.resume();
    req.on('end', () => held++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    held: () => held,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('webhook receivers do not wait for each other', () => {
  let dir: string;
  let app: BatonApp | null = null;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-webhooks-apart-'));
    process.env.BATON_SECRET_HOOK_KEY = SECRET;
  });
  afterEach(async () => {
    await app?.close();
    app = null;
    for (const c of cleanups.splice(0)) await c();
    delete process.env.BATON_SECRET_HOOK_KEY;
    rmSync(dir, { recursive: true, force: true });
  });

  it("a receiver that never answers holds only its own subscription's deliveries", async () => {
    const silent = await startSilentReceiver();
    cleanups.push(silent.close);
    const fast = await startReceiver(SECRET);
    cleanups.push(fast.close);
    // The silent receiver's attempts outlast the test: whatever the fast one gets, it gets meanwhile.
    app = createApp({
      dataDir: dir,
      log: () => {},
      reach: { pollMs: 25, webhookRetry: { delaysMs: [40], maxAgeMs: 3_600_000, timeoutMs: 3_600_000 } },
    });
    const a = app;
    const hook = { events: ['run.started'], secret_name: 'hook_key' };
    await call(a, 'webhooks.add', { id: 'silent', url: silent.url, ...hook });
    await call(a, 'webhooks.add', { id: 'fast', url: fast.url, ...hook });
    const deliveries = (webhook_id: string) =>
      call<WebhookDelivery[]>(a, 'webhooks.deliveries', { webhook_id });

    // The first event: the silent receiver holds its request, the fast one has its delivery.
    await setup(a, [{ id: 'w', skills: ['x'] }], { plan_id: 'p1', tasks: [task('a')] });
    await eventually(() => silent.held() === 1, 20_000, 'the silent receiver to hold a request');
    await eventually(() => fast.received.length === 1, 20_000, 'the fast receiver to get the first');
    // Three more while that request is unanswered: the fast receiver gets each of them.
    for (const p of ['p2', 'p3', 'p4']) await setup(a, [], { plan_id: p, tasks: [task(p)] });
    await eventually(() => fast.received.length === 4, 20_000, 'the fast receiver to get all four');
    await eventually(
      async () => (await deliveries('fast')).every((d) => d.status === 'delivered'),
      20_000,
      'the fast deliveries logged',
    );
    expect(fast.received.every((r) => r.verified.ok)).toBe(true);
    // Meanwhile not one of the silent receiver's deliveries was answered or given up: all still pending.
    const held = await deliveries('silent');
    expect(held).toHaveLength(4);
    expect(held.every((d) => d.status === 'pending' && d.attempts === 0)).toBe(true);
  }, 90_000);
});
