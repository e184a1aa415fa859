import { randomUUID } from 'node:crypto';
import type { PeopleHandlers } from '../../src-shared/contract/domains/people.ts';
import { roleAtLeast } from '../../src-shared/schemas/plain/people.ts';
import { AppError } from '../base/errors.ts';
import type { People } from './people.ts';

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
    'people.setPassword': ({ password }, call) => people.setPassword(people.mustBePerson(call), password),
    'people.signOutEverywhere': (_, call) => ({
      ended: people.sessions.endAll(people.mustBePerson(call).id),
    }),
    'people.passkeys': (_, call) =>
      people.repo.passkeys
        .of(people.mustBePerson(call).id)
        .map(({ id, name, created_at, last_used_at }) => ({ id, name, created_at, last_used_at })),
    'people.removePasskey': ({ passkey_id }, call) => ({
      removed: people.repo.passkeys.remove(passkey_id, people.mustBePerson(call).id),
    }),
    'people.tokens': (_, call) => people.sessions.tokensOf(people.mustBePerson(call).id),
    'people.createToken': ({ name, role }, call) => {
      const person = people.mustBePerson(call);
      const scope = role ?? call.role;
      if (!roleAtLeast(call.role, scope))
        throw new AppError('forbidden', `a token may do at most what you may: ${call.role}, not ${scope}`);
      return people.sessions.createToken(person.id, randomUUID(), name, scope);
    },
    'people.revokeToken': ({ token_id }, call) => ({
      revoked: people.sessions.revokeToken(people.mustBePerson(call).id, token_id),
    }),
  };
}
