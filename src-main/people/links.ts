import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Person } from '../../src-shared/schemas/people.ts';
import type { Db } from '../store/db.ts';
import { sameBytes } from './secrets.ts';

/** What a one-time link looks like: `bpl_<claims>.<signature>`, both base64url. */
export const LINK_PREFIX = 'bpl_';
/** How long a link in a notification can be opened: a day (it shows one approval, once). */
export const LINK_TTL_MS = 24 * 3600_000;
/** The page a link opens; the link itself rides in the fragment, which no server or proxy logs. */
export const LINK_PAGE = '/link';

const claimsSchema = z.strictObject({
  /** The approval it shows. */
  a: z.string().min(1).max(200),
  /** The person it is for. */
  p: z.string().min(1).max(200),
  /** When it stops opening (ms since the epoch). */
  x: z.number().int().positive(),
  /** Its nonce: stored once it is opened, so it opens once. */
  n: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
});

/** Why a link does not open, each with what the page says. */
export type LinkRefusal = 'malformed' | 'expired' | 'used' | 'not_yours';

export type LinkOpened =
  | { ok: true; approval_id: string; person: Person; expires_at: number }
  | { ok: false; why: LinkRefusal; message: string };

const REFUSED: Record<LinkRefusal, string> = {
  malformed: 'this link is not one Baton made (or it was cut short)',
  expired: 'this link has expired: open the approval in Baton, or wait for the next notification',
  used: 'this link was opened already: links open once; sign in to see the approval',
  not_yours: '',
};

/**
 * One-time links in notifications: signed with a key kept in the data directory (HMAC-SHA256),
 * bound to one approval and one person, expiring, and opened once (the nonce is stored when it
 * is). Opening one shows its approval and nothing else; deciding it is a contract call as a person
 * proven otherwise (their session or passkey), never as the link.
 */
export function createLinks(deps: {
  db: Db;
  /** The signing key, asked for at the first link made or opened. */
  key: () => Buffer;
  now: () => number;
  person: (id: string) => Person | null;
}) {
  const take = deps.db.prepare(
    `INSERT INTO person_links (nonce, person_id, approval_id, used_at, expires_at)
     VALUES (@nonce, @person_id, @approval_id, @used_at, @expires_at) ON CONFLICT (nonce) DO NOTHING`,
  );
  const prune = deps.db.prepare('DELETE FROM person_links WHERE expires_at < ?');
  let key: Buffer | null = null;
  const sign = (body: string) => {
    key ??= deps.key();
    return createHmac('sha256', key).update(body, 'utf8').digest();
  };
  const refuse = (why: LinkRefusal, message = REFUSED[why]): LinkOpened => ({ ok: false, why, message });

  /** The link's claims if Baton signed them, else null (checked before anything is parsed). */
  function claimsOf(link: string): z.infer<typeof claimsSchema> | null {
    if (!link.startsWith(LINK_PREFIX) || link.length > 1_000) return null;
    const dot = link.lastIndexOf('.');
    if (dot < 0) return null;
    const body = link.slice(0, dot);
    // Compared as the text Baton wrote: base64url's decoder skips what is not its alphabet and
    // the spare bits of the last character, so a changed link still decoded to the signature.
    const presented = Buffer.from(link.slice(dot + 1), 'utf8');
    if (!sameBytes(presented, Buffer.from(sign(body).toString('base64url'), 'utf8'))) return null;
    try {
      const parsed = claimsSchema.safeParse(
        JSON.parse(Buffer.from(body.slice(LINK_PREFIX.length), 'base64url').toString('utf8')),
      );
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  return {
    /** A link to `approvalId` for `personId`, opening once until `ttlMs` from now. */
    mint(approvalId: string, personId: string, ttlMs = LINK_TTL_MS): string {
      const claims = {
        a: approvalId,
        p: personId,
        x: deps.now() + ttlMs,
        n: randomBytes(16).toString('base64url'),
      } satisfies z.infer<typeof claimsSchema>;
      const body = `${LINK_PREFIX}${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return `${body}.${sign(body).toString('base64url')}`;
    },

    /**
     * Opens a link presented by `presenter` (who the request is signed in as, or null): refused
     * when Baton did not sign it, it expired, its person is gone, someone else is signed in (the
     * link stays unopened for its person), or it was opened before; else it is used up now.
     */
    open(link: string, presenter: Person | null): LinkOpened {
      const claims = claimsOf(link);
      if (!claims) return refuse('malformed');
      const now = deps.now();
      if (claims.x <= now) return refuse('expired');
      const person = deps.person(claims.p);
      if (!person) return refuse('malformed', 'this link is for someone no longer on this Baton');
      if (presenter && presenter.id !== person.id)
        return refuse(
          'not_yours',
          `this link is for ${person.name}; you are signed in as ${presenter.name}. Sign out first, or open the approval in Baton.`,
        );
      const taken = deps.db.transaction(() => {
        prune.run(now);
        return (
          take.run({
            nonce: claims.n,
            person_id: person.id,
            approval_id: claims.a,
            used_at: now,
            expires_at: claims.x,
          }).changes > 0
        );
      })();
      if (!taken) return refuse('used');
      return { ok: true, approval_id: claims.a, person, expires_at: claims.x };
    },
  };
}
export type Links = ReturnType<typeof createLinks>;
