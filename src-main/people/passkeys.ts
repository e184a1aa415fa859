import { randomUUID } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { PasskeyRow, PeopleRepo } from './repo.ts';

/**
 * The WebAuthn library, loaded at the first ceremony: it and its ASN.1 and certificate packages
 * are about 250 modules, which `baton serve` would otherwise read before it answers anything.
 */
let library: Promise<typeof import('@simplewebauthn/server')> | undefined;
const webauthn = () => (library ??= import('@simplewebauthn/server'));

/**
 * Passkeys (WebAuthn) through @simplewebauthn/server: registration (a new person joining by an
 * invitation, or a signed-in person adding one) and sign-in with a discoverable credential (no
 * name is asked first, so nothing says who exists). Each ceremony's challenge is kept here for
 * `CHALLENGE_MS`, used once, and bound to the page's origin and host name it was asked from.
 */
const CHALLENGE_MS = 5 * 60_000;
const MAX_CHALLENGES = 2_000;

/** Where a ceremony happens: the page's origin and its host name (the relying party's id). */
export interface Site {
  origin: string;
  rpId: string;
}

interface Pending<T> {
  challenge: string;
  site: Site;
  expires: number;
  data: T;
}

export function createPasskeys(repo: PeopleRepo, now: () => number, rpName = 'Baton') {
  const pending = new Map<string, Pending<unknown>>();
  const keep = <T>(challenge: string, site: Site, data: T): string => {
    const id = randomUUID();
    for (const [k, p] of pending) if (p.expires <= now()) pending.delete(k);
    if (pending.size >= MAX_CHALLENGES) pending.delete(pending.keys().next().value!);
    pending.set(id, { challenge, site, expires: now() + CHALLENGE_MS, data });
    return id;
  };
  /** The ceremony's challenge, once: gone after this whether it verifies or not. */
  const take = <T>(id: string, site: Site): Pending<T> | null => {
    const p = pending.get(id);
    pending.delete(id);
    if (!p || p.expires <= now() || p.site.origin !== site.origin || p.site.rpId !== site.rpId) return null;
    return p as Pending<T>;
  };
  return {
    /** Options to make a passkey for `user` (a new person's or a signed-in one's), and the ceremony's id. */
    async registrationOptions<T>(
      site: Site,
      user: { id: string; name: string; existing: PasskeyRow[] },
      data: T,
    ): Promise<{ ceremony: string; options: PublicKeyCredentialCreationOptionsJSON }> {
      const { generateRegistrationOptions } = await webauthn();
      const options = await generateRegistrationOptions({
        rpName,
        rpID: site.rpId,
        userName: user.name,
        userID: new TextEncoder().encode(user.id),
        attestationType: 'none',
        excludeCredentials: user.existing.map((k) => ({ id: k.id, transports: JSON.parse(k.transports) })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      });
      return { ceremony: keep(options.challenge, site, data), options };
    },
    /** The new passkey, verified, with the ceremony's data; null when it does not verify. */
    async verifyRegistration<T>(
      site: Site,
      ceremony: string,
      response: RegistrationResponseJSON,
    ): Promise<{
      data: T;
      key: { id: string; public_key: Buffer; counter: number; transports: string };
    } | null> {
      const p = take<T>(ceremony, site);
      if (!p) return null;
      const { verifyRegistrationResponse } = await webauthn();
      const v = await verifyRegistrationResponse({
        response,
        expectedChallenge: p.challenge,
        expectedOrigin: site.origin,
        expectedRPID: site.rpId,
        requireUserVerification: false,
      }).catch(() => null);
      if (!v?.verified) return null;
      const c = v.registrationInfo.credential;
      return {
        data: p.data,
        key: {
          id: c.id,
          public_key: Buffer.from(c.publicKey),
          counter: c.counter,
          transports: JSON.stringify(c.transports ?? []),
        },
      };
    },
    /** Options to sign in with any passkey of this site: the authenticator offers what it holds. */
    async signInOptions(
      site: Site,
    ): Promise<{ ceremony: string; options: PublicKeyCredentialRequestOptionsJSON }> {
      const { generateAuthenticationOptions } = await webauthn();
      const options = await generateAuthenticationOptions({ rpID: site.rpId, userVerification: 'preferred' });
      return { ceremony: keep(options.challenge, site, null), options };
    },
    /** The person whose passkey signed the challenge (its counter moved on), or null. */
    async verifySignIn(
      site: Site,
      ceremony: string,
      response: AuthenticationResponseJSON,
    ): Promise<string | null> {
      const p = take<null>(ceremony, site);
      if (!p || typeof response?.id !== 'string') return null;
      const key = repo.passkeys.get(response.id);
      if (!key) return null;
      const { verifyAuthenticationResponse } = await webauthn();
      const v = await verifyAuthenticationResponse({
        response,
        expectedChallenge: p.challenge,
        expectedOrigin: site.origin,
        expectedRPID: site.rpId,
        credential: {
          id: key.id,
          publicKey: new Uint8Array(key.public_key),
          counter: key.counter,
          transports: JSON.parse(key.transports),
        },
        requireUserVerification: false,
      }).catch(() => null);
      if (!v?.verified) return null;
      repo.passkeys.used(key.id, v.authenticationInfo.newCounter, new Date(now()).toISOString());
      return key.person_id;
    },
  };
}
export type Passkeys = ReturnType<typeof createPasskeys>;
