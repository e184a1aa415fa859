import { randomUUID } from 'node:crypto';
import type { CallContext } from '../../src-shared/contract/caller.ts';
import type { PeopleHandlers } from '../../src-shared/contract/domains/people.ts';
import { roleAtLeast } from '../../src-shared/schemas/plain/people.ts';
import { AppError } from '../base/errors.ts';
import type { People } from './people.ts';
import { currentPrincipal } from './principal.ts';

/**
 * The caller's person, for a change of how they sign in (password, passkeys, sessions, tokens):
 * signed in (a session) or at this machine, never with a personal token. A token holds the lesser
 * of its role and its person's; one that set the password signed in as the person, with their
 * whole role, and locked them out.
 */
function signedInPerson(people: People, call: CallContext, what: string) {
  if (call.via !== 'session' && call.via !== 'local')
    throw new AppError(
      'forbidden',
      `${what} is done signed in (the app, or a browser signed in as you), not with ${call.via === 'token' ? 'a personal token' : `a ${call.via}'s call`}`,
    );
  return people.mustBePerson(call);
}

/** The caller's person for a change of how they sign in, over a session signed in lately only. */
function lately(people: People, call: CallContext, what: string) {
  const person = signedInPerson(people, call, what);
  people.signedInLately(currentPrincipal(), what);
  return person;
}

/** Whether the call comes with the personal token `tokenId` itself. */
function ownToken(tokenId: string): boolean {
  const p = currentPrincipal();
  return p.kind === 'token' && p.token_id === tokenId;
}

/** The `people.*` methods: who acts is always the call's proven person, never an input. */
export function peopleHandlers(people: People): PeopleHandlers {
  return {
    'people.me': (_, call) => ({
      person: call.person,
      role: call.role,
      via: call.via === 'session' || call.via === 'token' ? call.via : 'local',
      setup_needed: call.via === 'local' && call.person === null,
    }),
    'people.setupOwner': ({ name }, call) => {
      if (call.via !== 'local')
        throw new AppError(
          'forbidden',
          "the owner's account is made at this machine (the app, or the loopback link)",
        );
      return people.setupOwner(name);
    },
    'people.list': () => people.list(),
    'people.invite': ({ role, days }, call) => people.invite(call, role, days ?? 7),
    'people.invites': () => people.invites(),
    'people.revokeInvite': ({ invite_id }) => ({ revoked: people.revokeInvite(invite_id) }),
    'people.setRole': ({ person_id, role }, call) => people.setRole(call, person_id, role),
    'people.remove': ({ person_id }, call) => ({ removed: people.remove(call, person_id) }),
    'people.setPassword': ({ password, current_password }, call) => {
      const p = currentPrincipal();
      return people.setPassword(signedInPerson(people, call, 'setting a password'), password, {
        ...(p.kind === 'session' ? { session_id: p.session_id } : {}),
        ...(current_password !== undefined ? { current_password } : {}),
      });
    },
    'people.signOutEverywhere': (_, call) => ({
      ended: people.sessions.endAll(signedInPerson(people, call, 'signing out everywhere').id),
    }),
    'people.passkeys': (_, call) =>
      people.repo.passkeys
        .of(people.mustBePerson(call).id)
        .map(({ id, name, created_at, last_used_at }) => ({ id, name, created_at, last_used_at })),
    'people.removePasskey': ({ passkey_id }, call) => ({
      removed: people.repo.passkeys.remove(passkey_id, lately(people, call, 'removing a passkey').id),
    }),
    'people.tokens': (_, call) => people.sessions.tokensOf(people.mustBePerson(call).id),
    'people.createToken': ({ name, role }, call) => {
      const person = lately(people, call, 'making a token');
      const scope = role ?? call.role;
      if (!roleAtLeast(call.role, scope))
        throw new AppError('forbidden', `a token may do at most what you may: ${call.role}, not ${scope}`);
      return people.sessions.createToken(person.id, randomUUID(), name, scope);
    },
    'people.revokeToken': ({ token_id }, call) => ({
      // A token may end itself (`baton logout`), no other.
      revoked: people.sessions.revokeToken(
        (ownToken(token_id) ? people.mustBePerson(call) : signedInPerson(people, call, 'revoking a token'))
          .id,
        token_id,
      ),
    }),
  };
}
