import { describe, expect, it } from 'vitest';
import { createAgentCallbacks } from '../../engine/executors/http-callbacks.ts';
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
