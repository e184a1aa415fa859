import { randomBytes, randomUUID } from 'node:crypto';
import type { CallContext } from '../../src-shared/contract/caller.ts';
import { LOCAL_CALL } from '../../src-shared/contract/caller.ts';
import type { Invite, Person } from '../../src-shared/schemas/people.ts';
import type { Role } from '../../src-shared/schemas/plain/people.ts';
import { roleAtLeast } from '../../src-shared/schemas/plain/people.ts';
import { AppError, invalidInput } from '../base/errors.ts';
import type { Db } from '../store/db.ts';
import type { SignInLimitOptions } from './limits.ts';
import { SignInLimits } from './limits.ts';
import { createLinks } from './links.ts';
import { createPasskeys } from './passkeys.ts';
import { decoyHash, hashPassword, passwordsAvailable, verifyPassword } from './passwords.ts';
import type { Principal } from './principal.ts';
import type { InviteRow, PersonRow } from './repo.ts';
import { createPeopleRepo } from './repo.ts';
import { hashSecret, looksLike, mintSecret } from './secrets.ts';
import type { SessionLimits } from './sessions.ts';
import { createSessions } from './sessions.ts';

/** How recent a sign-in must be for a first password set over a browser session. */
const RECENT_SIGN_IN_MS = 15 * 60_000;

export interface PeopleOptions {
  db: Db;
  now: () => number;
  /** Writes an audit entry about a person (made, role changed, removed, invited). */
  audit: (e: {
    actor: string;
    entity_id: string;
    from: string | null;
    to: string | null;
    why: string;
  }) => void;
  sessions?: SessionLimits;
  limits?: SignInLimitOptions;
  /** The one-time links' signing key (kept in the data directory), asked for at first use; a new one per process without it. */
  linkKey?: () => Buffer;
}

/** What a password sign-in answers: the same for a wrong name and a wrong password. */
export type SignInResult =
  | { ok: true; person: Person }
  | { ok: false; why: 'wrong' }
  | { ok: false; why: 'locked'; retry_after_s: number };

/**
 * People on this Baton: accounts and roles, invitations, sign-in by password (limited and locked
 * per name and address, the same answer and cost for a name nobody has), sessions and tokens
 * (sessions.ts), passkeys (passkeys.ts), and the call context of each proven caller.
 */
export function createPeople(opts: PeopleOptions) {
  const repo = createPeopleRepo(opts.db);
  const iso = (t = opts.now()) => new Date(t).toISOString();
  const shown = (row: PersonRow): Person => ({
    id: row.id,
    name: row.name,
    role: row.role,
    created_at: row.created_at,
    invited_by: row.invited_by,
    has_password: row.password_hash !== null,
    passkeys: repo.passkeyCount(row.id),
  });
  const sessions = createSessions(repo, opts.now, shown, opts.sessions);
  const passkeys = createPasskeys(repo, opts.now);
  const limits = new SignInLimits(opts.now, opts.limits);
  // The owner's account, read once and again after a change (every local call asks for it).
  let owner: Person | null | undefined;
  const ownerNow = (): Person | null => {
    if (owner === undefined) {
      const row = repo.owner();
      owner = row ? shown(row) : null;
    }
    return owner;
  };
  const changed = () => {
    owner = undefined;
  };

  /** What a handler is told of the caller. */
  function callOf(p: Principal): CallContext {
    switch (p.kind) {
      case 'local': {
        const person = ownerNow();
        return person ? { person, role: 'owner', via: 'local', actor: person.name } : LOCAL_CALL;
      }
      case 'session':
        return { person: p.person, role: p.person.role, via: 'session', actor: p.person.name };
      case 'token':
        return { person: p.person, role: p.role, via: 'token', actor: p.person.name };
      case 'worker':
        return { person: null, role: 'member', via: 'worker', actor: `worker:${p.name}` };
      case 'attempt':
        return { person: null, role: 'member', via: 'attempt', actor: 'agent' };
      case 'slack':
        return { person: p.person, role: p.person.role, via: 'slack', actor: p.person.name };
    }
  }

  function mustBePerson(call: CallContext): Person {
    if (!call.person)
      throw new AppError(
        'forbidden',
        call.via === 'local'
          ? 'make the owner account first (Settings → People)'
          : 'only a signed-in person can do this',
      );
    return call.person;
  }

  /** A new person's name, checked free (whatever its case). */
  function nameFree(name: string, path = 'name'): void {
    if (repo.byName(name))
      throw invalidInput('that name is taken', [{ path, message: `"${name}" is taken` }]);
    // Approvers are named by name: a newcomer must not become a removed approver.
    if (repo.retired(name))
      throw invalidInput('that name is taken', [
        { path, message: `"${name}" was a removed person's name; plans may still name them: choose another` },
      ]);
  }

  /** A live invitation by its secret, or null (used, expired, revoked, never made). */
  function openInvite(secret: string | undefined): InviteRow | null {
    if (!looksLike('invite', secret)) return null;
    const row = repo.invites.byHash(hashSecret(secret));
    if (!row || row.used_at !== null || Date.parse(row.expires_at) <= opts.now()) return null;
    return row;
  }

  /**
   * That a session was signed in within RECENT_SIGN_IN_MS, for a change of how its person signs in
   * (a first password, a passkey added or removed, a token made): a copy of an older cookie, and
   * its page's key, cannot make the account its holder's.
   */
  const signedInLately = (personId: string, sessionId: string, what: string): void => {
    const s = repo.sessions.of(personId).find((x) => x.id === sessionId);
    if (!s || Date.parse(s.created_at) + RECENT_SIGN_IN_MS < opts.now())
      throw new AppError(
        'forbidden',
        `${what} is done within 15 minutes of signing in: sign out, sign in again, then do it`,
      );
  };

  /** That a session's holder is `person` now, not only whoever holds a copy of its cookie. */
  const provePerson = async (person: Person, sessionId: string, current: string | undefined) => {
    const row = repo.get(person.id);
    if (!row) throw new AppError('not_found', `no person "${person.id}"`);
    if (row.password_hash === null) return signedInLately(person.id, sessionId, 'setting a first password');
    if (current === undefined)
      throw new AppError('invalid_input', 'current_password: your current password is needed to change it', {
        issues: [{ path: 'current_password', message: 'your current password is needed to change it' }],
      });
    const where = `session:${sessionId}`;
    const wait = limits.blocked(row.name, where);
    if (wait !== null)
      throw new AppError('forbidden', `current_password: too many wrong tries; try again in ${wait} s`);
    if (!(await verifyPassword(current, row.password_hash))) {
      limits.failed(row.name, where);
      throw new AppError('forbidden', 'current_password: not your current password');
    }
    limits.succeeded(row.name);
  };
  const get = (id: string): Person | null => {
    const row = repo.get(id);
    return row ? shown(row) : null;
  };
  const links = createLinks({
    db: opts.db,
    key: opts.linkKey ?? (() => randomBytes(32)),
    now: opts.now,
    person: get,
  });

  return {
    repo,
    sessions,
    passkeys,
    /** One-time links in notifications: minted for one approval and person, opened once. */
    links,
    limits,
    callOf,
    mustBePerson,
    owner: ownerNow,
    count: () => repo.count(),
    get,
    list: (): Person[] => repo.list().map(shown),

    setupOwner(name: string): Person {
      const id = randomUUID();
      if (!repo.insertFirst({ id, name, created_at: iso() }))
        throw new AppError('conflict', 'this Baton has its owner already; others join by invitation');
      changed();
      opts.audit({
        actor: name,
        entity_id: id,
        from: null,
        to: 'owner',
        why: `${name} made the owner account`,
      });
      return shown(repo.get(id)!);
    },

    invite(by: CallContext, role: Role, days: number): { invite: Invite; secret: string; path: string } {
      if (!roleAtLeast(by.role, role) || (role === 'owner' && by.role !== 'owner'))
        throw new AppError('forbidden', `a ${by.role} cannot invite a ${role}`);
      if (role === 'owner')
        throw invalidInput('one owner', [{ path: 'role', message: 'a Baton has one owner' }]);
      const secret = mintSecret('invite');
      const t = opts.now();
      const invite: Invite = {
        id: randomUUID(),
        role,
        created_by: by.actor ?? 'owner',
        created_at: iso(t),
        expires_at: iso(t + days * 24 * 3600_000),
      };
      repo.invites.insert({ ...invite, secret_hash: hashSecret(secret) });
      opts.audit({
        actor: invite.created_by,
        entity_id: invite.id,
        from: null,
        to: 'invited',
        why: `invited a ${role}`,
      });
      return { invite, secret, path: `/join#invite=${secret}` };
    },
    invites: (): Invite[] =>
      repo.invites.open(iso()).map(({ id, role, created_by, created_at, expires_at }) => ({
        id,
        role,
        created_by,
        created_at,
        expires_at,
      })),
    revokeInvite: (id: string): boolean => repo.invites.revoke(id),
    /** What an invitation offers (its role), or null: nothing else is said of a dead one. */
    inviteOf(secret: string | undefined): { role: Role } | null {
      const row = openInvite(secret);
      return row ? { role: row.role } : null;
    },

    /**
     * A new person from an invitation, in one transaction: the invitation is taken (once: a second
     * use finds it used), the person made, and their first passkey stored with them.
     */
    join(
      secret: string | undefined,
      name: string,
      credential:
        | { password_hash: string }
        | { passkey: { id: string; public_key: Buffer; counter: number; transports: string } },
    ): Person {
      const row = openInvite(secret);
      if (!row)
        throw new AppError(
          'not_found',
          'this invitation was used, revoked or has expired; ask for a new one',
        );
      const id = randomUUID();
      const at = iso();
      opts.db.transaction(() => {
        nameFree(name);
        if (!repo.invites.use(row.id, at))
          throw new AppError(
            'not_found',
            'this invitation was used, revoked or has expired; ask for a new one',
          );
        repo.insert({
          id,
          name,
          role: row.role,
          password_hash: 'password_hash' in credential ? credential.password_hash : null,
          invited_by: row.created_by,
          created_at: at,
        });
        if ('passkey' in credential)
          repo.passkeys.insert({
            ...credential.passkey,
            person_id: id,
            name: 'First passkey',
            created_at: at,
          });
      })();
      opts.audit({
        actor: name,
        entity_id: id,
        from: null,
        to: row.role,
        why: `${name} joined as ${row.role} (invited by ${row.created_by})`,
      });
      return shown(repo.get(id)!);
    },

    /** Checks a name and password; the same answer, after the same work, for a name nobody has. */
    async signIn(name: string, password: string, address: string): Promise<SignInResult> {
      const wait = limits.blocked(name, address);
      if (wait !== null) return { ok: false, why: 'locked', retry_after_s: wait };
      const row = repo.byName(name);
      const hash = row?.password_hash ?? (await decoyHash());
      const good = (await verifyPassword(password, hash)) && row?.password_hash != null;
      if (!good || !row) {
        limits.failed(name, address);
        return { ok: false, why: 'wrong' };
      }
      limits.succeeded(name);
      return { ok: true, person: shown(row) };
    },

    /**
     * Sets `person`'s password. Over a browser session (a cookie that may have been copied) the
     * change needs the current password when there is one, checked under the sign-in limits, and a
     * first password needs a session signed in within `RECENT_SIGN_IN_MS`; at this machine neither.
     */
    /** Over a browser session, that it was signed in lately (`signedInLately`); at the machine, or a token's call (refused elsewhere), nothing. */
    signedInLately(principal: Principal | null, what: string): void {
      if (principal?.kind === 'session') signedInLately(principal.person.id, principal.session_id, what);
    },

    async setPassword(
      person: Person,
      password: string,
      proof: { session_id?: string; current_password?: string } = {},
    ): Promise<Person> {
      if (!passwordsAvailable)
        throw new AppError(
          'unavailable',
          'this runtime cannot hash passwords (Node 24.7 or later): set it from `baton serve`',
        );
      if (proof.session_id !== undefined) await provePerson(person, proof.session_id, proof.current_password);
      repo.setPassword(person.id, await hashPassword(password));
      changed();
      opts.audit({
        actor: person.name,
        entity_id: person.id,
        from: null,
        to: null,
        why: `${person.name} set a password`,
      });
      return shown(repo.get(person.id)!);
    },
    hashPassword,

    setRole(by: CallContext, personId: string, role: Role): Person {
      const row = repo.get(personId);
      if (!row) throw new AppError('not_found', `no person "${personId}"`);
      if (row.role === 'owner' || role === 'owner')
        throw new AppError('forbidden', 'the owner stays the owner; a Baton has one');
      if (!roleAtLeast(by.role, row.role) || !roleAtLeast(by.role, role))
        throw new AppError('forbidden', `a ${by.role} cannot change a ${row.role} to ${role}`);
      repo.setRole(personId, role);
      opts.audit({
        actor: by.actor ?? 'owner',
        entity_id: personId,
        from: row.role,
        to: role,
        why: `${row.name} is now ${role}`,
      });
      // Sessions read the role at each call; a token's is the lesser of its own and this one.
      return shown(repo.get(personId)!);
    },

    /** Removes a person: their sessions, tokens and passkeys go with the row; open sockets are closed. */
    remove(by: CallContext, personId: string): boolean {
      const row = repo.get(personId);
      if (!row) return false;
      if (row.role === 'owner') throw new AppError('forbidden', 'the owner cannot be removed');
      if (!roleAtLeast(by.role, row.role))
        throw new AppError('forbidden', `a ${by.role} cannot remove a ${row.role}`);
      const done = repo.remove(personId, iso());
      if (done) {
        opts.audit({
          actor: by.actor ?? 'owner',
          entity_id: personId,
          from: row.role,
          to: 'removed',
          why: `${row.name} was removed`,
        });
        sessions.tell({ person_id: personId });
      }
      return done;
    },
  };
}
export type People = ReturnType<typeof createPeople>;
