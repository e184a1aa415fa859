import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireResult } from '../../../src-shared/contract/errors.ts';
import { eventually } from '../../../test/kit/engine-kit.ts';
import type { OffDeskBaton } from '../../../test/kit/off-desk-kit.ts';
import { offDeskBaton } from '../../../test/kit/off-desk-kit.ts';
import type { PushService } from '../../../test/kit/push-service.ts';
import { browserKeys, startPushService } from '../../../test/kit/push-service.ts';
import { TEST_EVERY_MS } from './push.ts';
import { MOST_PER_PERSON } from './repo.ts';

/**
 * What one person can make Baton send: each subscription is a POST, signed with Baton's VAPID key,
 * at each run's end and each test. A person keeps at most MOST_PER_PERSON browsers (a new one
 * replaces their oldest), and sends a test at most once per TEST_EVERY_MS.
 */
describe('push: what one person can make Baton send', () => {
  let b: OffDeskBaton;
  let service: PushService;
  let ahead = 0;
  const keys = browserKeys().keys;
  beforeAll(async () => {
    service = await startPushService();
    b = await offDeskBaton({
      reach: { pushEndpoint: (url) => url.origin === service.origin, pushAgent: service.agent },
      clock: { now: () => Date.now() + ahead },
    });
  });
  afterAll(async () => {
    await b?.stop();
    await service?.close();
  });

  const subscribe = (cookie: string, path: string) =>
    b.rpc(
      'push.subscribe',
      { subscription: { endpoint: `${service.origin}${path}`, keys }, label: path },
      b.page(cookie),
    );
  const labels = async (cookie: string): Promise<string[]> => {
    const listed = (await b.rpc('push.list', {}, b.page(cookie))).result as WireResult<{ label: string }[]>;
    if (!listed.ok) throw new Error(`push.list: ${listed.error.message}`);
    return listed.value.map((s) => s.label);
  };
  const test = async (cookie: string) =>
    (await b.rpc('push.test', {}, b.page(cookie))).result as WireResult<{
      queued: number;
    }>;

  it("keeps a person's newest browsers: one past the most replaces their oldest, never another person's", async () => {
    const vic = await b.join('Vic', 'viewer');
    const mia = await b.join('Mia', 'member');
    expect((await subscribe(mia.cookie, '/wpush/mia')).result).toMatchObject({ ok: true });
    for (let i = 0; i < 25; i++)
      expect((await subscribe(vic.cookie, `/wpush/vic-${i}`)).result).toMatchObject({ ok: true });
    // Before, all 25 were kept, and one push.test posted 25 times (1,000 for 1,000).
    expect(await labels(vic.cookie)).toEqual(
      Array.from({ length: MOST_PER_PERSON }, (_, i) => `/wpush/vic-${25 - MOST_PER_PERSON + i}`),
    );
    expect(await labels(mia.cookie)).toEqual(['/wpush/mia']);
    // The same browser again is kept as it was, not counted twice.
    expect((await subscribe(vic.cookie, '/wpush/vic-24')).result).toMatchObject({ ok: true });
    expect(await labels(vic.cookie)).toHaveLength(MOST_PER_PERSON);

    const t = await test(vic.cookie);
    expect(t).toEqual({ ok: true, value: { queued: MOST_PER_PERSON } });
    await eventually(
      () => service.received.filter((p) => p.path.startsWith('/wpush/vic-')).length >= MOST_PER_PERSON,
      20_000,
      "Vic's test pushes",
    );
  });

  it('sends a test at most once in a while per person, and says when to try again', async () => {
    const ann = await b.join('Ann', 'viewer');
    const bob = await b.join('Bob', 'viewer');
    await subscribe(ann.cookie, '/wpush/ann');
    await subscribe(bob.cookie, '/wpush/bob');
    expect(await test(ann.cookie)).toEqual({ ok: true, value: { queued: 1 } });
    // Before, every call queued a POST to each of her browsers.
    const again = await test(ann.cookie);
    expect(again).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringMatching(/^push\.test: .*try again in \d+ s$/) },
    });
    // Someone else's test is theirs to send.
    expect(await test(bob.cookie)).toEqual({ ok: true, value: { queued: 1 } });
    ahead += TEST_EVERY_MS;
    expect(await test(ann.cookie)).toEqual({ ok: true, value: { queued: 1 } });
  });
});
