import type { IncomingMessage } from 'node:http';
import { CSRF_HEADER } from '../../src-shared/contract/socket-auth.ts';

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends
 * it), Path=/, and Secure with the `__Host-` prefix when Baton's public URL is https (then it is
 * sent over TLS only, to this host name only). Its value is the session's secret; the host keeps
 * only its hash.
 */
export interface CookieRule {
  secure: boolean;
}

export const cookieName = (rule: CookieRule): string =>
  rule.secure ? '__Host-baton_session' : 'baton_session';

export function sessionCookie(rule: CookieRule, secret: string, maxAgeS: number): string {
  return [
    `${cookieName(rule)}=${secret}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeS}`,
    ...(rule.secure ? ['Secure'] : []),
  ].join('; ');
}

/** A cookie that ends the session's cookie in the browser. */
export function clearedCookie(rule: CookieRule): string {
  return [
    `${cookieName(rule)}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    'Max-Age=0',
    ...(rule.secure ? ['Secure'] : []),
  ].join('; ');
}

/** The session secret a request's Cookie header carries, if any. */
export function sessionSecret(req: IncomingMessage, rule: CookieRule): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  const name = cookieName(rule);
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The page key a page's request carries (the CSRF header's value: socket-auth.ts), if any. */
export function pageKeyHeader(req: IncomingMessage): string | undefined {
  const v = req.headers[CSRF_HEADER.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
