import type { Person, PersonalToken } from '../../src-shared/schemas/people.ts';
import type { Role } from '../../src-shared/schemas/plain/people.ts';
import { lesserRole } from '../../src-shared/schemas/plain/people.ts';
import type { PeopleRepo, PersonRow } from './repo.ts';
import { hashSecret, looksLike, mintSecret, sameBytes } from './secrets.ts';

/** How long a session lasts: unused for `idleMs`, or at most `maxMs` after sign-in. */
export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}
export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 7 * 24 * 3600_000, maxMs: 30 * 24 * 3600_000 };

/** How often a session's or token's last use is written: a busy page needs no write per call. */
const SEEN_EVERY_MS = 60_000;

/** What ended: one session, one token, or every session and token of a person (neither named). */
export interface Ended {
  person_id: string;
  session_id?: string;
  token_id?: string;
}

/**
 * Sessions (a browser's cookie) and personal access tokens: minted here, stored hashed, checked on
 * every request and socket message (nothing is cached, so an end takes effect on the next call),
 * and told to `ended` listeners (the host closes the sockets they opened).
 */
export function createSessions(
  repo: PeopleRepo,
  now: () => number,
  shown: (row: PersonRow) => Person,
  limits: SessionLimits = DEFAULT_SESSION_LIMITS,
) {
  const listeners = new Set<(e: Ended) => void>();
  const iso = (t = now()) => new Date(t).toISOString();
  const tell = (e: Ended) => {
    for (const l of listeners) l(e);
  };
  return {
    onEnded(listener: (e: Ended) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    tell,
    /**
     * A new session for a person: its secret (the cookie's value), the key its page keeps in its
     * own storage (`pageHolds`), and when it ends at the latest.
     */
    start(
      personId: string,
      id: string,
    ): { secret: string; page_key: string; expires_at: string; max_age_s: number } {
      const secret = mintSecret('session');
      const page_key = mintSecret('page');
      const t = now();
      const expires_at = iso(t + limits.maxMs);
      repo.sessions.insert({
        id,
        person_id: personId,
        secret_hash: hashSecret(secret),
        created_at: iso(t),
        last_seen_at: iso(t),
        expires_at,
        page_hash: hashSecret(page_key),
      });
      return { secret, page_key, expires_at, max_age_s: Math.floor(limits.maxMs / 1000) };
    },
    /**
     * Whether a request with the session cookie `secret` comes from the page that signed in: it
     * sends the key that page keeps (`localStorage`, kept per origin, port included). Cookies ignore
     * ports: another server on the same host name (an agent's dev server) receives the cookie, never
     * the page's storage.
     */
    pageHolds(secret: string, pageKey: string | undefined): boolean {
      if (!looksLike('session', secret) || !looksLike('page', pageKey)) return false;
      const s = repo.sessions.byHash(hashSecret(secret));
      return (
        s !== undefined &&
        s.page_hash !== null &&
        sameBytes(Buffer.from(s.page_hash), Buffer.from(hashSecret(pageKey)))
      );
    },
    /** The person a session cookie is, if it is live; an expired one is removed as it is seen. */
    verify(secret: string | undefined): { person: Person; session_id: string } | null {
      if (!looksLike('session', secret)) return null;
      const s = repo.sessions.byHash(hashSecret(secret));
      if (!s) return null;
      const t = now();
      const seen = Date.parse(s.last_seen_at);
      if (Date.parse(s.expires_at) <= t || seen + limits.idleMs <= t) {
        repo.sessions.end(s.id);
        return null;
      }
      const person = repo.get(s.person_id);
      if (!person) return null;
      if (t - seen >= SEEN_EVERY_MS) repo.sessions.seen(s.id, iso(t));
      return { person: shown(person), session_id: s.id };
    },
    /** Signs a session out (its cookie is refused from now on, wherever it was copied). */
    end(secret: string | undefined): boolean {
      if (!looksLike('session', secret)) return false;
      const s = repo.sessions.byHash(hashSecret(secret));
      if (!s || !repo.sessions.end(s.id)) return false;
      tell({ person_id: s.person_id, session_id: s.id });
      return true;
    },
    /** Ends every session of a person; how many there were. */
    endAll(personId: string): number {
      const n = repo.sessions.endAllOf(personId);
      tell({ person_id: personId });
      return n;
    },
    /** A new personal access token; its secret is in the answer only. */
    createToken(
      personId: string,
      id: string,
      name: string,
      role: Role,
    ): { token: PersonalToken; secret: string } {
      const secret = mintSecret('token');
      const created_at = iso();
      repo.tokens.insert({
        id,
        person_id: personId,
        name,
        role,
        secret_hash: hashSecret(secret),
        created_at,
      });
      return { token: { id, name, role, created_at, last_used_at: null }, secret };
    },
    /** The person a token speaks for and the most it may do now (the lesser of its role and theirs). */
    verifyToken(secret: string | undefined): { person: Person; token_id: string; role: Role } | null {
      if (!looksLike('token', secret)) return null;
      const t = repo.tokens.byHash(hashSecret(secret));
      if (!t) return null;
      const person = repo.get(t.person_id);
      if (!person) return null;
      const at = now();
      if (t.last_used_at === null || at - Date.parse(t.last_used_at) >= SEEN_EVERY_MS)
        repo.tokens.used(t.id, iso(at));
      return { person: shown(person), token_id: t.id, role: lesserRole(t.role, person.role) };
    },
    tokensOf: (personId: string): PersonalToken[] =>
      repo.tokens.of(personId).map(({ id, name, role, created_at, last_used_at }) => ({
        id,
        name,
        role,
        created_at,
        last_used_at,
      })),
    revokeToken(personId: string, tokenId: string): boolean {
      const done = repo.tokens.revoke(tokenId, personId);
      if (done) tell({ person_id: personId, token_id: tokenId });
      return done;
    },
  };
}
export type Sessions = ReturnType<typeof createSessions>;
