import type { IncomingMessage } from 'node:http';
import { TOKEN_PROTOCOL_PREFIX } from '../../src-shared/contract/socket-auth.ts';
import { hostName } from './host-names.ts';
import { tokensEqual } from './security.ts';

/**
 * How a request proves it holds this launch's token. Never a cookie: cookies ignore ports, so
 * one set for Baton would be sent to every other server on 127.0.0.1. API clients and the
 * page's own fetches send `Authorization: Bearer`; the page's WebSocket offers the token as a
 * subprotocol (socket-auth.ts). Reading headers here cannot throw.
 */
export type AuthMethod = 'bearer' | 'subprotocol';

export function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** What a WebSocket offered as the subprotocol named `<prefix><value>`, if any. */
export function protocolValue(req: IncomingMessage, prefix: string): string | undefined {
  const header = req.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(',')) {
    const p = part.trim();
    if (p.startsWith(prefix)) return p.slice(prefix.length);
  }
  return undefined;
}

/** The token offered as a WebSocket subprotocol (`baton.token.<token>`), if any. */
export const protocolToken = (req: IncomingMessage): string | undefined =>
  protocolValue(req, TOKEN_PROTOCOL_PREFIX);

/** A plain request: only `Authorization: Bearer`. An upgrade: that, or the subprotocol. */
export function authenticate(req: IncomingMessage, token: string, upgrade = false): AuthMethod | null {
  if (tokensEqual(bearer(req), token)) return 'bearer';
  if (upgrade && tokensEqual(protocolToken(req), token)) return 'subprotocol';
  return null;
}

/** A token was sent but is not this launch's: a tab or client from an earlier `baton serve`. */
export function tokenPresented(req: IncomingMessage, upgrade = false): boolean {
  return bearer(req) !== undefined || (upgrade && protocolToken(req) !== undefined);
}

/** The request comes from a page of this host (its Origin is `http://<Host>`). */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (origin === undefined || host === undefined) return false;
  const m = /^http:\/\/([^/]+)$/i.exec(origin);
  return m !== null && hostName(m[1]) !== undefined && m[1]!.toLowerCase() === host.trim().toLowerCase();
}

/**
 * Origin rule: a browser always sends Origin on a WebSocket and on a cross-origin or non-GET
 * fetch; when it is there it must be this host's own. Programs (no Origin) are judged by
 * their token alone.
 */
export function originAllowed(req: IncomingMessage): boolean {
  return req.headers.origin === undefined || sameOrigin(req);
}
