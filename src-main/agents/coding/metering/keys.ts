import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The attempt's own key: with a provider, a CLI is never given the provider's key. It holds a
 * token made for its attempt in the key's place (`ANTHROPIC_API_KEY`, `OPENAI_API_KEY`,
 * `GEMINI_API_KEY`, codex's and opencode's config), which only the attempt's metering endpoint
 * takes, and only while the attempt runs: the endpoint checks it on every request and sends the
 * provider's key on in its place. A request that presents anything else is refused.
 */

/** Headers a CLI sends its key in as it is (Anthropic's, Google's, Azure's), beside `authorization: Bearer`. */
const KEY_HEADERS = ['x-api-key', 'x-goog-api-key', 'api-key'] as const;

/** Equal, compared in constant time (over their SHA-256, so their lengths tell nothing either). */
export function sameKey(given: string, token: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export type KeySwap =
  | { ok: true; headers: Record<string, string | string[]>; path: string }
  | { ok: false; why: string };

/**
 * A request's credentials checked against the attempt's `token` and replaced by the provider's
 * `key`: the key headers, `authorization: Bearer …` and a `key` query parameter (the Gemini API
 * takes one). At least one must be there, and every one there must be the token; the request's
 * other headers and its path are left as they are.
 */
export function swapKey(
  headers: Record<string, string | string[]>,
  path: string,
  token: string,
  key: string,
): KeySwap {
  const out = { ...headers };
  let presented = 0;
  for (const name of KEY_HEADERS) {
    const v = out[name];
    if (v === undefined) continue;
    presented++;
    if (typeof v !== 'string' || !sameKey(v, token)) return { ok: false, why: `its ${name} header` };
    out[name] = key;
  }
  const auth = out.authorization;
  if (auth !== undefined) {
    presented++;
    const m = typeof auth === 'string' ? /^Bearer\s+(.*)$/i.exec(auth) : null;
    if (!m || !sameKey(m[1]!.trim(), token)) return { ok: false, why: 'its authorization header' };
    out.authorization = `Bearer ${key}`;
  }
  let sent = path;
  const q = path.indexOf('?');
  if (q >= 0) {
    const params = path.slice(q + 1).split('&');
    let found = false;
    for (let i = 0; i < params.length; i++) {
      const [k = '', ...rest] = params[i]!.split('=');
      if (decoded(k) !== 'key') continue;
      found = true;
      presented++;
      if (!sameKey(decoded(rest.join('=')), token)) return { ok: false, why: 'its key parameter' };
      params[i] = `${k}=${encodeURIComponent(key)}`;
    }
    if (found) sent = `${path.slice(0, q)}?${params.join('&')}`;
  }
  if (presented === 0) return { ok: false, why: 'no key' };
  return { ok: true, headers: out, path: sent };
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return s;
  }
}

/** What a refused request is told (never the key or the token). */
export const keyRefusal = (why: string) =>
  `Baton's metering endpoint takes only this attempt's own key (the one in the CLI's environment or config), and the request presented ${why === 'no key' ? 'none' : `another in ${why}`}`;
