import { z } from 'zod';
import type { Invite, Me, Passkey, Person, PersonalToken } from '../../schemas/people.ts';
import { passwordSchema, personNameSchema } from '../../schemas/people.ts';
import { ROLES } from '../../schemas/plain/people.ts';
import { none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

const personRef = z.strictObject({ person_id: z.string().min(1, 'person_id must name a person').max(200) });
const roleField = z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` });

/**
 * People on this Baton (src-main/people/): who the caller is, the owner's first account, invitations
 * (a one-time link each), roles, removal, and each person's own passkeys and personal access
 * tokens. Signing in, signing out and adding a passkey happen over HTTP at `/auth/` (they set or
 * end a session cookie); these methods never take who acts from their input: the host proves it.
 */
export const peopleMethods = {
  /** Who calls: their person (null at this machine before the owner's account exists), role and how they are known. */
  'people.me': method(none).returns<Me>(),
  /** The owner's account, made once, from this machine (the desktop window, the loopback launch token). */
  'people.setupOwner': method(z.strictObject({ name: personNameSchema })).returns<Person>(),
  /** Everyone on this Baton, the owner first. */
  'people.list': method(none).returns<Person[]>(),
  /**
   * A one-time link for a new person with `role` (at most the inviter's own): the secret is in the
   * answer only (`/join?invite=<secret>`), stored hashed, good once, for `days` (7 by default).
   */
  'people.invite': method(
    z.strictObject({
      role: roleField,
      days: z.number().int().min(1, 'days is 1 to 30').max(30, 'days is 1 to 30').optional(),
    }),
  ).returns<{ invite: Invite; secret: string; path: string }>(),
  /** Invitations not yet used nor expired. */
  'people.invites': method(none).returns<Invite[]>(),
  'people.revokeInvite': method(z.strictObject({ invite_id: z.string().min(1).max(200) })).returns<{
    revoked: boolean;
  }>(),
  /** Changes a person's role (never the owner's; at most the caller's own). Their open sessions hold the new role at once. */
  'people.setRole': method(personRef.extend({ role: roleField })).returns<Person>(),
  /** Removes a person: their sessions, tokens, passkeys end at once (open sockets closed). The owner cannot be removed. */
  'people.remove': method(personRef).returns<{ removed: boolean }>(),
  /**
   * Sets (or replaces) the caller's own password. Signed in through a browser, a change needs
   * `current_password`, and a first password a sign-in within the last 15 minutes.
   */
  'people.setPassword': method(
    z.strictObject({ password: passwordSchema, current_password: z.string().max(1024).optional() }),
  ).returns<Person>(),
  /** Ends every session of the caller (this one too) and closes their open sockets. */
  'people.signOutEverywhere': method(none).returns<{ ended: number }>(),
  /** The caller's passkeys. */
  'people.passkeys': method(none).returns<Passkey[]>(),
  'people.removePasskey': method(z.strictObject({ passkey_id: z.string().min(1).max(200) })).returns<{
    removed: boolean;
  }>(),
  /** The caller's personal access tokens (never their secrets). */
  'people.tokens': method(none).returns<PersonalToken[]>(),
  /**
   * A personal access token for the CLI and scripts (`Authorization: Bearer`, `BATON_TOKEN`): the
   * secret is in the answer only. `role`: the most it may do (at most the caller's role; theirs by default).
   */
  'people.createToken': method(
    z.strictObject({
      name: z.string().trim().min(1, 'name the token (what it is for)').max(100),
      role: roleField.optional(),
    }),
  ).returns<{ token: PersonalToken; secret: string }>(),
  'people.revokeToken': method(z.strictObject({ token_id: z.string().min(1).max(200) })).returns<{
    revoked: boolean;
  }>(),
};

export type PeopleHandlers = HandlersOf<typeof peopleMethods>;
