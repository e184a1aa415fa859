import type { Person, Role, Via } from '../schemas/people.ts';

/**
 * What a handler is told of who calls, after the dispatch proved and checked it: never taken from
 * the call's input. `person`: the signed-in person (a session, a personal token, or the owner at
 * this machine once the owner's account exists); null for the machine's owner before that, and
 * for programs that are no person (a remote worker, an agent's attempt). `actor`: the name a
 * change is recorded with (the person's name; else what the input said, as before people).
 */
export interface CallContext {
  readonly person: Person | null;
  readonly role: Role;
  readonly via: Via | 'worker' | 'attempt';
  readonly actor: string | null;
}

/** The machine's owner before any account: what a handler is given when nobody else is proven. */
export const LOCAL_CALL: CallContext = { person: null, role: 'owner', via: 'local', actor: null };
