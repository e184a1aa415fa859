import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import { CSRF_HEADER, PAGE_PROTOCOL_PREFIX } from '../../../src-shared/contract/socket-auth.ts';
import { bearer, protocolValue, sameOrigin } from '../../http/auth.ts';
import { sendJson } from '../../http/respond.ts';
import type { Ended, People, Principal } from '../../people/index.ts';
import type { CookieRule } from '../../people/session-cookie.ts';
import { pageKeyHeader, sessionSecret } from '../../people/session-cookie.ts';

/** Why a request proves nobody: the status, code and message it is refused with. */
export interface Refusal {
  status: 401 | 403;
  code: string;
  message: string;
}

/** Answers a refusal as JSON (a 401 says how to authenticate). */
export function refuseCaller(res: ServerResponse, r: Refusal): void {
  if (r.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  sendJson(res, r.status, { error: { code: r.code, message: r.message } });
}

/** A proven caller, with what proves it again at each later socket message. */
export interface Proven {
  principal: Principal;
  /** A session's cookie or a personal token, checked again at each socket message. */
  recheck: (() => Principal | null) | null;
}

/**
 * Who a request of the browser host comes from, beyond the launch token: a person's session
 * cookie or personal access token (src-main/people/). A page signed in by cookie must send the
 * CSRF header and an Origin of this host (its own address, or the public URL's); a WebSocket
 * opened with the cookie must have such an Origin (browsers always send one). Programs (no Origin)
 * use a token as `Authorization: Bearer`.
 */
export function createCallers(people: People, cookie: CookieRule, publicOrigins: readonly string[]) {
  /** Whether the request's Origin is this host's own or the public URL's (false when it has none). */
  const ownOrigin = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    return origin !== undefined && (sameOrigin(req) || publicOrigins.includes(origin));
  };
  const csrfHeader = (req: IncomingMessage) => req.headers[CSRF_HEADER.toLowerCase()] !== undefined;
  const tokenRecheck = (secret: string) => (): Principal | null => {
    const t = people.sessions.verifyToken(secret);
    return t ? { kind: 'token', ...t } : null;
  };
  const sessionRecheck = (secret: string) => (): Principal | null => {
    const s = people.sessions.verify(secret);
    return s ? { kind: 'session', ...s } : null;
  };

  /**
   * A person's proof on a request without the launch token: a personal token, else the session
   * cookie, whose request must come from a page of this Baton: `csrf` (the API, a POST) its
   * Origin and the CSRF header, `origin` (the socket) its Origin, `read` (GET /auth/me, which
   * changes nothing; a same-origin GET carries no Origin) a foreign Origin refused. Null: neither
   * was presented.
   */
  function person(req: IncomingMessage, check: 'csrf' | 'origin' | 'read'): Proven | Refusal | null {
    const presented = bearer(req);
    if (presented?.startsWith('bpt_')) {
      const recheck = tokenRecheck(presented);
      const principal = recheck();
      if (!principal)
        return {
          status: 401,
          code: 'token_revoked',
          message: 'this personal access token was revoked, or its person removed',
        };
      return { principal, recheck };
    }
    const secret = sessionSecret(req, cookie);
    if (secret === undefined) return null;
    const foreign = req.headers.origin !== undefined && !ownOrigin(req);
    if (foreign || (check !== 'read' && !ownOrigin(req)) || (check === 'csrf' && !csrfHeader(req)))
      return {
        status: 403,
        code: 'forbidden',
        message: 'a signed-in request comes from a page of this Baton',
      };
    const recheck = sessionRecheck(secret);
    const principal = recheck();
    if (!principal)
      return { status: 401, code: 'session_ended', message: 'your session ended: sign in again' };
    // The cookie alone is no proof: the page that signed in also sends the key it keeps.
    const key = check === 'origin' ? protocolValue(req, PAGE_PROTOCOL_PREFIX) : pageKeyHeader(req);
    if (!people.sessions.pageHolds(secret, key)) {
      if (check === 'read') return null;
      return {
        status: 401,
        code: 'session_ended',
        message:
          "this page does not hold your session's key (signed in on another page, or before an update): sign in again",
      };
    }
    return { principal, recheck };
  }

  // The sockets people opened, closed as soon as what opened them ends (signed out, removed, revoked).
  const sockets = new Map<WebSocket, Proven>();
  const close = (ws: WebSocket) => {
    sockets.delete(ws);
    ws.close(4401, 'session ended');
  };
  const matches = (p: Principal, e: Ended): boolean => {
    if (p.kind !== 'session' && p.kind !== 'token') return false;
    if (p.person.id !== e.person_id) return false;
    if (e.session_id !== undefined) return p.kind === 'session' && p.session_id === e.session_id;
    if (e.token_id !== undefined) return p.kind === 'token' && p.token_id === e.token_id;
    return true;
  };
  const off = people.sessions.onEnded((e) => {
    for (const [ws, proven] of sockets) if (matches(proven.principal, e)) close(ws);
  });
  // Sessions also end by time: a socket nobody writes on is looked at once a minute.
  const sweep = setInterval(() => {
    for (const [ws, proven] of sockets) if (proven.recheck && proven.recheck() === null) close(ws);
  }, 60_000);
  sweep.unref();

  return {
    ownOrigin,
    csrfHeader,
    person,
    /** Keeps a person's socket, to close it when their proof ends. */
    track(ws: WebSocket, proven: Proven): void {
      if (!proven.recheck) return;
      sockets.set(ws, proven);
      ws.once('close', () => sockets.delete(ws));
    },
    /** The socket's principal now (proven again), or null: the socket was closed. */
    now(ws: WebSocket, fallback: Principal): Principal | null {
      const proven = sockets.get(ws);
      if (!proven?.recheck) return fallback;
      const principal = proven.recheck();
      if (principal === null) close(ws);
      else proven.principal = principal;
      return principal;
    },
    close(): void {
      off();
      clearInterval(sweep);
      sockets.clear();
    },
  };
}
export type Callers = ReturnType<typeof createCallers>;
