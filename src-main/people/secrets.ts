import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The secrets people hold (a session's cookie, a personal access token, an invitation, a command line's sign-in): 32
 * random bytes, base64url, behind a prefix that says what each is. Only the SHA-256 is stored:
 * a 256-bit random secret needs no slow hash.
 */
export const SECRET_PREFIX = {
  session: 'bps_',
  page: 'bpk_',
  token: 'bpt_',
  invite: 'bpi_',
  device: 'bpd_',
} as const;

export function mintSecret(kind: keyof typeof SECRET_PREFIX): string {
  return `${SECRET_PREFIX[kind]}${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether a presented string has the shape of a secret of this kind (checked before any lookup). */
export function looksLike(
  kind: keyof typeof SECRET_PREFIX,
  presented: string | undefined,
): presented is string {
  return (
    typeof presented === 'string' && presented.startsWith(SECRET_PREFIX[kind]) && presented.length <= 200
  );
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
