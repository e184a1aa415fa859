import type { Invite, Passkey, PersonalToken } from '../../src-shared/schemas/people.ts';
import type { Role } from '../../src-shared/schemas/plain/people.ts';
import type { Db } from '../store/db.ts';

/** A person as stored. */
export interface PersonRow {
  id: string;
  name: string;
  role: Role;
  password_hash: string | null;
  invited_by: string | null;
  created_at: string;
}
export interface SessionRow {
  id: string;
  person_id: string;
  secret_hash: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** The hash of the key the signed-in page keeps (migration 049); null: made before, not usable. */
  page_hash: string | null;
}
export interface TokenRow extends PersonalToken {
  person_id: string;
  secret_hash: string;
}
export interface PasskeyRow extends Passkey {
  person_id: string;
  public_key: Buffer;
  counter: number;
  transports: string;
}
export interface InviteRow extends Invite {
  secret_hash: string;
  used_at: string | null;
}

/** The people tables' SQL (migration 035): secrets are stored as hashes only, by the callers. */
export function createPeopleRepo(db: Db) {
  const q = {
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM people'),
    canSignIn: db.prepare<[], { yes: number }>(
      'SELECT EXISTS (SELECT 1 FROM people WHERE password_hash IS NOT NULL) OR EXISTS (SELECT 1 FROM passkeys) AS yes',
    ),
    all: db.prepare<[], PersonRow>(
      "SELECT * FROM people ORDER BY role = 'owner' DESC, created_at, name COLLATE NOCASE",
    ),
    one: db.prepare<[string], PersonRow>('SELECT * FROM people WHERE id = ?'),
    byName: db.prepare<[string], PersonRow>('SELECT * FROM people WHERE name = ? COLLATE NOCASE'),
    owner: db.prepare<[], PersonRow>("SELECT * FROM people WHERE role = 'owner' ORDER BY created_at LIMIT 1"),
    insert: db.prepare(
      `INSERT INTO people (id, name, role, password_hash, invited_by, created_at)
       VALUES (@id, @name, @role, @password_hash, @invited_by, @created_at)`,
    ),
    // The first account only: made while there is none.
    insertFirst: db.prepare(
      `INSERT INTO people (id, name, role, password_hash, invited_by, created_at)
       SELECT @id, @name, 'owner', NULL, NULL, @created_at WHERE NOT EXISTS (SELECT 1 FROM people)`,
    ),
    setRole: db.prepare('UPDATE people SET role = ? WHERE id = ?'),
    setPassword: db.prepare('UPDATE people SET password_hash = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM people WHERE id = ?'),
    retire: db.prepare(
      'INSERT OR IGNORE INTO retired_names (name, person_id, retired_at) SELECT name, id, ? FROM people WHERE id = ?',
    ),
    retired: db.prepare<[string], { name: string }>(
      'SELECT name FROM retired_names WHERE name = ? COLLATE NOCASE',
    ),
    passkeyCount: db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM passkeys WHERE person_id = ?',
    ),
    sessionInsert: db.prepare(
      `INSERT INTO person_sessions (id, person_id, secret_hash, created_at, last_seen_at, expires_at, page_hash)
       VALUES (@id, @person_id, @secret_hash, @created_at, @last_seen_at, @expires_at, @page_hash)`,
    ),
    sessionByHash: db.prepare<[string], SessionRow>('SELECT * FROM person_sessions WHERE secret_hash = ?'),
    sessionSeen: db.prepare('UPDATE person_sessions SET last_seen_at = ? WHERE id = ?'),
    sessionEnd: db.prepare('DELETE FROM person_sessions WHERE id = ?'),
    sessionsOf: db.prepare<[string], SessionRow>('SELECT * FROM person_sessions WHERE person_id = ?'),
    sessionsEndOf: db.prepare('DELETE FROM person_sessions WHERE person_id = ?'),
    tokenInsert: db.prepare(
      `INSERT INTO person_tokens (id, person_id, name, role, secret_hash, created_at)
       VALUES (@id, @person_id, @name, @role, @secret_hash, @created_at)`,
    ),
    tokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM person_tokens WHERE secret_hash = ?'),
    tokensOf: db.prepare<[string], TokenRow>(
      'SELECT * FROM person_tokens WHERE person_id = ? ORDER BY created_at, id',
    ),
    tokenUsed: db.prepare('UPDATE person_tokens SET last_used_at = ? WHERE id = ?'),
    tokenRevoke: db.prepare('DELETE FROM person_tokens WHERE id = ? AND person_id = ?'),
    passkeyInsert: db.prepare(
      `INSERT INTO passkeys (id, person_id, name, public_key, counter, transports, created_at)
       VALUES (@id, @person_id, @name, @public_key, @counter, @transports, @created_at)`,
    ),
    passkey: db.prepare<[string], PasskeyRow>('SELECT * FROM passkeys WHERE id = ?'),
    passkeysOf: db.prepare<[string], PasskeyRow>(
      'SELECT * FROM passkeys WHERE person_id = ? ORDER BY created_at, id',
    ),
    passkeyUsed: db.prepare('UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ?'),
    passkeyRemove: db.prepare('DELETE FROM passkeys WHERE id = ? AND person_id = ?'),
    inviteInsert: db.prepare(
      `INSERT INTO invites (id, secret_hash, role, created_by, created_at, expires_at)
       VALUES (@id, @secret_hash, @role, @created_by, @created_at, @expires_at)`,
    ),
    inviteByHash: db.prepare<[string], InviteRow>('SELECT * FROM invites WHERE secret_hash = ?'),
    invitesOpen: db.prepare<[string], InviteRow>(
      'SELECT * FROM invites WHERE used_at IS NULL AND expires_at > ? ORDER BY created_at, id',
    ),
    // Used once: the one conditional write that takes it.
    inviteUse: db.prepare(
      'UPDATE invites SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?',
    ),
    inviteRevoke: db.prepare('DELETE FROM invites WHERE id = ? AND used_at IS NULL'),
  };
  return {
    db,
    count: (): number => q.count.get()!.n,
    /** Whether anyone can sign in here at all (a password or a passkey): else only the machine's owner uses it. */
    canSignIn: (): boolean => q.canSignIn.get()!.yes === 1,
    list: (): PersonRow[] => q.all.all(),
    get: (id: string): PersonRow | undefined => q.one.get(id),
    byName: (name: string): PersonRow | undefined => q.byName.get(name),
    owner: (): PersonRow | undefined => q.owner.get(),
    /** Whether a removed person had this name (whatever its case): nobody may take it again. */
    retired: (name: string): boolean => q.retired.get(name) !== undefined,
    /** False when the name is taken or retired (whatever its case). */
    insert(p: PersonRow): boolean {
      if (q.byName.get(p.name) || q.retired.get(p.name)) return false;
      q.insert.run(p);
      return true;
    },
    /** The owner's account, only while there is no account: false otherwise. */
    insertFirst: (p: { id: string; name: string; created_at: string }): boolean =>
      q.insertFirst.run(p).changes > 0,
    setRole: (id: string, role: Role): void => void q.setRole.run(role, id),
    setPassword: (id: string, hash: string | null): void => void q.setPassword.run(hash, id),
    /** Removes a person and retires their name, in one transaction. */
    remove: db.transaction((id: string, at: string): boolean => {
      q.retire.run(at, id);
      return q.remove.run(id).changes > 0;
    }),
    passkeyCount: (personId: string): number => q.passkeyCount.get(personId)!.n,
    sessions: {
      insert: (s: SessionRow): void => void q.sessionInsert.run(s),
      byHash: (hash: string): SessionRow | undefined => q.sessionByHash.get(hash),
      seen: (id: string, at: string): void => void q.sessionSeen.run(at, id),
      end: (id: string): boolean => q.sessionEnd.run(id).changes > 0,
      of: (personId: string): SessionRow[] => q.sessionsOf.all(personId),
      endAllOf: (personId: string): number => q.sessionsEndOf.run(personId).changes,
    },
    tokens: {
      insert: (t: Omit<TokenRow, 'last_used_at'>): void => void q.tokenInsert.run(t),
      byHash: (hash: string): TokenRow | undefined => q.tokenByHash.get(hash),
      of: (personId: string): TokenRow[] => q.tokensOf.all(personId),
      used: (id: string, at: string): void => void q.tokenUsed.run(at, id),
      revoke: (id: string, personId: string): boolean => q.tokenRevoke.run(id, personId).changes > 0,
    },
    passkeys: {
      insert: (p: Omit<PasskeyRow, 'last_used_at'>): void => void q.passkeyInsert.run(p),
      get: (id: string): PasskeyRow | undefined => q.passkey.get(id),
      of: (personId: string): PasskeyRow[] => q.passkeysOf.all(personId),
      used: (id: string, counter: number, at: string): void => void q.passkeyUsed.run(counter, at, id),
      remove: (id: string, personId: string): boolean => q.passkeyRemove.run(id, personId).changes > 0,
    },
    invites: {
      insert: (i: Omit<InviteRow, 'used_at'>): void => void q.inviteInsert.run(i),
      byHash: (hash: string): InviteRow | undefined => q.inviteByHash.get(hash),
      open: (now: string): InviteRow[] => q.invitesOpen.all(now),
      use: (id: string, now: string): boolean => q.inviteUse.run(now, id, now).changes > 0,
      revoke: (id: string): boolean => q.inviteRevoke.run(id).changes > 0,
    },
  };
}
export type PeopleRepo = ReturnType<typeof createPeopleRepo>;
