import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { SecretProtection } from '../../src-shared/contract/domains/secrets.ts';
import type { SecretStore } from './secrets.ts';

/** The file in the data directory that holds the secrets set through Baton. */
export const SECRETS_FILE = 'secrets.json';

/** Encrypts with a key the OS keeps (Electron safeStorage: Keychain, DPAPI, libsecret). */
export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

/** A secret the file holds, as far as anyone may see it: its name and how it is kept, never its value. */
export interface StoredSecret {
  name: string;
  /** `keychain`: encrypted with the OS keychain's key; `file`: plain text in the 0600 file. */
  protection: SecretProtection;
  /** False for a secret encrypted by a keychain this process cannot use (the desktop app's, read by `baton serve`). */
  readable: boolean;
}

export interface WritableSecretStore extends SecretStore {
  /** How a secret set here is kept. */
  readonly protection: SecretProtection;
  /** The file the secrets are in. */
  readonly file: string;
  set(name: string, value: string): void;
  delete(name: string): boolean;
  names(): string[];
  /** Every stored secret, by name, without its value. */
  entries(): StoredSecret[];
}

/**
 * One entry of the file: a string is a value sealed by the OS keychain (base64), as the desktop
 * app has always written them; `{ plain }` is a value kept as it is, where no keychain is used.
 */
type Entry = string | { plain: string };

/**
 * Secrets in one file in the data directory, mode 0600 (the directory is 0700): only the user
 * who runs Baton can read it. With a `cipher` (the desktop app with an OS keychain) each value is
 * encrypted with the keychain's key; without one (`baton serve`, the CLI, a desktop without a
 * keychain) values are kept as they are, protected by the file's mode alone. The file is read on
 * every look-up, so a secret set by any process is used at once. Values leave this module only
 * through `get`, to the resolver.
 */
export function createFileSecretStore(file: string, cipher: SecretCipher | null): WritableSecretStore {
  const read = (): Record<string, Entry> => {
    if (!existsSync(file)) return {};
    const text = readFileSync(file, 'utf8');
    try {
      return JSON.parse(text) as Record<string, Entry>;
    } catch {
      throw new Error(`${file} is not valid JSON: fix or remove it (it holds Baton's stored secrets)`);
    }
  };
  const write = (all: Record<string, Entry>) => {
    // A name of its own, so two processes writing at once never share a half-written file.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, file);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  };
  const open = (entry: Entry | undefined): string | undefined => {
    if (entry === undefined) return undefined;
    if (typeof entry !== 'string') return typeof entry.plain === 'string' ? entry.plain : undefined;
    if (!cipher) return undefined;
    try {
      return cipher.decrypt(Buffer.from(entry, 'base64'));
    } catch {
      // Sealed by another keychain (another user, a reinstalled OS): as good as not stored.
      return undefined;
    }
  };
  return {
    protection: cipher ? 'keychain' : 'file',
    file,
    get(name) {
      const all = read();
      return Object.hasOwn(all, name) ? open(all[name]) : undefined;
    },
    set(name, value) {
      const entry: Entry = cipher ? cipher.encrypt(value).toString('base64') : { plain: value };
      write({ ...read(), [name]: entry });
    },
    delete(name) {
      const all = read();
      if (!Object.hasOwn(all, name)) return false;
      delete all[name];
      write(all);
      return true;
    },
    names: () => Object.keys(read()).sort(),
    entries() {
      const all = read();
      return Object.keys(all)
        .sort()
        .map((name) => {
          const entry = all[name]!;
          return {
            name,
            protection: typeof entry === 'string' ? 'keychain' : 'file',
            readable: open(entry) !== undefined,
          };
        });
    },
  };
}
