/**
 * Browser mode's token, kept by this tab alone. `baton serve` prints a link ending in
 * `?token=`; on that first load the token moves into sessionStorage (this tab, this origin)
 * and leaves the address bar. It is then sent as `Authorization: Bearer` and as the
 * WebSocket's subprotocol, never as a cookie: a cookie would go to every server on 127.0.0.1,
 * whatever its port, and any of them could read it.
 *
 * A tab opened without it (a link opened in a new tab, an address pasted) asks the Baton tabs
 * open in this browser on this origin (a BroadcastChannel, which only pages of the same origin
 * share) and uses the answer once the host accepts it. Nothing is written where it outlives the
 * tabs (localStorage would keep it on disk for whatever serves this port next).
 */

import { offerable } from '../../../src-shared/contract/socket-auth.ts';

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
  /** The channel this origin's Baton tabs share; none where the browser has no BroadcastChannel. */
  channel?: () => AccessChannel;
  /** How long to wait for an open tab to answer. */
  askMs?: number;
}

/** The part of a BroadcastChannel the handshake uses. */
export type AccessChannel = Pick<BroadcastChannel, 'postMessage' | 'close'> & {
  onmessage: ((e: MessageEvent) => void) | null;
};

const CHANNEL = 'baton.access';
/** Long enough for a busy tab to answer; a tab nobody answers then asks for the link. */
const ASK_MS = 1500;

/** The token this tab holds before asking anyone, and whether it came with the link. */
export interface HeldToken {
  token: string | null;
  fromLink: boolean;
}

/**
 * Takes the token from the link (out of the address bar, so it is not bookmarked or shared) or
 * from this tab's storage. Once per load: the link's token is gone from the address after it.
 */
export function takeToken(env: AccessEnv = browserEnv()): HeldToken {
  const url = new URL(env.location.href);
  const fromLink = url.searchParams.get('token');
  if (fromLink !== null) {
    url.searchParams.delete('token');
    env.history.replaceState(env.history.state, '', url.pathname + url.search + url.hash);
  }
  return { token: fromLink || env.storage.getItem(TOKEN_KEY), fromLink: !!fromLink };
}

/**
 * The token this tab uses, after asking the host whether it is this launch's. A token from
 * the link that the host refuses is a bad link (not kept); a kept token it refuses belongs to
 * an earlier launch. When the host cannot be reached the token is used anyway: the connection
 * notice says Baton is away and the socket retries. `held`: what takeToken took already.
 */
export async function checkAccess(
  env: AccessEnv = browserEnv(),
  held: HeldToken = takeToken(env),
): Promise<Access> {
  const { token, fromLink } = held;
  if (!token) {
    const shared = await askOpenTabs(new URL(env.location.href), env);
    if (!shared) return { ok: false, why: 'no_token' };
    env.storage.setItem(TOKEN_KEY, shared);
    return { ok: true, token: shared };
  }
  // A token no token could be (a mistyped link) is refused here: the socket could not offer it.
  if (!offerable(token) || (await refused(token, env.location.href, env.fetch)))
    return { ok: false, why: fromLink ? 'bad_link' : 'session_ended' };
  if (fromLink) env.storage.setItem(TOKEN_KEY, token);
  return { ok: true, token };
}

/**
 * Answers the tabs of this origin that ask for the token (askOpenTabs), while this tab uses it:
 * they are this host's own pages, which this tab sends it to on every request already.
 */
export function shareAccess(token: string, channel: () => AccessChannel = openChannel): () => void {
  const ch = channel();
  ch.onmessage = (e) => {
    if ((e.data as { ask?: unknown } | null)?.ask === CHANNEL) ch.postMessage({ token });
  };
  return () => ch.close();
}

/**
 * The token of a Baton tab open in this browser on this origin, once the host accepts it; null
 * when none answers in time (or only with tokens of an earlier launch).
 */
export function askOpenTabs(base: URL, env: AccessEnv): Promise<string | null> {
  if (!env.channel) return Promise.resolve(null);
  const ch = env.channel();
  return new Promise((resolve) => {
    const tried = new Set<string>();
    let checking = 0;
    let late = false;
    let settled = false;
    const settle = (token: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ch.close();
      resolve(token);
    };
    const timer = setTimeout(() => {
      late = true;
      if (checking === 0) settle(null);
    }, env.askMs ?? ASK_MS);
    ch.onmessage = async (e) => {
      const token = (e.data as { token?: unknown } | null)?.token;
      if (typeof token !== 'string' || token === '' || tried.has(token)) return;
      tried.add(token);
      checking++;
      const no = await refused(token, base, env.fetch);
      checking--;
      if (!no) settle(token);
      else if (late && checking === 0) settle(null);
    };
    ch.postMessage({ ask: CHANNEL });
  });
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

function openChannel(): AccessChannel {
  return new BroadcastChannel(CHANNEL);
}

function browserEnv(): AccessEnv {
  return {
    location,
    history,
    storage: sessionStorage,
    fetch: (...a) => fetch(...a),
    ...(typeof BroadcastChannel === 'function' ? { channel: openChannel } : {}),
  };
}
