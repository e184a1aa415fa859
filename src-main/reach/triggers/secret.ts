import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new trigger secret: 32 random bytes, base64url, with a prefix that says what it is. */
export function mintTriggerSecret(): string {
  return `btr_${randomBytes(32).toString('base64url')}`;
}

/** What is stored: SHA-256 of the secret (a 256-bit random secret needs no slow hash). */
export function hashTriggerSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether `presented` is the secret whose hash is stored, in time that does not depend on where they differ. */
export function secretMatches(presented: string | undefined, storedHash: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(hashTriggerSecret(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
