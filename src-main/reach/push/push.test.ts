import { createPublicKey, verify } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushMessage } from '../../../src-shared/schemas/push.ts';
import { call, eventually } from '../../../test/kit/engine-kit.ts';
import type { OffDeskBaton } from '../../../test/kit/off-desk-kit.ts';
import { offDeskBaton } from '../../../test/kit/off-desk-kit.ts';
import { post } from '../../../test/kit/people-kit.ts';
import type { Pushed, PushService } from '../../../test/kit/push-service.ts';
import { browserKeys, decryptPush, startPushService } from '../../../test/kit/push-service.ts';
import { knownPushService } from './push.ts';
import { VAPID_FILE } from './vapid.ts';

/** A person's browser, subscribed: its keys (to read what it is sent) and its endpoint's path. */
interface Browser {
  ua: ReturnType<typeof browserKeys>;
  path: string;
}

/**
 * Web Push over the real browser host, the real `web-push` library and a push service standing in
 * for the browser vendor's (HTTPS on 127.0.0.1): a person subscribes their browser with their
 * session; an approval they may decide is sent to it, encrypted for its keys and signed with
 * Baton's VAPID key, with a one-time link that opens the approval; the decision takes it away.
 */
describe('Web Push to the people who may decide', () => {
  let b: OffDeskBaton;
  let service: PushService;
  const browsers = new Map<string, Browser>();
  let seen = 0;

  /** Subscribes a browser for the person signed in by `cookie`, as the page does. */
  async function subscribe(name: string, cookie: string): Promise<Browser> {
    const ua = browserKeys();
    const path = `/wpush/v2/${name.toLowerCase()}-${Math.random().toString(36).slice(2)}`;
    const r = await b.rpc(
      'push.subscribe',
      {
        subscription: { endpoint: `${service.origin}${path}`, keys: ua.keys, expirationTime: null },
        label: `${name}'s phone`,
      },
      b.page(cookie),
    );
    expect(r.result).toMatchObject({
      ok: true,
      value: { label: `${name}'s phone`, service: service.origin.slice(8) },
    });
    const browser = { ua, path };
    browsers.set(name, browser);
    return browser;
  }
  /** The messages a browser was sent, read as it reads them. */
  const messagesTo = (browser: Browser): { pushed: Pushed; message: PushMessage }[] =>
    service.received
      .filter((p) => p.path === browser.path)
      .map((pushed) => ({
        pushed,
        message: JSON.parse(decryptPush(pushed.body, browser.ua)) as PushMessage,
      }));
  async function sentTo(browser: Browser, test: (m: PushMessage) => boolean) {
    let found: { pushed: Pushed; message: PushMessage } | undefined;
    await eventually(
      () => {
        found = messagesTo(browser).find((m) => test(m.message));
        return found !== undefined;
      },
      20_000,
      'a push message',
    );
    return found!;
  }

  beforeAll(async () => {
    service = await startPushService();
    b = await offDeskBaton({
      reach: { pushEndpoint: (url) => url.origin === service.origin, pushAgent: service.agent },
    });
    const mia = await b.join('Mia', 'member');
    const bea = await b.join('Bea', 'member');
    const vic = await b.join('Vic', 'viewer');
    await subscribe('Mia', mia.cookie);
    await subscribe('Bea', bea.cookie);
    await subscribe('Vic', vic.cookie);
    seen = service.received.length;
  });
  afterAll(async () => {
    await b?.stop();
    await service?.close();
  });

  it("sends an approval to its deciders' browsers, encrypted for each and signed with Baton's VAPID key", async () => {
    const id = await b.gate('Deploy to production', { approvers: { people: ['Mia'] } });
    const { pushed, message } = await sentTo(browsers.get('Mia')!, (m) => m.kind === 'show');
    expect(message).toMatchObject({ kind: 'show', tag: `approval-${id}`, title: 'Approval waiting' });
    expect(message.kind === 'show' && message.url).toMatch(new RegExp(`^${b.host.url}link#bpl_`));
    // RFC 8030/8291/8292: the body's encoding, how long the service keeps it, its urgency, VAPID.
    expect(pushed.headers['content-encoding']).toBe('aes128gcm');
    expect(pushed.headers.ttl).toBe('86400');
    expect(pushed.headers.urgency).toBe('high');
    const vapid = /^vapid t=([^,]+), k=([A-Za-z0-9_-]+)$/.exec(String(pushed.headers.authorization))!;
    expect(vapid).not.toBeNull();
    const [head, claims, sig] = vapid[1]!.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(claims, 'base64url').toString())).toMatchObject({ aud: service.origin });
    const raw = Buffer.from(vapid[2]!, 'base64url');
    expect((await b.rpc('push.key', {})).result).toEqual({ ok: true, value: { public_key: vapid[2] } });
    const key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: raw.subarray(1, 33).toString('base64url'),
        y: raw.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
    expect(
      verify(
        'sha256',
        Buffer.from(`${head}.${claims}`),
        { key, dsaEncoding: 'ieee-p1363' },
        Buffer.from(sig, 'base64url'),
      ),
    ).toBe(true);
    // Only Mia may decide it: Bea (a member not named) and Vic (a viewer) are not sent it.
    expect(messagesTo(browsers.get('Bea')!).filter((m) => m.message.kind === 'show')).toEqual([]);
    expect(messagesTo(browsers.get('Vic')!)).toEqual([]);
  });

  it('its link opens the approval once, for Mia; deciding takes the notification away', async () => {
    const mine = messagesTo(browsers.get('Mia')!).find((m) => m.message.kind === 'show')!.message;
    if (mine.kind !== 'show') throw new Error('not a notification');
    const link = new URL(mine.url).hash.slice(1);
    const opened = await post(b.port, '/auth/link', { link }, b.page());
    expect(opened.status).toBe(200);
    const { approval } = JSON.parse(opened.body) as { approval: { id: string; task_description: string } };
    expect(`approval-${approval.id}`).toBe(mine.tag);
    expect(approval.task_description).toBe('Deploy to production');
    expect((await post(b.port, '/auth/link', { link }, b.page())).status).toBe(409);
    await b.rpc('approvals.decide', { approval_id: approval.id, decision: 'approve', actor: 'Olive' });
    await sentTo(browsers.get('Mia')!, (m) => m.kind === 'close' && m.tag === mine.tag);
  });

  it('sends any member the approvals any member decides, and everyone how runs end', async () => {
    await b.gate('Rotate the keys');
    await sentTo(browsers.get('Bea')!, (m) => m.kind === 'show' && m.title === 'Approval waiting');
    await sentTo(browsers.get('Vic')!, (m) => m.kind === 'show' && m.title.includes('completed'));
    expect(
      messagesTo(browsers.get('Vic')!).some(
        (m) => m.message.kind === 'show' && m.message.tag.startsWith('approval-'),
      ),
    ).toBe(false);
    expect(service.received.length).toBeGreaterThan(seen);
  });

  it('forgets a browser the push service says is gone', async () => {
    const vic = browsers.get('Vic')!;
    service.answer(vic.path, 410);
    const before = b.app.reach.push.repo.recipients().length;
    // A run that ends: everyone is told, Vic's browser too.
    await call(b.app, 'plans.import', {
      plan: { plan_id: 'plain', tasks: [{ task_id: 'echo', description: 'Echo', required_skills: ['x'] }] },
    });
    await call(b.app, 'runs.start', { plan_id: 'plain' });
    await eventually(
      () => b.app.reach.push.repo.recipients().length === before - 1,
      20_000,
      'the subscription dropped',
    );
    expect(b.app.reach.push.repo.recipients().some((r) => r.name === 'Vic')).toBe(false);
  });

  it("takes only a signed-in person's subscription", async () => {
    const { keys } = browserKeys();
    const nobody = await b.rpc(
      'push.subscribe',
      { subscription: { endpoint: `${service.origin}/wpush/v2/nobody`, keys }, label: 'x' },
      b.page(),
    );
    expect(nobody.status).toBe(401);
  });

  it('keeps its VAPID key pair in the data directory, readable by its user only', () => {
    expect(statSync(join(b.dir, VAPID_FILE)).mode & 0o777).toBe(0o600);
  });
});

/**
 * Baton's own rule for endpoints (no test's rule in place): a signed-in person hands Baton a URL it
 * will POST to, so anything but a browser vendor's push service is refused, by the API and again
 * as a message is sent.
 */
describe('push endpoints, as an outsider would try them', () => {
  let b: OffDeskBaton;
  let service: PushService;
  let cookie: string;
  beforeAll(async () => {
    service = await startPushService();
    // The service's certificate is trusted, so a post to it would arrive: none must.
    b = await offDeskBaton({ reach: { pushAgent: service.agent } });
    cookie = (await b.join('Ida', 'member')).cookie;
  });
  afterAll(async () => {
    await b?.stop();
    await service?.close();
  });

  it.each([
    ['this machine', 'https://127.0.0.1/wpush/v2/x'],
    ['this machine on a port', 'https://127.0.0.1:8443/wpush/v2/x'],
    ['this machine by name', 'https://localhost/wpush/v2/x'],
    ['this machine over IPv6', 'https://[::1]/wpush/v2/x'],
    ['a cloud metadata address', 'https://169.254.169.254/latest/meta-data'],
    ['a push host on another port', 'https://fcm.googleapis.com:8443/fcm/send/x'],
    ['a push host in plain http', 'http://fcm.googleapis.com/fcm/send/x'],
    ['a push host with a user name before this machine', 'https://fcm.googleapis.com@127.0.0.1/x'],
    ['another Google API', 'https://storage.googleapis.com/bucket/x'],
    ['another Mozilla site', 'https://addons.mozilla.org/x'],
    ['a host that only starts like one', 'https://fcm.googleapis.com.evil.example/x'],
    ['not a URL', 'fcm.googleapis.com/fcm/send/x'],
  ])('refuses %s (%s), keeping nothing', async (_what, endpoint) => {
    const { keys } = browserKeys();
    const r = await b.rpc('push.subscribe', { subscription: { endpoint, keys }, label: 'x' }, b.page(cookie));
    expect(r.result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(r.result)).toMatch(/endpoint/);
    expect(b.app.reach.push.repo.recipients()).toEqual([]);
  });

  it('takes the push services browsers use', () => {
    for (const endpoint of [
      'https://fcm.googleapis.com/fcm/send/abc',
      'https://updates.push.services.mozilla.com/wpush/v2/x',
      'https://web.push.apple.com/QGx',
      'https://wns2-par02p.notify.windows.com/w/?token=x',
    ])
      expect(knownPushService(new URL(endpoint)), endpoint).toBe(true);
  });

  it('never posts to a kept subscription whose endpoint the rule refuses, and forgets it', async () => {
    // As if kept before the rule was this tight: the local push service, with a real browser's keys.
    const ua = browserKeys();
    const row = b.app.reach.push.repo.subscribe({
      id: 'kept-before',
      person_id: b.app.people.list().find((p) => p.name === 'Ida')!.id,
      endpoint: `${service.origin}/wpush/v2/kept`,
      p256dh: ua.keys.p256dh,
      auth: ua.keys.auth,
      label: 'old phone',
      created_at: new Date().toISOString(),
    });
    expect(row.id).toBe('kept-before');
    const queued = await b.rpc('push.test', {}, b.page(cookie));
    expect(queued.result).toMatchObject({ ok: true, value: { queued: 1 } });
    await eventually(() => b.app.reach.push.repo.get('kept-before') === undefined, 20_000, 'forgotten');
    expect(service.received).toEqual([]);
  });
});
