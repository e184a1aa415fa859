import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { CSRF_HEADER, PAGE_KEY_STORAGE } from '../../../src-shared/contract/socket-auth.ts';
import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import type { Person } from '../../../src-shared/schemas/people.ts';
import type { Role } from '../../../src-shared/schemas/plain/people.ts';
import { TOKEN_KEY } from './access.ts';

/**
 * Signing in, joining by invitation and adding a passkey: the host's `/auth/` routes, from this
 * page only (same origin, the CSRF header), which set or end the session cookie. The passkey
 * ceremonies go through @simplewebauthn/browser.
 */

/** Why a sign-in step failed, in the host's words. */
export class AuthError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * The key this origin's pages keep for their session (the host gives it at sign-in): sent with the
 * cookie, which alone proves nothing (any server on this host name receives it; cookies ignore ports).
 */
export const pageKey = (): string | null => localStorage.getItem(PAGE_KEY_STORAGE);

async function send<T>(path: string, body?: unknown, method: 'GET' | 'POST' = 'POST'): Promise<T> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      [CSRF_HEADER]: pageKey() ?? '1',
      ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
      // At this machine, the launch token is the owner (adding the owner's passkey).
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json().catch(() => ({}))) as {
    error?: { code: string; message: string };
    page_key?: unknown;
  } & T;
  if (!res.ok)
    throw new AuthError(json.error?.code ?? String(res.status), json.error?.message ?? res.statusText);
  // Signed in (or joined): this page's key of the session, kept for this origin's tabs.
  if (typeof json.page_key === 'string') localStorage.setItem(PAGE_KEY_STORAGE, json.page_key);
  return json;
}

/** Who this browser is signed in as (by its cookie), and whether anyone can sign in here at all. */
export async function session(): Promise<{ person: Person | null; sign_in: boolean }> {
  try {
    const r = await send<{ person: Person | null; via: string | null; sign_in?: boolean }>(
      '/auth/me',
      undefined,
      'GET',
    );
    return { person: r.via === 'session' ? r.person : null, sign_in: r.sign_in === true };
  } catch {
    return { person: null, sign_in: false };
  }
}

export const signedIn = async (): Promise<Person | null> => (await session()).person;

export const signIn = (name: string, password: string) =>
  send<{ person: Person }>('/auth/sign-in', { name, password });

export async function signInWithPasskey(): Promise<Person> {
  const { ceremony, options } = await send<{
    ceremony: string;
    options: Parameters<typeof startAuthentication>[0]['optionsJSON'];
  }>('/auth/passkey/options', {});
  const response = await startAuthentication({ optionsJSON: options });
  return (await send<{ person: Person }>('/auth/passkey/sign-in', { ceremony, response })).person;
}

/** What an invitation offers, or null when it is used, revoked or expired. */
export async function invitation(secret: string): Promise<{ role: Role } | null> {
  try {
    return await send<{ role: Role }>('/auth/invite', { invite: secret });
  } catch {
    return null;
  }
}

export const joinWithPassword = (invite: string, name: string, password: string) =>
  send<{ person: Person }>('/auth/join', { invite, name, password });

export async function joinWithPasskey(invite: string, name: string): Promise<Person> {
  const { ceremony, options } = await send<{
    ceremony: string;
    options: Parameters<typeof startRegistration>[0]['optionsJSON'];
  }>('/auth/join/passkey/options', { invite, name });
  const response = await startRegistration({ optionsJSON: options });
  return (await send<{ person: Person }>('/auth/join/passkey', { ceremony, response })).person;
}

/** Adds a passkey to the signed-in person (or the owner at this machine). */
export async function addPasskey(name: string): Promise<void> {
  const { ceremony, options } = await send<{
    ceremony: string;
    options: Parameters<typeof startRegistration>[0]['optionsJSON'];
  }>('/auth/passkey/add/options', {});
  const response = await startRegistration({ optionsJSON: options });
  await send('/auth/passkey/add', { ceremony, response, name });
}

export const signOut = () =>
  send('/auth/sign-out', {}).finally(() => localStorage.removeItem(PAGE_KEY_STORAGE));

/** Whether this browser can make and use passkeys. */
export const passkeysHere = (): boolean => typeof window.PublicKeyCredential === 'function';

/** What a one-time link opens: its approval (read-only), whom it is for, and whether that is who is signed in here. */
export interface OpenedLink {
  approval: ApprovalView;
  person: { id: string; name: string };
  signed_in: boolean;
}

/** Opens a one-time link from a notification (once: a second opening is refused). */
export const openLink = (link: string) => send<OpenedLink>('/auth/link', { link });

/** A command line waiting to sign in (`baton login --url`), as the page asks about it. */
export interface DeviceSignIn {
  user_code: string;
  host: string;
  person: { id: string; name: string };
  role: Role;
  decided: 'approved' | 'denied' | null;
}

/** The command line waiting with `code`, to be answered by whoever is signed in here. */
export const deviceSignIn = (code: string) =>
  send<DeviceSignIn>(`/auth/device?code=${encodeURIComponent(code)}`, undefined, 'GET');

/** Lets that command line sign in as the person signed in here, or refuses it. */
export const decideDevice = (code: string, approve: boolean) =>
  send<{ decided: 'approved' | 'denied' }>('/auth/device/decide', { user_code: code, approve });
