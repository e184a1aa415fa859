import type { Role } from '../../../src-shared/schemas/plain/people.ts';
import { client$ } from './client.ts';

/** The `people.*` calls: who acts is the host's proven caller, never a name sent from here. */
export const peopleApi = {
  me: () => client$().invoke('people.me', {}),
  setupOwner: (name: string) => client$().invoke('people.setupOwner', { name }),
  list: () => client$().invoke('people.list', {}),
  invite: (role: Role) => client$().invoke('people.invite', { role }),
  invites: () => client$().invoke('people.invites', {}),
  revokeInvite: (invite_id: string) => client$().invoke('people.revokeInvite', { invite_id }),
  setRole: (person_id: string, role: Role) => client$().invoke('people.setRole', { person_id, role }),
  remove: (person_id: string) => client$().invoke('people.remove', { person_id }),
  setPassword: (password: string, current_password?: string) =>
    client$().invoke('people.setPassword', {
      password,
      ...(current_password ? { current_password } : {}),
    }),
  signOutEverywhere: () => client$().invoke('people.signOutEverywhere', {}),
  passkeys: () => client$().invoke('people.passkeys', {}),
  removePasskey: (passkey_id: string) => client$().invoke('people.removePasskey', { passkey_id }),
  tokens: () => client$().invoke('people.tokens', {}),
  createToken: (name: string, role: Role) => client$().invoke('people.createToken', { name, role }),
  revokeToken: (token_id: string) => client$().invoke('people.revokeToken', { token_id }),
};
