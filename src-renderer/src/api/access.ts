/**
 * Browser mode's token, kept by this tab alone. `baton serve` prints a link ending in
 * `?token=`; on that first load the token moves into sessionStorage (this tab, this origin)
 * and leaves the address bar. It is then sent as `Authorization: Bearer` and as the
 * WebSocket's subprotocol, never as a cookie: a cookie would go to every server on 127.0.0.1,
 * whatever its port, and any of them could read it.
 */

/** Why this tab cannot use Baton: the wording of each is in AccessPage. */
export type AccessRefused = 'no_token' | 'bad_link' | 'session_ended';
export type Access = { ok: true; token: string } | { ok: false; why: AccessRefused };

export const TOKEN_KEY = 'baton.token';

/** What checkAccess touches in the page; the real ones by default, others in tests. */
export interface AccessEnv {
  location: Pick<Location, 'href'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  fetch: typeof fetch;
}

/**
 * The token this tab uses, after asking the host whether it is this launch's. A token from
 * the link that the host refuses is a bad link (not kept); a kept token it refuses belongs to
 * an earlier launch. When the host cannot be reached the token is used anyway: the connection
 * notice says Baton is away and the socket retries.
 */
export async function checkAccess(env: AccessEnv = browserEnv()): Promise<Access> {
  const url = new URL(env.location.href);
  const fromLink = url.searchParams.get('token');
  if (fromLink !== null) {
    url.searchParams.delete('token');
    env.history.replaceState(env.history.state, '', url.pathname + url.search + url.hash);
  }
  const token = fromLink || env.storage.getItem(TOKEN_KEY);
  if (!token) return { ok: false, why: 'no_token' };
  if (await refused(token, url, env.fetch))
    return { ok: false, why: fromLink ? 'bad_link' : 'session_ended' };
  if (fromLink) env.storage.setItem(TOKEN_KEY, fromLink);
  return { ok: true, token };
}

/** Whether the host is up and refuses this token (a new launch has a new one). */
export async function refused(
  token: string,
  base: URL | string,
  doFetch: typeof fetch = fetch,
): Promise<boolean> {
  try {
    const res = await doFetch(new URL('/api/health', base), {
      cache: 'no-store',
      headers: { Authorization: `Bearer ${token}` },
    });
    return res.status === 401 || res.status === 403;
  } catch {
    return false;
  }
}

function browserEnv(): AccessEnv {
  return { location, history, storage: sessionStorage, fetch: (...a) => fetch(...a) };
}
