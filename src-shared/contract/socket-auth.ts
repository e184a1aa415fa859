/**
 * How a browser tab presents its token on the WebSocket: a browser cannot set headers on a
 * WebSocket, and a cookie would go to every server on the same host name (cookies ignore
 * ports), so the token travels as a subprotocol the tab offers beside `baton`, the one the
 * host picks. Tokens are base64url, which is valid in a subprotocol name.
 */
export const SOCKET_PROTOCOL = 'baton';
export const TOKEN_PROTOCOL_PREFIX = 'baton.token.';

/**
 * Whether `token` can be offered as a subprotocol at all: a browser's WebSocket throws on a name
 * with a space, a quote or a letter outside ASCII, which a mistyped link can hold.
 */
export const offerable = (token: string): boolean => /^[A-Za-z0-9_-]+$/.test(token);

/** The subprotocols a tab offers: the one the host picks, then the one carrying the token. */
export function socketProtocols(token: string): string[] {
  return [SOCKET_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`];
}

/**
 * The header a page signed in with a session cookie sends on every request to `/api/` and
 * `/auth/` (any value): a page of another site cannot send it without a CORS preflight, which
 * Baton never grants (src-main/people/session-cookie.ts).
 */
export const CSRF_HEADER = 'X-Baton-Request';

/**
 * A page signed in with a session keeps its session's page key (`bpk_…`, in `localStorage`, which
 * is kept per origin, port included) and sends it as the CSRF header's value, and on its sockets as
 * a subprotocol beside `baton`: the cookie alone proves nothing, as any server on the same host
 * name receives it (cookies ignore ports).
 */
export const PAGE_KEY_STORAGE = 'baton.page_key';
export const PAGE_PROTOCOL_PREFIX = 'baton.page.';

/** The subprotocols a page signed in with a session offers: `baton`, then its page key if it has one. */
export function sessionProtocols(pageKey: string | null): string[] {
  return pageKey && offerable(pageKey)
    ? [SOCKET_PROTOCOL, `${PAGE_PROTOCOL_PREFIX}${pageKey}`]
    : [SOCKET_PROTOCOL];
}
