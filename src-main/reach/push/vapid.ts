import { createRequire } from 'node:module';
import { z } from 'zod';
import { keptKey } from '../../store/kept-key.ts';

/** Baton's VAPID key pair (P-256, base64url), which push services know its messages by. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const keysSchema = z.strictObject({
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/),
  privateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

/** Where the key pair is kept in the data directory (0600). */
export const VAPID_FILE = 'push-vapid.json';

/**
 * The VAPID key pair, made once by `web-push` and kept in the data directory (`null`: an app
 * without one keeps a pair for its life). A browser's subscription is bound to the public key: a
 * new pair means every browser subscribes again.
 */
export function vapidKeys(dataDir: string | null): () => VapidKeys {
  let keys: VapidKeys | null = null;
  return () => {
    if (keys) return keys;
    // web-push is CommonJS: required here, the first time a key is asked for, not at start.
    const make = () =>
      JSON.stringify(
        (createRequire(import.meta.url)('web-push') as typeof import('web-push')).generateVAPIDKeys(),
      );
    const valid = (kept: string) => {
      try {
        return keysSchema.safeParse(JSON.parse(kept)).success;
      } catch {
        return false;
      }
    };
    keys = keysSchema.parse(
      JSON.parse(dataDir === null ? make() : keptKey(dataDir, VAPID_FILE, make, valid)),
    );
    return keys;
  };
}
