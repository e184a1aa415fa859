import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { Person } from '../../src-shared/schemas/people.ts';
import { passwordSchema, personNameSchema } from '../../src-shared/schemas/people.ts';
import { AppError } from '../base/errors.ts';
import { readJsonBody, sendJson } from '../http/respond.ts';
import { createDeviceRoutes } from './device.ts';
import type { LinkRefusal } from './links.ts';
import type { Site } from './passkeys.ts';
import { MAX_CEREMONY } from './passkeys.ts';
import { passwordsAvailable } from './passwords.ts';
import type { People } from './people.ts';
import type { Principal } from './principal.ts';
import type { CookieRule } from './session-cookie.ts';
import { clearedCookie, pageKeyHeader, sessionCookie, sessionSecret } from './session-cookie.ts';

export const AUTH_PATH = '/auth/';

/** What the host tells the routes of a request it has already checked (Host, Origin, CSRF header). */
export interface AuthRequest {
  /** The page's origin and host name, when the request came from a page of an allowed origin. */
  site: Site | null;
  /** Who the request is, if proven (the launch token, a session, a token); null: nobody yet. */
  principal: Principal | null;
  /** Where it came from, for the sign-in limits. */
  address: string;
}

const body = (req: IncomingMessage) => readJsonBody(req, 256 * 1024, { object: true });
const signInSchema = z.strictObject({ name: z.string().max(200), password: z.string().max(1_000) });
const ceremonySchema = z.strictObject({
  ceremony: z.string().max(MAX_CEREMONY),
  response: z.record(z.string(), z.unknown()),
});
const joinSchema = z.strictObject({
  invite: z.string().max(200),
  name: personNameSchema,
  password: passwordSchema,
});
const inviteSchema = z.strictObject({ invite: z.string().max(200) });
const joinPasskeySchema = z.strictObject({ invite: z.string().max(200), name: personNameSchema });
const addPasskeySchema = ceremonySchema.extend({ name: z.string().trim().min(1).max(100).optional() });
const linkSchema = z.strictObject({ link: z.string().max(1_000) });

/** What a refused one-time link is answered with. */
const LINK_STATUS = {
  malformed: [404, 'not_found'],
  expired: [410, 'expired'],
  used: [409, 'conflict'],
  not_yours: [403, 'forbidden'],
} as const satisfies Record<LinkRefusal, readonly [number, string]>;

/** One answer for every failed sign-in: nothing in it says whether the name exists. */
const WRONG = {
  code: 'unauthorized',
  message: 'that name and password do not match, or that passkey is not known here',
};

/**
 * Signing in and out, joining by invitation, adding a passkey: the HTTP routes under `/auth/`
 * (they set or clear the session cookie, which a WebSocket call cannot). Every POST here comes
 * from a page of an allowed origin with the CSRF header: the host refuses any other before these
 * routes see it. Sign-in answers the same for a wrong name and a wrong password, after the same
 * work, and is limited per name and per address.
 */
export function createAuthRoutes(
  people: People,
  cookie: CookieRule,
  /** An approval as the inbox shows it (a one-time link opens one), or null when there is none. */
  approval: (id: string) => ApprovalView | null = () => null,
) {
  const startSession = (res: ServerResponse, person: Person, status = 200) => {
    const s = people.sessions.start(person.id, crypto.randomUUID());
    res.setHeader('Set-Cookie', sessionCookie(cookie, s.secret, s.max_age_s));
    // The page keeps its key in its own storage and sends it with the cookie (callers.ts).
    sendJson(res, status, { person, expires_at: s.expires_at, page_key: s.page_key });
  };
  const refuse = (res: ServerResponse, status: number, code: string, message: string, extra = {}) =>
    sendJson(res, status, { error: { code, message, ...extra } });
  const parsed = async <T>(
    req: IncomingMessage,
    res: ServerResponse,
    schema: z.ZodType<T>,
  ): Promise<T | null> => {
    const read = await body(req);
    if (!read.ok) {
      refuse(res, read.status, 'invalid_input', read.message);
      return null;
    }
    const p = schema.safeParse(read.value);
    if (!p.success) {
      const issue = p.error.issues[0];
      refuse(res, 400, 'invalid_input', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
      return null;
    }
    return p.data;
  };
  const personOf = (p: Principal | null): Person | null => {
    if (p === null) return null;
    if (p.kind === 'session' || p.kind === 'token') return p.person;
    if (p.kind === 'local') return people.owner();
    return null;
  };

  const device = createDeviceRoutes(people);

  return async function auth(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    r: AuthRequest,
  ): Promise<void> {
    const route = `${req.method} ${path}`;
    try {
      if (route === 'GET /auth/me') {
        const person = personOf(r.principal);
        return sendJson(res, 200, {
          person,
          via: r.principal?.kind ?? null,
          setup_needed: r.principal?.kind === 'local' && person === null,
          passwords: passwordsAvailable,
          sign_in: people.repo.canSignIn(),
        });
      }
      if (path === '/auth/device' || path.startsWith('/auth/device/'))
        return await device(req, res, path, {
          principal: r.principal,
          address: r.address,
          fromPage: r.site !== null,
        });
      if (req.method !== 'POST') return refuse(res, 404, 'not_found', `no route ${route}`);
      if (r.site === null) return refuse(res, 403, 'forbidden', 'sign in from a page of this Baton');
      const site = r.site;
      switch (path) {
        // What an invitation offers, its secret in the body (never in an address a log keeps).
        case '/auth/invite': {
          const b = await parsed(req, res, inviteSchema);
          if (!b) return;
          const invite = people.inviteOf(b.invite);
          if (!invite)
            return refuse(
              res,
              404,
              'not_found',
              'this invitation was used, revoked or has expired; ask for a new one',
            );
          return sendJson(res, 200, invite);
        }
        case '/auth/sign-in': {
          const b = await parsed(req, res, signInSchema);
          if (!b) return;
          const result = await people.signIn(b.name.trim(), b.password, r.address);
          if (result.ok) return startSession(res, result.person);
          if (result.why === 'locked') {
            res.setHeader('Retry-After', String(result.retry_after_s));
            return refuse(
              res,
              429,
              'locked',
              `too many tries: wait ${Math.ceil(result.retry_after_s / 60)} min and try again`,
            );
          }
          return refuse(res, 401, WRONG.code, WRONG.message);
        }
        case '/auth/passkey/options': {
          const wait = people.limits.blocked(null, r.address);
          if (wait !== null)
            return refuse(
              res,
              429,
              'locked',
              `too many tries: wait ${Math.ceil(wait / 60)} min and try again`,
            );
          return sendJson(res, 200, await people.passkeys.signInOptions(site));
        }
        case '/auth/passkey/sign-in': {
          const b = await parsed(req, res, ceremonySchema);
          if (!b) return;
          const personId = await people.passkeys.verifySignIn(
            site,
            b.ceremony,
            b.response as unknown as AuthenticationResponseJSON,
          );
          const person = personId === null ? null : people.get(personId);
          if (!person) {
            people.limits.failed(null, r.address);
            return refuse(res, 401, WRONG.code, WRONG.message);
          }
          return startSession(res, person);
        }
        case '/auth/join': {
          const b = await parsed(req, res, joinSchema);
          if (!b) return;
          if (!passwordsAvailable)
            return refuse(res, 503, 'unavailable', 'passwords cannot be hashed here; join with a passkey');
          const person = people.join(b.invite, b.name, {
            password_hash: await people.hashPassword(b.password),
          });
          return startSession(res, person, 201);
        }
        case '/auth/join/passkey/options': {
          const b = await parsed(req, res, joinPasskeySchema);
          if (!b) return;
          if (!people.inviteOf(b.invite))
            return refuse(
              res,
              404,
              'not_found',
              'this invitation was used, revoked or has expired; ask for a new one',
            );
          if (people.repo.byName(b.name))
            return refuse(res, 400, 'invalid_input', `name: "${b.name}" is taken`);
          if (people.repo.retired(b.name))
            return refuse(
              res,
              400,
              'invalid_input',
              `name: "${b.name}" was a removed person's name; choose another`,
            );
          const userId = crypto.randomUUID();
          return sendJson(
            res,
            200,
            await people.passkeys.registrationOptions(site, { id: userId, name: b.name, existing: [] }, b),
          );
        }
        case '/auth/join/passkey': {
          const b = await parsed(req, res, ceremonySchema);
          if (!b) return;
          const v = await people.passkeys.verifyRegistration<z.infer<typeof joinPasskeySchema>>(
            site,
            b.ceremony,
            b.response as unknown as RegistrationResponseJSON,
          );
          // A ceremony begun for another purpose (a sign-in's, an added passkey's) carries other data.
          const joining = v ? joinPasskeySchema.safeParse(v.data) : null;
          if (!v || !joining?.success)
            return refuse(res, 400, 'invalid_input', 'the passkey could not be verified; try again');
          const person = people.join(joining.data.invite, joining.data.name, { passkey: v.key });
          return startSession(res, person, 201);
        }
        case '/auth/passkey/add/options': {
          const person = personOf(r.principal);
          if (!person || r.principal?.kind === 'token')
            return refuse(res, 401, 'unauthorized', 'sign in first');
          people.signedInLately(r.principal, 'adding a passkey');
          return sendJson(
            res,
            200,
            await people.passkeys.registrationOptions(
              site,
              { id: person.id, name: person.name, existing: people.repo.passkeys.of(person.id) },
              { person_id: person.id },
            ),
          );
        }
        case '/auth/passkey/add': {
          const b = await parsed(req, res, addPasskeySchema);
          if (!b) return;
          const person = personOf(r.principal);
          if (!person || r.principal?.kind === 'token')
            return refuse(res, 401, 'unauthorized', 'sign in first');
          people.signedInLately(r.principal, 'adding a passkey');
          const v = await people.passkeys.verifyRegistration<{ person_id: string }>(
            site,
            b.ceremony,
            b.response as unknown as RegistrationResponseJSON,
          );
          if (!v || (v.data as { person_id?: unknown } | null)?.person_id !== person.id)
            return refuse(res, 400, 'invalid_input', 'the passkey could not be verified; try again');
          people.repo.passkeys.insert({
            ...v.key,
            person_id: person.id,
            name: b.name ?? 'Passkey',
            created_at: new Date().toISOString(),
          });
          return sendJson(res, 201, { person: people.get(person.id) });
        }
        case '/auth/link': {
          // A one-time link from a notification: its approval, read-only, once, for its person.
          const wait = people.limits.blocked(null, r.address);
          if (wait !== null)
            return refuse(
              res,
              429,
              'locked',
              `too many tries: wait ${Math.ceil(wait / 60)} min and try again`,
            );
          const b = await parsed(req, res, linkSchema);
          if (!b) return;
          const presenter = personOf(r.principal);
          const opened = people.links.open(b.link, presenter);
          if (!opened.ok) {
            if (opened.why === 'malformed') people.limits.failed(null, r.address);
            const [status, code] = LINK_STATUS[opened.why];
            return refuse(res, status, code, opened.message);
          }
          const view = approval(opened.approval_id);
          if (!view) return refuse(res, 404, 'not_found', 'this approval is no longer kept');
          return sendJson(res, 200, {
            approval: view,
            person: { id: opened.person.id, name: opened.person.name },
            signed_in: presenter?.id === opened.person.id,
          });
        }
        case '/auth/sign-out': {
          // The session ends only for its page (its key): a program that got the cookie alone (a
          // server on another port of this host) could otherwise sign the person out at will.
          const secret = sessionSecret(req, cookie);
          if (secret && people.sessions.pageHolds(secret, pageKeyHeader(req))) people.sessions.end(secret);
          res.setHeader('Set-Cookie', clearedCookie(cookie));
          return sendJson(res, 200, { signed_out: true });
        }
        default:
          return refuse(res, 404, 'not_found', `no route ${route}`);
      }
    } catch (err) {
      if (err instanceof AppError) {
        const status =
          err.code === 'not_found'
            ? 404
            : err.code === 'invalid_input'
              ? 400
              : err.code === 'conflict'
                ? 409
                : 403;
        return refuse(
          res,
          status,
          err.code,
          err.message,
          err.details === undefined ? {} : { details: err.details },
        );
      }
      throw err;
    }
  };
}
