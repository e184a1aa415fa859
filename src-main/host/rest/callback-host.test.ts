import { describe, expect, it } from 'vitest';
import { createAgentCallbacks } from '../../agents/index.ts';
import { parseCallbackUrl, startCallbackHost } from './callback-host.ts';

const post = (url: string, token: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('callback host (the desktop app’s, for http agents)', () => {
  it('takes an attempt’s callbacks on loopback, answers nothing else, and stops offering them when closed', async () => {
    const callbacks = createAgentCallbacks();
    expect(callbacks.open()).toBeNull(); // nothing serves callbacks: agents are polled
    const host = await startCallbackHost(callbacks);
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const slot = callbacks.open()!;
    expect(slot.url.startsWith(`${host.url}api/agent-callbacks/`)).toBe(true);
    expect((await post(slot.url, 'wrong', { status: 'running' })).status).toBe(401);
    expect((await post(slot.url, slot.token, { status: 'completed', output: { n: 3 } })).status).toBe(200);
    expect(await slot.next(new AbortController().signal, 0)).toMatchObject({ output: { n: 3 } });
    for (const path of ['', 'api/health', 'api/rpc/plans.list', 'index.html']) {
      expect((await fetch(`${host.url}${path}`)).status).toBe(404);
    }
    await host.close();
    expect(callbacks.open()).toBeNull();
  });

  it('offers callbacks at a given URL (a tunnel or proxy in front of it)', async () => {
    const callbacks = createAgentCallbacks();
    const host = await startCallbackHost(callbacks, { callbackUrl: 'https://tunnel.example.net/' });
    try {
      expect(callbacks.open()!.url).toMatch(/^https:\/\/tunnel\.example\.net\/api\/agent-callbacks\//);
    } finally {
      await host.close();
    }
  });

  it('answers 429 with Retry-After once 1,000 messages wait unread, and accepts again when one is read', async () => {
    // A slot nobody reads from: what an agent that posts faster than its attempt takes
    // messages is told.
    const callbacks = createAgentCallbacks();
    const host = await startCallbackHost(callbacks);
    try {
      const slot = callbacks.open()!;
      for (let i = 0; i < 1_000; i++) {
        const r = await post(slot.url, slot.token, { status: 'running', progress: i / 10 });
        expect(r.status).toBe(200);
      }
      const busy = await post(slot.url, slot.token, { status: 'running', message: 'one more' });
      expect(busy.status).toBe(429);
      expect(busy.headers.get('retry-after')).toBe('1');
      expect(await busy.json()).toMatchObject({ error: { code: 'busy' } });
      // Nothing was queued by the refused post: the first message read is still the first posted.
      const first = await slot.next(new AbortController().signal, 0);
      expect(first).toMatchObject({ status: 'running', progress: 0 });
      expect((await post(slot.url, slot.token, { status: 'completed', output: { ok: true } })).status).toBe(
        200,
      );
      // The result ended the slot: its token delivers nothing more.
      expect((await post(slot.url, slot.token, { status: 'running' })).status).toBe(404);
    } finally {
      await host.close();
    }
  });

  it('checks a callback URL and names where it came from', () => {
    expect(parseCallbackUrl('https://baton.example.com', '--callback-url')).toBe(
      'https://baton.example.com/',
    );
    expect(() => parseCallbackUrl('baton.example.com', '--callback-url')).toThrow(
      '--callback-url must be a URL like https://baton.example.com/, got "baton.example.com"',
    );
    expect(() => parseCallbackUrl('ftp://x.example/', 'BATON_CALLBACK_URL')).toThrow(
      'BATON_CALLBACK_URL must be an http or https URL',
    );
    expect(() => parseCallbackUrl('https://x.example/baton/', '--callback-url')).toThrow(
      '--callback-url must be an origin only',
    );
  });
});
