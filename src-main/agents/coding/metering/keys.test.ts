import { describe, expect, it } from 'vitest';
import { sameKey, swapKey } from './keys.ts';

const TOKEN = 'attempt-token-abc';
const KEY = 'sk-provider+key/=';

describe('swapKey', () => {
  it('swaps the token for the key wherever the request carries it, and nothing else', () => {
    const out = swapKey(
      { 'x-api-key': TOKEN, authorization: `bearer ${TOKEN}`, 'content-type': 'application/json' },
      '/v1/messages?beta=true',
      TOKEN,
      KEY,
    );
    expect(out).toEqual({
      ok: true,
      headers: { 'x-api-key': KEY, authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      path: '/v1/messages?beta=true',
    });
  });

  it('a key parameter is swapped in place, the other parameters kept byte for byte', () => {
    const out = swapKey(
      {},
      `/v1beta/models/m:streamGenerateContent?alt=sse&key=${TOKEN}&x=a%2Fb`,
      TOKEN,
      KEY,
    );
    expect(out).toMatchObject({
      ok: true,
      path: `/v1beta/models/m:streamGenerateContent?alt=sse&key=${encodeURIComponent(KEY)}&x=a%2Fb`,
    });
  });

  it('refuses no key, another key, a key header given twice, a scheme other than Bearer', () => {
    expect(swapKey({}, '/v1/messages', TOKEN, KEY)).toEqual({ ok: false, why: 'no key' });
    expect(swapKey({ 'x-goog-api-key': KEY }, '/x', TOKEN, KEY)).toEqual({
      ok: false,
      why: 'its x-goog-api-key header',
    });
    expect(swapKey({ 'x-api-key': [TOKEN, TOKEN] }, '/x', TOKEN, KEY)).toMatchObject({ ok: false });
    expect(swapKey({ authorization: `Basic ${TOKEN}` }, '/x', TOKEN, KEY)).toEqual({
      ok: false,
      why: 'its authorization header',
    });
    expect(swapKey({ 'x-api-key': TOKEN }, `/x?key=${KEY}`, TOKEN, KEY)).toEqual({
      ok: false,
      why: 'its key parameter',
    });
  });

  it('compares whole values only', () => {
    expect(sameKey(TOKEN, TOKEN)).toBe(true);
    expect(sameKey(TOKEN.slice(0, -1), TOKEN)).toBe(false);
    expect(sameKey('', TOKEN)).toBe(false);
  });
});
