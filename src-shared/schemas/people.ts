import { z } from 'zod';
import type { Role } from './plain/people.ts';
import { decidersText, roleAtLeast } from './plain/people.ts';

/** A person's name: how they sign in and how every decision and audit entry names them. */
export const personNameSchema = z
  .string({ error: 'a name of 1 to 100 characters' })
  .trim()
  .min(1, 'a name of 1 to 100 characters')
  .max(100, 'a name of 1 to 100 characters')
  .regex(/^[^\s@:/][^@:/]*$/u, 'a name without @, : or /, not starting with a space');

/** A password: 10 to 200 characters (long passphrases welcome; never stored, only its hash). */
export const passwordSchema = z
  .string({ error: 'a password of 10 to 200 characters' })
  .min(10, 'a password of 10 to 200 characters')
  .max(200, 'a password of 10 to 200 characters');

export interface Person {
  id: string;
  name: string;
  role: Role;
  created_at: string;
  /** Who invited them (a person's name); null for the owner. */
  invited_by: string | null;
  has_password: boolean;
  passkeys: number;
}

/** A personal access token as listed (never its secret): for the CLI and scripts. */
export interface PersonalToken {
  id: string;
  name: string;
  /** The most it may do: the lesser of this and its person's role at each use. */
  role: Role;
  created_at: string;
  last_used_at: string | null;
}

/** A passkey as listed: a name the person gave it, and when it was made and last used. */
export interface Passkey {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** An invitation: a one-time link that makes one person with `role`. */
export interface Invite {
  id: string;
  role: Role;
  created_by: string;
  created_at: string;
  expires_at: string;
}

/**
 * How the caller is known: the machine's owner at this machine (the desktop window, the loopback
 * launch token, the CLI on this machine), a browser session (a cookie after sign-in), or a
 * personal access token.
 */
export const VIAS = ['local', 'session', 'token'] as const;
export type Via = (typeof VIAS)[number];

/** Who the caller is (`people.me`). */
export interface Me {
  /** Null at this machine before the owner account is made (`setup_needed`). */
  person: Person | null;
  role: Role;
  via: Via;
  /** No account yet: the owner makes theirs (`people.setupOwner`) from this machine. */
  setup_needed: boolean;
}

/**
 * Who may decide an approval, as a task, a plan or a workspace names it: people by name, and/or
 * the least role. Named alone, only those people decide (and the owner); with a role, anyone
 * holding it too. Nothing named: any member.
 */
export const approversSchema = z
  .strictObject({
    role: z.enum(['member', 'admin', 'owner'], { error: 'role must be member, admin or owner' }).optional(),
    people: z.array(personNameSchema).min(1, 'people names at least one person').max(50).optional(),
  })
  .refine((a) => a.role !== undefined || a.people !== undefined, {
    message: 'name a role, people, or both',
  });
export type Approvers = z.infer<typeof approversSchema>;

/** Who may decide an approval, and where that was said (`default`: nothing named, any member). */
export interface Deciders extends Approvers {
  from: 'task' | 'plan' | 'workspace' | 'default';
  /**
   * The workspace's own approvers, when a task or plan names others: a plan (any member may
   * write one) narrows its workspace's rule, never widens it; a decider passes both.
   */
  workspace?: Approvers;
}

export const DEFAULT_DECIDERS: Deciders = { role: 'member', from: 'default' };

/**
 * Whether a person may decide an approval with these deciders, and why not. One rule for every
 * view (the inbox, a phone, a link, Slack): the host enforces it, the UI shows it.
 */
export function mayDecide(
  deciders: Approvers & { workspace?: Approvers | undefined },
  who: { name: string | null; role: Role },
): { ok: true } | { ok: false; why: string } {
  if (who.role === 'viewer') return { ok: false, why: 'a viewer sees approvals but does not decide them' };
  if (who.role === 'owner') return { ok: true };
  const named = (d: Approvers) =>
    (who.name !== null && d.people?.includes(who.name) === true) ||
    (d.role !== undefined && roleAtLeast(who.role, d.role));
  if (named(deciders) && (deciders.workspace === undefined || named(deciders.workspace))) return { ok: true };
  return { ok: false, why: `only ${decidersText(deciders)} may decide this` };
}
