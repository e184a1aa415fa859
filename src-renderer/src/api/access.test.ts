import { afterEach, describe, expect, it } from 'vitest';
import type { AccessChannel, AccessEnv } from './access.ts';
import { checkAccess, shareAccess, TOKEN_KEY, takeToken } from './access.ts';

const GOOD = 'this-launch-token-0123456789abcdef';
const OLD = 'an-earlier-launch-token-0123456789';

/** The host: it accepts this launch's token only. */
const host: typeof fetch = async (_url, init) => {
  const auth = new Headers(init?.headers).get('Authorization');
  return new Response('{}', { status: auth === `Bearer ${GOOD}` ? 200 : 401 });
};

/** A tab at `href` with nothing kept, on the channel the tabs of one browser share. */
function tab(href: string, channel = 'test.access'): AccessEnv & { kept: Map<string, string> } {
  const kept = new Map<string, string>();
  return {
    kept,
    location: { href },
    history: { state: null, replaceState: () => {} },
    storage: { getItem: (k) => kept.get(k) ?? null, setItem: (k, v) => void kept.set(k, v) },
    fetch: host,
    channel: () => new BroadcastChannel(channel) as AccessChannel,
    askMs: 300,
  };
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe('a tab opened without the token', () => {
  it('gets it from a Baton tab open in the same browser, once the host accepts it', async () => {
    stops.push(shareAccess(GOOD, () => new BroadcastChannel('test.access') as AccessChannel));
    const fresh = tab('http://127.0.0.1:4800/runs/r1/tasks/build');
    expect(await checkAccess(fresh)).toEqual({ ok: true, token: GOOD });
    // Kept for this tab's reloads, in its own sessionStorage.
    expect(fresh.kept.get(TOKEN_KEY)).toBe(GOOD);
  });

  it('takes the accepted one when a tab left open from an earlier launch answers too', async () => {
    stops.push(shareAccess(OLD, () => new BroadcastChannel('test.access') as AccessChannel));
    stops.push(shareAccess(GOOD, () => new BroadcastChannel('test.access') as AccessChannel));
    expect(await checkAccess(tab('http://127.0.0.1:4800/agents'))).toEqual({ ok: true, token: GOOD });
  });

  it('asks for the link when no tab answers, or only with a token the host refuses', async () => {
    expect(await checkAccess(tab('http://127.0.0.1:4800/agents'))).toEqual({ ok: false, why: 'no_token' });
    stops.push(shareAccess(OLD, () => new BroadcastChannel('test.access') as AccessChannel));
    const fresh = tab('http://127.0.0.1:4800/agents');
    expect(await checkAccess(fresh)).toEqual({ ok: false, why: 'no_token' });
    expect(fresh.kept.size).toBe(0);
  });

  it('never hears a tab of another channel (another origin)', async () => {
    stops.push(shareAccess(GOOD, () => new BroadcastChannel('other.origin') as AccessChannel));
    expect(await checkAccess(tab('http://127.0.0.1:4800/'))).toEqual({ ok: false, why: 'no_token' });
  });

  it('still takes the token from the printed link, and keeps the rest of the address', async () => {
    const replaced: string[] = [];
    const fromLink = {
      ...tab(`http://127.0.0.1:4800/runs/r1?token=${GOOD}`),
      history: {
        state: null,
        replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)),
      },
    };
    expect(await checkAccess(fromLink)).toEqual({ ok: true, token: GOOD });
    expect(replaced).toEqual(['/runs/r1']);
  });
});

describe('a tab holding a token', () => {
  it('takes it from the link, and keeps it once the host accepts it', async () => {
    const env = tab(`http://127.0.0.1:4800/?token=${GOOD}`);
    const held = takeToken(env);
    expect(held).toEqual({ token: GOOD, fromLink: true });
    expect(await checkAccess(env, held)).toEqual({ ok: true, token: GOOD });
    expect(env.kept.get(TOKEN_KEY)).toBe(GOOD);
  });

  it('says a refused link is not valid, and keeps nothing of it', async () => {
    const env = tab(`http://127.0.0.1:4800/?token=${OLD}`);
    expect(await checkAccess(env, takeToken(env))).toEqual({ ok: false, why: 'bad_link' });
    expect(env.kept.size).toBe(0);
  });

  it('refuses a link whose token no token could be without asking the host, even one that is down', async () => {
    const env = {
      ...tab('http://127.0.0.1:4800/?token=not%20a%20token'),
      fetch: () => Promise.reject(new Error('down')),
    };
    expect(await checkAccess(env, takeToken(env))).toEqual({ ok: false, why: 'bad_link' });
  });

  it('says a kept token the host refuses belongs to a session that ended', async () => {
    const env = tab('http://127.0.0.1:4800/agents');
    env.kept.set(TOKEN_KEY, OLD);
    expect(takeToken(env)).toEqual({ token: OLD, fromLink: false });
    expect(await checkAccess(env, takeToken(env))).toEqual({ ok: false, why: 'session_ended' });
  });
});
