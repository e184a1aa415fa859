import type { Person, Via } from '../schemas/people.ts';
import type { Role } from '../schemas/plain/people.ts';
import { actorField } from './fields.ts';

/**
 * What a transport says of who calls, beside a call's input (a socket call's `actor`, the
 * desktop bridge's third argument, the in-process client's own): the name a person said they are
 * (the UI's "who you are" where nobody signs in), or what a program calls itself (`cli`). Never a
 * proof: a signed-in person (`CallContext.person`, which the host proves) replaces it.
 */
export interface Caller {
  actor?: string | undefined;
}

/**
 * What a handler is told of who calls, after the dispatch proved and checked it: never taken from
 * the call's input. `person`: the signed-in person (a session, a personal token, or the owner at
 * this machine once the owner's account exists); null for the machine's owner before that, and
 * for programs that are no person (a remote worker, an agent's attempt). `actor`: the name a
 * change is recorded with: the person's name; else the name the transport said (`Caller`); null
 * when neither.
 */
export interface CallContext {
  readonly person: Person | null;
  readonly role: Role;
  readonly via: Via | 'worker' | 'attempt' | 'slack';
  readonly actor: string | null;
}

/** The machine's owner before any account: what a handler is given when nobody else is proven. */
export const LOCAL_CALL: CallContext = { person: null, role: 'owner', via: 'local', actor: null };

/** Who a change is recorded as when neither the input nor the caller says. */
export const UNNAMED_ACTOR = 'user';

/**
 * A caller's said name checked as an input's `actor` field is (trimmed, 1–200 characters): the
 * name, null when none was said, or why it is refused.
 */
export function saidActor(
  caller: Caller | undefined,
): { ok: true; actor: string | null } | { ok: false; message: string } {
  if (caller?.actor === undefined) return { ok: true, actor: null };
  const parsed = actorField.safeParse(caller.actor);
  if (!parsed.success) return { ok: false, message: 'must be a name of 1 to 200 characters' };
  return { ok: true, actor: parsed.data };
}

/**
 * The actor a change is recorded with: the one the input names (methods that take `actor`; the
 * dispatch put a signed-in person's name there), else the caller's, else "user".
 */
export function actorOfCall(named: string | undefined | null, call: CallContext | undefined): string {
  return named ?? call?.actor ?? UNNAMED_ACTOR;
}
