import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from '../../http/auth.ts';
import type { RequestTarget } from '../../http/request-target.ts';
import type { Principal } from '../../people/index.ts';
import { DEVICE_PROGRAM_PATHS, LOCAL } from '../../people/index.ts';
import type { AuthRequest } from '../../people/routes.ts';
import type { Callers } from './callers.ts';
import { refuseCaller } from './callers.ts';

/**
 * `/auth/` on the browser host: who the request is if proven (ignored when not: one signs in
 * without a session), and a POST only from a page of this Baton (its own origin or the public
 * URL's) with the CSRF header; then the people wing's routes (src-main/people/routes.ts).
 */
export function authGate(
  routes: (req: IncomingMessage, res: ServerResponse, path: string, r: AuthRequest) => Promise<void>,
  callers: Callers,
  opts: { token: string; publicUrl: URL | null; originAllowed: (req: IncomingMessage) => boolean },
) {
  /**
   * Where a request came from, for the sign-in limits: the peer's address, or behind the user's
   * reverse proxy on this machine (a public URL set) the address the proxy appended last.
   */
  function clientAddress(req: IncomingMessage): string {
    const peer = req.socket.remoteAddress ?? 'unknown';
    const forwarded = req.headers['x-forwarded-for'];
    if (!opts.publicUrl || typeof forwarded !== 'string' || !/^(::ffff:)?127\.|^::1$/.test(peer)) return peer;
    return forwarded.split(',').at(-1)?.trim() || peer;
  }

  return async (req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<void> => {
    const fromPage = callers.ownOrigin(req) && callers.csrfHeader(req);
    // A command line signing in (`baton login`) is a program: its device code is its only proof.
    if (req.method === 'POST' && !fromPage && !DEVICE_PROGRAM_PATHS.has(target.path))
      return refuseCaller(res, {
        status: 403,
        code: 'forbidden',
        message: 'sign in from a page of this Baton',
      });
    let principal: Principal | null = null;
    if (authenticate(req, opts.token) && opts.originAllowed(req)) principal = LOCAL;
    else {
      const person = callers.person(req, req.method === 'GET' ? 'read' : 'csrf');
      if (person && 'principal' in person) principal = person.principal;
    }
    const origin = req.headers.origin;
    const site = fromPage && origin ? { origin, rpId: new URL(origin).hostname } : null;
    await routes(req, res, target.path, { site, principal, address: clientAddress(req) });
  };
}
