import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
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
 * name is asked first, so nothing says who exists). Each ceremony is a token handed to the page:
 * its challenge, the page's origin and host name, its expiry (`CHALLENGE_MS`) and its data, signed
 * with a key this process made. Nothing is kept while a ceremony is pending, so however many
 * option requests anyone sends, no one else's ceremony can be pushed out; only a challenge that
 * verified is remembered, until it expires, so it is used once.
 */
const CHALLENGE_MS = 5 * 60_000;

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

/** The longest ceremony token a request may carry (its data is an invitation and a name at most). */
export const MAX_CEREMONY = 4_000;

export function createPasskeys(repo: PeopleRepo, now: () => number, rpName = 'Baton') {
  // A restart makes a new key: ceremonies begun before it fail, as they did when kept in memory.
  const key = randomBytes(32);
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest();
  /** Challenges that verified (or are being verified), until they expire: each is used once. */
  const used = new Map<string, number>();
  const keep = <T>(challenge: string, site: Site, data: T): string => {
    const p: Pending<T> = { challenge, site, expires: now() + CHALLENGE_MS, data };
    const payload = Buffer.from(JSON.stringify(p)).toString('base64url');
    return `${payload}.${mac(payload).toString('base64url')}`;
  };
  /**
   * The ceremony's challenge if its token is ours, unexpired, from this site and not used; it is
   * marked used until `done` says it did not verify (a failed try is counted by the caller, and
   * marking failures would let anyone fill this map with tokens they asked for).
   */
  const take = <T>(token: string, site: Site): { p: Pending<T>; done: (ok: boolean) => void } | null => {
    const t = now();
    for (const [c, expires] of used) if (expires <= t) used.delete(c);
    const [payload, sig, extra] = token.split('.');
    if (!payload || !sig || extra !== undefined) return null;
    const given = Buffer.from(sig, 'base64url');
    const expected = mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const p = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Pending<T>;
    if (p.expires <= t || p.site.origin !== site.origin || p.site.rpId !== site.rpId) return null;
    if (used.has(p.challenge)) return null;
    used.set(p.challenge, p.expires);
    return {
      p,
      done: (ok) => {
        if (!ok) used.delete(p.challenge);
      },
    };
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
      const taken = take<T>(ceremony, site);
      if (!taken) return null;
      const { p, done } = taken;
      const { verifyRegistrationResponse } = await webauthn();
      const v = await verifyRegistrationResponse({
        response,
        expectedChallenge: p.challenge,
        expectedOrigin: site.origin,
        expectedRPID: site.rpId,
        requireUserVerification: false,
      }).catch(() => null);
      done(v?.verified === true);
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
      const taken = take<null>(ceremony, site);
      if (!taken) return null;
      const { p, done } = taken;
      const key = typeof response?.id === 'string' ? repo.passkeys.get(response.id) : undefined;
      if (!key) {
        done(false);
        return null;
      }
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
      done(v?.verified === true);
      if (!v?.verified) return null;
      repo.passkeys.used(key.id, v.authenticationInfo.newCounter, new Date(now()).toISOString());
      return key.person_id;
    },
  };
}
export type Passkeys = ReturnType<typeof createPasskeys>;
