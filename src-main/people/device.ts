import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Person } from '../../src-shared/schemas/people.ts';
import type { Role } from '../../src-shared/schemas/plain/people.ts';
import { lesserRole } from '../../src-shared/schemas/plain/people.ts';
import { readJsonBody, sendJson } from '../http/respond.ts';
import type { People } from './people.ts';
import type { Principal } from './principal.ts';
import { hashSecret, mintSecret } from './secrets.ts';

/** The page a person opens to let a command line sign in (`/device?code=…`). */
export const DEVICE_PAGE = '/device';
/** The routes a program calls, without a page's Origin or CSRF header: the code is their only proof. */
export const DEVICE_PROGRAM_PATHS: ReadonlySet<string> = new Set([
  '/auth/device/start',
  '/auth/device/token',
]);

/** How long a sign-in of a command line waits for its person, and how often the CLI asks. */
export const DEVICE_TTL_MS = 10 * 60_000;
export const DEVICE_POLL_S = 2;
/** Most sign-ins waiting at once, in all and from one address (each is a few hundred bytes). */
const MOST_WAITING = 200;
const MOST_WAITING_PER_ADDRESS = 5;
/** The user code's letters: no vowels (no words), nothing read as another (RFC 8628 §6.1). */
const LETTERS = 'BCDFGHJKLMNPQRSTVWXZ';

interface Waiting {
  user_code: string;
  device_hash: string;
  /** The machine the command line says it runs on (shown, never trusted for anything else). */
  host: string;
  address: string;
  expires: number;
  /** Set once a person approved: whose token the command line then receives, and its role. */
  approved: { person: Person; role: Role } | null;
  denied: boolean;
}

const startSchema = z.strictObject({ host: z.string().trim().min(1, 'host: name this machine').max(100) });
const tokenSchema = z.strictObject({ device_code: z.string().max(200) });
const codeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{4}-?[A-Z]{4}$/, 'user_code: the 8 letters the command line shows (XXXX-XXXX)')
  .transform((c) => (c.includes('-') ? c : `${c.slice(0, 4)}-${c.slice(4)}`));
const decideSchema = z.strictObject({ user_code: codeSchema, approve: z.boolean() });

const newUserCode = () => {
  const pick = () => LETTERS[randomInt(LETTERS.length)];
  return `${Array.from({ length: 4 }, pick).join('')}-${Array.from({ length: 4 }, pick).join('')}`;
};

/**
 * Signing in a command line on another machine (`baton login --url`), as OAuth's device grant
 * (RFC 8628) does it: the CLI asks for a code (`start`), prints the page to open and the short
 * code; the person, signed in there, sees "Sign in the command line on <host> as <person>?" and
 * approves (or refuses); the CLI, asking every few seconds (`token`), then receives a personal
 * access token of that person, with their role, made at that moment (a token nobody collected
 * never exists). What waits is kept in memory for 10 minutes: a restart asks the CLI to begin again.
 */
export function createDeviceRoutes(people: People, now: () => number = Date.now) {
  const waiting = new Map<string, Waiting>();
  const sweep = () => {
    const t = now();
    for (const [code, w] of waiting) if (w.expires <= t) waiting.delete(code);
  };
  const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
    sendJson(res, status, { error: { code, message } });
  const parsed = async <T>(req: IncomingMessage, res: ServerResponse, schema: z.ZodType<T>) => {
    const read = await readJsonBody(req, 16 * 1024, { object: true });
    if (!read.ok) return void refuse(res, read.status, 'invalid_input', read.message);
    const p = schema.safeParse(read.value);
    if (p.success) return p.data;
    const issue = p.error.issues[0];
    const where = issue?.path.join('.') || 'body';
    refuse(
      res,
      400,
      'invalid_input',
      issue?.message.startsWith(where) ? issue.message : `${where}: ${issue?.message}`,
    );
    return undefined;
  };
  /** The person a page's request is (a session, or the owner at this machine); a token is not one. */
  const deciderOf = (p: Principal | null): { person: Person; role: Role } | null => {
    if (p?.kind === 'session') return { person: p.person, role: p.person.role };
    if (p?.kind === 'local') {
      const owner = people.owner();
      return owner ? { person: owner, role: owner.role } : null;
    }
    return null;
  };
  const lookUp = (res: ServerResponse, raw: string, address: string): Waiting | null => {
    sweep();
    const code = codeSchema.safeParse(raw);
    const w = code.success ? waiting.get(code.data) : undefined;
    if (w) return w;
    people.limits.failed(null, address);
    refuse(
      res,
      404,
      'not_found',
      'no command line waits with this code: it expired (10 min) or was used; run baton login again',
    );
    return null;
  };
  const tooMany = (res: ServerResponse, address: string): boolean => {
    const wait = people.limits.blocked(null, address);
    if (wait === null) return false;
    res.setHeader('Retry-After', String(wait));
    refuse(res, 429, 'locked', `too many tries: wait ${Math.ceil(wait / 60)} min and try again`);
    return true;
  };

  return async function device(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    r: { principal: Principal | null; address: string; fromPage: boolean },
  ): Promise<void> {
    const route = `${req.method} ${path}`;
    if (route === 'POST /auth/device/start') {
      const b = await parsed(req, res, startSchema);
      if (!b) return;
      sweep();
      const mine = [...waiting.values()].filter((w) => w.address === r.address).length;
      if (waiting.size >= MOST_WAITING || mine >= MOST_WAITING_PER_ADDRESS)
        return refuse(res, 429, 'busy', 'too many command lines wait to sign in: try again in a few minutes');
      let user_code = newUserCode();
      while (waiting.has(user_code)) user_code = newUserCode();
      const device_code = mintSecret('device');
      waiting.set(user_code, {
        user_code,
        device_hash: hashSecret(device_code),
        host: b.host.replace(/[\p{C}]/gu, ''),
        address: r.address,
        expires: now() + DEVICE_TTL_MS,
        approved: null,
        denied: false,
      });
      return sendJson(res, 200, {
        device_code,
        user_code,
        page: `${DEVICE_PAGE}?code=${user_code}`,
        interval_s: DEVICE_POLL_S,
        expires_in_s: DEVICE_TTL_MS / 1000,
      });
    }
    if (route === 'POST /auth/device/token') {
      const b = await parsed(req, res, tokenSchema);
      if (!b) return;
      sweep();
      const hash = hashSecret(b.device_code);
      const w = [...waiting.values()].find((x) => x.device_hash === hash);
      if (!w)
        return refuse(
          res,
          410,
          'expired',
          'this sign-in expired (10 min) or was used: run baton login again',
        );
      if (w.denied) {
        waiting.delete(w.user_code);
        return refuse(res, 403, 'denied', 'the sign-in was refused on the page');
      }
      if (!w.approved) return sendJson(res, 202, { status: 'pending' });
      waiting.delete(w.user_code);
      // The person may have been removed or had their role lowered since they approved.
      const person = people.get(w.approved.person.id);
      if (!person) return refuse(res, 403, 'denied', 'the person who approved is no longer on this Baton');
      const role = lesserRole(w.approved.role, person.role);
      const made = people.sessions.createToken(person.id, crypto.randomUUID(), `CLI on ${w.host}`, role);
      return sendJson(res, 200, {
        status: 'approved',
        token: made.secret,
        token_id: made.token.id,
        person,
        role,
      });
    }
    if (route === 'GET /auth/device') {
      const who = deciderOf(r.principal);
      if (!who) return refuse(res, 401, 'unauthorized', 'sign in first');
      if (tooMany(res, r.address)) return;
      const raw = new URL(req.url ?? '/', 'http://x').searchParams.get('code') ?? '';
      const w = lookUp(res, raw, r.address);
      if (!w) return;
      return sendJson(res, 200, {
        user_code: w.user_code,
        host: w.host,
        person: { id: who.person.id, name: who.person.name },
        role: who.role,
        decided: w.approved ? 'approved' : w.denied ? 'denied' : null,
      });
    }
    if (route === 'POST /auth/device/decide') {
      if (!r.fromPage) return refuse(res, 403, 'forbidden', 'approve from a page of this Baton');
      const who = deciderOf(r.principal);
      if (!who)
        return refuse(res, 401, 'unauthorized', 'sign in first: a token cannot sign in another command line');
      if (tooMany(res, r.address)) return;
      const b = await parsed(req, res, decideSchema);
      if (!b) return;
      const w = lookUp(res, b.user_code, r.address);
      if (!w) return;
      if (w.approved || w.denied) return refuse(res, 409, 'conflict', 'this sign-in was already answered');
      if (b.approve) w.approved = who;
      else w.denied = true;
      return sendJson(res, 200, {
        decided: b.approve ? 'approved' : 'denied',
        host: w.host,
        person: who.person.name,
      });
    }
    return refuse(res, 404, 'not_found', `no route ${route}`);
  };
}
