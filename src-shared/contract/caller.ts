import { actorField } from './fields.ts';

/**
 * Who makes a call, carried beside its input on every transport (a socket call's `actor`, the
 * desktop bridge's third argument, the in-process client's own): the name the person said they
 * are (the UI's "who you are"), or what a program calls itself (`cli`). Baton has no sign-in in
 * this mode: it is the name changes are recorded with in the audit log, not a proof of who.
 */
export interface Caller {
  actor?: string | undefined;
}

/** What a handler is told of its caller (after the dispatch checked it): the actor, or null when none was said. */
export interface CallContext {
  readonly actor: string | null;
}

/** A call nobody named: what a handler is given when no transport said who calls. */
export const UNNAMED_CALL: CallContext = { actor: null };

/** Who a change is recorded as when neither the input nor the caller says. */
export const UNNAMED_ACTOR = 'user';

/** A caller's actor checked as an input's `actor` field is (trimmed, 1–200 characters), or an issue naming `actor`. */
export function callContextOf(
  caller: Caller | undefined,
): { ok: true; call: CallContext } | { ok: false; message: string } {
  if (caller?.actor === undefined) return { ok: true, call: UNNAMED_CALL };
  const parsed = actorField.safeParse(caller.actor);
  if (!parsed.success) return { ok: false, message: 'must be a name of 1 to 200 characters' };
  return { ok: true, call: { actor: parsed.data } };
}

/**
 * The actor a change is recorded with: the one the input names (methods that take `actor`),
 * else the caller's, else "user".
 */
export function actorOfCall(named: string | undefined | null, call: CallContext | undefined): string {
  return named ?? call?.actor ?? UNNAMED_ACTOR;
}
